"""Fixtures of the deadlines tests: time travel to Asia/Shanghai dates, a sweep, parties."""

import datetime
import zoneinfo

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def travel():
    """travel(date) → the clock moves to 08:00 of that day in Asia/Shanghai (and stays there)."""
    travellers = []

    def go(day: datetime.date, hour: int = 8):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), SHANGHAI), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def szca(registry):
    from supervision.models import CAVendor

    return CAVendor.objects.get(short_name="SZCA")


@pytest.fixture
def puyang_platform(registry):
    from supervision.models import Platform

    return Platform.objects.get(name="濮阳市公共资源交易中心交易平台")


@pytest.fixture
def mailbox(settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def sweep():
    """sweep() runs the daily sweep for today's date (as time-machine sees it)."""
    from supervision.engine.sweep import run_sweep

    def run(**kwargs):
        return run_sweep(**kwargs)

    return run
