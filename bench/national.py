#!/usr/bin/env python
"""Benchmark of the portal at the size of the country.

    .venv/bin/python bench/national.py --database postgres://root@127.0.0.1:5432/bench_national
    .venv/bin/python bench/national.py --database postgres://root@127.0.0.1:5432/bench_small --scale 0.1
    make bench

Builds, with set-based SQL (``INSERT … SELECT … FROM generate_series``), a national dataset in the
PostgreSQL database it is given (created and migrated when missing): 31 provinces, 348 cities, 2,790
counties, 1,500 platforms, 60 vendors, 180,000 recognition records, 300,000 obligations, 1,000,000
notifications, 50,000 findings, 20,000 rectification cases and about 418,000 fee-filing lines (the big
tables scale with ``--scale``). A second run reuses the data when it was built at the same scale
(``--rebuild`` starts over; the database must be one the bench owns: its name starts with "bench"),
vacuumed first (the rolled-back batch runs of the last run left dead rows).

Then it times, through the Django test client (middleware, scoping, templates and serializers
included), every list page, the case board, the matrices, the fee pages and every API list endpoint
for five users: the provincial administrator of Henan, the city administrator of Puyang, a vendor
user, a platform operator of Puyang and a national superuser. Each cell is the median (and p95) of
warm requests, the number of queries (which must not vary between runs) and the size of the answer.
Last, the batch work, each next to its floor (one SQL statement doing the essential work), inside a
transaction that is rolled back so the dataset stays as built: the daily sweep, the delivery of its
e-mails, the recognition sweep and the fee sweep.

The machine is shared: figures are medians, and the whole table is printed in Markdown.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from bench.common import PROVINCES, ensure_database, step  # noqa: E402

DEFAULT_DATABASE = "postgres://root@127.0.0.1:5432/bench_national"
CITIES, COUNTIES = 348, 2790
SIZES = {  # at --scale 1
    "platforms": 1500,
    "vendors": 60,
    "obligations": 300_000,
    "notifications": 1_000_000,
    "findings": 50_000,
    "cases": 20_000,
    "fee_pairs": 60 * (31 + CITIES),  # vendor × province or city: two filings of ~9 lines each
}
HENAN, PUYANG = "410000", "410900"
MARKER = "bench_national_build"
TODAY = datetime.date.today()


def sql(statement: str, params=()) -> int:
    """Run one statement (always with parameters: a literal % is written %%)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def built_scale() -> float | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT scale FROM {MARKER} WHERE finished IS NOT NULL")
        row = cursor.fetchone()
    return row[0] if row else None


def wipe() -> None:
    """Empty every table of the portal (not Django's own), then load the facts again."""
    from django.core.management import call_command
    from django.db import connection

    keep = ("django_migrations", "django_content_type", "auth_permission")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall() if name not in keep]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    call_command("seed", verbosity=0)


def build(scale: float) -> None:
    from django.db import connection, transaction

    size = {name: max(1, round(value * scale)) for name, value in SIZES.items()}
    size["vendors"] = SIZES["vendors"]
    size["fee_pairs"] = max(31 + CITIES, size["fee_pairs"])
    started = time.perf_counter()
    with transaction.atomic():
        sql(f"CREATE TABLE IF NOT EXISTS {MARKER} (scale double precision, finished timestamptz)")
        sql(f"DELETE FROM {MARKER}")
        sql(f"INSERT INTO {MARKER} (scale) VALUES (%s)", [scale])
        with step("regions"):
            build_regions()
        with step("authorities, vendors, platforms, contacts, users"):
            build_registry(size)
        with step(f"{size['platforms'] * size['vendors'] * 2:,} recognition records"):
            build_recognition()
        with step(f"{size['obligations']:,} obligations"):
            build_obligations(size["obligations"])
        with step("findings and rectification cases"):
            build_findings_and_cases(size["findings"], size["cases"])
        with step(f"{size['notifications']:,} notifications"):
            build_notifications(size["notifications"])
        with step("fee filings and lines"):
            build_fees(size["fee_pairs"])
    with step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with step("fee sweep and recognition sweep (their findings)"):
        from certificates.tasks import sweep_recognition
        from fees.sweep import sweep as fee_sweep

        fee_sweep()
        sweep_recognition()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sql(f"UPDATE {MARKER} SET finished = now()")
    print(f"  built in {time.perf_counter() - started:.0f} s")


