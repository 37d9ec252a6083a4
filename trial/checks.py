"""The trial's own rules, reported as findings through ``supervision.services.raise_finding``:

- a pilot city still not covering every required field at city and county level on the date the
  administrator set (the round's ``coverage_due``);
- a platform with decryption incidents and no remedy plan.

Overdue announcements, plans, agreements and usage reports are the deadline engine's own overdue
findings (the daily sweep); nothing here duplicates them. Every check is idempotent (dedup keys).
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Count, Min
from django.utils import timezone

from portal.celery import optional_date
from supervision.models import Finding, Obligation, Platform
from supervision.services import raise_finding
from trial import clauses
from trial.models import DecryptionIncident, RemedyPlan, TrialParticipant, TrialRound
from trial.rounds import coverage_gaps, record_evidence, round_key


def coverage_finding(participant: TrialParticipant, today: datetime.date) -> tuple[Finding | None, bool]:
    """On or after the round's check date, a pilot city with gaps gets its finding (once)."""
    trial_round = participant.round
    if not participant.is_pilot_city or not trial_round.coverage_due or today < trial_round.coverage_due:
        return None, False
    gaps = coverage_gaps(participant, on=trial_round.coverage_due)
    if not gaps:
        record_evidence(participant)
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


def incident_finding(platform: Platform) -> tuple[Finding | None, bool]:
    """A platform with decryption incidents and no remedy plan: one finding per platform."""
    if RemedyPlan.objects.filter(platform=platform).exists():
        return None, False
    incidents = DecryptionIncident.objects.filter(platform=platform)
    summary = incidents.aggregate(n=Count("pk"), first=Min("occurred_on"))
    if not summary["n"]:
        return None, False
    return raise_finding(
        kind=Finding.Kind.INCIDENT_WITHOUT_PLAN,
        party=platform,
        dedup_key=f"trial:incident-without-plan:{platform.pk}",
        summary=f"{platform.name}：发生解密失败但未部署解密失败的防范和救济保障方案",
        facts={"incidents": summary["n"], "first_incident": summary["first"].isoformat()}
        | clauses.REMEDY_PLAN.as_facts(),
    )


def run_checks(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    coverage = 0
    rounds = TrialRound.objects.filter(coverage_due__lte=today)
    for participant in TrialParticipant.objects.filter(round__in=rounds, is_pilot_city=True).select_related(
        "platform", "round"
    ):
        coverage += coverage_finding(participant, today)[1]
    incidents = 0
    for platform in Platform.objects.filter(decryption_incidents__isnull=False, remedy_plan__isnull=True).distinct():
        incidents += incident_finding(platform)[1]
    return {"today": today.isoformat(), "coverage_findings": coverage, "incident_findings": incidents}


@shared_task(name="trial.checks")
def trial_checks(today: str | None = None) -> dict:
    """The 2023 trial's rules: pilot-city coverage on the administrators' date, incidents without a plan."""
    return run_checks(optional_date(today))
