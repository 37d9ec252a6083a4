"""The duties a round creates for its participants, as obligations of the deadline engine.

Every duty is one ``ensure_obligation`` with a stable deduplication key, so syncing a round again
(after a date changed, a participant or a period was added) creates only what is missing, moves the
due date of what is still pending, and fulfils at once what the platform has already done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from supervision.models import Authority, BusinessDomain, Finding, Obligation, Platform
from supervision.services import change_findings, ensure_obligation, fulfil_obligations
from trial.models import (
    Agreement,
    Announcement,
    Coverage,
    RemedyPlan,
    ReportingPeriod,
    TrialParticipant,
    TrialRound,
    UsageReport,
)

LEVELS = (Coverage.Level.CITY, Coverage.Level.COUNTY)
# 国家发展改革委法规司: "将定期调度"; the written reports (书面报送) are owed to it.
NATIONAL_OFFICE = "国家发展改革委法规司"


def national_office() -> Authority | None:
    return Authority.objects.filter(name=NATIONAL_OFFICE).first()


def participant_platforms(user):
    """Platforms the user may see that take part in some round."""
    return Platform.objects.visible_to(user).filter(trial_participations__isnull=False).distinct()


def takes_part(user) -> bool:
    """Whether the trial's pages concern the user: administrators supervise it, vendors appear in its
    statistics and directory; a platform operator only when its platform is a participant."""
    if not user.is_authenticated:
        return False
    if user.platform_id:
        return TrialParticipant.objects.filter(platform_id=user.platform_id).exists()
    return True


def round_key(trial_round: TrialRound) -> str:
    """The obligations' matching key of a round's one-off duties."""
    return f"trial:{trial_round.code}"


def period_key(period: ReportingPeriod) -> str:
    return f"trial:period:{period.pk}"


@dataclass(frozen=True)
class Duty:
    kind: str
    dedup_key: str
    key: str
    title: str
    due_date: object
    description: str
    recipient: Authority | None = None


def duties(participant: TrialParticipant, periods: list[ReportingPeriod] | None = None) -> list[Duty]:
    """The duties of one participant in its round (rules 1–7 of the 2023 notice); each is owed to the
    participant's lead department (督促指导, and it collects the statistics), whose copies it gets."""
    trial_round, platform = participant.round, participant.platform
    owed_to = participant.reporter
    code, pk, name = trial_round.code, platform.pk, platform.name
    key = round_key(trial_round)
    result = [
        Duty(
            Obligation.Kind.ANNOUNCEMENT,
            f"trial:{code}:announcement:{pk}",
            key,
            f"{name}：发布网络共享数字证书应用公告",
            trial_round.announcement_due,
            "公告明确本平台网络共享数字证书应用覆盖的招标投标业务类型、适用范围、操作流程、注意事项，"
            "以及数字证书服务机构和共享应用APP名录。",
        ),
        Duty(
            Obligation.Kind.REMEDY_PLAN,
            f"trial:{code}:remedy_plan:{pk}",
            key,
            f"{name}：部署数字证书解密失败的防范和救济保障方案",
            trial_round.remedy_plan_due,
            "自行研发部署，或者通过协议约定应用中国招标投标公共服务平台提供的解密失败防范和救济保障方案。",
        ),
        Duty(
            Obligation.Kind.COMPONENT_AGREEMENT,
            f"trial:{code}:component_agreement:{pk}",
            key,
            f"{name}：与中国招标投标公共服务平台签订互认组件技术运行服务协议",
            trial_round.agreement_due,
            "签订《网络共享数字证书互认组件技术运行服务协议》，界定前置机侧数字证书共享组件的应急保障和运维责任。",
        ),
    ]
    if participant.is_pilot_city:
        result.append(
            Duty(
                Obligation.Kind.COVERAGE,
                f"trial:{code}:coverage:{pk}",
                key,
                f"{name}：在市、区（县）两级全部招标投标领域部署应用网络共享数字证书",
                trial_round.coverage_due,
                "首批营商环境创新试点城市在市、区（县）两级全部招标投标领域部署应用网络共享数字证书。",
            )
        )
    elif platform.kind == Platform.Kind.PUBLIC:
        # "其他地方也要加快工作节奏,尽快实现……全覆盖": no date, tracked by its age.
        result.append(
            Duty(
                Obligation.Kind.COVERAGE,
                f"trial:{code}:coverage-all:{pk}",
                key,
                f"{name}：尽快实现应用网络共享数字证书的招标投标领域全覆盖",
                None,
                "其他地方也要加快工作节奏，尽快实现应用网络共享数字证书的招标投标领域全覆盖。",
            )
        )
    for period in periods if periods is not None else trial_round.periods.all():
        result.append(
            Duty(
                Obligation.Kind.USAGE_STATISTICS,
                f"trial:{code}:usage:{period.pk}:{pk}",
                period_key(period),
                f"{name}：报送网络共享数字证书实际应用情况（{period.label}）",
                period.due_date,
                f"统计{period.starts_on:%Y-%m-%d}至{period.ends_on:%Y-%m-%d}网络共享数字证书实际应用情况，"
                "按附件2格式报送。",
            )
        )
    return [Duty(**{**d.__dict__, "recipient": owed_to}) for d in result]


