"""Benchmark of the fee rules on PostgreSQL.

1. The benchmark table (全省最低收费标准) of a province with 200 vendors and 30 cities
   (48,000 accepted lines in force on the reference date): target < 2 s.
2. An xlsx sheet of 50,000 filing lines imported through the path a user takes: the file is stored,
   checked (dry run: every row validated, nothing written), then written all at once with history,
   submitted, and the rules run against the benchmark (findings raised once): target < 60 s and
   < 500 MB peak memory (the process's maximum resident set size, everything included).

    DATABASE_URL=postgres://root@127.0.0.1:5432/fees python bench/fees.py

The data lives in a province of its own (code 990000, 基准省) with vendors 基准CA-001…200; a run
removes what the previous run left there first. The import runs in this process, as the Celery
worker would (``fees.importing.jobs.run``), after loading the URL configuration as a worker process
does when it starts. The write phase is printed step by step (each step timed where the import calls
it) next to four floors measured in the same run: COPY of the same lines into a copy of their table
(the goal: the write phase within 5× of it), into the lines table itself (as the issue measured its
floor), the lines and their history into copies of both tables, and the lines and their history into
the tables themselves with their foreign keys checked.
"""

import contextlib
import datetime
import io
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "on")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction  # noqa: E402

PROVINCE = "990000"
CITIES = [f"99{n:02d}00" for n in range(1, 31)]
VENDORS = 200
REFERENCE = datetime.date(2019, 8, 15)
SHEET_LINES = 50_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(label: str, started: float) -> float:
    elapsed = time.perf_counter() - started
    print(f"  {label:<58} {elapsed:7.2f} s   peak RSS {peak_mb():6.0f} MB", flush=True)
    return elapsed


def prepare():
    """The province, its cities, the vendors, a user; remove the previous run's filings and findings."""
    from fees.models import Benchmark, FeeFiling, FeeFilingLine, FeeImport, FeePolicy
    from portal.accounts.models import User
    from supervision.models import CAVendor, Finding, Region

    Region.objects.update_or_create(code=PROVINCE, defaults={"name": "基准省", "level": "province", "parent_id": None})
    for index, code in enumerate(CITIES, 1):
        Region.objects.update_or_create(
            code=code, defaults={"name": f"基准市{index:02d}", "level": "city", "parent_id": PROVINCE}
        )
    FeePolicy.objects.update_or_create(
        province_id=PROVINCE, defaults={"reference_date": REFERENCE, "directive_number": "基准〔2019〕1号"}
    )
    existing = set(CAVendor.objects.filter(short_name__startswith="B-").values_list("short_name", flat=True))
    CAVendor.objects.bulk_create(
        [
            CAVendor(name=f"基准CA-{n:03d}", short_name=f"B-{n:03d}")
            for n in range(1, VENDORS + 1)
            if f"B-{n:03d}" not in existing
        ]
    )
    vendors = list(CAVendor.objects.filter(short_name__startswith="B-").order_by("short_name"))
    user, _ = User.objects.get_or_create(username="bench-fees", defaults={"is_superuser": True, "is_staff": True})
    with transaction.atomic():
        filings = FeeFiling.objects.filter(vendor__in=vendors)
        Benchmark.objects.filter(province_id=PROVINCE).delete()
        Finding.objects.filter(vendor__in=vendors).delete()
        # Raw deletes: the ORM's would write a deletion history row for each of 100,000 rows, one
        # INSERT at a time (minutes); the history of the bench's filings and lines goes as well.
        old_filings = FeeFiling.history.filter(vendor_id__in=[v.pk for v in vendors])
        FeeFilingLine.history.filter(filing_id__in=old_filings.values("id"))._raw_delete(connection.alias)
        FeeFilingLine.objects.filter(filing__in=filings)._raw_delete(connection.alias)
        filings._raw_delete(connection.alias)
        old_filings._raw_delete(connection.alias)
        FeeImport.objects.filter(created_by=user).delete()
    return vendors, user


def price(vendor_index: int, city_index: int, line_index: int) -> Decimal:
    """A deterministic price in yuan to the fen."""
    return Decimal(100 + (vendor_index * 7 + city_index * 13 + line_index * 29) % 200) + Decimal("0.50")


