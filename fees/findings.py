"""The one place where the fee rules talk to supervision: breaches become findings (raised once per
dedup key through ``supervision.services``), and open cases about them block new acceptances."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import BigIntegerField, Exists, OuterRef
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fees.breaches import OVERCHARGE, PROHIBITED, REPEATED, Breach
from fees.models import FeeFiling, FeeFilingLine, FeeItem, ProductKind
from fees.money import yuan
from fees.regions import RegionTree
from portal.accounts.scope import Scope
from portal.bulk import among
from supervision import services
from supervision.models import CAVendor, Finding, RectificationCase

RULE_KINDS = (OVERCHARGE, PROHIBITED, REPEATED)  # raised and re-checked by the fee rules
FEE_FINDING_KINDS = (*RULE_KINDS, "complaint_upheld")


def describe(breach: Breach, names: dict) -> str:
    """One sentence for the finding, in the portal's language (Chinese first). It says what the vendor
    filed: a finding raised on submission rests on the filing, not on fees seen charged."""
    params = {
        "vendor": names["vendor"].get(breach.vendor_id, breach.vendor_id),
        "region": names["region"](breach.region),
        "product": names["product"].get(breach.product_id, breach.product_id),
        "item": names["item"].get(breach.item_id, breach.item_id),
        "amount": yuan(breach.amount),
        "filing": breach.filing_id,
    }
    if breach.kind == OVERCHARGE:
        return _(
            "Over-charge: the fee %(vendor)s filed for %(product)s / %(item)s in %(region)s is %(amount)s yuan, "
            "above the provincial benchmark of %(benchmark)s yuan by %(excess)s yuan (filing #%(filing)s)."
        ) % (params | {"benchmark": yuan(breach.benchmark), "excess": yuan(breach.excess)})
    if breach.kind == PROHIBITED:
        return _(
            "Prohibited fee: %(vendor)s filed a fee of %(amount)s yuan for %(item)s (%(product)s) in %(region)s, "
            "forbidden by %(directive)s (filing #%(filing)s)."
        ) % (params | {"directive": breach.forbidden_by})
    return (
        _(
            "Repeated charge: %(vendor)s filed a fee of %(amount)s yuan for %(product)s / %(item)s charged again for "
            "each further platform in %(region)s (filing #%(filing)s)."
        )
        % params
    )


def name_maps(breaches: Iterable[Breach]) -> dict:

    breaches = list(breaches)
    tree = RegionTree()
    return {
        "vendor": dict(CAVendor.objects.filter(pk__in={b.vendor_id for b in breaches}).values_list("pk", "name")),
        "product": dict(ProductKind.objects.values_list("pk", "name")),
        "item": dict(FeeItem.objects.values_list("pk", "name")),
        "region": tree.name,
    }


def report(breaches: Iterable[Breach], raised_by=None, is_demo: bool = False) -> list[tuple[object, bool]]:
    """Raise one finding per breach (a breach seen again returns the existing finding), all at once
    (``services.raise_findings``)."""

    breaches = list(breaches)
    if not breaches:
        return []
    names = name_maps(breaches)
    vendors = CAVendor.objects.in_bulk({b.vendor_id for b in breaches})
    # A breach in a demonstration filing is a demonstration finding, whoever finds it (seed or sweep).
    demo_filings = set(
        FeeFiling.objects.filter(among(FeeFiling, "pk", {b.filing_id for b in breaches}), is_demo=True).values_list(
            "pk", flat=True
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        found = [
            {
                "kind": breach.kind,
                "party": vendors[breach.vendor_id],
                "dedup_key": breach.dedup_key,
                "summary": describe(breach, names),
                "facts": breach.facts(),
                "evidence": reverse("fees:feefiling_detail", args=[breach.filing_id]),
                "raised_by": raised_by,
                "is_demo": is_demo or breach.filing_id in demo_filings,
            }
            for breach in breaches
        ]
    return services.raise_findings(found)


def clear_returned(filing, reason: str, *, by=None) -> int:
    """A filing returned to its vendor never takes effect: the open over-charge, prohibited-fee and
    repeated-charge findings raised on its submission resolve, with the return as evidence (they would
    otherwise stay open, keep the vendor's fee reduction unfulfilled and count as breaches). Submitted
    again and still breaching, the filing reopens them (``reopen_resubmitted``)."""
    with translation.override(settings.LANGUAGE_CODE):
        evidence = _("The filing was returned to the vendor (%(reason)s): its fees never took effect.") % {
            "reason": reason
        }
    cleared = Finding.objects.filter(kind__in=RULE_KINDS, facts__filing_id=filing.pk)
    return services.resolve_cleared(cleared, evidence=evidence, by=by)


def reopen_resubmitted(breaches: list[Breach], raised: list[tuple[object, bool]], *, by=None) -> int:
    """Of the findings a submission raised again (``report``'s results, in the order of ``breaches``),
    those resolved when their filing was returned open again, with what the filing says now (its lines
    may have been edited): the filing, submitted anew, still breaches the rule."""
    again = {
        finding.pk: breach
        for breach, (finding, created) in zip(breaches, raised, strict=True)
        if not created and finding.status == Finding.Status.RESOLVED
    }
    if not again:
        return 0
    names = name_maps(list(again.values()))

    def refreshed(finding) -> list[str]:
        breach = again[finding.pk]
        finding.summary, finding.facts = describe(breach, names)[:300], breach.facts()
        return ["summary", "facts"]

    with translation.override(settings.LANGUAGE_CODE):
        note = _("Submitted again on %(date)s, still breaching the rule.") % {"date": timezone.localdate().isoformat()}
        return services.change_findings(
            Finding.objects.filter(pk__in=list(again)),
            status=Finding.Status.OPEN,
            reason=gettext_noop("raised again: the filing was submitted again"),
            note=note,
            by=by,
            update=refreshed,
        )


def breach_findings(user):
    """The fee rules' current breaches that ``user`` may see, newest first: the over-charge, prohibited-fee
    and repeated-charge findings the rules raised (on submission, and in the daily sweep for the
    tariffs in force) that are still open or in rectification, of filings in force or awaiting review.
    What each found is in its facts (line, filing, region, amounts), so nothing is computed again.

    A vendor sees its own; an administrator those in the regions it supervises (the breach's region,
    ``facts.region``); a platform operator none."""
    if user is None or not user.is_authenticated:
        return Finding.objects.none()
    filing = Cast(KeyTextTransform("filing_id", "facts"), BigIntegerField())
    rows = (
        Finding.objects.filter(
            kind__in=RULE_KINDS,
            status__in=[Finding.Status.OPEN, Finding.Status.IN_RECTIFICATION],
            facts__has_key="filing_line_id",
        )
        .alias(filing_id=filing)
        .filter(
            Exists(
                FeeFiling.objects.filter(
                    pk=OuterRef("filing_id"), status__in=[FeeFiling.Status.ACCEPTED, FeeFiling.Status.SUBMITTED]
                )
            )
        )
        .order_by("-created", "-pk")
    )
    if user.is_superuser:
        return rows
    scope = Scope.of(user)
    if scope is None or scope.platform_id:
        return Finding.objects.none()
    if scope.vendor_id:
        return rows.filter(vendor_id=scope.vendor_id)
    return rows.alias(breach_region=KeyTextTransform("region", "facts")).filter(breach_region__in=scope.region_codes())


def clear_resolved(breaches, in_force: dict[str, set[int]], *, today, vendors=None, by=None) -> int:
    """The fee rules' re-check: an open over-charge, prohibited-fee or repeated-charge finding whose
    line, in a province just swept, is in force and no longer breaches (a frozen benchmark changed by
    decision), or has been in force and no longer is (a compliant filing replaced it, or it ended),
    resolves itself. A line not yet in force keeps its finding, and so does a line of a submitted filing:
    its finding is what the review must weigh (a returned filing's resolve on return, ``clear_returned``)."""
    still = {b.dedup_key for b in breaches}
    open_findings = Finding.objects.filter(kind__in=RULE_KINDS, status=Finding.Status.OPEN)
    if vendors is not None:
        open_findings = open_findings.filter(vendor_id__in=list(vendors))
    candidates = {
        pk: facts.get("filing_line_id")
        for pk, key, facts in open_findings.values_list("pk", "dedup_key", "facts")
        if key not in still and isinstance(facts, dict) and facts.get("filing_line_id")
    }
    if not candidates:
        return 0
    tree = RegionTree()
    lines = FeeFilingLine.objects.filter(
        pk__in=set(candidates.values()), filing__effective_date__lte=today, filing__status=FeeFiling.Status.ACCEPTED
    )
    cleared_lines = {
        pk for pk, region in lines.values_list("pk", "filing__region_id") if tree.province_of(region) in in_force
    }
    with translation.override(settings.LANGUAGE_CODE):
        evidence = _(
            "Re-checked: the fee standard no longer breaches the rule (it is within the benchmark, or a compliant "
            "filing has replaced it)."
        )
    cleared = Finding.objects.filter(pk__in=[pk for pk, line in candidates.items() if line in cleared_lines])
    return services.resolve_cleared(cleared, evidence=evidence, today=today, by=by)


def blocking_cases(vendor) -> list:
    """Open rectification cases about a fee breach of ``vendor``: while one is open, no new
    filing of the vendor is accepted unless an administrator overrides with a reason."""

    return list(
        RectificationCase.objects.of_party(vendor)
        .filter(status__in=RectificationCase.OPEN, findings__kind__in=FEE_FINDING_KINDS)
        .distinct()
        .order_by("pk")
    )


def vendors_with_open_findings(vendor_ids) -> set[int]:
    """Vendors with a fee finding still open or in rectification."""

    return set(
        Finding.objects.filter(
            vendor_id__in=list(vendor_ids),
            kind__in=FEE_FINDING_KINDS,
            status__in=[Finding.Status.OPEN, Finding.Status.IN_RECTIFICATION],
        ).values_list("vendor_id", flat=True)
    )


def fulfil_fee_reduction(vendor, evidence: str, by=None) -> int:
    """Mark the vendor's fee-reduction duty fulfilled (its tariffs in force are all compliant)."""

    return services.fulfil_obligations(party=vendor, kind="fee_reduction", evidence=evidence, by=by)