def reporter_duties(trial_round: TrialRound, reporter: Authority, periods=None) -> list[Duty]:
    """The written report (书面报送) a lead department or a participating enterprise owes 法规司 for
    each period."""
    office = national_office()
    return [
        Duty(
            Obligation.Kind.WRITTEN_REPORT,
            f"trial:{trial_round.code}:written:{period.pk}:{reporter.pk}",
            period_key(period),
            f"{reporter.name}：书面报送网络共享数字证书实际应用情况（{period.label}）",
            period.due_date,
            f"统计本地区（本企业）参与互认平台{period.starts_on:%Y-%m-%d}至{period.ends_on:%Y-%m-%d}网络共享数字证书"
            "实际应用情况，书面报送国家发展改革委法规司。",
            office,
        )
        for period in (periods if periods is not None else trial_round.periods.all())
    ]


def withdraw_overdue_finding(obligation: Obligation, before, by=None) -> int:
    """The office gave more time: the party is no longer late, so the overdue finding raised on the old
    date is dismissed with that reason (never deleted). Late again on the new date, the sweep opens it
    again (``superseded_due_date`` marks it)."""
    when = f"{obligation.due_date:%Y-%m-%d}" if obligation.due_date else "尽快（无日期）"

    def superseded(finding) -> list[str]:
        finding.facts = {**finding.facts, "superseded_due_date": before.isoformat() if before else None}
        return ["facts"]

    return change_findings(
        Finding.objects.filter(dedup_key=f"overdue:obligation:{obligation.pk}", status=Finding.Status.OPEN),
        status=Finding.Status.DISMISSED,
        reason=gettext_noop("trial round dates changed"),
        note=f"试运行批次日期已调整为{when}，原期限不再适用。",
        by=by,
        update=superseded,
    )


def _move_due_date(obligation: Obligation, due_date, by=None) -> bool:
    """An unsettled obligation follows its round's date. A date moved ahead (or taken away) opens it
    again; a date set in the past makes an open one "to be confirmed" (rule 6): the party never had that
    date before it passed, so the sweep does not count it overdue on it; an administrator confirms it."""
    if obligation.status not in Obligation.UNSETTLED or obligation.due_date == due_date:
        return False
    before = obligation.due_date
    obligation.due_date = due_date
    if due_date is None or due_date >= timezone.localdate():
        if obligation.status == Obligation.Status.OVERDUE:
            withdraw_overdue_finding(obligation, before, by)
        obligation.status = Obligation.Status.OPEN
    elif obligation.status == Obligation.Status.OPEN:
        obligation.status = Obligation.Status.TO_CONFIRM
    obligation._change_reason = gettext_noop("trial round dates changed")
    if by is not None:
        obligation._history_user = by
    obligation.save(update_fields=["due_date", "status", "updated"])
    return True


def sync_participant(participant: TrialParticipant, by=None, periods=None) -> int:
    """Create the participant's missing obligations, move unsettled due dates, fulfil what is done.

    A duty whose date has already passed when it is created (the seed loading the 2023 round, a
    participant or a period added late) starts "to be confirmed" (rule 6), never overdue on a date the
    party did not have before it passed."""
    trial_round = participant.round
    created = 0
    with transaction.atomic():
        owed = [(participant.platform, duty) for duty in duties(participant, periods)]
        if participant.reporter_id:
            owed += [
                (participant.reporter, duty) for duty in reporter_duties(trial_round, participant.reporter, periods)
            ]
        for party, duty in owed:
            obligation, new = ensure_obligation(
                party=party,
                kind=duty.kind,
                title=duty.title,
                due_date=duty.due_date,
                dedup_key=duty.dedup_key,
                directive=trial_round.directive,
                key=duty.key,
                description=duty.description,
                created_by=by,
                campaign=f"trial:{trial_round.code}",
                past_is_to_confirm=True,
                recipient=duty.recipient,
            )
            created += new
            if not new:
                _move_due_date(obligation, duty.due_date, by)
                if obligation.recipient_id != (duty.recipient.pk if duty.recipient else None):
                    obligation.recipient = duty.recipient
                    obligation.save(update_fields=["recipient", "updated"])
        record_evidence(participant)
    return created


def sync_round(trial_round: TrialRound, by=None) -> int:
    periods = list(trial_round.periods.all())
    participants = trial_round.participants.select_related("platform", "round", "round__directive", "reporter")
    return sum(sync_participant(participant, by, periods) for participant in participants)