def combos():
    from fees.models import FeeItem, ProductKind

    products = list(ProductKind.objects.order_by("order"))
    items = list(FeeItem.objects.filter(prohibited=False).order_by("order"))
    return [(p, i) for p in products for i in items]


def baseline(vendors, user):
    """48,000 accepted lines in force on the reference date (200 vendors × 30 cities × 8), in bulk."""
    from fees.models import FeeFiling, FeeFilingLine

    pairs = combos()[:8]
    filings = FeeFiling.objects.bulk_create(
        [
            FeeFiling(
                vendor=v, region_id=c, effective_date=datetime.date(2019, 6, 1), status="accepted", created_by=user
            )
            for v in vendors
            for c in CITIES
        ],
        batch_size=2000,
    )
    lines = []
    for index, filing in enumerate(filings):
        v, c = divmod(index, len(CITIES))
        for n, (product, item) in enumerate(pairs):
            lines.append(FeeFilingLine(filing=filing, product=product, item=item, amount=price(v, c, n)))
    FeeFilingLine.objects.bulk_create(lines, batch_size=5000)
    return len(lines)


def sheet_rows(vendors):
    """50,000 lines: every vendor files again for every city from 2020-01-01 (8 lines) and for the
    province (10 lines); one line in 200 is above the benchmark, one vendor in 50 adds a prohibited fee.
    Amounts are numbers, as Excel stores them (read back through their shortest form, never rounded)."""
    pairs = combos()
    for v, vendor in enumerate(vendors):
        for c, city in enumerate(CITIES):
            for n, (product, item) in enumerate(pairs[:8]):
                amount = 100 if (v + c + n) % 200 else 999.99
                yield [vendor.short_name, city, "2020-01-01", product.name, item.name, amount, "否", ""]
        for n, (product, item) in enumerate(pairs[:10]):
            if v % 50 == 0 and n == 9:
                yield [vendor.short_name, PROVINCE, "2020-01-01", product.name, "异地用户开通费", 30, "否", ""]
            else:
                yield [vendor.short_name, PROVINCE, "2020-01-01", product.name, item.name, 90.5, "否", ""]


