"""Run as a script by ``test_trial_upgrade.py`` against a fresh SQLite file named by ``DATABASE_URL``.

It builds the database of the old layout (the 2023 trial's tables inside ``supervision``), fills every
trial table, then migrates to the new layout and prints, as JSON, the row counts of each table
before and after, with what the content types and the beat entry say.

The old layout is reached from today's database by migrating ``trial`` back to zero: that is exactly
the database an installation of the old code has (``supervision`` at its ``0003_trial``, which created
those tables), and the rows are made with today's models first. Today's database is built straight from
the models, as the test suite builds its own, with every migration recorded as applied: running the
migrations from nothing would take as long as the rest of the script, and ``makemigrations --check``
keeps the models and the migrations alike. The migrations that move the trial, back and forth, run.
"""

import datetime
import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

MODELS = [
    "agreement",
    "agreementparty",
    "announcement",
    "coverage",
    "decryptionincident",
    "feedback",
    "remedyplan",
    "reportingperiod",
    "trialparticipant",
    "trialround",
    "usageline",
    "usagereport",
]
TABLES = [*MODELS, *(f"historical{name}" for name in MODELS), "trialround_coverage_domains"]
TABLES.append("announcement_business_types")


def counts(prefix: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f'SELECT COUNT(*) FROM "{prefix}{table}"')
            result[table] = cursor.fetchone()[0]
        return result


def fill() -> None:
    from supervision.models import BusinessDomain, CAVendor, Platform
    from trial.models import (
        Agreement,
        AgreementParty,
        Announcement,
        Coverage,
        DecryptionIncident,
        Feedback,
        RemedyPlan,
        TrialRound,
        UsageLine,
        UsageReport,
    )

    trial_round = TrialRound.objects.get(code="2023")
    participant = trial_round.participants.select_related("platform").first()
    platform: Platform = participant.platform
    vendor = CAVendor.objects.order_by("pk").first()
    domain = BusinessDomain.objects.get(code="construction")
    period = trial_round.periods.order_by("due_date").first()
    announcement = Announcement.objects.create(round=trial_round, platform=platform, title="公告", scope="范围")
    announcement.business_types.set([domain])
    Coverage.objects.create(
        platform=platform, domain=domain, level="city", accepted=True, since=datetime.date(2023, 1, 20)
    )
    agreement = Agreement.objects.create(kind="component", platform=platform, title="协议")
    AgreementParty.objects.create(agreement=agreement, role="ca_vendor", vendor=vendor)
    RemedyPlan.objects.create(
        platform=platform, kind="own", description="方案", effective_from=datetime.date(2023, 1, 20)
    )
    DecryptionIncident.objects.create(
        platform=platform,
        occurred_on=datetime.date(2023, 2, 1),
        project_code="P-1",
        project_name="项目",
        bidder="某公司",
        vendor=vendor,
        cause="bidder",
        outcome="recovered",
        responsible="bidder",
    )
    report = UsageReport.objects.create(
        platform=platform, period=period, starts_on=period.starts_on, ends_on=period.ends_on
    )
    UsageLine.objects.create(
        report=report,
        vendor=vendor,
        registered_entities=10,
        bids=5,
        cross_region_bids=2,
        decryption_failures=1,
        remedies_used=1,
    )
    Feedback.objects.create(category="suggestion", platform=platform, description="建议")


def labels() -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django_celery_beat.models import PeriodicTask

    return {
        "content_types": sorted(set(ContentType.objects.filter(model__in=MODELS).values_list("app_label", flat=True))),
        "beat_tasks": sorted(
            PeriodicTask.objects.filter(task__in=["trial.checks", "supervision.trial_checks"]).values_list(
                "task", flat=True
            )
        ),
    }


def seed_facts() -> None:
    """The registry's and the trial's facts (the other apps' are not needed here)."""
    from supervision import seed as supervision_seed
    from trial import seed as trial_seed

    supervision_seed.load_facts(lambda message: None)
    trial_seed.load_facts(lambda message: None)


class NoMigrations:
    """``MIGRATION_MODULES`` under which no app has migrations: ``migrate --run-syncdb`` builds every table."""

    def __contains__(self, app_label: str) -> bool:
        return True

    def __getitem__(self, app_label: str) -> None:
        return None


def build_todays_database() -> None:
    with override_settings(MIGRATION_MODULES=NoMigrations()):
        call_command("migrate", run_syncdb=True, verbosity=0)
    # Recorded for supervision, the trial and what they depend on only: the way back walks the state of
    # every recorded migration, and the other apps' change nothing of the trial's.
    call_command("migrate", "supervision", fake=True, verbosity=0)
    call_command("migrate", "trial", fake=True, verbosity=0)


build_todays_database()
seed_facts()
fill()
call_command("migrate", "trial", "zero", verbosity=0)
old = {"counts": counts("supervision_"), **labels()}
call_command("migrate", "trial", verbosity=0)
new = {"counts": counts("trial_"), **labels()}
print(json.dumps({"old": old, "new": new}))
