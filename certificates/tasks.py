"""Celery tasks of the certificates app. Idempotent: run twice, they do the work once."""

from __future__ import annotations

import datetime

from celery import shared_task

from certificates import expiry, findings
from certificates.chains import refresh_time_statuses


@shared_task(name="certificates.tasks.sweep_recognition")
def sweep_recognition(today: str | None = None) -> dict:
    """Daily: chains that expired in time, CA certificates approaching expiry (obligations and the
    365/180/90/30-day notices), trust-list discrepancies, unfiled vendors, recognition obligations."""

    day = datetime.date.fromisoformat(today) if today else None
    result = {"chains_changed": refresh_time_statuses()}
    result.update(expiry.sweep(day))
    result.update(findings.sweep(day))
    return result
