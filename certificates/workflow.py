"""The one place where a recognition record's status changes (web, API and import all call it).

    not started → in progress → testing → done → verified

* the CA vendor's own users move their records forward, one step at a time, up to *done*; moving
  to *done* needs evidence (a test report, a sample signed file, or at least a note);
* the operator of the record's platform then confirms (``confirmed_by_platform``);
* only an administrator supervising the platform's region sets *verified*, once confirmed;
* the operator or an administrator may return a *done* record (an administrator also a *verified*
  one) to *testing*, with a reason.

Anything else is refused with a ``TransitionRefused`` that says why; nothing is changed then.
Every change writes a ``RecognitionEvent`` and a history row, and then the rules that depend on
the status run (obligations fulfilled, discrepancies flagged).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates import findings  # the rules that depend on the status (obligations, findings)
from certificates.models import RecognitionEvent, RecognitionEvidence, RecognitionRecord, RecognitionStatus
from certificates.models.recognition import STATUS_ORDER
from portal.accounts.scope import Scope

S = RecognitionStatus
Action = RecognitionEvent.Action


class TransitionRefused(ValidationError):
    """A status change the rules do not allow; ``messages`` holds the reason."""


@dataclass(frozen=True)
class Step:
    action: str
    to_status: str

    @property
    def to_label(self) -> str:
        return status_label(self.to_status)


def status_label(value: str) -> str:
    return str(S(value).label) if value in STATUS_ORDER else value


def next_status(status: str) -> str | None:
    index = STATUS_ORDER.index(status)
    return STATUS_ORDER[index + 1] if index + 1 < len(STATUS_ORDER) else None


# --- who is who ----------------------------------------------------------------------------------
def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_record_vendor(user, record) -> bool:
    return _active(user) and (user.is_superuser or (bool(user.vendor_id) and user.vendor_id == record.vendor_id))


def is_record_operator(user, record) -> bool:
    return _active(user) and (user.is_superuser or (bool(user.platform_id) and user.platform_id == record.platform_id))


def is_record_admin(user, record) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    scope = Scope.of(user)
    return scope is not None and scope.is_admin and scope.covers_region(record.platform.region)


# --- the rules -----------------------------------------------------------------------------------
def step_for(record, to_status: str) -> Step:
    """The step that moves ``record`` to ``to_status``, or refused when that is not one step."""
    if to_status not in STATUS_ORDER:
        raise TransitionRefused(_("“%(status)s” is not a recognition status.") % {"status": to_status})
    current = record.status
    if to_status == current:
        raise TransitionRefused(
            _("The record is already “%(status)s”; nothing to change.") % {"status": status_label(current)}
        )
    if to_status == S.TESTING and current in (S.DONE, S.VERIFIED):
        return Step(Action.RETURN, to_status)
    following = next_status(current)
    if to_status != following:
        if STATUS_ORDER.index(to_status) < STATUS_ORDER.index(current):
            raise TransitionRefused(
                _(
                    "A record cannot go back from “%(current)s” to “%(target)s”; only a done or verified record can be returned to testing."
                )
                % {"current": status_label(current), "target": status_label(to_status)}
            )
        raise TransitionRefused(
            _("Steps cannot be skipped: from “%(current)s” the next step is “%(next)s”, not “%(target)s”.")
            % {"current": status_label(current), "next": status_label(following), "target": status_label(to_status)}
        )
    return Step(Action.VERIFY if to_status == S.VERIFIED else Action.ADVANCE, to_status)


def check(record, step: Step, user, *, note: str = "", has_new_evidence: bool = False) -> None:
    """Raise ``TransitionRefused`` unless ``user`` may take ``step`` on ``record`` now."""
    if step.action == Action.ADVANCE:
        if not is_record_vendor(user, record):
            raise TransitionRefused(
                _("Only users of %(vendor)s move its recognition records forward (up to “done”).")
                % {"vendor": record.vendor}
            )
        if step.to_status == S.DONE and not (note.strip() or has_new_evidence or record.evidence.exists()):
            raise TransitionRefused(
                _(
                    "Moving to “done” needs evidence: attach a test report or a sample signed file, or describe the test in a note."
                )
            )
    elif step.action == Action.CONFIRM:
        if not is_record_operator(user, record):
            raise TransitionRefused(
                _("Only the operator of %(platform)s confirms recognition on it.") % {"platform": record.platform}
            )
        if record.status != S.DONE:
            raise TransitionRefused(
                _("Only a record that is “done” can be confirmed; this one is “%(status)s”.")
                % {"status": status_label(record.status)}
            )
        if record.confirmed_by_platform:
            raise TransitionRefused(_("The platform has already confirmed this record."))
    elif step.action == Action.VERIFY:
        if not is_record_admin(user, record):
            raise TransitionRefused(
                _("Only an administrator supervising the region of %(platform)s sets a record to “verified”.")
                % {"platform": record.platform}
            )
        if not record.confirmed_by_platform:
            raise TransitionRefused(
                _("The operator of %(platform)s must confirm the record before it can be verified.")
                % {"platform": record.platform}
            )
    elif step.action == Action.RETURN:
        allowed = is_record_admin(user, record) or (record.status == S.DONE and is_record_operator(user, record))
        if not allowed:
            raise TransitionRefused(
                _(
                    "Only the platform's operator (for a done record) or a supervising administrator may return a record to testing."
                )
            )
        if not note.strip():
            raise TransitionRefused(_("Give the reason for returning the record to testing."))


def allowed_steps(record, user) -> list[Step]:
    """The steps ``user`` could take on ``record`` now (buttons on the detail page)."""
    candidates = []
    following = next_status(record.status)
    if following:
        candidates.append(step_for(record, following))
    if record.status == S.DONE and not record.confirmed_by_platform:
        candidates.append(Step(Action.CONFIRM, S.DONE))
    if record.status in (S.DONE, S.VERIFIED):
        candidates.append(Step(Action.RETURN, S.TESTING))
    allowed = []
    for step in candidates:
        try:
            check(record, step, user, note="-", has_new_evidence=True)
        except TransitionRefused:
            continue
        allowed.append(step)
    return allowed


# --- doing it ------------------------------------------------------------------------------------
def _apply(record, step: Step, user, *, note: str, evidence, via: str, at) -> RecognitionRecord:
    now = at or timezone.now()
    with transaction.atomic():
        locked = RecognitionRecord.objects.select_for_update().select_related("vendor", "platform").get(pk=record.pk)
        if (locked.status, locked.confirmed_by_platform) != (record.status, record.confirmed_by_platform):
            raise TransitionRefused(_("The record was changed meanwhile; reload the page and try again."))
        from_status = locked.status
        for kind, upload in evidence:
            item = RecognitionEvidence(record=locked, kind=kind, file=upload, uploaded_by=user)
            item.full_clean(exclude=["record"])
            item.save()
        if step.action == Action.CONFIRM:
            locked.confirmed_by_platform = True
            locked.confirmed_at = now
            locked.confirmed_by = user
        else:
            locked.status = step.to_status
            locked.status_changed_at = now
            if step.to_status == S.DONE:
                locked.done_at = now
            if step.to_status == S.VERIFIED:
                locked.verified_at = now
                locked.verified_by = user
            if step.action == Action.RETURN:
                locked.confirmed_by_platform = False
                locked.confirmed_at = None
                locked.confirmed_by = None
                locked.verified_at = None
                locked.verified_by = None
                locked.done_at = None
        if note.strip():
            stamp = f"[{timezone.localtime(now):%Y-%m-%d}] {note.strip()}"
            locked.notes = f"{locked.notes}\n{stamp}".strip()
        with translation.override(None):  # the action's msgid: the history shows it translated
            locked._change_reason = str(Action(step.action).label)
        if user is not None:
            locked._history_user = user
        locked.save()
        RecognitionEvent.objects.create(
            record=locked,
            action=step.action,
            from_status=from_status,
            to_status=locked.status,
            by=user,
            at=now,
            note=note.strip(),
            via=via,
        )

        findings.after_transition(locked, step.action, by=user, today=timezone.localdate(now))
    return locked


def transition(record, to_status: str, *, user, note: str = "", evidence=(), via: str = "web", at=None):
    """Move ``record`` one step to ``to_status`` (advance, verify or return). ``evidence`` is a list of
    ``(kind, uploaded file)``. Raises ``TransitionRefused`` or ``ValidationError`` (bad file)."""
    step = step_for(record, to_status)
    check(record, step, user, note=note, has_new_evidence=bool(evidence))
    return _apply(record, step, user, note=note, evidence=list(evidence), via=via, at=at)


def confirm(record, *, user, note: str = "", via: str = "web", at=None):
    """The platform operator confirms a done record."""
    step = Step(Action.CONFIRM, record.status)
    check(record, step, user, note=note)
    return _apply(record, step, user, note=note, evidence=[], via=via, at=at)


def create_record(*, user, via: str = "web", at=None, **fields) -> RecognitionRecord:
    """A new record (status not started) with its first event; the caller checked permissions."""
    record = RecognitionRecord(**fields)
    record.full_clean()
    now = at or timezone.now()
    record.status_changed_at = now
    if user is not None:
        record._history_user = user
    record.save()
    RecognitionEvent.objects.create(
        record=record, action=Action.CREATE, from_status="", to_status=record.status, by=user, at=now, via=via
    )
    findings.ensure_platform_duties(RecognitionRecord.objects.filter(pk=record.pk), by=user)
    return record
