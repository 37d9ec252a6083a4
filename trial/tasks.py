"""Beat entry points of the 2023 trial."""

from __future__ import annotations

import datetime

from celery import shared_task

from trial.checks import run_checks


@shared_task(name="trial.checks")
def trial_checks(today: str | None = None) -> dict:
    """The 2023 trial's rules: pilot-city coverage on the administrators' date, incidents without a plan."""
    return run_checks(datetime.date.fromisoformat(today) if today else None)