def build_regions() -> None:
    """The 31 provinces, 348 cities and 2,790 counties (Henan's real ones kept from the facts)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT code, level, parent_id FROM supervision_region")
        existing = {code: (level, parent) for code, level, parent in cursor.fetchall()}
    rows = []
    for prefix, name in PROVINCES.items():
        code = f"{prefix}0000"
        if code not in existing:
            rows.append((code, name, "province", None))
    cities_have = {
        p: [c for c, (lvl, par) in existing.items() if lvl == "city" and par == f"{p}0000"] for p in PROVINCES
    }
    spare = CITIES - sum(len(v) for v in cities_have.values())
    cities: dict[str, list[str]] = {p: list(v) for p, v in cities_have.items()}
    missing = [p for p in PROVINCES if not cities_have[p]]
    for index, prefix in enumerate(missing):
        count = spare // len(missing) + (1 if index < spare % len(missing) else 0)
        for number in range(1, count + 1):
            code = f"{prefix}{number:02d}00"
            rows.append((code, f"{PROVINCES[prefix]}基准{number:02d}市", "city", f"{prefix}0000"))
            cities[prefix].append(code)
    all_cities = [c for p in PROVINCES for c in sorted(cities[p]) if c[4:] == "00"]
    have = sum(1 for lvl, _p in existing.values() if lvl == "county")
    spare = COUNTIES - have
    for index, city in enumerate(all_cities):
        count = spare // len(all_cities) + (1 if index < spare % len(all_cities) else 0)
        number = 0
        while count:
            number += 1
            code = f"{city[:4]}{number:02d}"
            if code in existing:
                continue
            rows.append((code, f"{city}基准{number:02d}县", "county", city))
            count -= 1
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO supervision_region (created, updated, code, name, level, parent_id, province_governed, "
            "shares_with_national) VALUES (now(), now(), %s, %s, %s, %s, false, false) ON CONFLICT (code) DO NOTHING",
            rows,
        )


def build_registry(size: dict) -> None:
    """Two authorities per province and city, 60 vendors, the platforms spread over the provinces
    (Puyang first in Henan's turn), a shared mailbox for each, and the five users timed."""
    sql(
        """
        INSERT INTO supervision_authority (created, updated, name, kind, website, notes, is_demo, region_id,
                                           document_prefix)
        SELECT now(), now(), r.name || k.suffix, k.kind, '', '', false, r.code, ''
        FROM supervision_region r
        CROSS JOIN (VALUES ('公共资源交易中心', 'trading_center'),
                           ('公共资源交易管理委员会办公室', 'management_office')) AS k(suffix, kind)
        WHERE r.level IN ('province', 'city') AND r.code <> '100000'
        ON CONFLICT (name) DO NOTHING
        """
    )
    sql(
        """
        INSERT INTO supervision_cavendor (created, updated, name, short_name, credit_code, licence_number,
            crypto_filing_number, crypto_filing_status, website, notes, crypto_determination_evidence,
            crypto_determination_number)
        SELECT now(), now(), '基准电子认证机构' || lpad(i::text, 3, '0'), 'BN' || lpad(i::text, 3, '0'),
               '', '', '', 'unknown', '', '', '', ''
        FROM generate_series(1, %s - (SELECT count(*) FROM supervision_cavendor)) AS i
        """,
        [size["vendors"]],
    )
    # Platforms: province by province in turn, each province's regions in order (Puyang first).
    sql(
        """
        INSERT INTO supervision_platform (created, updated, name, kind, operator_company, url, active, is_demo,
                                          region_id)
        SELECT now(), now(), '基准交易平台' || lpad(n::text, 5, '0'), 'public', '基准运营单位' || n, '', true,
               false, code
        FROM (
            SELECT code, row_number() OVER (ORDER BY turn, province, code) AS n
            FROM (
                SELECT code, left(code, 2) AS province,
                       row_number() OVER (PARTITION BY left(code, 2)
                                          ORDER BY code <> %s, level <> 'city', level <> 'province', code) AS turn
                FROM supervision_region WHERE code <> '100000'
            ) ordered
        ) numbered
        WHERE n <= %s
        """,
        [PUYANG, size["platforms"]],
    )
    for table, field, prefix in (
        ("supervision_platform", "platform_id", "p"),
        ("supervision_cavendor", "vendor_id", "v"),
        ("supervision_authority", "authority_id", "a"),
    ):
        sql(
            f"""
            INSERT INTO supervision_contact (created, updated, name, role, email, phone, is_shared_mailbox,
                                             is_demo, {field})
            SELECT now(), now(), left(name, 90) || '公共邮箱', '', '{prefix}' || id || '@bench.example.com', '',
                   true, false, id
            FROM {table} t
            WHERE NOT EXISTS (SELECT 1 FROM supervision_contact c WHERE c.{field} = t.id)
            """
        )
    sql(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, name, role, region_id, vendor_id, platform_id)
        VALUES
          ('!', true, 'bench-national', '', '', '', true, true, now(), '全国（基准）', '', NULL, NULL, NULL),
          ('!', false, 'bench-henan', '', '', '', true, true, now(), '河南省管理员（基准）', 'provincial_admin',
           %(henan)s, NULL, NULL),
          ('!', false, 'bench-puyang', '', '', '', false, true, now(), '濮阳市管理员（基准）', 'city_admin',
           %(puyang)s, NULL, NULL),
          ('!', false, 'bench-vendor', '', '', '', false, true, now(), '机构用户（基准）', 'vendor_user', NULL,
           (SELECT min(id) FROM supervision_cavendor WHERE short_name LIKE 'BN%%'), NULL),
          ('!', false, 'bench-platform', '', '', '', false, true, now(), '平台运营（基准）', 'platform_operator',
           NULL, NULL, (SELECT min(id) FROM supervision_platform WHERE region_id = %(puyang)s))
        ON CONFLICT (username) DO NOTHING
        """,
        {"henan": HENAN, "puyang": PUYANG},
    )
    sql(
        """
        INSERT INTO fees_feepolicy (created, updated, reference_date, directive_number, province_id,
                                    province_governed_cities_count)
        SELECT now(), now(), DATE '2019-08-15', '基准〔2019〕1号', code, false
        FROM supervision_region WHERE level = 'province' AND code <> '100000'
        ON CONFLICT DO NOTHING
        """
    )


def build_recognition() -> None:
    """Each vendor on each platform: same-vendor (seals) and cross-vendor with the next vendor. About
    one record in ten is claimed (done or verified)."""
    sql(
        """
        WITH v AS (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total
                   FROM supervision_cavendor),
             pairs AS (SELECT p.id AS platform_id, v.id AS vendor_id,
                              (SELECT id FROM v v2 WHERE v2.n = v.n %% v.total + 1) AS other_id,
                              mod(hashint4((p.id * 1000 + v.n)::int)::bigint + 2147483648, 100) AS draw
                       FROM supervision_platform p CROSS JOIN v)
        INSERT INTO certificates_recognitionrecord (created, updated, scope, seals_included, status,
            status_changed_at, done_at, confirmed_by_platform, confirmed_at, verified_at, notes, is_demo,
            platform_id, vendor_id, other_vendor_id)
        SELECT now(), now(), s.scope, true, st.status, now(),
               CASE WHEN st.status IN ('done', 'verified') THEN now() END,
               st.status = 'verified', CASE WHEN st.status = 'verified' THEN now() END,
               CASE WHEN st.status = 'verified' THEN now() END, '', false, platform_id, vendor_id,
               CASE WHEN s.scope = 'cross_vendor' THEN other_id END
        FROM pairs
        CROSS JOIN (VALUES ('same_vendor'), ('cross_vendor')) AS s(scope)
        CROSS JOIN LATERAL (SELECT CASE WHEN draw < 30 THEN 'not_started' WHEN draw < 60 THEN 'in_progress'
                                        WHEN draw < 90 THEN 'testing' WHEN draw < 95 THEN 'done'
                                        ELSE 'verified' END AS status) st
        """
    )


PARTY_SQL = """
    CASE WHEN d.party < 15 THEN (SELECT ids[1 + {i} %% cardinality(ids)] FROM vendors) END,
    CASE WHEN d.party >= 15 AND d.party < 90 THEN (SELECT ids[1 + {i} %% cardinality(ids)] FROM platforms) END,
    CASE WHEN d.party >= 90 THEN (SELECT ids[1 + {i} %% cardinality(ids)] FROM authorities) END
"""
PARTY_CTES = """
    vendors AS (SELECT array_agg(id ORDER BY id) AS ids FROM supervision_cavendor),
    platforms AS (SELECT array_agg(id ORDER BY id) AS ids FROM supervision_platform),
    authorities AS (SELECT array_agg(id ORDER BY id) AS ids FROM supervision_authority)
"""


def build_obligations(count: int) -> None:
    """15 % vendors', 75 % platforms', 10 % authorities'; 10 % fulfilled, 15 % without a date (watched
    for less than 170 days, so not yet overdue), 6 % due within 14 days, 6 % just past their date (still
    open: today's sweep flips them), 8 % overdue, the rest due later."""
    sql(
        f"""
        WITH {PARTY_CTES},
        kinds AS (SELECT ARRAY['same_vendor_recognition', 'cross_vendor_recognition', 'fee_reduction',
                               'crypto_filing', 'announcement', 'usage_statistics', 'coverage', 'custom'] AS k)
        INSERT INTO supervision_obligation (created, updated, kind, title, description, due_date, status, key,
            dedup_key, campaign, fulfilled_at, evidence, evidence_url, waived_reason, vendor_id, platform_id,
            authority_id)
        SELECT now() - (i %% CASE WHEN d.mix >= 10 AND d.mix < 25 THEN 170 ELSE 700 END) * interval '1 day', now(),
               (SELECT k[1 + i %% 8] FROM kinds),
               '基准事项' || lpad(i::text, 7, '0'), '',
               CASE WHEN d.mix < 10 THEN %(today)s - 30 - i %% 300
                    WHEN d.mix < 25 THEN NULL
                    WHEN d.mix < 31 THEN %(today)s + i %% 15
                    WHEN d.mix < 37 THEN %(today)s - 1 - i %% 6
                    WHEN d.mix < 45 THEN %(today)s - 7 - i %% 90
                    ELSE %(today)s + 15 + i %% 350 END,
               CASE WHEN d.mix < 10 THEN 'fulfilled' WHEN d.mix >= 37 AND d.mix < 45 THEN 'overdue'
                    ELSE 'open' END,
               '', 'bench:' || i, 'bench-national', CASE WHEN d.mix < 10 THEN now() END, '', '', '',
               {PARTY_SQL.format(i="i")}
        FROM generate_series(1, %(count)s) AS i
        CROSS JOIN LATERAL (SELECT mod(hashint4(i::int)::bigint + 2147483648, 100) AS mix, mod(hashint4((i + 7)::int)::bigint + 2147483648, 100) AS party) d
        """,
        {"today": TODAY, "count": count},
    )


def build_findings_and_cases(count: int, cases: int) -> None:
    """The overdue findings of the overdue duties (the sweep's keys), a trust-list discrepancy for each
    claimed pair without a trust list (the recognition sweep's keys), other findings up to ``count``;
    one case per finding for the first ``cases`` of them, in every status (those awaiting the party
    due within 60 days: the daily sweep escalated the late ones on earlier days)."""
    sql(
        """
        INSERT INTO supervision_finding (created, updated, kind, status, summary, facts, evidence, dedup_key,
            is_demo, vendor_id, platform_id, authority_id, obligation_id)
        SELECT o.due_date + interval '1 day', now(), 'overdue', 'open', left(o.title || '（逾期）', 300),
               jsonb_build_object('obligation', o.id, 'due_date', o.due_date), '', 'overdue:obligation:' || o.id,
               false, o.vendor_id, o.platform_id, o.authority_id, o.id
        FROM supervision_obligation o WHERE o.status = 'overdue' AND o.campaign = 'bench-national'
        LIMIT %s
        """,
        [count // 2],
    )
    sql(
        """
        INSERT INTO supervision_finding (created, updated, kind, status, summary, facts, evidence, dedup_key,
            is_demo, platform_id)
        SELECT DISTINCT ON (vendor_id, platform_id) now() - (id %% 400) * interval '1 day', now(),
               'trust_list_discrepancy', 'open', '基准：信任列表不一致',
               jsonb_build_object('vendor', vendor_id, 'platform', platform_id), '',
               'trust-list-discrepancy:' || vendor_id || ':' || platform_id, false, platform_id
        FROM certificates_recognitionrecord WHERE status IN ('done', 'verified')
        ORDER BY vendor_id, platform_id, id
        LIMIT %s
        """,
        [count // 3],
    )
    sql(
        f"""
        WITH {PARTY_CTES}
        INSERT INTO supervision_finding (created, updated, kind, status, summary, facts, evidence, dedup_key,
            is_demo, vendor_id, platform_id, authority_id)
        SELECT now() - (i %% 500) * interval '1 day' - (i %% 86400) * interval '1 second', now(),
               (ARRAY['refusal', 'coverage_incomplete', 'other', 'incident_without_plan'])[1 + i %% 4],
               (ARRAY['open', 'open', 'in_rectification', 'resolved', 'dismissed'])[1 + i %% 5],
               '基准问题' || i, '{{}}'::jsonb, '', 'bench:finding:' || i, false, {PARTY_SQL.format(i="i")}
        FROM generate_series(1, greatest(0, %(count)s - (SELECT count(*) FROM supervision_finding))) AS i
        CROSS JOIN LATERAL (SELECT mod(hashint4((i + 11)::int)::bigint + 2147483648, 100) AS party) d
        """,
        {"count": count},
    )
    sql(
        """
        INSERT INTO supervision_rectificationcase (created, updated, number, title, facts, status, due_date,
            notice_pdf, notified_at, closed_at, escalated_at, rounds, is_demo, vendor_id, platform_id,
            authority_id, document_number)
        SELECT f.created + interval '2 days', now(), 'BENCH-' || lpad(n::text, 6, '0'), left('整改：' || f.summary, 200),
               '基准整改要求', s.status,
               CASE WHEN s.status IN ('opened', 'notified', 'returned') THEN %(today)s + (n %% 60)::int
                    ELSE (f.created + interval '17 days')::date END, '',
               CASE WHEN s.status <> 'opened' THEN f.created + interval '3 days' END,
               CASE WHEN s.status = 'closed' THEN f.created + interval '20 days' END,
               CASE WHEN s.status = 'escalated' THEN f.created + interval '18 days' END,
               CASE WHEN s.status IN ('responded', 'returned', 'closed') THEN 1 ELSE 0 END, false,
               f.vendor_id, f.platform_id, f.authority_id, ''
        FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM supervision_finding
              WHERE dedup_key LIKE 'overdue:%%' OR dedup_key LIKE 'bench:%%' OR dedup_key LIKE 'trust-list%%') f
        CROSS JOIN LATERAL (SELECT (ARRAY['opened', 'notified', 'notified', 'responded', 'returned', 'closed',
                                          'closed', 'closed', 'escalated', 'notified'])[1 + n %% 10] AS status) s
        WHERE n <= %(cases)s
        """,
        {"cases": cases, "today": TODAY},
    )
    sql(
        """
        INSERT INTO supervision_rectificationcase_findings (rectificationcase_id, finding_id)
        SELECT c.id, f.id
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM supervision_rectificationcase
              WHERE number LIKE 'BENCH-%%') c
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM supervision_finding
              WHERE dedup_key LIKE 'overdue:%%' OR dedup_key LIKE 'bench:%%' OR dedup_key LIKE 'trust-list%%') f
          ON f.n = c.n
        """
    )
    sql(
        "UPDATE supervision_finding SET status = 'in_rectification' WHERE id IN "
        "(SELECT finding_id FROM supervision_rectificationcase_findings) AND status = 'open'"
    )


def total(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def build_notifications(count: int) -> None:
    """Nine in ten about obligations (three reminder stages each, to the party's shared mailbox), one in
    ten about cases; created over the last two years."""
    about_cases = count // 10
    sql(
        """
        WITH o AS (SELECT id, vendor_id, platform_id, authority_id, row_number() OVER (ORDER BY id) - 1 AS n
                   FROM supervision_obligation)
        INSERT INTO supervision_notification (topic, stage, channel, recipient, recipient_name, is_copy, subject,
            body, link, attachment, status, attempts, last_error, next_attempt_at, claim, sent_at, created,
            obligation_id)
        SELECT 'obligation:' || o.id, (ARRAY['d14', 'd7', 'd1', 'd0'])[1 + (i / %(total)s) %% 4], 'email',
               CASE WHEN o.vendor_id IS NOT NULL THEN 'v' || o.vendor_id
                    WHEN o.platform_id IS NOT NULL THEN 'p' || o.platform_id
                    ELSE 'a' || o.authority_id END || '@bench.example.com',
               '基准收件人', false, '基准提醒：事项 ' || o.id, '请按时完成。', '/registry/obligations/' || o.id || '/',
               '', 'sent', 1, '', t.at, '', t.at, t.at, o.id
        FROM generate_series(0, %(count)s - 1) AS i
        JOIN o ON o.n = i %% %(total)s
        CROSS JOIN LATERAL (SELECT now() - (mod(hashint4(i::int)::bigint + 2147483648, 730 * 86400)) * interval '1 second' AS at) t
        ON CONFLICT DO NOTHING
        """,
        {"count": count - about_cases, "total": total("supervision_obligation")},
    )
    sql(
        """
        WITH c AS (SELECT id, vendor_id, platform_id, authority_id, row_number() OVER (ORDER BY id) - 1 AS n
                   FROM supervision_rectificationcase)
        INSERT INTO supervision_notification (topic, stage, channel, recipient, recipient_name, is_copy, subject,
            body, link, attachment, status, attempts, last_error, next_attempt_at, claim, sent_at, created, case_id)
        SELECT 'case:' || c.id, (ARRAY['notice', 'd7', 'd1', 'd0', 'o7', 'o14'])[1 + (i / %(total)s) %% 6], 'email',
               CASE WHEN c.vendor_id IS NOT NULL THEN 'v' || c.vendor_id
                    WHEN c.platform_id IS NOT NULL THEN 'p' || c.platform_id
                    ELSE 'a' || c.authority_id END || '@bench.example.com',
               '基准收件人', false, '基准整改通知 ' || c.id, '请按期整改。', '/registry/cases/' || c.id || '/',
               '', 'sent', 1, '', t.at, '', t.at, t.at, c.id
        FROM generate_series(0, %(count)s - 1) AS i
        JOIN c ON c.n = i %% %(total)s
        CROSS JOIN LATERAL (SELECT now() - (mod(hashint4((i + 3)::int)::bigint + 2147483648, 730 * 86400)) * interval '1 second' AS at) t
        ON CONFLICT DO NOTHING
        """,
        {"count": about_cases, "total": total("supervision_rectificationcase")},
    )


def build_fees(pairs: int) -> None:
    """For each vendor × province or city (``pairs`` of them): an accepted filing of 2019-06-01 (nine
    lines, the benchmark's basis) and one of 2020-01-01 (nine or ten lines, at or below the benchmark but
    one line in 200 over it and, for one vendor in 50, a prohibited fee); one 2020 filing in a hundred is
    still awaiting review."""
    sql(
        """
        WITH regions AS (SELECT code, row_number() OVER (ORDER BY code) AS r FROM supervision_region
                         WHERE level IN ('province', 'city') AND code <> '100000'),
             vendors AS (SELECT id, row_number() OVER (ORDER BY id) AS v FROM supervision_cavendor),
             pairs AS (SELECT vendors.id AS vendor_id, regions.code, v, r,
                              row_number() OVER (ORDER BY r, v) AS n
                       FROM vendors CROSS JOIN regions)
        INSERT INTO fees_feefiling (created, updated, effective_date, note, status, submitted_at, reviewed_at,
                                    return_reason, override_reason, is_demo, region_id, vendor_id)
        SELECT now(), now(), d.day, '基准', CASE WHEN d.day > DATE '2020-01-01' OR n %% 100 <> 7 OR d.first
                                                 THEN 'accepted' ELSE 'submitted' END,
               now(), CASE WHEN d.first OR n %% 100 <> 7 THEN now() END, '', '', false, code, vendor_id
        FROM pairs CROSS JOIN (VALUES (DATE '2019-06-01', true), (DATE '2020-01-01', false)) AS d(day, first)
        WHERE n <= %s
        """,
        [pairs],
    )
    sql(
        """
        WITH combos AS (SELECT p.id AS product_id, i.id AS item_id, i.prohibited,
                               row_number() OVER (ORDER BY i.prohibited, p."order", i."order") AS k
                        FROM fees_productkind p CROSS JOIN fees_feeitem i),
             filings AS (SELECT f.id, f.effective_date, f.vendor_id, r.n AS region_n
                         FROM fees_feefiling f
                         JOIN (SELECT code, row_number() OVER (ORDER BY code) AS n FROM supervision_region) r
                           ON r.code = f.region_id
                         WHERE f.note = '基准')
        INSERT INTO fees_feefilingline (created, updated, amount, per_platform, note, filing_id, item_id, product_id)
        SELECT now(), now(),
               CASE WHEN c.prohibited THEN 30
                    WHEN f.effective_date < DATE '2020-01-01'
                        THEN 100.5 + (f.vendor_id * 7 + f.region_n * 13 + c.k * 29) %% 200
                    WHEN (f.id + c.k) %% 200 = 0 THEN 999.99
                    ELSE 100 END,
               false, '', f.id, c.item_id, c.product_id
        FROM filings f JOIN combos c
          ON c.k <= 9 AND NOT c.prohibited
          OR c.prohibited AND c.k = (SELECT min(k) FROM combos WHERE prohibited) AND f.effective_date >= '2020-01-01'
             AND f.vendor_id %% 50 = 0
          OR NOT c.prohibited AND c.k = 10 AND f.effective_date >= '2020-01-01' AND f.id %% 3 = 0
        """
    )


def counts() -> dict:
    from django.db import connection

    tables = {
        "provinces": "supervision_region WHERE level = 'province' AND code <> '100000'",
        "cities": "supervision_region WHERE level = 'city'",
        "counties": "supervision_region WHERE level = 'county'",
        "platforms": "supervision_platform",
        "vendors": "supervision_cavendor",
        "recognition records": "certificates_recognitionrecord",
        "obligations": "supervision_obligation",
        "notifications": "supervision_notification",
        "findings": "supervision_finding",
        "cases": "supervision_rectificationcase",
        "fee-filing lines": "fees_feefilingline",
    }
    found = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            found[label] = cursor.fetchone()[0]
    return found


# --- timing the pages -----------------------------------------------------------------------------
PERSONAS = {  # label → username
    "province": "bench-henan",
    "city": "bench-puyang",
    "vendor": "bench-vendor",
    "platform": "bench-platform",
    "national": "bench-national",
}
EXTRA_PAGES = [
    "/registry/tasks/",
    "/registry/calendar/",
    "/registry/cases/board/",
    "/ca/matrix/",
    "/ca/matrix/national/",
    "/fees/tariffs/",
    "/fees/compare/",
    "/fees/breaches/",
    "/fees/benchmark/",
    "/trial/usage/national/",
    "/dashboard/",
]
SKIPPED_API = {"fee-tariff-list", "api-root"}  # needs its parameters; the index


def pages() -> list[str]:
    """Every list page (a view named ``…_list`` or a list view without arguments), the extra pages,
    and every API list endpoint."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    web, api = [], []
    for route, pattern in walk(get_resolver()):
        if "<" in route or "(?P" in route or route.startswith("admin"):
            continue
        name = pattern.name or ""
        if route.startswith("api/v1/"):
            if name.endswith("-list") and name not in SKIPPED_API:
                api.append("/" + route.replace("^", "").replace("$", ""))
        elif name.endswith("_list") and not name.startswith("public"):
            web.append("/" + route)
    return sorted(set(web)) + EXTRA_PAGES + sorted(set(api))


def time_pages(urls: list[str], runs: int, roles: list[str]) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.accounts.models import User

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    from rest_framework.settings import api_settings

    api_settings.reload()
    figures: dict[tuple[str, str], dict] = {}
    for role in roles:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=PERSONAS[role]))
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)  # warm-up (connection, templates, permissions)
            first = time.perf_counter() - start
            if response.status_code != 200:
                figures[(url, role)] = {"status": response.status_code}
                continue
            times, queries = [], set()
            for _ in range(runs if first < 3 else 1):
                with CaptureQueriesContext(connection) as context:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                queries.add(len(context.captured_queries))
            times.sort()
            figures[(url, role)] = {
                "status": response.status_code,
                "median": statistics.median(times),
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "queries": sorted(queries),
                "kb": len(response.content) / 1024,
            }
            print(f"    {role:<9} {url:<40} {_cell(figures[(url, role)])}", flush=True)
    return figures


def _cell(figure: dict | None) -> str:
    if figure is None:
        return ""
    if figure["status"] != 200:
        return f"({figure['status']})"
    queries = "/".join(str(q) for q in figure["queries"])
    slow = "**" if figure["median"] >= 300 or figure["kb"] > 300 else ""
    return f"{slow}{figure['median']:.0f}{slow} · {figure['p95']:.0f} · {queries}q · {figure['kb']:.0f} KB"


def page_table(urls: list[str], figures: dict, roles: list[str]) -> str:
    lines = [
        "| page | " + " | ".join(roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for url in urls:
        lines.append(f"| `{url}` | " + " | ".join(_cell(figures.get((url, role))) for role in roles) + " |")
    return "\n".join(lines)


# --- batch work next to its floor -----------------------------------------------------------------
def rolled_back(function):
    """Run ``function`` in a transaction rolled back afterwards; its wall time in seconds."""
    from django.db import transaction

    class Rollback(Exception):
        pass

    elapsed = 0.0
    try:
        with transaction.atomic():
            start = time.perf_counter()
            function()
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed


SWEEP_FLOOR = """
    WITH flipped AS (
        UPDATE supervision_obligation SET status = 'overdue', updated = now()
        WHERE status = 'open' AND due_date < %(today)s RETURNING id
    ),
    due AS (
        SELECT id, title, due_date, vendor_id, platform_id, authority_id FROM supervision_obligation
        WHERE status IN ('open', 'overdue') AND (due_date <= %(today)s + 14 OR due_date IS NULL)
    ),
    recipients AS (
        SELECT due.*, c.email, c.name FROM due JOIN supervision_contact c ON c.vendor_id = due.vendor_id
        UNION ALL
        SELECT due.*, c.email, c.name FROM due JOIN supervision_contact c ON c.platform_id = due.platform_id
        UNION ALL
        SELECT due.*, c.email, c.name FROM due JOIN supervision_contact c ON c.authority_id = due.authority_id
        UNION ALL  -- the copies: the supervising office's mailbox (a county's platform: its city's office)
        SELECT due.*, c.email, c.name FROM due
        JOIN supervision_platform p ON p.id = due.platform_id
        JOIN supervision_region r ON r.code = p.region_id
        JOIN supervision_authority a ON a.kind = 'management_office'
             AND a.region_id = CASE WHEN r.level = 'county' AND NOT r.province_governed THEN r.parent_id ELSE r.code END
        JOIN supervision_contact c ON c.authority_id = a.id
        UNION ALL
        SELECT due.*, c.email, c.name FROM due
        JOIN supervision_authority a ON a.name = '河南省公共资源交易管理委员会办公室' AND due.vendor_id IS NOT NULL
        JOIN supervision_contact c ON c.authority_id = a.id
        UNION ALL
        SELECT due.*, c.email, c.name FROM due
        JOIN supervision_authority party ON party.id = due.authority_id
        JOIN supervision_region r ON r.code = party.region_id
        JOIN supervision_authority a ON a.kind = 'management_office' AND a.region_id = r.parent_id
        JOIN supervision_contact c ON c.authority_id = a.id
    )
    INSERT INTO supervision_notification (topic, stage, channel, recipient, recipient_name, is_copy, subject, body,
        link, attachment, status, attempts, last_error, next_attempt_at, claim, created, obligation_id)
    SELECT 'obligation:' || id, 'd' || coalesce(greatest(due_date - %(today)s, 0), 30), 'email', email, name,
           false, title, title, '/registry/obligations/' || id || '/', '', 'pending', 0, '', now(), '', now(), id
    FROM recipients
    WHERE (SELECT count(*) FROM flipped) >= 0
    ON CONFLICT DO NOTHING
"""
# clock_timestamp(), not now(): inside the bench's transaction now() is its start, before the sweep
# wrote the reminders (a floor with now() matched no row at all).
DELIVERY_FLOOR = """
    UPDATE supervision_notification SET status = 'sent', sent_at = clock_timestamp(), attempts = attempts + 1
    WHERE status IN ('pending', 'failed') AND next_attempt_at <= clock_timestamp()
"""
RECOGNITION_FLOOR = """
    SELECT r.vendor_id, r.platform_id FROM certificates_recognitionrecord r
    WHERE r.status IN ('done', 'verified')
      AND NOT EXISTS (SELECT 1 FROM certificates_trustlistentry t
                      JOIN certificates_cacertificate c ON c.id = t.certificate_id
                      JOIN certificates_cacertificate root ON root.id = c.root_id
                      WHERE t.platform_id = r.platform_id AND c.chain_status = 'valid'
                        AND root.vendor_id = r.vendor_id)
      AND NOT EXISTS (SELECT 1 FROM supervision_finding f
                      WHERE f.dedup_key = 'trust-list-discrepancy:' || r.vendor_id || ':' || r.platform_id)
"""
FEE_FLOOR = """
    WITH in_force AS (
        SELECT DISTINCT ON (f.vendor_id, f.region_id, l.product_id, l.item_id)
               l.id, l.amount, l.product_id, l.item_id, left(f.region_id, 2) AS province
        FROM fees_feefilingline l JOIN fees_feefiling f ON f.id = l.filing_id
        WHERE f.status = 'accepted' AND f.effective_date <= %(today)s
        ORDER BY f.vendor_id, f.region_id, l.product_id, l.item_id, f.effective_date DESC
    ),
    benchmark AS (
        SELECT left(f.region_id, 2) AS province, l.product_id, l.item_id, min(l.amount) AS amount
        FROM fees_feefilingline l JOIN fees_feefiling f ON f.id = l.filing_id
        WHERE f.status = 'accepted' AND f.effective_date <= DATE '2019-08-15'
        GROUP BY 1, 2, 3
    )
    SELECT count(*) FROM in_force i
    LEFT JOIN benchmark b USING (province, product_id, item_id)
    JOIN fees_feeitem item ON item.id = i.item_id
    WHERE i.amount > 0 AND (item.prohibited OR i.amount > b.amount)
"""


BATCHES = ("sweep", "delivery", "recognition", "fees", "uploads")


def time_batches(runs: int, jobs: list[str], uploads: int) -> list[tuple[str, float, float, str]]:
    """(label, seconds, floor seconds, note) of each job, each run inside a rolled-back transaction."""
    from django.db import connection
    from django.urls import get_resolver

    from certificates.tasks import sweep_recognition
    from fees.sweep import sweep as fee_sweep
    from supervision.engine.delivery import deliver_due
    from supervision.engine.sweep import Sweep

    def floor(statement: str, params=None):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                found["floor_rows"] = cursor.rowcount

        return run

    found = {}

    def daily_sweep():
        found["sweep"] = Sweep(today=TODAY).run(deliver=False)

    def after_sweep(key: str, function):
        def run():
            Sweep(today=TODAY).run(deliver=False)
            start = time.perf_counter()
            found[key] = function()
            found[f"{key}_s"] = time.perf_counter() - start

        return run

    def timed(function, key=None):
        if key is None:
            return statistics.median(rolled_back(function) for _ in range(runs))
        return statistics.median((rolled_back(function), found[f"{key}_s"])[1] for _ in range(runs))

    get_resolver().check()  # a worker has its URLs loaded (the messages link to pages): not timed
    results = []

    def report(label, took, least, note=""):
        results.append((label, took, least, note))
        print(f"    {label}: {took:.2f} s, floor {least:.2f} s ({took / max(least, 1e-6):.1f}×) {note}", flush=True)

    if "sweep" in jobs:
        took, least = timed(daily_sweep), timed(floor(SWEEP_FLOOR, {"today": TODAY}))
        result = found["sweep"]
        note = (
            f"{result.obligations:,} in a window, {result.flipped:,} flipped, {result.notifications:,} reminders "
            f"written (the floor: {found['floor_rows']:,}, mailboxes and copies, no inbox)"
        )
        report("daily sweep (overdue flips and findings, reminders written)", took, least, note)
    if "delivery" in jobs:
        took = timed(after_sweep("delivery", deliver_due), "delivery")
        least = timed(after_sweep("delivery_floor", floor(DELIVERY_FLOOR)), "delivery_floor")
        note = f"{found['delivery'].get('sent', 0):,} (dummy backend); the floor: one UPDATE of {found['floor_rows']:,}"
        report("delivery of the day's e-mails", took, least, note)
    if "recognition" in jobs:
        report("recognition sweep", timed(sweep_recognition), timed(floor(RECOGNITION_FLOOR)))
    if "fees" in jobs:
        report("fee sweep", timed(fee_sweep), timed(floor(FEE_FLOOR, {"today": TODAY})))
    if "uploads" in jobs:
        library, stored, sm2 = time_uploads(uploads)
        note = f"{uploads:,} CA certificates ({sm2} SM2); floor: the library alone (parse, verify)"
        report("certificate uploads (stored one file at a time)", stored, library, note)
    return results


def time_uploads(count: int) -> tuple[float, float, int]:
    """Seconds to parse and verify ``count`` certificates with the library alone (one chain store's
    memory of verified signatures), then through the upload path (rolled back); SM2 files."""
    import matrix  # bench/matrix.py: the same files as its upload benchmark
    from django.db import transaction

    from certificates.chains import MemoVerifier, store_certificates
    from certificates.x509 import build_chain, load_certificates
    from supervision.models import CAVendor

    files = matrix.upload_files(count)
    sm2 = sum(1 for name, _ in files if name.startswith("sm2"))
    start = time.perf_counter()
    parsed = [load_certificates(data, name)[0] for name, data in files]
    roots = {p.subject: p for p in parsed if p.is_self_issued}
    verify = MemoVerifier()
    valid = sum(build_chain(p, [roots[p.issuer]], verify=verify).is_valid for p in parsed if p.issuer in roots)
    library = time.perf_counter() - start
    assert valid == len(files), (valid, len(files))

    def upload():
        vendor = CAVendor.objects.create(name="基准上传机构", short_name="BENCHUP")
        for name, data in files:
            with transaction.atomic():
                store_certificates(load_certificates(data, name), vendor=vendor, filename=name)

    return library, rolled_back(upload), sm2


def batch_table(results) -> str:
    lines = ["| work | time | floor | ratio | |", "|---|---|---|---|---|"]
    for label, took, least, note in results:
        lines.append(f"| {label} | {took:.2f} s | {least:.2f} s | {took / max(least, 1e-6):.1f}× | {note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--scale", type=float, default=1.0, help="size of the big tables (0.1 for a quick run)")
    parser.add_argument("--runs", type=int, default=5, help="warm requests per page and role")
    parser.add_argument("--batch-runs", type=int, default=1, help="runs of each batch job and its floor")
    parser.add_argument("--rebuild", action="store_true", help="empty the database and build the data again")
    parser.add_argument("--roles", default=",".join(PERSONAS), help="comma-separated: " + ", ".join(PERSONAS))
    parser.add_argument("--only", default="", help="time only the pages whose address contains this text")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-batches", action="store_true")
    parser.add_argument("--batches", default=",".join(BATCHES), help="comma-separated: " + ", ".join(BATCHES))
    parser.add_argument("--uploads", type=int, default=1000, help="certificates stored by the upload benchmark")
    args = parser.parse_args()
    if not args.database.startswith(("postgres://", "postgresql://")):
        parser.error("the bench runs on PostgreSQL: --database postgres://…")
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DEBUG", "off")
    os.environ.setdefault("SECRET_KEY", "bench-national-not-secret")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "off")
    ensure_database(args.database)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    # Production settings (DEBUG off) without collectstatic's manifest: static addresses unhashed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False  # force_login's request has no client address for django-axes to log
    name = connection.settings_dict["NAME"]
    print(f"database: {name}")
    with step("migrate"):
        call_command("migrate", verbosity=0)
    scale = built_scale()
    if args.rebuild or scale != args.scale:
        if not name.startswith("bench") and scale is None:
            sys.exit(f"refusing to empty {name!r}: the bench builds only into a database named bench…")
        print(f"building the national dataset at scale {args.scale}:")
        with step("empty the database, load the facts"):
            wipe()
        build(args.scale)
    else:
        call_command("seed", verbosity=0)
        # The batch runs of an earlier run, rolled back, left dead rows (a million notifications written
        # and undone) that skew the pages' plans and times until vacuumed; autovacuum may be off.
        with step("VACUUM ANALYZE"), connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print("dataset: " + ", ".join(f"{value:,} {label}" for label, value in counts().items()))

    roles = [role for role in args.roles.split(",") if role]
    if not args.skip_pages:
        urls = [url for url in pages() if args.only in url]
        print(f"pages ({len(urls)}; median of {args.runs} warm requests after one warm-up):")
        figures = time_pages(urls, args.runs, roles)
    if not args.skip_batches:
        print("batch work (rolled back after each run):")
        results = time_batches(args.batch_runs, args.batches.split(","), args.uploads)
    print()
    print(f"Scale {args.scale}; each cell: median ms · p95 ms · queries · size; bold: ≥ 300 ms or > 300 KB;")
    print("(403)/(302): not the role's page.\n")
    if not args.skip_pages:
        print(page_table(urls, figures, roles))
        print()
    if not args.skip_batches:
        print(batch_table(results))


if __name__ == "__main__":
    main()