def write_xlsx(path: Path, header: list[str], rows) -> int:
    """A plain xlsx as Excel writes it (shared strings, a dimension), streamed with the standard
    library: openpyxl's writer alone would take a good part of the time budget."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def column(index: int) -> str:
        return chr(65 + index)

    def cell(ref: str, value) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        if value == "":
            return ""
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    body = []
    count = 0
    for number, values in enumerate([header, *rows], 1):
        cells = "".join(cell(f"{column(i)}{number}", value) for i, value in enumerate(values))
        body.append(f'<row r="{number}">{cells}</row>')
        count = number - 1
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
        f'<dimension ref="A1:{column(len(header) - 1)}{count + 1}"/><sheetData>{"".join(body)}</sheetData></worksheet>'
    )
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} xmlns:r="{rel}">'
            '<sheets><sheet name="收费标准" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {ns}>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return count


LINE_COLUMNS = ("id", "created", "updated", "amount", "per_platform", "note", "filing_id", "item_id", "product_id")


def copy_text(rows, suffix: str = "") -> io.StringIO:
    return io.StringIO(
        "".join(
            "\t".join("\\N" if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in row)
            + suffix
            + "\n"
            for row in rows
        )
    )


def floors(lines, user) -> dict[str, float]:
    """Seconds to COPY ``lines`` (their stored columns), each in a transaction rolled back: what writing
    them costs the database at least.

    - ``lines``: into a temporary copy of the lines table (its indexes, no foreign key, no WAL): the
      goal's floor;
    - ``history``: the lines and their history rows into temporary copies of both tables;
    - ``table``: the same lines into the lines table itself (its indexes, written to the WAL), their
      deferred foreign keys not yet checked: the floor as the issue measured it (0.5–0.6 s);
    - ``schema``: the same lines and history rows into the tables themselves, as lines of copies of their
      filings (a year later, written first, not timed), their foreign keys checked: what storing the
      import's lines costs the database with this schema."""
    from fees.models import FeeFiling, FeeFilingLine

    rows = list(lines.order_by("pk").values_list(*LINE_COLUMNS))
    history_table = FeeFilingLine.history.model._meta.db_table
    history_columns = f"{', '.join(LINE_COLUMNS)}, history_date, history_change_reason, history_type, history_user_id"
    suffix = f"\t{datetime.datetime.now(datetime.UTC).isoformat()}\t\\N\t+\t{user.pk}"
    found = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("fees_feefilingline", history_table):
            cursor.execute(
                f"CREATE TEMPORARY TABLE bench_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY "
                "INCLUDING INDEXES) ON COMMIT DROP"
            )
        texts = copy_text(rows), copy_text(rows, suffix)
        started = time.perf_counter()
        cursor.cursor.copy_expert(f"COPY bench_fees_feefilingline ({', '.join(LINE_COLUMNS)}) FROM STDIN", texts[0])
        found["lines"] = time.perf_counter() - started
        cursor.cursor.copy_expert(f"COPY bench_{history_table} ({history_columns}) FROM STDIN", texts[1])
        found["history"] = time.perf_counter() - started
        transaction.set_rollback(True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM fees_feefiling")
        filing_offset = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM fees_feefilingline")
        line_offset = cursor.fetchone()[0]
        at = LINE_COLUMNS.index("filing_id")
        columns = [
            field.column for field in FeeFiling._meta.concrete_fields if field.column not in ("id", "effective_date")
        ]
        cursor.execute(
            f"INSERT INTO fees_feefiling (id, effective_date, {', '.join(columns)}) "
            f"SELECT id + %s, effective_date + 366, {', '.join(columns)} FROM fees_feefiling WHERE id = ANY(%s)",
            [filing_offset, sorted({row[at] for row in rows})],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the copied filings' own checks, not timed
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        shifted = [(row[0] + line_offset, *row[1:at], row[at] + filing_offset, *row[at + 1 :]) for row in rows]
        texts = copy_text(shifted), copy_text(shifted, suffix)
        started = time.perf_counter()
        cursor.cursor.copy_expert(f"COPY fees_feefilingline ({', '.join(LINE_COLUMNS)}) FROM STDIN", texts[0])
        found["table"] = time.perf_counter() - started
        cursor.cursor.copy_expert(f"COPY {history_table} ({history_columns}) FROM STDIN", texts[1])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        found["schema"] = time.perf_counter() - started
        transaction.set_rollback(True)
    return found


# The steps that store the rows (what the floors measure), then check their keys.
STORING = (
    "filings + their history (COPY)",
    "lines + their history (COPY)",
    "foreign keys checked (deferred constraints)",
)


def write_steps():
    """The write phase's steps as the import calls them: (label, owner, attribute name)."""
    from fees import findings, workflow
    from fees.breaches import RuleBook
    from fees.importing import jobs
    from fees.importing.resource import FilingLineResource

    return [
        ("read the checked lines (JSON kept by the check)", jobs, "_checked"),
        (STORING[0], FilingLineResource, "write_filings"),
        (STORING[1], FilingLineResource, "write_lines"),
        (STORING[2], connections[DEFAULT_DB_ALIAS], "check_constraints"),
        ("submission: filings locked, rights, none empty", workflow, "check_submittable"),
        ("submission: status + history", workflow, "mark_submitted"),
        ("fee rules: benchmarks, the lines that may breach", RuleBook, "evaluate_filings"),
        ("findings raised once (+ history)", findings, "report"),
    ]


@contextlib.contextmanager
def timed_steps():
    """Time each step of the write phase where the import calls it (the functions wrapped)."""
    seconds = {}
    patched = []
    for label, owner, name in write_steps():
        original = getattr(owner, name)
        seconds[label] = 0.0

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                seconds[_label] += time.perf_counter() - started

        patched.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, timed)
    try:
        yield seconds
    finally:
        for owner, name, before in reversed(patched):
            if before is None:
                delattr(owner, name)  # an instance's method: the class's again
            else:
                setattr(owner, name, before)


def main() -> int:
    from django.core.files import File

    from fees import benchmarks
    from fees.importing import jobs
    from fees.models import FeeFilingLine, FeeImport
    from portal.celery import load_urls
    from supervision.models import Finding

    vendor_db = settings.DATABASES["default"]
    print(f"database: {vendor_db['ENGINE'].rsplit('.', 1)[-1]} {vendor_db.get('NAME')}")
    if connection.vendor != "postgresql":
        print("  (the targets are for PostgreSQL; set DATABASE_URL=postgres://…)")
    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    vendors, user = prepare()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-fees-")
    started = time.perf_counter()
    lines = baseline(vendors, user)
    step(f"set-up: {lines:,} accepted lines (not timed against a target)", started)

    print("benchmark table (target < 2 s):")
    started = time.perf_counter()
    table = benchmarks.compute_benchmarks(PROVINCE)
    table_seconds = step(f"{VENDORS} vendors × {len(CITIES)} cities → {len(table)} benchmark values", started)

    print(f"import of {SHEET_LINES:,} lines (target < 60 s, < 500 MB):")
    total = time.perf_counter()
    path = Path(settings.MEDIA_ROOT) / "bench-fees.xlsx"
    started = time.perf_counter()
    from fees.importing.columns import HEADERS

    written = write_xlsx(path, HEADERS, sheet_rows(vendors))
    step(f"write the xlsx ({written:,} lines, {path.stat().st_size / 1e6:.1f} MB)", started)
    assert written == SHEET_LINES, written
    started = time.perf_counter()
    job = FeeImport(created_by=user, original_name=path.name, submit_after=True)
    with path.open("rb") as handle:
        job.file.save(path.name, File(handle), save=False)
    job.save()
    step("upload (store the file)", started)
    started = time.perf_counter()
    status = jobs.run(job.pk, jobs.CHECK)
    step(f"check: dry run, every row validated → {status}", started)
    job.refresh_from_db()
    if status != FeeImport.Status.CHECKED:
        print("  errors:", job.errors[:5])
        return 1
    started = time.perf_counter()
    load_urls()  # as a worker process does when it starts (portal.celery)
    step("URL configuration, loaded as a worker process starts", started)
    started = time.perf_counter()
    with timed_steps() as steps:
        status = jobs.run(job.pk, jobs.WRITE)
    job.refresh_from_db()
    write_seconds = step(f"write: lines, history, submission, rules → {status}", started)
    for label, seconds in steps.items():
        print(f"    {label:<56} {seconds:7.2f} s")
    print(f"    {'the rest (job rows, progress, commit)':<56} {write_seconds - sum(steps.values()):7.2f} s")
    import_seconds = time.perf_counter() - total
    findings = Finding.objects.filter(vendor__in=vendors).count()
    imported = FeeFilingLine.objects.filter(
        filing__vendor__in=vendors, filing__effective_date=datetime.date(2020, 1, 1)
    )
    history = FeeFilingLine.history.filter(id__in=imported.values("pk"), history_type="+").count()
    print(
        f"  filings {job.summary.get('filings')}, lines {imported.count()} (history rows {history}), "
        f"breaches {job.summary.get('breaches')}, findings raised {findings}"
    )
    print(f"  total import {import_seconds:.2f} s; peak RSS {peak_mb():.0f} MB")
    floor = floors(imported, user)
    count = imported.count()
    storing = sum(steps[label] for label in STORING)
    print(f"  floors, the same {count:,} lines, measured now (COPY, nothing else):")
    for key, label in (
        ("lines", "into a copy of the lines table (the goal's floor)"),
        ("table", "into the lines table itself, keys not yet checked"),
        ("history", "lines + history into copies of both tables"),
        ("schema", "lines + history into the tables, foreign keys checked"),
    ):
        print(f"    {label:<56} {floor[key]:7.2f} s")
    print(
        f"  write phase {write_seconds / floor['lines']:.1f}× the goal's floor (target ≤ 5×), "
        f"{write_seconds / floor['table']:.1f}× COPY into the lines table itself, "
        f"{write_seconds / floor['schema']:.1f}× the schema's; storing filings, lines, history and checking "
        f"their keys {storing / floor['lines']:.1f}× the goal's floor, {storing / floor['schema']:.1f}× the schema's; "
        f"the schema's floor alone (storing, nothing else) {floor['schema'] / floor['table']:.1f}× COPY into the "
        "lines table itself"
    )
    ok = table_seconds < 2 and import_seconds < 60 and peak_mb() < 500 and status == FeeImport.Status.DONE
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
