"""The daily fee-rule sweep: every tariff in force today against the rules, each breach raised once;
vendors whose tariffs in force are all compliant (and who have no open fee finding) have their
fee-reduction duty fulfilled."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fees import findings
from fees.breaches import Breach, RuleBook, tariff_facts
from fees.models import FeePolicy
from fees.regions import RegionTree
from fees.tariffs import lines_in_force


@dataclass
class SweepResult:
    lines: int = 0
    breaches: list[Breach] = field(default_factory=list)
    new_findings: int = 0
    compliant_vendors: list[int] = field(default_factory=list)
    fulfilled: int = 0

    def as_dict(self) -> dict:
        return {
            "lines": self.lines,
            "breaches": len(self.breaches),
            "new_findings": self.new_findings,
            "compliant_vendors": len(self.compliant_vendors),
            "obligations_fulfilled": self.fulfilled,
        }


def current_breaches(
    today: datetime.date | None = None, *, vendors=None, provinces=None, tree: RegionTree | None = None
) -> tuple[list[Breach], dict[int, int]]:
    """Breaches among the tariffs in force today, and per vendor how many lines are in force."""
    today = today or timezone.localdate()
    tree = tree or RegionTree()
    book = RuleBook(tree)
    breaches: list[Breach] = []
    lines_per_vendor: dict[int, int] = {}
    policies = FeePolicy.objects.filter(reference_date__lte=today)
    if provinces is not None:
        policies = policies.filter(province_id__in=list(provinces))
    for policy in policies:
        in_force = lines_in_force(today, policy.province_id, vendors=vendors, tree=tree)
        for tariff in in_force.values():
            lines_per_vendor[tariff.vendor_id] = lines_per_vendor.get(tariff.vendor_id, 0) + 1
        breaches += book.evaluate_all((tariff_facts(t) for t in in_force.values()), on_date=today)
    return breaches, lines_per_vendor


def sweep(today: datetime.date | None = None, *, vendors=None, user=None) -> SweepResult:
    today = today or timezone.localdate()
    breaches, lines_per_vendor = current_breaches(today, vendors=vendors)
    result = SweepResult(lines=sum(lines_per_vendor.values()), breaches=breaches)
    result.new_findings = sum(1 for _finding, created in findings.report(breaches, raised_by=user) if created)
    breaching = {b.vendor_id for b in breaches} | findings.vendors_with_open_findings(lines_per_vendor)
    result.compliant_vendors = sorted(v for v in lines_per_vendor if v not in breaching)
    if result.compliant_vendors:
        from supervision.models import CAVendor

        with translation.override(settings.LANGUAGE_CODE):
            for vendor in CAVendor.objects.filter(pk__in=result.compliant_vendors):
                evidence = _(
                    "On %(date)s all %(n)d fee standards of this vendor in force in the province are at or below "
                    "the provincial benchmark, with no prohibited or repeated fee."
                ) % {"date": today.isoformat(), "n": lines_per_vendor[vendor.pk]}
                result.fulfilled += findings.fulfil_fee_reduction(vendor, evidence, by=user)
    return result
