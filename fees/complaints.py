"""A bidder's complaint about a charge, compared with the tariff in force and the rules. A breach an
administrator confirms (upholds) becomes a finding with the complaint as evidence."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fees.benchmarks import BenchmarkCache
from fees.models import FeeComplaint
from fees.money import yuan
from fees.regions import RegionTree
from fees.tariffs import tariff_in_force
from supervision import services
from supervision.models import Finding

COMPLAINT_FINDING = "complaint_upheld"


@dataclass
class Assessment:
    conclusive: bool
    breaches: list[dict] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def upheld(self) -> bool:
        return bool(self.breaches)


def assess(complaint: FeeComplaint, tree: RegionTree | None = None) -> Assessment:
    """Compare what the bidder paid with the vendor's tariff in force and the rules."""
    tree = tree or RegionTree()
    cache = BenchmarkCache(tree)
    region = complaint.platform.region_id
    province = tree.province_of(region) if region else None
    policy = cache.policy(province)
    amount, item = complaint.amount, complaint.item
    if policy is None:
        return Assessment(
            False, reasons=[_("No fee rule of a province applies to this platform; an administrator will review it.")]
        )
    if complaint.charged_on < policy.reference_date:
        return Assessment(
            False,
            reasons=[
                _("The fee rules apply from %(date)s; the charge was earlier. An administrator will review it.")
                % {"date": policy.reference_date.isoformat()}
            ],
        )
    assessment = Assessment(conclusive=item.prohibited)
    if item.prohibited and amount > 0:
        assessment.breaches.append(
            {"rule": "prohibited_fee", "amount": str(amount), "forbidden_by": item.forbidden_by_number}
        )
        assessment.reasons.append(
            _("%(item)s may not be charged at all (%(directive)s).")
            % {"item": item.name, "directive": item.forbidden_by_number}
        )
    if not item.prohibited:
        bench = cache.get(province, complaint.product_id, item.pk)
        if bench is not None:
            assessment.conclusive = True
            if amount > bench.amount:
                assessment.breaches.append(
                    {
                        "rule": "overcharge",
                        "amount": str(amount),
                        "benchmark": str(bench.amount),
                        "excess": str(amount - bench.amount),
                        "benchmark_source": bench.source,
                    }
                )
                assessment.reasons.append(
                    _("%(amount)s yuan is above the provincial benchmark of %(benchmark)s yuan.")
                    % {"amount": yuan(amount), "benchmark": yuan(bench.amount)}
                )
        tariff = tariff_in_force(complaint.vendor_id, item.pk, complaint.product_id, region, complaint.charged_on, tree)
        if tariff is not None:
            assessment.conclusive = True
            if amount > tariff.amount:
                assessment.breaches.append(
                    {
                        "rule": "above_filed_tariff",
                        "amount": str(amount),
                        "tariff": str(tariff.amount),
                        "filing_id": tariff.filing_id,
                        "filing_line_id": tariff.line_id,
                    }
                )
                assessment.reasons.append(
                    _("%(amount)s yuan is above the vendor's filed tariff of %(tariff)s yuan (filing #%(filing)s).")
                    % {"amount": yuan(amount), "tariff": yuan(tariff.amount), "filing": tariff.filing_id}
                )
    if complaint.held_elsewhere and item.one_off and amount > 0:
        assessment.conclusive = True
        assessment.breaches.append({"rule": "repeated_charge", "amount": str(amount)})
        assessment.reasons.append(
            _("%(item)s is paid once in the province; charging it again for another platform is a repeated charge.")
            % {"item": item.name}
        )
    if assessment.conclusive and not assessment.breaches:
        assessment.reasons.append(_("The amount charged is within the filed tariff and the provincial benchmark."))
    return assessment