def record_evidence(participant: TrialParticipant) -> int:
    """Fulfil the duties the platform has already met (a plan, a signed agreement, a published
    announcement, complete coverage, submitted reports)."""
    platform, trial_round = participant.platform, participant.round
    key = round_key(trial_round)
    done = 0
    plan = RemedyPlan.objects.filter(platform=platform).first()
    if plan is not None:
        done += plan_recorded(plan)
    signed = Agreement.objects.filter(platform=platform, kind=Agreement.Kind.COMPONENT, signed_on__isnull=False).first()
    if signed is not None:
        done += agreement_signed(signed)
    announcement = Announcement.objects.published().filter(round=trial_round, platform=platform).first()
    if announcement is not None:
        done += fulfil_obligations(
            party=platform, kind=Obligation.Kind.ANNOUNCEMENT, key=key, evidence=announcement_evidence(announcement)
        )
    if participant.is_pilot_city and not coverage_gaps(participant):
        done += fulfil_obligations(
            party=platform, kind=Obligation.Kind.COVERAGE, key=key, evidence="市、区（县）两级全部要求领域均已应用。"
        )
    elif not participant.is_pilot_city and not coverage_gaps(participant, levels=(Coverage.Level.CITY,)):
        done += fulfil_obligations(
            party=platform, kind=Obligation.Kind.COVERAGE, key=key, evidence="全部招标投标领域均已应用。"
        )
    for report in UsageReport.objects.filter(platform=platform, period__round=trial_round).select_related("period"):
        done += report_submitted(report)
    return done


def announcement_evidence(announcement: Announcement) -> str:
    return f"公告已发布：{announcement.title}（{announcement.get_public_url()}）"


def plan_evidence(plan: RemedyPlan) -> str:
    return f"解密失败防范和救济保障方案：{plan.get_kind_display()}，{plan.effective_from:%Y-%m-%d}起施行。"


def plan_recorded(plan: RemedyPlan, by=None) -> int:
    return fulfil_obligations(
        party=plan.platform,
        kind=Obligation.Kind.REMEDY_PLAN,
        evidence=plan_evidence(plan),
        by=by,
    )


def agreement_signed(agreement: Agreement, by=None) -> int:
    if agreement.kind != Agreement.Kind.COMPONENT or not agreement.signed_on:
        return 0
    return fulfil_obligations(
        party=agreement.platform,
        kind=Obligation.Kind.COMPONENT_AGREEMENT,
        evidence=f"{agreement.title}，{agreement.signed_on:%Y-%m-%d}签订。",
        by=by,
    )


def report_submitted(report: UsageReport, by=None) -> int:
    late = "（逾期报送）" if report.is_late else ""
    return fulfil_obligations(
        party=report.platform,
        kind=Obligation.Kind.USAGE_STATISTICS,
        key=period_key(report.period),
        evidence=f"已于{report.submitted_on:%Y-%m-%d}报送{report.period.label}统计{late}。",
        by=by,
    )


def required_domains(trial_round: TrialRound) -> list[BusinessDomain]:
    """ "全部招标投标领域": the round's chosen fields, or every business domain when it chose none."""
    return list(trial_round.coverage_domains.all()) or list(BusinessDomain.objects.all())


def coverage_gaps(participant: TrialParticipant, on=None, levels=LEVELS) -> list[tuple]:
    """(field, level) pairs a pilot city must cover and does not (accepted since ``on`` at the latest);
    with ``levels=(CITY,)`` a field covered at any level counts (the other localities' 全覆盖)."""
    on = on or timezone.localdate()
    required = required_domains(participant.round)
    covered = set(
        Coverage.objects.filter(platform=participant.platform, accepted=True, since__lte=on).values_list(
            "domain_id", "level"
        )
    )
    if levels != LEVELS:
        covered = {(domain_pk, level) for domain_pk, _level in covered for level in levels}
    return [(domain, level) for domain in required for level in levels if (domain.pk, level) not in covered]


def report_withdrawn(report: UsageReport, by=None) -> int:
    """A withdrawn report owes its period again: the fulfilled duty is pending once more (open, or
    overdue after its date), so the engine resumes its reminders."""
    today = timezone.localdate()
    reopened = 0
    duties = Obligation.objects.filter(
        platform_id=report.platform_id,
        kind=Obligation.Kind.USAGE_STATISTICS,
        key=period_key(report.period),
        status=Obligation.Status.FULFILLED,
    )
    for obligation in duties:
        late = obligation.due_date is not None and obligation.due_date < today
        obligation.status = Obligation.Status.OVERDUE if late else Obligation.Status.OPEN
        obligation.fulfilled_at = None
        obligation.fulfilled_by = None
        obligation.evidence = ""
        obligation._change_reason = gettext_noop("usage report withdrawn")
        if by is not None:
            obligation._history_user = by
        obligation.save(update_fields=["status", "fulfilled_at", "fulfilled_by", "evidence", "updated"])
        reopened += 1
    return reopened
