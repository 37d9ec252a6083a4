"""The xlsx import: template, upload, dry-run preview with row errors, confirmation, progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fees.forms import ImportForm
from fees.importing import jobs
from fees.importing.xlsx import template_workbook
from fees.models import FeeFiling, FeeImport, FeeItem, ProductKind
from fees.regions import RegionTree
from portal.jobs import progress_block


def _may_import(user) -> bool:
    return user.has_perm(FeeFiling.get_perm("add"))


@login_required
def template(request):
    if not _may_import(request.user):
        raise PermissionDenied
    tree = RegionTree()
    province = tree.province_of(request.user.region_id) if request.user.region_id else "410000"
    regions = [tree.nodes[code] for code in [province, *tree.city_level(province)] if code in tree.nodes]
    content = template_workbook(list(ProductKind.objects.all()), list(FeeItem.objects.all()), regions)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="fee-filing-template.xlsx"'
    return response


@login_required
def upload(request):
    if not _may_import(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            with transaction.atomic():
                job = form.save(commit=False)
                job.created_by = request.user
                job.original_name = form.cleaned_data["file"].name[:200]
                job.save()
                jobs.start(job, jobs.CHECK)
            return redirect(job)
    else:
        form = ImportForm()
    recent = FeeImport.objects.visible_to(request.user)[:10]
    return render(request, "fees/import_form.html", {"form": form, "recent": recent})


def _job(request, pk: int) -> FeeImport:
    return get_object_or_404(FeeImport.objects.visible_to(request.user), pk=pk)


@login_required
def detail(request, pk: int):
    job = _job(request, pk)
    return render(request, "fees/import_detail.html", {"job": job, "progress": jobs.progress_of(job)})


@login_required
def progress(request, pk: int):
    """The progress block, polled by HTMX while the job runs; a finished job asks for a reload."""
    job = _job(request, pk)
    return progress_block(
        request, "fees/includes/import_progress.html", {"job": job, "progress": jobs.progress_of(job)}, job
    )


@login_required
@require_POST
def confirm(request, pk: int):
    job = _job(request, pk)
    if job.status != FeeImport.Status.CHECKED:
        messages.error(request, _("This import is not ready to be written."))
        return redirect(job)
    with transaction.atomic():
        jobs.start(job, jobs.WRITE)
    return redirect(job)
