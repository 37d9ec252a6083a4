"""The Celery app. Broker and results follow settings (Redis when REDIS_URL is set, else a local folder)."""

import datetime
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def optional_date(value: str | None) -> datetime.date | None:
    """A task's date argument: tasks take ISO strings (JSON-serialisable); none means today."""
    return datetime.date.fromisoformat(value) if value else None
