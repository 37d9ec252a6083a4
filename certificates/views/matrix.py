"""The recognition matrix pages (province and national level) and their xlsx exports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from certificates import exports, matrix, rendering
from certificates.models import RecognitionScope, RecognitionStatus
from supervision.conf import supervising_province, supervising_province_q
from supervision.models import Region


def _filters(request, default_region: str = "") -> matrix.Filters:
    return matrix.Filters.from_query(request.GET, default_region=default_region)


def _default_region(user) -> str:
    return user.region_id if getattr(user, "region_id", None) else supervising_province()


def _context(request, filters):
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "scopes": RecognitionScope.choices,
        "statuses": RecognitionStatus.choices,
        "query_without_page": query.urlencode(),
        "regions": Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY])
        .filter(supervising_province_q("code"))
        .values("code", "name")
        .order_by("code"),
    }


@login_required
def province(request):
    filters = _filters(request, _default_region(request.user))
    if request.GET.get("format") == "xlsx":
        result = matrix.province_matrix(request.user, filters, per_page=exports.EXPORT_VENDOR_LIMIT)
        return exports.xlsx_response(
            exports.province_workbook(result), f"recognition-{filters.region or 'province'}.xlsx"
        )
    result = matrix.province_matrix(request.user, filters, page=request.GET.get("page") or 1)
    context = _context(request, filters) | {"matrix": result, "rows_html": rendering.province_rows(result)}
    return render(request, "certificates/matrix_province.html", context)


@login_required
def national(request):
    filters = _filters(request)
    if request.GET.get("format") == "xlsx":
        result = matrix.national_matrix(request.user, filters, per_page=exports.EXPORT_VENDOR_LIMIT)
        return exports.xlsx_response(
            exports.national_workbook(result), f"recognition-national-{timezone.localdate():%Y%m%d}.xlsx"
        )
    result = matrix.national_matrix(request.user, filters, page=request.GET.get("page") or 1)
    context = _context(request, filters) | {"matrix": result, "rows_html": rendering.national_rows(result)}
    return render(request, "certificates/matrix_national.html", context)
