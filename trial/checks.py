"""The trial's own rules, reported as findings through ``supervision.services.raise_finding``:

- a pilot city still not covering every required field at city and county level on the date the
  administrator set (the round's ``coverage_due``);
- a platform whose remedy-plan duty is overdue recording a decryption failure with no remedy applied
  (resolved once a plan is recorded).

Overdue announcements, plans, agreements and usage reports are the deadline engine's own overdue
findings (the daily sweep); nothing here duplicates them. Every check is idempotent (dedup keys).
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Count, Min
from django.utils import timezone

from portal.celery import optional_date
from supervision.models import Finding, Obligation, Platform, ReminderPolicy
from supervision.services import dismiss_wrong_basis, raise_finding, resolve_cleared
from trial import clauses
from trial.models import DecryptionIncident, RemedyPlan, TrialParticipant, TrialRound
from trial.rounds import coverage_gaps, plan_evidence, record_evidence, round_key


def coverage_finding(participant: TrialParticipant, today: datetime.date) -> tuple[Finding | None, bool]:
    """After the round's check date, a pilot city with gaps on that date gets its finding (once): the day
    itself is still the city's, as a duty's due day is (the engine counts it overdue from the next)."""
    trial_round = participant.round
    if not participant.is_pilot_city or not trial_round.coverage_due or today <= trial_round.coverage_due:
        return None, False
    gaps = coverage_gaps(participant, on=trial_round.coverage_due)
    if not gaps or not coverage_gaps(participant):  # complete on the date, or completed since
        record_evidence(participant)
        coverage_complete(participant)
        return None, False
    platform = participant.platform
    missing = [f"{domain.name}·{'市级' if level == 'city' else '区县级'}" for domain, level in gaps]
    obligation = Obligation.objects.filter(
        platform=platform, kind=Obligation.Kind.COVERAGE, key=round_key(trial_round)
    ).first()
    return raise_finding(
        kind=Finding.Kind.COVERAGE_INCOMPLETE,
        party=platform,
        dedup_key=f"trial:{trial_round.code}:coverage-incomplete:{platform.pk}",
        summary=f"{platform.name}：截至{trial_round.coverage_due:%Y-%m-%d}未在市、区（县）两级全部招标投标领域应用网络共享数字证书",
        facts={
            "round": trial_round.code,
            "checked_on": trial_round.coverage_due.isoformat(),
            "missing": missing,
        }
        | clauses.COVERAGE.as_facts(),
        obligation=obligation,
    )


def coverage_complete(participant: TrialParticipant, by=None) -> int:
    """A pilot city now covering every required field: its coverage finding of the round is resolved."""
    cleared = Finding.objects.filter(
        kind=Finding.Kind.COVERAGE_INCOMPLETE,
        dedup_key=f"trial:{participant.round.code}:coverage-incomplete:{participant.platform_id}",
    )
    return resolve_cleared(cleared, evidence="市、区（县）两级全部要求领域均已应用。", by=by)


def late_plan_duty(platform: Platform, policy: ReminderPolicy) -> tuple[Obligation, datetime.date] | None:
    """The platform's remedy-plan duty still unsettled (no plan recorded, not fulfilled or waived by an
    administrator) that fell due first, with the first day it counted as overdue: the day after its date,
    or for a duty with no date (尽快) the day the portal had watched it for the policy's overdue age.
    ``None``: no such duty, or it never counts as overdue."""
    late = []
    for duty in Obligation.objects.filter(
        platform=platform, kind=Obligation.Kind.REMEDY_PLAN, status__in=Obligation.PENDING
    ).order_by("pk"):
        overdue_from = policy.overdue_from(duty.due_date, duty.created)
        if overdue_from is not None:
            late.append((overdue_from, duty.pk, duty))
    if not late:
        return None
    overdue_from, _pk, duty = min(late)
    return duty, overdue_from


def unremedied_incidents(platform: Platform, since: datetime.date):
    """The platform's own records of decryption failures on or after ``since`` in which no remedy was
    applied (a record naming a remedy shows the platform had one)."""
    return DecryptionIncident.objects.filter(platform=platform, occurred_on__gte=since, remedy_applied="")


def incident_finding(platform: Platform, policy: ReminderPolicy | None = None) -> tuple[Finding | None, bool]:
    """54号 二 asks each platform to deploy a plan against decryption failures "针对试运行期间……可能出现的
    解密失败等紧急情况". The finding rests on the platform's own records: its remedy-plan duty was overdue
    (no plan recorded by its date, or an undated one past the policy's age) and afterwards it recorded a
    decryption failure in which no remedy was applied. One finding per platform; a plan recorded clears it."""
    if RemedyPlan.objects.filter(platform=platform).exists():
        return None, False
    late = late_plan_duty(platform, policy or ReminderPolicy.current())
    if late is None:
        return None, False
    duty, overdue_from = late
    summary = unremedied_incidents(platform, overdue_from).aggregate(n=Count("pk"), first=Min("occurred_on"))
    if not summary["n"]:
        return None, False
    due = f"{duty.due_date:%Y-%m-%d}前" if duty.due_date else "尽快"
    return raise_finding(
        kind=Finding.Kind.INCIDENT_WITHOUT_PLAN,
        party=platform,
        dedup_key=f"trial:incident-without-plan:{platform.pk}:{duty.pk}",  # once per platform and duty
        summary=(
            f"{platform.name}：解密失败防范和救济保障方案应{due}部署，逾期未登记；"
            f"{summary['first']:%Y-%m-%d}起记录解密失败{summary['n']}次，均未采取救济措施"
        ),
        facts={
            "obligation": duty.pk,
            "due_date": duty.due_date.isoformat() if duty.due_date else None,
            "overdue_from": overdue_from.isoformat(),
            "incidents": summary["n"],
            "first_incident": summary["first"].isoformat(),
            "remedy_plan": "未登记",
        }
        | clauses.REMEDY_PLAN.as_facts(),
        obligation=duty,
    )


def recheck_incident_findings(policy: ReminderPolicy, by=None) -> tuple[int, int]:
    """The open incident findings checked again: one whose platform has since recorded its plan (or had
    its duty settled) is resolved with that evidence; one the rule as read now would not raise (an earlier
    version raised it on any incident with no plan on record, before the duty was overdue or when a remedy
    was applied) is dismissed with that reason. Returns (resolved, dismissed)."""
    resolved = dismissed = 0
    open_findings = Finding.objects.filter(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN, status=Finding.Status.OPEN)
    for finding in open_findings.select_related("platform").order_by("pk"):
        platform = finding.platform
        plan = RemedyPlan.objects.filter(platform=platform).first()
        settled = Obligation.objects.filter(
            platform=platform,
            kind=Obligation.Kind.REMEDY_PLAN,
            status__in=[Obligation.Status.FULFILLED, Obligation.Status.WAIVED],
        ).first()
        late = late_plan_duty(platform, policy)
        if plan is not None or (late is None and settled is not None):
            evidence = (
                plan_evidence(plan) if plan else f"解密失败防范和救济保障方案义务已{settled.get_status_display()}。"
            )
            resolved += resolve_cleared(Finding.objects.filter(pk=finding.pk), evidence=evidence, by=by)
        elif late is None or not unremedied_incidents(platform, late[1]).exists():
            dismissed += dismiss_wrong_basis(Finding.objects.filter(pk=finding.pk), reason=NO_BASIS, by=by)
    return resolved, dismissed


NO_BASIS = (
    "依据不成立：按54号 二，须方案义务逾期后发生未采取救济措施的解密失败方可认定（此前版本在平台记录解密失败"
    "且未登记方案时即认定；或认定后方案期限调整、事件记录补充了救济措施）。"
)


def plan_clears_incidents(plan: RemedyPlan, by=None) -> int:
    """A plan recorded: the platform's open incident finding is resolved with it as evidence."""
    cleared = Finding.objects.filter(kind=Finding.Kind.INCIDENT_WITHOUT_PLAN, platform=plan.platform_id)
    return resolve_cleared(cleared, evidence=plan_evidence(plan), by=by)


def run_checks(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    coverage = 0
    rounds = TrialRound.objects.filter(coverage_due__lte=today)
    for participant in TrialParticipant.objects.filter(round__in=rounds, is_pilot_city=True).select_related(
        "platform", "round"
    ):
        coverage += coverage_finding(participant, today)[1]
    policy = ReminderPolicy.current()
    resolved, dismissed = recheck_incident_findings(policy)
    incidents = 0
    platforms = Platform.objects.filter(
        decryption_incidents__remedy_applied="", remedy_plan__isnull=True, obligations__kind=Obligation.Kind.REMEDY_PLAN
    ).distinct()
    for platform in platforms:
        incidents += incident_finding(platform, policy)[1]
    return {
        "today": today.isoformat(),
        "coverage_findings": coverage,
        "incident_findings": incidents,
        "incident_findings_resolved": resolved,
        "incident_findings_dismissed": dismissed,
    }


@shared_task(name="trial.checks")
def trial_checks(today: str | None = None) -> dict:
    """The 2023 trial's rules: pilot-city coverage on the administrators' date, incidents without a plan."""
    return run_checks(optional_date(today))
