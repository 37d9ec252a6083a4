"""Editing a filing's lines in place (HTMX): each action returns the re-rendered lines block.
Without HTMX the same URLs redirect back to the filing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fees import forms
from fees.models import FeeFiling
from fees.views.filings import lines_context


def _editable_filing(request, pk: int) -> FeeFiling:
    filing = get_object_or_404(FeeFiling.objects.visible_to(request.user).select_related("vendor", "region"), pk=pk)
    if not request.user.has_perm("fees.change_feefiling", filing):
        raise PermissionDenied
    return filing


def _respond(request, filing, **kwargs):
    if request.htmx:
        return render(request, "fees/includes/lines.html", lines_context(request, filing, **kwargs))
    return redirect(filing)


def _save(request, form, filing) -> bool:
    try:
        with transaction.atomic():
            line = form.save(commit=False)
            line.filing = filing
            line._history_user = request.user
            line.save()
            filing._history_user = request.user
            filing.save(update_fields=["updated"])
    except IntegrityError:
        form.add_error("item", _("This filing already has a line for this product and fee item."))
        return False
    return True


@login_required
@require_POST
def add_line(request, pk: int):
    filing = _editable_filing(request, pk)
    form = forms.FeeFilingLineForm(request.POST, filing=filing)
    if form.is_valid() and _save(request, form, filing):
        return _respond(request, filing)
    if not request.htmx:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return _respond(request, filing, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def edit_line(request, pk: int, line_pk: int):
    filing = _editable_filing(request, pk)
    line = get_object_or_404(filing.lines, pk=line_pk)
    if request.method == "GET":
        return _respond(
            request, filing, editing=line.pk, edit_form=forms.FeeFilingLineForm(instance=line, filing=filing)
        )
    form = forms.FeeFilingLineForm(request.POST, instance=line, filing=filing)
    if form.is_valid() and _save(request, form, filing):
        return _respond(request, filing)
    if not request.htmx:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return _respond(request, filing, editing=line.pk, edit_form=form)


@login_required
@require_POST
def delete_line(request, pk: int, line_pk: int):
    filing = _editable_filing(request, pk)
    line = get_object_or_404(filing.lines, pk=line_pk)
    line._history_user = request.user
    line.delete()
    return _respond(request, filing)


@login_required
def lines_block(request, pk: int):
    """The lines block alone (cancel an edit)."""
    filing = get_object_or_404(FeeFiling.objects.visible_to(request.user).select_related("vendor", "region"), pk=pk)
    return _respond(request, filing)
