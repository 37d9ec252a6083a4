"""A real Celery worker (celery.contrib.pytest) runs the daily sweep through Redis (CI sets REDIS_URL)."""

import datetime
import os

import pytest

from supervision.models import Notification, Obligation
from supervision.services import ensure_obligation
from supervision.tasks import daily_sweep

pytest_plugins = ("celery.contrib.pytest",)
REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL (CI does) to start a real worker"),
]


@pytest.fixture(scope="session")
def celery_config():
    return {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_always_eager": False,
        "timezone": "Asia/Shanghai",
    }


@pytest.fixture(scope="session")
def celery_worker_parameters():
    return {"perform_ping_check": True, "shutdown_timeout": 30}


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_sweep_through_redis(registry, mailbox, celery_app, celery_worker, szca):
    today = datetime.date(2030, 5, 10)
    obligation, _ = ensure_obligation(
        party=szca, kind=Obligation.Kind.CUSTOM, title="经由工作进程的提醒", due_date=today, dedup_key="worker:1"
    )
    result = daily_sweep.delay(today.isoformat()).get(timeout=120)
    assert result["today"] == today.isoformat() and result["delivery_sent"] > 0
    rows = Notification.objects.filter(obligation=obligation)
    assert rows.exists() and not rows.exclude(status=Notification.Status.SENT).exists()
    assert any("经由工作进程的提醒" in message.subject for message in mailbox)
    # The same sweep again through the worker sends nothing new.
    again = daily_sweep.delay(today.isoformat()).get(timeout=120)
    assert again["delivery_sent"] == 0
