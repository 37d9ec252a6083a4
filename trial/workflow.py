"""State changes of the trial's records and what they tell the deadline engine.

Announcements move draft → approved → published (and back to draft); each step is a conditional
change of one locked row, so two clicks act once. Saving a plan, an agreement, coverage or an
incident calls the matching hook, which fulfils the duties it proves or raises the finding it
reveals — the pages and the API call the same hooks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from supervision.engine.obligations import waive
from supervision.models import Finding, Obligation
from supervision.services import dismiss_wrong_basis, ensure_obligation, fulfil_obligations
from trial import checks, rounds
from trial.models import Agreement, Announcement, Coverage, DecryptionIncident, RemedyPlan, TrialParticipant


def _transition(announcement: Announcement, allowed: tuple, by, **changes) -> Announcement:
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status not in allowed:
            raise ValidationError(
                _("This announcement is “%(status)s”; this step is not possible now.")
                % {"status": locked.get_status_display()}
            )
        for name, value in changes.items():
            setattr(locked, name, value)
        locked._history_user = by
        locked.save()
    announcement.refresh_from_db()
    return announcement


def approve(announcement: Announcement, by) -> Announcement:
    return _transition(
        announcement,
        (Announcement.Status.DRAFT,),
        by,
        status=Announcement.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by=by,
    )


def publish(announcement: Announcement, by) -> Announcement:
    """Only an approved announcement is published; publishing fulfils the platform's duty."""
    with transaction.atomic():
        _transition(
            announcement,
            (Announcement.Status.APPROVED,),
            by,
            status=Announcement.Status.PUBLISHED,
            published_at=timezone.now(),
            published_by=by,
        )
        fulfil_obligations(
            party=announcement.platform,
            kind=Obligation.Kind.ANNOUNCEMENT,
            key=rounds.round_key(announcement.round),
            evidence=rounds.announcement_evidence(announcement),
            by=by,
        )
    return announcement


def return_to_draft(announcement: Announcement, by) -> Announcement:
    """Withdraw an approved or published announcement for rework (it leaves the public pages)."""
    return _transition(
        announcement,
        (Announcement.Status.APPROVED, Announcement.Status.PUBLISHED),
        by,
        status=Announcement.Status.DRAFT,
        approved_at=None,
        approved_by=None,
        published_at=None,
        published_by=None,
    )


# --- hooks after a save ----------------------------------------------------------------------------


def plan_saved(plan: RemedyPlan, by=None) -> None:
    """A plan recorded fulfils the platform's remedy-plan duties and clears its incident finding."""
    rounds.plan_recorded(plan, by)
    checks.plan_clears_incidents(plan, by)


# 54号 二 makes the component agreement a duty ("中国招标投标公共服务平台与各参与互认平台签订") and only
# encourages the standard service agreement ("鼓励……签订和履行《网络共享数字证书标准服务协议》").
NO_STANDARD_RENEWAL = "《网络共享数字证书标准服务协议》为54号 二“鼓励”签订，不设到期续签义务。"


def agreement_saved(agreement: Agreement, by=None) -> None:
    """A signed component agreement fulfils the duty; its term end gets a renewal obligation (the
    engine reminds before it); a renewal fulfils the renewed agreement's obligation. A standard service
    agreement, only encouraged, gets none (one an earlier version gave it is waived with the reason)."""
    rounds.agreement_signed(agreement, by)
    platform = agreement.platform
    if agreement.renews_id:
        fulfil_obligations(
            party=platform,
            kind=Obligation.Kind.AGREEMENT_RENEWAL,
            key=f"agreement:{agreement.renews_id}",
            evidence=f"已续签：{agreement.title}",
            by=by,
        )
    key = f"agreement:{agreement.pk}"
    component = agreement.kind == Agreement.Kind.COMPONENT
    stale = Obligation.objects.filter(
        platform=platform, kind=Obligation.Kind.AGREEMENT_RENEWAL, key=key, status__in=Obligation.PENDING
    )
    for obligation in stale.exclude(due_date=agreement.term_end) if component else stale:
        waive(obligation, reason="协议期限已变更。" if component else NO_STANDARD_RENEWAL, by=by)
        dismiss_wrong_basis(
            Finding.objects.filter(obligation=obligation, kind=Finding.Kind.OVERDUE),
            reason="协议期限已变更。" if component else NO_STANDARD_RENEWAL,
            by=by,
            history_reason="" if not component else gettext_noop("agreement term changed"),
        )
    if component and agreement.term_end and agreement.signed_on:
        ensure_obligation(
            party=platform,
            kind=Obligation.Kind.AGREEMENT_RENEWAL,
            title=f"{platform.name}：{agreement.title}到期续签",
            due_date=agreement.term_end,
            dedup_key=f"trial:agreement:{agreement.pk}:renewal:{agreement.term_end:%Y-%m-%d}",
            key=key,
            description=f"《{agreement.get_kind_display()}》于{agreement.term_end:%Y-%m-%d}到期，请及时续签并上传协议扫描件。",
            created_by=by,
        )


def coverage_saved(coverage: Coverage, by=None) -> None:
    """Complete coverage fulfils the platform's coverage duty in every round it takes part in (a pilot
    city's every field at both levels, another locality's every field: 全覆盖) and resolves a pilot
    city's coverage finding."""
    for participant in TrialParticipant.objects.filter(platform=coverage.platform).select_related("round", "platform"):
        levels = rounds.LEVELS if participant.is_pilot_city else (Coverage.Level.CITY,)
        if not rounds.coverage_gaps(participant, levels=levels):
            fulfil_obligations(
                party=coverage.platform,
                kind=Obligation.Kind.COVERAGE,
                key=rounds.round_key(participant.round),
                evidence="市、区（县）两级全部要求领域均已应用。",
                by=by,
            )
            if participant.is_pilot_city:
                checks.coverage_complete(participant, by)


def incident_saved(incident: DecryptionIncident, by=None) -> None:
    checks.incident_finding(incident.platform)


def waive_standard_renewals() -> int:
    """Converge a database where an earlier version gave standard service agreements a renewal duty:
    the unsettled ones are waived with the reason and the findings their lateness raised dismissed."""
    standard = Agreement.objects.exclude(kind=Agreement.Kind.COMPONENT)
    keys = [f"agreement:{pk}" for pk in standard.values_list("pk", flat=True)]
    duties = Obligation.objects.filter(kind=Obligation.Kind.AGREEMENT_RENEWAL, key__in=keys)
    written = 0
    for obligation in duties.filter(status__in=Obligation.PENDING).order_by("pk"):
        waive(obligation, reason=NO_STANDARD_RENEWAL, by=None)
        written += 1
    written += dismiss_wrong_basis(
        Finding.objects.filter(obligation__in=duties.filter(status=Obligation.Status.WAIVED)),
        reason=NO_STANDARD_RENEWAL,
    )
    return written