def raise_complaint_finding(complaint: FeeComplaint, user=None):

    with translation.override(settings.LANGUAGE_CODE):
        summary = _(
            "Complaint %(number)s upheld: %(vendor)s charged %(amount)s yuan for %(product)s / %(item)s on %(platform)s "
            "on %(date)s. %(reasons)s"
        ) % {
            "number": complaint.tracking_number,
            "vendor": complaint.vendor.name,
            "amount": yuan(complaint.amount),
            "product": complaint.product.name,
            "item": complaint.item.name,
            "platform": complaint.platform.name,
            "date": complaint.charged_on.isoformat(),
            "reasons": complaint.outcome,
        }
    finding, _created = services.raise_finding(
        kind=COMPLAINT_FINDING,
        party=complaint.vendor,
        dedup_key=f"complaint:{complaint.tracking_number}",
        summary=summary,
        facts={
            "complaint": complaint.tracking_number,
            "platform_id": complaint.platform_id,
            "product_id": complaint.product_id,
            "item_id": complaint.item_id,
            "charged_on": complaint.charged_on.isoformat(),
            "amount": str(complaint.amount),
            "breaches": complaint.breaches,
        },
        evidence=_("Complaint %(number)s: %(description)s")
        % {"number": complaint.tracking_number, "description": complaint.description or "—"},
        raised_by=user,
    )
    return finding


@transaction.atomic
def receive(complaint: FeeComplaint) -> FeeComplaint:
    """Save a new complaint with the portal's comparison of the charge with the vendor's tariff in force
    and the rules. A comparison that finds a breach rests on the bidder's own figures, which accuse
    nobody: the complaint waits for an administrator, who checks them (a receipt) and upholds it, and
    only then is the vendor's finding raised. A conclusive comparison within the rules closes it as not
    upheld; an inconclusive one waits as well."""
    complaint.save()
    assessment = assess(complaint)
    with translation.override(settings.LANGUAGE_CODE):
        reasons = [str(r) for r in assessment.reasons]
        if assessment.upheld:
            reasons.append(_("An administrator checks the charge before the complaint is upheld."))
        complaint.outcome = " ".join(reasons)
    complaint.breaches = assessment.breaches
    if assessment.conclusive and not assessment.upheld:
        complaint.status = FeeComplaint.Status.NOT_UPHELD
    complaint.save()
    return complaint


@transaction.atomic
def review(complaint: FeeComplaint, user, decision: str, note: str) -> FeeComplaint:
    """An administrator's decision on a complaint (overrides the automatic one)."""
    complaint = FeeComplaint.objects.select_for_update().get(pk=complaint.pk)
    complaint.status = decision
    complaint.outcome = note.strip()
    complaint.reviewed_by = user
    complaint.reviewed_at = timezone.now()
    complaint._history_user = user
    complaint.save()
    if decision == FeeComplaint.Status.UPHELD:
        finding = raise_complaint_finding(complaint, user)
        services.change_findings(  # upheld again after a reversal: the finding stands again
            Finding.objects.filter(pk=finding.pk, status=Finding.Status.DISMISSED),
            status=Finding.Status.OPEN,
            reason=gettext_noop("complaint upheld again on review"),
            by=user,
        )
    else:  # a decision reversed: the finding the complaint raised no longer stands
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Complaint %(number)s not upheld on review: %(note)s") % {
                "number": complaint.tracking_number,
                "note": complaint.outcome or "—",
            }
        services.dismiss_wrong_basis(
            Finding.objects.filter(kind=COMPLAINT_FINDING, dedup_key=f"complaint:{complaint.tracking_number}"),
            reason=reason,
            by=user,
            history_reason=gettext_noop("complaint not upheld on review"),
        )
    return complaint


def reopen_auto_upheld() -> int:
    """Converge a database where an earlier version upheld complaints by itself, on the complainant's own
    figures: each such complaint (upheld, never reviewed) waits for an administrator again, and the
    finding it raised is dismissed with the reason; one reviewed by a person keeps its decision."""
    automatic = FeeComplaint.objects.filter(status=FeeComplaint.Status.UPHELD, reviewed_by__isnull=True)
    with translation.override(settings.LANGUAGE_CODE):
        reason = _(
            "Wrong basis: an earlier version upheld the complaint on the complainant's own figures; an "
            "administrator checks the charge first."
        )
    written = 0
    for complaint in automatic.order_by("pk"):
        complaint.status = FeeComplaint.Status.RECEIVED
        complaint._change_reason = gettext_noop("wrong basis: back to review")
        complaint.save(update_fields=["status", "updated"])
        written += 1 + services.dismiss_wrong_basis(
            Finding.objects.filter(kind=COMPLAINT_FINDING, dedup_key=f"complaint:{complaint.tracking_number}"),
            reason=reason,
        )
    return written
