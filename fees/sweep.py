"""The daily fee-rule sweep: every tariff in force today against the rules, each breach raised once;
vendors whose tariffs in force are all compliant (and who have no open fee finding) have their
fee-reduction duty fulfilled."""

import datetime
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fees import findings
from fees.breaches import Breach, RuleBook, tariff_facts
from fees.models import FeePolicy
from fees.regions import RegionTree
from fees.tariffs import lines_in_force
from portal.celery import optional_date
from supervision.models import CAVendor


@dataclass
class SweepResult:
    lines: int = 0
    breaches: list[Breach] = field(default_factory=list)
    new_findings: int = 0
    compliant_vendors: list[int] = field(default_factory=list)
    fulfilled: int = 0
    cleared: int = 0

    def as_dict(self) -> dict:
        return {
            "lines": self.lines,
            "breaches": len(self.breaches),
            "new_findings": self.new_findings,
            "compliant_vendors": len(self.compliant_vendors),
            "obligations_fulfilled": self.fulfilled,
            "findings_cleared": self.cleared,
        }


def current_breaches(
    today: datetime.date | None = None,
    *,
    vendors=None,
    provinces=None,
    tree: RegionTree | None = None,
    in_force: dict | None = None,
) -> tuple[list[Breach], dict[int, int]]:
    """Breaches among the tariffs in force today, and per vendor how many lines are in force.
    ``in_force``, when given, receives each swept province's code → the ids of its lines in force."""
    today = today or timezone.localdate()
    tree = tree or RegionTree()
    book = RuleBook(tree)
    breaches: list[Breach] = []
    lines_per_vendor: dict[int, int] = {}
    policies = FeePolicy.objects.filter(reference_date__lte=today)
    if provinces is not None:
        policies = policies.filter(province_id__in=list(provinces))
    for policy in policies:
        lines = lines_in_force(today, policy.province_id, vendors=vendors, tree=tree)
        if in_force is not None:
            in_force[policy.province_id] = set(lines)
        for tariff in lines.values():
            lines_per_vendor[tariff.vendor_id] = lines_per_vendor.get(tariff.vendor_id, 0) + 1
        breaches += book.evaluate_all((tariff_facts(t) for t in lines.values()), on_date=today)
    return breaches, lines_per_vendor


def sweep(today: datetime.date | None = None, *, vendors=None, user=None) -> SweepResult:
    today = today or timezone.localdate()
    in_force: dict[str, set[int]] = {}
    breaches, lines_per_vendor = current_breaches(today, vendors=vendors, in_force=in_force)
    result = SweepResult(lines=sum(lines_per_vendor.values()), breaches=breaches)
    result.new_findings = sum(1 for _finding, created in findings.report(breaches, raised_by=user) if created)
    result.cleared = findings.clear_resolved(breaches, in_force, today=today, vendors=vendors, by=user)
    breaching = {b.vendor_id for b in breaches} | findings.vendors_with_open_findings(lines_per_vendor)
    result.compliant_vendors = sorted(v for v in lines_per_vendor if v not in breaching)
    if result.compliant_vendors:
        with translation.override(settings.LANGUAGE_CODE):
            for vendor in CAVendor.objects.filter(pk__in=result.compliant_vendors):
                evidence = _(
                    "On %(date)s all %(n)d fee standards of this vendor in force in the province are at or below "
                    "the provincial benchmark, with no prohibited or repeated fee."
                ) % {"date": today.isoformat(), "n": lines_per_vendor[vendor.pk]}
                result.fulfilled += findings.fulfil_fee_reduction(vendor, evidence, by=user)
    return result


@shared_task(name="fees.tasks.sweep_fee_rules")
def sweep_fee_rules(on_date: str | None = None) -> dict:
    """Evaluate every tariff in force against the rules; each breach is raised once."""
    return sweep(optional_date(on_date)).as_dict()


@shared_task(name="fees.tasks.check_vendor_compliance")
def check_vendor_compliance(vendor_id: int, user_id: int | None = None) -> dict:
    """After an acceptance: the same sweep for one vendor."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return sweep(vendors=[vendor_id], user=user).as_dict()
