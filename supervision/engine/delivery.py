"""Delivery: claim pending notifications atomically, send them, record the result.

The claim is a conditional UPDATE (``status IN (pending, failed) AND next_attempt_at <= now``)
that stamps a random token; only the rows carrying this worker's token are sent. Two workers
racing over the same rows each send a disjoint set, so no message goes out twice. A worker that
dies after claiming leaves ``claimed`` rows; they are released for retry after ``CLAIM_TIMEOUT``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from supervision.engine.channels import CHANNELS
from supervision.models import Notification, Obligation, RectificationCase, ReminderPolicy

CLAIM_TIMEOUT = timedelta(minutes=30)
BATCH = 500
S = Notification.Status


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … minutes after each failure, at most one day."""
    return timedelta(minutes=min(2**attempts, 24 * 60))


def release_stale_claims(now) -> int:
    return Notification.objects.filter(status=S.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        status=S.FAILED, claim="", last_error="claim expired: the worker stopped before recording a result"
    )


def _claim(ids: list[int], now) -> str:
    token = uuid.uuid4().hex
    Notification.objects.filter(pk__in=ids, status__in=[S.PENDING, S.FAILED], next_attempt_at__lte=now).update(
        status=S.CLAIMED, claim=token, claimed_at=now
    )
    return token


def _no_longer_due(rows: list[Notification]) -> set[int]:
    """Reminders ("d…"/"o…" stages) whose obligation or case has moved on since they were written."""
    reminders = [n for n in rows if n.stage[:1] in ("d", "o") and n.stage[1:].isdigit()]
    obligation_ids = {n.obligation_id for n in reminders if n.obligation_id}
    case_ids = {n.case_id for n in reminders if n.case_id and not n.obligation_id}
    done_obligations = set(
        Obligation.objects.filter(pk__in=obligation_ids)
        .exclude(status__in=Obligation.PENDING)
        .values_list("pk", flat=True)
    )
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


def deliver_batch(ids: list[int], now=None, max_attempts: int | None = None) -> tuple[int, int]:
    """Claim, send and record the given notifications; returns (sent, failed)."""
    now = now or timezone.now()
    return send_claimed(_claim(ids, now), now=now, max_attempts=max_attempts)


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


def send_claimed(token: str, now=None, max_attempts: int | None = None) -> tuple[int, int]:
    """Send the notifications this worker holds under ``token``, then record the results set-based:
    one UPDATE for everything sent, one per failure (rare)."""
    now = now or timezone.now()
    rows = [
        Outgoing(*values)
        for values in Notification.objects.filter(claim=token, status=S.CLAIMED)
        .order_by("pk")
        .values_list(*SEND_FIELDS)
    ]
    if not rows:
        return 0, 0
    max_attempts = max_attempts or ReminderPolicy.current().max_attempts
    cancelled = _no_longer_due(rows)
    if cancelled:
        Notification.objects.filter(pk__in=cancelled, claim=token).update(status=S.CANCELLED, claim="")
    errors: dict[int, str] = {}
    for name, channel in CHANNELS.items():
        group = [n for n in rows if n.channel == name and n.pk not in cancelled]
        if group:
            errors.update(channel.deliver(group))
    with transaction.atomic():
        Notification.objects.filter(claim=token, status=S.CLAIMED).exclude(pk__in=list(errors)).update(
            status=S.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="", claim=""
        )
        for notification in rows:
            if notification.pk not in errors:
                continue
            attempts = notification.attempts + 1
            Notification.objects.filter(pk=notification.pk, claim=token).update(
                status=S.GAVE_UP if attempts >= max_attempts else S.FAILED,
                attempts=attempts,
                last_error=errors[notification.pk][:2000],
                next_attempt_at=now + backoff(attempts),
                claim="",
            )
    sent = len(rows) - len(errors) - len(cancelled)
    return sent, len(errors)


def deliver_due(now=None, batch: int = BATCH, only_ids=None) -> dict[str, int]:
    """Send every notification that is due (new ones and failed ones whose back-off has passed)."""
    now = now or timezone.now()
    release_stale_claims(now)
    max_attempts = ReminderPolicy.current().max_attempts
    totals = {"sent": 0, "failed": 0}
    last = 0
    while True:
        queue = Notification.objects.filter(status__in=[S.PENDING, S.FAILED], next_attempt_at__lte=now, pk__gt=last)
        if only_ids is not None:
            queue = queue.filter(pk__in=only_ids)
        ids = list(queue.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return totals
        sent, failed = deliver_batch(ids, now=now, max_attempts=max_attempts)
        totals["sent"] += sent
        totals["failed"] += failed
        last = ids[-1]


@shared_task(name="supervision.deliver_notifications")
def deliver_notifications(ids: list[int] | None = None) -> dict:
    """Send the given pending notifications, or (no ids) every one that is due, failed ones included."""
    return deliver_due(only_ids=ids)
