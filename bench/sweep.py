#!/usr/bin/env python
"""Benchmark of the daily sweep.

    .venv/bin/python bench/sweep.py --obligations 200000
    DATABASE_URL=postgres://root@127.0.0.1:5432/deadlines_bench .venv/bin/python bench/sweep.py

Prepares the configured database (migrate, seed facts and demo registry, bench platforms with contacts
and users), writes the given number of obligations spread over vendors and platforms (a realistic
share in a reminder window or overdue), then runs ONE full sweep in a fresh process — planning,
overdue flips and findings, notifications written, delivered (e-mail to Django's dummy backend,
so no mail leaves the machine, and the portal inbox) — and prints time, peak RSS and query counts.
Targets on PostgreSQL (2 cores): 200,000 obligations in < 30 s and < 300 MB; queries grow with
batches, not rows.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
BENCH = "bench"
# Share of obligations by situation on the sweep day (the rest is due later than 14 days).
MIX = {"done": 0.10, "no_date": 0.15, "window": 0.06, "overdue": 0.06}


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL when it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    try:
        psycopg2.connect(
            dbname=config["NAME"], user=config["USER"], host=config["HOST"], port=config["PORT"] or 5432
        ).close()
    except psycopg2.OperationalError:
        admin = psycopg2.connect(
            dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"] or 5432
        )
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{config["NAME"]}"')
        admin.close()
        print(f"created database {config['NAME']}")


def prepare(count: int, platforms: int, today: datetime.date, seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from portal.accounts.models import Role, User
    from supervision.models import CAVendor, Contact, Finding, Notification, Obligation, Platform, Region

    call_command("migrate", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("seed", "--demo", verbosity=0)
    started = time.perf_counter()
    cities = list(Region.objects.filter(parent_id="410000", level="city").values_list("code", flat=True))
    for i in range(platforms):
        region = cities[i % len(cities)]
        platform, created = Platform.objects.get_or_create(
            name=f"基准测试平台{i:04d}（示例）",
            defaults={"region_id": region, "operator_company": f"基准运营公司{i:04d}", "is_demo": True},
        )
        if created:
            Contact.objects.bulk_create(
                [
                    Contact(
                        platform=platform,
                        name=f"平台{i}公共邮箱",
                        email=f"p{i}@bench.example.com",
                        is_shared_mailbox=True,
                        is_demo=True,
                    ),
                    Contact(
                        platform=platform, name=f"平台{i}联络员", email=f"p{i}-liaison@bench.example.com", is_demo=True
                    ),
                ]
            )
            User.objects.create(
                username=f"bench-op-{i}", role=Role.PLATFORM_OPERATOR, platform=platform, password="!", is_active=True
            )
    # Start from "never swept": no reminders, no overdue findings yet.
    Notification.objects.filter(topic__startswith="obligation:").delete()
    Finding.objects.filter(dedup_key__startswith="overdue:obligation:").delete()
    existing = Obligation.objects.filter(campaign=BENCH)
    if existing.count() == count:
        existing.filter(status=Obligation.Status.OVERDUE).update(status=Obligation.Status.OPEN)
        _analyze(connection)
        print(f"reset {count:,} obligations in {time.perf_counter() - started:.1f} s")
        return
    existing.delete()
    parties = [("vendor", pk) for pk in CAVendor.objects.values_list("pk", flat=True)]
    parties += [("platform", pk) for pk in Platform.objects.values_list("pk", flat=True)]
    rng = random.Random(seed)
    kinds = [k for k, _ in Obligation.Kind.choices]
    rows = []
    for i in range(count):
        field, pk = rng.choice(parties)
        draw = rng.random()
        status, due = Obligation.Status.OPEN, today + datetime.timedelta(days=rng.randint(15, 365))
        if draw < MIX["done"]:
            status = Obligation.Status.FULFILLED
        elif draw < MIX["done"] + MIX["no_date"]:
            due = None
        elif draw < MIX["done"] + MIX["no_date"] + MIX["window"]:
            due = today + datetime.timedelta(days=rng.randint(0, 14))
        elif draw < MIX["done"] + MIX["no_date"] + MIX["window"] + MIX["overdue"]:
            due = today - datetime.timedelta(days=rng.randint(1, 60))
        obligation = Obligation(
            kind=rng.choice(kinds),
            title=f"基准测试事项{i:06d}",
            due_date=due,
            status=status,
            dedup_key=f"{BENCH}:{i}",
            campaign=BENCH,
            fulfilled_at=datetime.datetime.now(datetime.UTC) if status == Obligation.Status.FULFILLED else None,
        )
        setattr(obligation, f"{field}_id", pk)
        rows.append(obligation)
        if len(rows) == 5000:
            Obligation.objects.bulk_create(rows)
            rows = []
    Obligation.objects.bulk_create(rows)
    _analyze(connection)
    print(f"prepared {count:,} obligations over {len(parties)} parties in {time.perf_counter() - started:.1f} s")


def _analyze(connection) -> None:
    """Leave a clean database: no dead rows for autovacuum to chase during the timed sweep, fresh
    statistics, and (when allowed) a checkpoint so the sweep does not pay for the preparation's writes."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("supervision_notification", "supervision_finding", "supervision_obligation"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except Exception:  # not a superuser: fine, only less steady figures
            pass


