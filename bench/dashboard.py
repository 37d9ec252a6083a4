#!/usr/bin/env python
"""Benchmark of the pages a person opens first: the dashboard of each demo role and the API documentation.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/dashboard.py

Times each page through the Django test client (middleware, scoping, templates included) on the
configured database, which must hold the demo data (``manage.py seed --demo``; the script seeds it
when the demo users are missing): the median of several runs after one warm-up, and the number of
queries of each run (which must be the same every time). The API schema is timed cold (its cache
cleared before each run) and warm.

Targets (2 cores): each dashboard < 300 ms median with a fixed query count; the schema, once built,
< 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

ROLES = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"]


def measure(client, url: str, runs: int, before=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (connection, templates, permissions)
    assert response.status_code == 200, (url, response.status_code)
    times, counts = [], set()
    for _ in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        counts.add(len(context.captured_queries))
        assert response.status_code == 200, (url, response.status_code)
    return {"median_ms": statistics.median(times), "max_ms": max(times), "queries": sorted(counts)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    User = get_user_model()
    if not User.objects.filter(username="province").exists():
        call_command("migrate", verbosity=0)
        call_command("seed", "--demo", verbosity=0)

    ok = True
    rows = []
    for username in ROLES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        figure = measure(client, "/dashboard/", args.runs)
        passed = figure["median_ms"] < 300 and len(figure["queries"]) == 1
        ok &= passed
        rows.append((f"dashboard as {username}", figure, passed))

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="province"))
    rows.append(("/api/docs/ (the page)", measure(client, "/api/docs/", args.runs), True))
    rows.append(("/api/schema/ cold", measure(client, "/api/schema/", max(3, args.runs // 2), cache.clear), True))
    warm = measure(client, "/api/schema/", args.runs)
    ok &= warm["median_ms"] < 100
    rows.append(("/api/schema/ warm", warm, warm["median_ms"] < 100))

    print(f"median of {args.runs} runs after one warm-up:")
    for label, figure, passed in rows:
        print(
            f"  {label:<32} median {figure['median_ms']:7.1f} ms  max {figure['max_ms']:7.1f} ms  "
            f"queries {figure['queries']}  {'ok' if passed else 'SLOW'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
