"""Tariffs in force (public), the benchmark table (frozen by the provincial administrator), the
comparison of vendors against the benchmark, and the list of current breaches."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fees import benchmarks as bm
from fees import clauses
from fees.breaches import OVERCHARGE, Breach
from fees.findings import breach_findings
from fees.importing.resource import FilingLineResource
from fees.models import Benchmark, FeeFiling, FeeFilingLine, FeeItem, FeePolicy, ProductKind
from fees.regions import RegionTree
from fees.tariffs import lines_in_force, tariffs_in_force
from fees.views.filings import xlsx_response
from portal import exports
from portal.accounts.scope import Scope
from portal.pagination import CappedPaginator
from supervision.models import CAVendor, Region


def _date(request) -> datetime.date:
    try:
        value = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()
    return max(min(value, datetime.date(2100, 1, 1)), datetime.date(2000, 1, 1))


def _province(request, tree: RegionTree) -> str:
    wanted = request.GET.get("province", "")
    if wanted in tree.nodes and tree[wanted].level == Region.Level.PROVINCE:
        return wanted
    user = request.user
    if user.is_authenticated and user.region_id:
        return tree.province_of(user.region_id) or wanted
    policy = FeePolicy.objects.order_by("province_id").first()
    return policy.province_id if policy else "410000"


def _region_choices(tree: RegionTree, province: str) -> list[tuple[str, str]]:
    codes = [province, *tree.city_level(province)] if province in tree.nodes else []
    return [(code, tree.name(code)) for code in codes]


def _default_region(request, choices: list[tuple[str, str]], fallback: str) -> str:
    """The region asked for; else the user's own city-level region when it is one of ``choices`` (a city
    administrator starts with its city), else ``fallback``."""
    wanted = request.GET.get("region")
    if wanted:
        return wanted
    own = getattr(request.user, "region_id", None)
    return own if own in dict(choices[1:]) else fallback


def _filing_url(name: str = "fees:public_filing"):
    """``url(filing_id)``: a filing's page (by default its public one), reversed once for a whole table."""
    pattern = reverse(name, args=[987654321]).replace("987654321", "{}")
    return pattern.format


def tariffs(request):
    """Public: each vendor's tariff in force in a region on a date, against the benchmark."""
    tree = RegionTree()
    province = _province(request, tree)
    choices = _region_choices(tree, province)
    region = _default_region(request, choices, choices[1][0] if len(choices) > 1 else province)
    if region not in dict(choices):
        raise Http404
    date = _date(request)
    found = tariffs_in_force(date, [region], tree=tree)
    vendors = CAVendor.objects.in_bulk({key[0] for key in found})
    products = {p.pk: p for p in ProductKind.objects.all()}
    items = {i.pk: i for i in FeeItem.objects.all()}
    benchmark = bm.effective_benchmarks(province, tree=tree)
    policy = FeePolicy.objects.filter(province_id=province).first()
    rules_apply = policy is not None and date >= policy.reference_date  # before it, higher fees were allowed
    vendor_ids = sorted(vendors, key=lambda pk: vendors[pk].short_name)
    pairs = sorted({(key[2], key[3]) for key in found}, key=lambda k: (products[k[0]].order, items[k[1]].order, k))
    url = _filing_url()
    rows = []
    for product_id, item_id in pairs:
        bench = benchmark.get((product_id, item_id))
        cells = []
        for vendor_id in vendor_ids:
            tariff = found.get((vendor_id, region, product_id, item_id))
            if tariff is None:
                cells.append(None)
                continue
            over = bench is not None and tariff.amount > bench.amount
            forbidden = items[item_id].prohibited and tariff.amount > 0
            cells.append(
                {
                    "amount": tariff.amount,
                    "filing_id": tariff.filing_id,
                    "url": url(tariff.filing_id),
                    "over": rules_apply and (over or forbidden),
                }
            )
        rows.append({"product": products[product_id], "item": items[item_id], "benchmark": bench, "cells": cells})
    return render(
        request,
        "fees/tariffs.html",
        {
            "rows": rows,
            "vendors": [vendors[pk] for pk in vendor_ids],
            "region": region,
            "region_name": tree.name(region),
            "regions": choices,
            "province": province,
            "date": date,
        },
    )