def sweep(today: datetime.date, batch: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import override_settings

    from supervision.engine import writer
    from supervision.engine.sweep import Sweep

    counts = {"queries": 0}

    def count(execute, sql, params, many, context):
        counts["queries"] += 1
        return execute(sql, params, many, context)

    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        connection.execute_wrapper(count),
    ):
        started = time.perf_counter()
        result = Sweep(today=today, batch=batch).run()
        elapsed = time.perf_counter() - started
    return {
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "queries": counts["queries"] + writer.COPY_STATEMENTS,
        "batches": result.batches,
        "obligations_in_window": result.obligations,
        "flipped_overdue": result.flipped,
        "notifications_written": result.notifications,
        "sent": result.delivery.get("sent", 0),
        "failed": result.delivery.get("failed", 0),
        "database": connection.vendor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--obligations", type=int, default=200_000)
    parser.add_argument("--platforms", type=int, default=200, help="bench platforms added to the demo registry")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--today", default="2031-03-02")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--phase", choices=["all", "sweep"], default="all", help=argparse.SUPPRESS)
    args = parser.parse_args()
    today = datetime.date.fromisoformat(args.today)
    if args.phase == "sweep":
        print(json.dumps(sweep(today, args.batch)))
        return
    ensure_database()
    # A separate process, so the sweep's peak memory is its own. An earlier run's obligations are
    # reused (when the count matches) and brought back to "never swept".
    subprocess.run(
        [sys.executable, "-c", _PREPARE.format(args.obligations, args.platforms, args.today, args.seed)],
        check=True,
        cwd=ROOT,
    )
    out = subprocess.run(
        [sys.executable, __file__, "--phase", "sweep", "--today", args.today, "--batch", str(args.batch)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"sweep of {args.obligations:,} obligations on {figures['database']} ({args.today}):")
    print(f"  time          {figures['seconds']:.2f} s   (target < 30 s)")
    print(f"  peak RSS      {figures['peak_rss_mb']:.0f} MB   (target < 300 MB)")
    print(
        f"  queries       {figures['queries']:,} for {figures['batches']} batches of ≤ {args.batch} "
        f"({figures['queries'] / max(figures['batches'], 1):.1f} per batch)"
    )
    print(
        f"  in a window   {figures['obligations_in_window']:,} obligations; {figures['flipped_overdue']:,} became overdue"
    )
    print(
        f"  notifications {figures['notifications_written']:,} written, {figures['sent']:,} sent, {figures['failed']} failed"
    )


_PREPARE = (
    "import sys, datetime; sys.path.insert(0, 'bench'); import sweep as b; "
    "b.prepare({0}, {1}, datetime.date.fromisoformat('{2}'), {3})"
)

if __name__ == "__main__":
    main()
