"""Actions on single obligations from the pages and the API: fulfil with evidence, waive, campaigns."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.models import Obligation, ObligationFile
from supervision.models.uploads import validate_upload
from supervision.services import ensure_obligation


def _claim(obligation: Obligation, by=None, **changes) -> bool:
    """Conditional UPDATE: only a pending obligation changes (two clicks act once)."""
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().filter(pk=obligation.pk).first()
        if locked is None or locked.status not in Obligation.PENDING:
            return False
        for name, value in changes.items():
            setattr(locked, name, value)
        if by is not None:
            locked._history_user = by
        locked.save()
        obligation.refresh_from_db()
        return True


def fulfil(obligation: Obligation, *, evidence: str, by, url: str = "", files=()) -> Obligation:
    """Record the duty as done with its evidence. An administrator who may accept it records it as
    fulfilled; the party itself reports it, and it waits for an administrator to accept it."""
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Describe what was done.")})
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    accepted = by.has_perm(Obligation.get_perm("accept"), obligation)
    with transaction.atomic():
        done = _claim(
            obligation,
            status=Obligation.Status.FULFILLED if accepted else Obligation.Status.REPORTED,
            evidence=evidence.strip(),
            evidence_url=url,
            by=by,
            fulfilled_by=by,
            fulfilled_at=timezone.now() if accepted else None,
        )
        if not done:
            raise ValidationError(
                _("This obligation is “%(status)s”; only an open or overdue one can be fulfilled.")
                % {"status": obligation.get_status_display()}
            )
        for upload in files:
            ObligationFile.objects.create(
                obligation=obligation, file=upload, original_name=upload.name[:200], uploaded_by=by
            )
    return obligation


def _settle_report(obligation: Obligation, by, reason: str = "", **changes) -> bool:
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().filter(pk=obligation.pk).first()
        if locked is None or locked.status != Obligation.Status.REPORTED:
            return False
        for name, value in changes.items():
            setattr(locked, name, value)
        locked._history_user = by
        if reason:
            locked._change_reason = reason[:100]
        locked.save()
    obligation.refresh_from_db()
    return True


def accept(obligation: Obligation, *, by) -> Obligation:
    """An administrator accepts the party's reported fulfilment: the duty is fulfilled."""
    if not _settle_report(obligation, by, status=Obligation.Status.FULFILLED, fulfilled_at=timezone.now()):
        raise ValidationError(_("Only a reported fulfilment can be accepted or returned."))
    return obligation


def return_report(obligation: Obligation, *, reason: str, by) -> Obligation:
    """An administrator returns the reported fulfilment with a reason: the duty is open again (the daily
    sweep makes it overdue if its date has passed)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what is still missing.")})
    changes = {"status": Obligation.Status.OPEN, "fulfilled_by": None, "fulfilled_at": None}
    if not _settle_report(obligation, by, reason=reason.strip(), **changes):
        raise ValidationError(_("Only a reported fulfilment can be accepted or returned."))
    return obligation


def waive(obligation: Obligation, *, reason: str, by) -> Obligation:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for waiving.")})
    if not _claim(obligation, by=by, status=Obligation.Status.WAIVED, waived_reason=reason.strip()):
        raise ValidationError(
            _("This obligation is “%(status)s”; only an open or overdue one can be waived.")
            % {"status": obligation.get_status_display()}
        )
    return obligation


def campaign(
    *, parties, kind: str, title: str, due_date, by, directive=None, description: str = ""
) -> list[Obligation]:
    """The same duty for many parties at once; all or nothing."""
    if not parties:
        raise ValidationError(_("No party in your scope matches this campaign."))
    label = f"{title[:60]} {timezone.localdate():%Y-%m-%d} {uuid.uuid4().hex[:6]}"
    created = []
    with transaction.atomic():
        for party in parties:
            obligation, _new = ensure_obligation(
                party=party,
                kind=kind,
                title=f"{party}：{title}"[:200],
                due_date=due_date,
                dedup_key=f"campaign:{label}:{type(party).__name__}:{party.pk}",
                directive=directive,
                description=description,
                created_by=by,
                campaign=label,
            )
            created.append(obligation)
    return created
