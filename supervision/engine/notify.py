"""Single messages outside the daily sweep (a case's notice, its return, escalation, a digest):
written as notification rows first, then delivered after the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from supervision.engine.delivery import deliver_notifications
from supervision.engine.recipients import Directory, Recipient
from supervision.models import Notification, party_field


def write(
    *,
    topic: str,
    stage: str,
    recipients: list[Recipient],
    subject: str,
    body: str,
    link: str = "",
    attachment: str = "",
    obligation_id: int | None = None,
    case_id: int | None = None,
    copy_subject: str = "",
    copy_line: str = "",
) -> list[int]:
    """Write one pending notification per recipient (once: the unique key refuses repeats) and
    schedule their delivery after commit. Returns the ids of the rows written now."""
    now = timezone.now()
    rows = [
        Notification(
            topic=topic,
            stage=stage,
            channel=r.channel,
            recipient=r.address,
            recipient_name=r.name[:200],
            user_id=r.user_id,
            obligation_id=obligation_id,
            case_id=case_id,
            is_copy=r.is_copy,
            subject=(copy_subject if r.is_copy and copy_subject else subject)[:300],
            body=f"{copy_line}\n\n{body}" if r.is_copy and copy_line else body,
            link=link,
            attachment=attachment,
            next_attempt_at=now,
        )
        for r in recipients
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(topic=topic, stage=stage, status=Notification.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    deliver_notifications.delay(ids)


def party_recipients(party) -> list[Recipient]:
    return Directory().recipients(party_field(party), party.pk)