def tariffs_export(request):
    """Public: every tariff in force in the province on the date, as xlsx."""
    tree = RegionTree()
    province = _province(request, tree)
    date = _date(request)
    ids = list(lines_in_force(date, province, tree=tree))
    lines = (
        FeeFilingLine.objects.filter(pk__in=ids)
        .select_related("filing__vendor", "filing__region", "product", "item")
        .order_by("filing__vendor__short_name", "filing__region_id", "product__order", "item__order")
    )
    return xlsx_response(FilingLineResource().export(lines), f"tariffs-{province}-{date:%Y%m%d}.xlsx")


def public_filing(request, pk: int):
    """Public: an accepted filing and its lines."""
    filing = get_object_or_404(FeeFiling.objects.accepted().select_related("vendor", "region"), pk=pk)
    lines = filing.lines.select_related("product", "item")
    return render(request, "fees/public_filing.html", {"filing": filing, "lines": lines})


def _may_freeze(user, province: str) -> bool:
    """Freezing, replacing and removing the benchmark values of ``province`` (its rules permissions)."""
    return user.has_perm(Benchmark.get_perm("change"), Benchmark(province_id=province))


@login_required
def benchmark(request):
    tree = RegionTree()
    province = _province(request, tree)
    policy = FeePolicy.objects.filter(province_id=province).first()
    computed = bm.compute_benchmarks(province, tree=tree) if policy else {}
    frozen = bm.frozen_benchmarks(province)
    products = {p.pk: p for p in ProductKind.objects.all()}
    items = {i.pk: i for i in FeeItem.objects.all()}
    keys = sorted(set(computed) | set(frozen), key=lambda k: (products[k[0]].order, items[k[1]].order, k))
    vendors = CAVendor.objects.in_bulk({v.vendor_id for v in [*computed.values(), *frozen.values()]})
    rows = []
    for key in keys:
        value, fixed = computed.get(key), frozen.get(key)
        rows.append(
            {
                "key": f"{key[0]}-{key[1]}",
                "product": products[key[0]],
                "item": items[key[1]],
                "computed": value,
                "computed_vendor": vendors.get(value.vendor_id) if value else None,
                "computed_region": tree.name(value.region) if value else "",
                "frozen": fixed,
                "frozen_vendor": vendors.get(fixed.vendor_id) if fixed else None,
                "frozen_region": tree.name(fixed.region) if fixed else "",
                "differs": bool(value and fixed and (value.amount != fixed.amount or value.line_id != fixed.line_id)),
            }
        )
    can_freeze = _may_freeze(request.user, province)
    return render(
        request,
        "fees/benchmark.html",
        {
            "rows": rows,
            "policy": policy,
            "province": province,
            "province_name": tree.name(province),
            "can_freeze": can_freeze,
            "benchmark_date": bm.benchmark_date(policy) if policy else None,
            "basis": clauses.BENCHMARK,
        },
    )


@login_required
@require_POST
def freeze(request):
    province = request.POST.get("province", "")
    user = request.user
    if not _may_freeze(user, province):
        raise PermissionDenied
    keys = None
    if request.POST.get("key"):
        try:
            keys = [tuple(int(part) for part in request.POST["key"].split("-", 1))]
        except ValueError:
            keys = []
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "unfreeze":
            count = bm.unfreeze(province, user, keys, reason=reason)
            messages.success(request, _("%(n)d benchmark value(s) unfrozen.") % {"n": count})
        else:
            count = bm.freeze(province, user, keys, reason=reason)
            messages.success(
                request, _("%(n)d benchmark value(s) frozen; later filings are held against them.") % {"n": count}
            )
    except bm.FrozenBenchmarkChange:
        messages.error(request, _("A frozen benchmark changes only by a recorded decision: give the reason."))
    return redirect(reverse("fees:benchmark") + f"?province={province}")


