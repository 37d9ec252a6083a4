"""The Celery app. Broker and results follow settings (Redis when REDIS_URL is set, else a local folder)."""

import datetime
import os

from celery import Celery
from celery.signals import worker_process_init
from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def optional_date(value: str | None) -> datetime.date | None:
    """A task's date argument: tasks take ISO strings (JSON-serialisable); none means today."""
    return datetime.date.fromisoformat(value) if value else None


@worker_process_init.connect
def load_urls(**kwargs) -> None:
    """Load the URL configuration (every app's views, their patterns compiled) when a worker process
    starts, in the portal's language: a task writing a link (a finding's evidence) would otherwise pay
    for it the first time, most of a second in an import's write."""
    with translation.override(settings.LANGUAGE_CODE):
        get_resolver().reverse_dict  # noqa: B018 - computed on first access
