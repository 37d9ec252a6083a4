"""Celery tasks of the fee rules. ``sweep_fee_rules`` is meant to run daily (beat schedule)."""

import datetime

from celery import shared_task


@shared_task(name="fees.tasks.sweep_fee_rules")
def sweep_fee_rules(on_date: str | None = None) -> dict:
    """Evaluate every tariff in force against the rules; each breach is raised once."""
    from fees.sweep import sweep

    return sweep(datetime.date.fromisoformat(on_date) if on_date else None).as_dict()


@shared_task(name="fees.tasks.check_vendor_compliance")
def check_vendor_compliance(vendor_id: int, user_id: int | None = None) -> dict:
    """After an acceptance: the same sweep for one vendor."""
    from django.contrib.auth import get_user_model

    from fees.sweep import sweep

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return sweep(vendors=[vendor_id], user=user).as_dict()


@shared_task(name="fees.tasks.run_import", acks_late=True)
def run_import(import_id: int, phase: str) -> str:
    """Check (dry run) or write an uploaded sheet; large sheets come here instead of the request."""
    from fees.importing.jobs import run

    return run(import_id, phase)