COMPARE_PER_PAGE = 50


@login_required
def compare(request):
    """Each vendor's tariff for one product and item in a region, against the benchmark (chart)."""
    tree = RegionTree()
    province = _province(request, tree)
    choices = _region_choices(tree, province)
    products = list(ProductKind.objects.all())
    items = list(FeeItem.objects.filter(prohibited=False))
    try:
        product = int(request.GET.get("product") or products[0].pk)
        item = int(request.GET.get("item") or items[0].pk)
    except (ValueError, IndexError):
        raise Http404 from None
    region = _default_region(request, choices, province)
    if region not in dict(choices):
        raise Http404
    date = _date(request)
    regions = [code for code, _name in choices[1:]] if region == province else [region]
    found = tariffs_in_force(date, regions, products=[product], items=[item], tree=tree)
    bench = bm.effective_benchmarks(province, tree=tree).get((product, item))
    vendors = CAVendor.objects.in_bulk({key[0] for key in found})
    bars = sorted(
        (
            {
                "vendor": vendors[key[0]].short_name,
                "region": tree.name(key[1]),
                "amount": tariff.amount,
                "filing_id": tariff.filing_id,
                "over": bench is not None and tariff.amount > bench.amount,
            }
            for key, tariff in found.items()
        ),
        key=lambda bar: (bar["region"], bar["vendor"]),
    )
    title = _("Fee comparison")
    chosen = [
        (_("product"), next((p.name for p in products if p.pk == product), str(product))),
        (_("fee item"), next((i.name for i in items if i.pk == item), str(item))),
        (_("region"), _("every city-level region") if region == province else dict(choices)[region]),
        (_("date"), date.isoformat()),
    ]
    if exports.wanted(request):
        return exports.respond(
            request,
            exports.Table(
                title=title,
                headers=[_("CA vendor"), _("region"), _("amount (yuan)"), _("filing")],
                rows=[[bar["vendor"], bar["region"], bar["amount"], f"#{bar['filing_id']}"] for bar in bars],
                count=len(bars),
                filters=chosen,
            ),
        )
    # A province's every vendor in every city is a thousand bars: a page of them at a time.
    printing = request.GET.get("print") == "1"
    paginator = Paginator(bars, 2000 if printing else COMPARE_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404 from exc
    url = _filing_url("fees:feefiling_detail")
    shown = [bar | {"url": url(bar["filing_id"])} for bar in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    chart = {
        "labels": [f"{b['vendor']} · {b['region']}" if region == province else b["vendor"] for b in shown],
        "amounts": [str(b["amount"]) for b in shown],
        "over": [b["over"] for b in shown],
        "benchmark": str(bench.amount) if bench else None,
        "amount_label": _("amount (yuan)"),
        "benchmark_label": _("benchmark"),
    }
    return render(
        request,
        "fees/compare.html",
        {
            "bars": shown,
            "paginator": paginator,
            "page_obj": page,
            "is_paginated": paginator.num_pages > 1,
            "query_without_page": query.urlencode(),
            "printing": printing,
            "chart": chart,
            "benchmark": bench,
            "products": products,
            "items": items,
            "product": product,
            "item": item,
            "regions": choices,
            "region": region,
            "province": province,
            "date": date,
            "title": title,
            "active_filters": chosen,
        },
    )


RULE_NAMES = {
    "overcharge": gettext_lazy("over-charge"),
    "prohibited_fee": gettext_lazy("prohibited fee"),
    "repeated_charge": gettext_lazy("repeated charge"),
}
RULE_FILTERS = {
    "overcharge": gettext_lazy("Over-charges"),
    "prohibited_fee": gettext_lazy("Prohibited fees"),
    "repeated_charge": gettext_lazy("Repeated charges"),
}
BENCHMARK_BASIS = {bm.FROZEN: gettext_lazy("frozen"), bm.COMPUTED: gettext_lazy("computed")}
SOURCES = {
    "in_force": gettext_lazy("in force"),
    "submitted": gettext_lazy("awaiting review"),
    "accepted": gettext_lazy("accepted, not yet in force"),
}
BREACH_HEADERS = [
    gettext_lazy("rule"),
    gettext_lazy("CA vendor"),
    gettext_lazy("region"),
    gettext_lazy("product"),
    gettext_lazy("fee item"),
    gettext_lazy("amount (yuan)"),
    gettext_lazy("benchmark"),
    gettext_lazy("benchmark basis"),
    gettext_lazy("excess"),
    gettext_lazy("filing"),
    gettext_lazy("state"),
]


BREACHES_PER_PAGE = 50


def breach_rows(findings, names: dict, today: datetime.date) -> list[dict]:
    """The page's rows of ``findings`` (fee-rule findings, ``fees.findings.breach_findings``)."""
    findings = list(findings)
    filings = FeeFiling.objects.in_bulk({finding.facts["filing_id"] for finding in findings})
    regions = dict(
        Region.objects.filter(code__in={finding.facts["region"] for finding in findings}).values_list("code", "name")
    )
    rows = []
    for finding in findings:
        breach = Breach.from_facts(finding.kind, finding.facts)
        filing = filings.get(breach.filing_id)
        if filing is None or filing.status == FeeFiling.Status.SUBMITTED:
            source = "submitted"
        else:
            source = "in_force" if filing.effective_date <= today else "accepted"
        rows.append(
            {
                "finding": finding,
                "breach": breach,
                "source": source,
                "effective_date": filing.effective_date if filing else None,
                "vendor": names["vendor"].get(breach.vendor_id),
                "region": regions.get(breach.region, breach.region),
                "product": names["product"].get(breach.product_id),
                "item": names["item"].get(breach.item_id),
            }
        )
    return rows


@login_required
def overcharges(request):
    """The fee rules' current breaches that the user may see: the findings raised on submission and by the
    daily sweep (``fees.findings.breach_findings``), newest first, a page at a time."""

    user = request.user
    scope = Scope.of(user) if not user.is_superuser else None
    if not user.is_superuser and (scope is None or scope.platform_id):
        raise PermissionDenied
    findings = breach_findings(user)
    kind = request.GET.get("kind", "")
    if kind in RULE_NAMES:
        findings = findings.filter(kind=kind)
    names = {
        "vendor": CAVendor.objects.in_bulk(),
        "product": ProductKind.objects.in_bulk(),
        "item": FeeItem.objects.in_bulk(),
    }
    today = timezone.localdate()
    title = _("Fee breaches")
    filters = [(_("rule"), str(RULE_FILTERS[kind]))] if kind in RULE_FILTERS else []
    if exports.wanted(request):
        return exports.respond(
            request,
            exports.Table(
                title=title,
                headers=[str(header) for header in BREACH_HEADERS],
                rows=(
                    _breach_cells(row)
                    for chunk in _chunks(findings.iterator(chunk_size=500), 500)
                    for row in breach_rows(chunk, names, today)
                ),
                count=findings.count(),
                filters=filters,
            ),
        )
    printing = request.GET.get("print") == "1"
    paginator = CappedPaginator(findings, 2000 if printing else BREACHES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404 from exc
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fees/overcharges.html",
        {
            "rows": breach_rows(page.object_list, names, today),
            "kind": kind,
            "overcharge": OVERCHARGE,
            "today": today,
            "title": title,
            "active_filters": filters,
            "paginator": paginator,
            "page_obj": page,
            "is_paginated": paginator.capped or paginator.num_pages > 1,
            "query_without_page": query.urlencode(),
            "printing": printing,
        },
    )


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _breach_cells(row: dict) -> list:
    """One breach as the page's row shows it."""
    breach = row["breach"]
    return [
        RULE_NAMES.get(breach.kind, breach.kind),
        row["vendor"].short_name,
        row["region"],
        row["product"].name,
        row["item"].name,
        breach.amount,
        breach.benchmark,
        BENCHMARK_BASIS.get(breach.benchmark_source) if breach.benchmark is not None else None,
        breach.excess,
        f"#{breach.filing_id}",
        SOURCES[row["source"]],
    ]
