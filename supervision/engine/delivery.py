"""Delivery: claim due notifications, send them, record the results, set-based.

A worker claims a batch with ``SELECT … FOR UPDATE SKIP LOCKED`` and an UPDATE that stamps the rows
with its own random token (``status = claimed``), committed before anything is sent: rows another
worker is claiming are skipped, rows another worker holds are no longer due, so two workers never send
the same message. The results are recorded with one UPDATE for everything sent and one per kind of
failure. A worker that dies after claiming leaves ``claimed`` rows; they are released for retry after
``CLAIM_TIMEOUT``. A run sends through one ``Outbox``: one connection to the mail server for the run.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from supervision.engine.channels import Outbox
from supervision.models import Notification, Obligation, RectificationCase, ReminderPolicy

CLAIM_TIMEOUT = timedelta(minutes=30)
BATCH = 500
S = Notification.Status
DUE = [S.PENDING, S.FAILED]


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … minutes after each failure, at most one day."""
    return timedelta(minutes=min(2**attempts, 24 * 60))


def release_stale_claims(now) -> int:
    return Notification.objects.filter(status=S.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        status=S.FAILED, claim="", last_error="claim expired: the worker stopped before recording a result"
    )


SEND_FIELDS = (
    "pk",
    "channel",
    "recipient",
    "subject",
    "body",
    "attachment",
    "attempts",
    "stage",
    "obligation_id",
    "case_id",
)


@dataclass
class Outgoing:
    """What a channel needs to send one notification (lighter than a model instance)."""

    pk: int
    channel: str
    recipient: str
    subject: str
    body: str
    attachment: str
    attempts: int
    stage: str
    obligation_id: int | None
    case_id: int | None


def _claim(ids: list[int], now) -> str:
    """Claim the given rows that are still due (a conditional UPDATE stamping a new token)."""
    token = uuid.uuid4().hex
    Notification.objects.filter(pk__in=ids, status__in=DUE, next_attempt_at__lte=now).update(
        status=S.CLAIMED, claim=token, claimed_at=now
    )
    return token


@dataclass
class Claim:
    token: str
    rows: list[Outgoing]  # the rows this worker holds
    last: int  # the last id read (the next batch reads past it)


def claim_due(now, batch: int = BATCH, after: int = 0, only_ids=None) -> Claim | None:
    """Claim the next ``batch`` due notifications (by id, past ``after``): this worker's token and the
    rows it now holds, read by the claiming SELECT; None when nothing is left.

    ``FOR UPDATE SKIP LOCKED`` passes over the rows another worker is claiming at this moment (neither
    waiting for them nor taking them); the UPDATE stamps the rows locked, and once committed they are no
    longer due, so no other worker reads them. Read by id from the queue's partial index, each batch
    starts where the last one ended and reads its own rows, not all those before."""
    token = uuid.uuid4().hex
    queue = Notification.objects.filter(status__in=DUE, next_attempt_at__lte=now, pk__gt=after)
    if only_ids is not None:
        queue = queue.filter(pk__in=list(only_ids))
    with transaction.atomic():
        rows = [
            Outgoing(*values)
            for values in queue.select_for_update(skip_locked=True).order_by("pk").values_list(*SEND_FIELDS)[:batch]
        ]
        if not rows:
            return None
        last = rows[-1].pk
        claimed = Notification.objects.filter(pk__in=[n.pk for n in rows], status__in=DUE).update(
            status=S.CLAIMED, claim=token, claimed_at=now
        )
    if claimed != len(rows):  # a database without row locks (SQLite): keep the rows this token holds
        held = set(Notification.objects.filter(claim=token).values_list("pk", flat=True))
        rows = [n for n in rows if n.pk in held]
    return Claim(token, rows, last)


