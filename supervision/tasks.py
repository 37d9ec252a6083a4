"""Celery tasks of the deadlines engine. Each one is idempotent: run twice, it does the work once."""

from __future__ import annotations

import datetime

from celery import shared_task


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@shared_task(name="supervision.daily_sweep")
def daily_sweep(today: str | None = None) -> dict:
    """Reminders, overdue flips and findings, case escalation; then delivery."""
    from supervision.engine.sweep import run_sweep

    result = run_sweep(today=_date(today))
    return {
        "today": result.today.isoformat(),
        "obligations": result.obligations,
        "batches": result.batches,
        "flipped": result.flipped,
        "notifications": result.notifications,
        "escalated": result.escalated,
        **{f"delivery_{k}": v for k, v in result.delivery.items()},
    }


@shared_task(name="supervision.deliver_notifications")
def deliver_notifications(ids: list[int] | None = None) -> dict:
    """Send the given pending notifications, or (no ids) every one that is due, failed ones included."""
    from supervision.engine.delivery import deliver_due

    return deliver_due(only_ids=ids)


@shared_task(name="supervision.weekly_digest")
def weekly_digest(today: str | None = None) -> int:
    from supervision.engine.delivery import deliver_due
    from supervision.engine.digest import send_digests

    written = send_digests(_date(today))
    deliver_due()
    return written


@shared_task(name="supervision.issue_case_notice")
def issue_case_notice(case_id: int) -> str:
    from supervision.engine.cases import issue_notice
    from supervision.engine.delivery import deliver_due
    from supervision.models import Notification

    case = issue_notice(case_id)
    deliver_due(only_ids=list(Notification.objects.filter(case=case, stage="notice").values_list("pk", flat=True)))
    return case.status


@shared_task(name="supervision.render_criticism_pdf")
def render_criticism_pdf(criticism_id: int) -> str:
    from supervision.engine.criticism import render_pdf

    return render_pdf(criticism_id).pdf.name
