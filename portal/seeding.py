"""Helpers for ``manage.py seed``: facts and demonstration data, loaded idempotently.

Each app may have a ``seed`` module with ``load_facts(log)`` and ``load_demo(log, password)``;
the command calls them in the order of ``SEED_APPS``. A second run changes nothing: rows are
written only when a value differs, so no history row is added either.
"""

import csv
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from django.db import models

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_APPS = ["supervision", "certificates", "fees", "trial"]
DEMO_MARK = "示例"

Log = Callable[[str], None]
M = TypeVar("M", bound=models.Model)


def app_modules(module_name: str) -> Iterator[ModuleType]:
    """Each app's ``<app>.<module_name>`` module, in the order of ``SEED_APPS``, where there is one (the
    navigation, dashboards, digests, rules, report sections and seeds the apps contribute)."""
    for app in SEED_APPS:
        try:
            yield import_module(f"{app}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{module_name}":
                raise


def platform_name(operator: str, kind: str) -> str:
    """Platform names are not in the notices: "<operator>交易平台" for a public-resource trading
    platform (kind "public"), "<operator>招标采购平台" for an enterprise's bidding platform."""
    return f"{operator}{'交易平台' if kind == 'public' else '招标采购平台'}"


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def upsert(model: type[M], lookup: dict, values: dict) -> tuple[M, bool]:
    """Create the row matched by ``lookup`` or bring it to ``values``; save only what changed.

    ``values`` uses attribute names (``region_id``), so foreign keys compare without a query.
    Returns the object and whether anything was written.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, False
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return obj, True


SCHEDULE_TIMEZONE = "Asia/Shanghai"


def ensure_schedules(schedules: dict[str, tuple[str, str, str, str]]) -> int:
    """Create beat entries (django-celery-beat) once: name → (task, minute, hour, day of week).

    An existing entry is left alone, so what administrators change in the admin stays changed.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    written = 0
    for name, (task, minute, hour, day_of_week) in schedules.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone=SCHEDULE_TIMEZONE,
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab)
        written += 1
    return written