def _no_longer_due(rows: list[Outgoing]) -> set[int]:
    """Reminders ("d…"/"o…" stages) whose obligation or case has moved on since they were written."""
    reminders = [n for n in rows if n.stage[:1] in ("d", "o") and n.stage[1:].isdigit()]
    obligation_ids = {n.obligation_id for n in reminders if n.obligation_id}
    case_ids = {n.case_id for n in reminders if n.case_id and not n.obligation_id}
    done_obligations = set()
    if obligation_ids:
        done_obligations = set(
            Obligation.objects.filter(pk__in=obligation_ids)
            .exclude(status__in=Obligation.PENDING)
            .values_list("pk", flat=True)
        )
    done_cases = set()
    if case_ids:
        done_cases = set(
            RectificationCase.objects.filter(pk__in=case_ids)
            .exclude(status__in=RectificationCase.AWAITING_PARTY)
            .values_list("pk", flat=True)
        )
    return {
        n.pk
        for n in reminders
        if (n.obligation_id in done_obligations) or (not n.obligation_id and n.case_id in done_cases)
    }


def send_rows(
    token: str, rows: list[Outgoing], outbox: Outbox, now=None, max_attempts: int | None = None
) -> tuple[int, int]:
    """Send the rows this worker holds under ``token`` and record the results set-based: one UPDATE
    for the reminders no longer due, one for everything sent, one per kind of failure (same error,
    same attempt)."""
    if not rows:
        return 0, 0
    now = now or timezone.now()
    max_attempts = max_attempts or ReminderPolicy.current().max_attempts
    cancelled = _no_longer_due(rows)
    if cancelled:
        Notification.objects.filter(pk__in=cancelled, claim=token).update(status=S.CANCELLED, claim="")
    errors: dict[int, str] = {}
    by_channel: dict[str, list[Outgoing]] = defaultdict(list)
    for n in rows:
        if n.pk not in cancelled:
            by_channel[n.channel].append(n)
    for name, group in by_channel.items():
        errors.update(outbox.deliver(name, group))
    sent_ids = [n.pk for n in rows if n.pk not in cancelled and n.pk not in errors]
    failures: dict[tuple[int, str], list[int]] = defaultdict(list)
    for n in rows:
        if n.pk in errors:
            failures[(n.attempts + 1, errors[n.pk][:2000])].append(n.pk)
    with transaction.atomic():
        if sent_ids:
            Notification.objects.filter(pk__in=sent_ids, claim=token).update(
                status=S.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="", claim=""
            )
        for (attempts, error), ids in failures.items():
            Notification.objects.filter(pk__in=ids, claim=token).update(
                status=S.GAVE_UP if attempts >= max_attempts else S.FAILED,
                attempts=attempts,
                last_error=error,
                next_attempt_at=now + backoff(attempts),
                claim="",
            )
    return len(sent_ids), len(errors)


def send_claimed(
    token: str, now=None, max_attempts: int | None = None, outbox: Outbox | None = None
) -> tuple[int, int]:
    """Send the notifications already claimed under ``token`` (the sweep inserts its e-mails claimed)."""
    rows = [
        Outgoing(*values)
        for values in Notification.objects.filter(claim=token, status=S.CLAIMED)
        .order_by("pk")
        .values_list(*SEND_FIELDS)
    ]
    if outbox is not None:
        return send_rows(token, rows, outbox, now=now, max_attempts=max_attempts)
    with Outbox() as own:
        return send_rows(token, rows, own, now=now, max_attempts=max_attempts)


def deliver_due(now=None, batch: int = BATCH, only_ids=None, outbox: Outbox | None = None) -> dict[str, int]:
    """Send every notification that is due (new ones and failed ones whose back-off has passed),
    batch by batch through one outbox (one connection to the mail server for the whole run)."""
    now = now or timezone.now()
    release_stale_claims(now)
    max_attempts = ReminderPolicy.current().max_attempts
    totals = {"sent": 0, "failed": 0}
    last = 0
    own = outbox is None
    outbox = outbox or Outbox()
    try:
        while True:
            claim = claim_due(now, batch, after=last, only_ids=only_ids)
            if claim is None:
                return totals
            sent, failed = send_rows(claim.token, claim.rows, outbox, now=now, max_attempts=max_attempts)
            totals["sent"] += sent
            totals["failed"] += failed
            last = claim.last
    finally:
        if own:
            outbox.close()


@shared_task(name="supervision.deliver_notifications")
def deliver_notifications(ids: list[int] | None = None) -> dict:
    """Send the given pending notifications, or (no ids) every one that is due, failed ones included."""
    return deliver_due(only_ids=ids)
