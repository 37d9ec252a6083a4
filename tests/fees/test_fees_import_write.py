"""The import's write phase, set-based: its statements do not grow with the lines, the rules find on
the database what they find line by line, each breach is raised once, every row keeps its history
(who, when, why), progress is reported, and a failure anywhere writes nothing."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from feetest import HENAN, KAIFENG, LUOYANG, PUYANG, REFERENCE, ZHENGZHOU, stored
from openpyxl import Workbook

from fees import findings, workflow
from fees.breaches import OVERCHARGE, PROHIBITED, REPEATED, RuleBook, line_facts
from fees.importing import jobs
from fees.models import FeeFiling, FeeFilingLine, FeeImport
from portal import bulk
from supervision.models import Finding, Region

pytestmark = pytest.mark.django_db
D = datetime.date
PRODUCTS = ["单位证书", "个人证书"]
ITEMS = ["新办", "年费/续期", "补办", "介质(USB Key)", "电子签章"]
HEADER = ["机构", "地区代码", "生效日期", "产品", "收费项目", "金额（元）", "按平台重复收取", "备注"]


def sheet(filings: int, year: int = 2020) -> bytes:
    """``filings`` filings of SZCA in Puyang, ten lines each: the first above the benchmark of 180, the
    second charged per platform, the third a prohibited fee; the others within the benchmark."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(HEADER)
    for filing in range(filings):
        date = D(year, 1, 1) + datetime.timedelta(days=filing)
        for n in range(10):
            product, item = PRODUCTS[n % 2], ITEMS[n // 2]
            amount, per_platform = (300 if n == 0 else 100), ("是" if n == 1 else "否")
            if n == 2:
                item, amount = "异地用户开通费", 30
            ws.append(["SZCA", PUYANG, date.isoformat(), product, item, amount, per_platform, f"行 {n}"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checked_import(client, content: bytes, name="write.xlsx") -> FeeImport:
    client.post("/fees/imports/", {"file": SimpleUploadedFile(name, content), "submit_after": "on"})
    job = FeeImport.objects.order_by("-pk").first()
    assert job.status == FeeImport.Status.CHECKED, job.errors
    return job


@pytest.fixture
def benchmark(blank, file_filing):
    """A benchmark of 180 for 单位证书 / 新办 in Henan (an accepted Kaifeng filing before the reduction)."""
    return file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 180})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY (PostgreSQL) writes any number of rows at once")
def test_the_write_phase_statements_do_not_grow_with_the_lines(benchmark, client_for):
    client = client_for("province")
    counted = []
    for filings, year in ((2, 2020), (8, 2021)):
        job = checked_import(client, sheet(filings, year), name=f"{year}.xlsx")
        copies = bulk.COPY_STATEMENTS
        with CaptureQueriesContext(connection) as queries:
            assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.DONE
        job.refresh_from_db()
        assert (job.summary["lines"], job.summary["breaches"]) == (10 * filings, 3 * filings)
        counted.append((len(queries), bulk.COPY_STATEMENTS - copies))
    assert counted[0] == counted[1], counted
    assert counted[0][1] == 4  # the filings, the lines and the history of each
    assert Finding.objects.filter(vendor__short_name="SZCA", kind__in=[OVERCHARGE, PROHIBITED, REPEATED]).count() == 30


def test_an_import_keeps_who_when_and_why_for_every_row(benchmark, client_for, personas):
    province = personas["province"]
    job = checked_import(client_for("province"), sheet(2))
    assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.DONE
    filings = FeeFiling.objects.filter(vendor__short_name="SZCA", effective_date__year=2020)
    lines = FeeFilingLine.objects.filter(filing__in=filings)
    assert lines.count() == 20 and {f.status for f in filings} == {"submitted"}
    assert {f.submitted_by for f in filings} == {province}
    added = FeeFilingLine.history.filter(id__in=lines.values("pk"))
    assert added.count() == 20
    assert {(row.history_type, row.history_user, row.history_change_reason) for row in added} == {("+", province, None)}
    assert len({row.history_date for row in added}) == 1  # one moment for the import's lines
    stored = {line.pk: line for line in lines}
    for row in added:
        line = stored[row.id]
        assert (row.filing_id, row.product_id, row.item_id, row.amount, row.per_platform, row.note) == (
            line.filing_id,
            line.product_id,
            line.item_id,
            line.amount,
            line.per_platform,
            line.note,
        )
    history = FeeFiling.history.filter(id__in=filings.values("pk")).order_by("history_id")
    assert [(row.history_type, row.status, row.history_user, row.history_change_reason) for row in history] == [
        ("+", "draft", province, None),
        ("+", "draft", province, None),
        ("~", "submitted", province, ""),
        ("~", "submitted", province, ""),
    ]
    raised = Finding.objects.filter(vendor__short_name="SZCA")
    assert sorted(raised.values_list("kind", flat=True)) == sorted([OVERCHARGE, PROHIBITED, REPEATED] * 2)
    assert Finding.history.filter(id__in=raised.values("pk"), history_type="+").count() == 6
    over = raised.get(kind=OVERCHARGE, facts__filing_id=filings.order_by("pk")[0].pk)
    assert over.facts["benchmark"] == "180.00" and over.evidence == f"/fees/filings/{over.facts['filing_id']}/"


def test_findings_are_raised_once(benchmark, client_for):
    job = checked_import(client_for("province"), sheet(2))
    assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.DONE
    ids = list(FeeFiling.objects.filter(effective_date__year=2020).values_list("pk", flat=True))
    before = (Finding.objects.count(), Finding.history.count())
    again = findings.report(RuleBook().evaluate_filings(ids))
    assert len(again) == 6 and not any(created for _finding, created in again)
    assert (Finding.objects.count(), Finding.history.count()) == before
    assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.DONE  # confirmed twice: nothing more
    assert (Finding.objects.count(), FeeFilingLine.objects.filter(filing_id__in=ids).count()) == (before[0], 20)


def test_the_rules_find_on_the_database_what_they_find_line_by_line(blank, cat, file_filing, personas):
    """``evaluate_filings`` reads only the lines that may breach: the same breaches as every line
    evaluated in Python, whatever the case (equal to the benchmark, one fen above, a frozen value, a
    prohibited fee of zero, before the reference date, a province with no fee policy)."""
    from fees import benchmarks

    file_filing("BJCA", KAIFENG, D(2019, 3, 1), {"new-issuance": 240, "annual-renewal": "50.00"})
    file_filing("SZCA", LUOYANG, D(2019, 3, 1), {("personal-certificate", "new-issuance"): 90})
    benchmarks.freeze(HENAN, personas["province"], keys=[(cat.product().pk, cat.item("annual-renewal").pk)])
    elsewhere = Region.objects.filter(level="province").exclude(code=HENAN).first()
    org, personal = "organisation-certificate", "personal-certificate"
    filings = [
        file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": 240, "annual-renewal": "50.01"}),
        file_filing("HNCA", ZHENGZHOU, D(2020, 1, 1), {"new-issuance": "240.01", "remote-activation": 0}),
        file_filing("HNCA", HENAN, REFERENCE, {(personal, "new-issuance"): 95, (org, "name-change"): 5}),
        file_filing("BJCA", PUYANG, D(2019, 8, 14), {"new-issuance": 999, "remote-activation": 30}),
        file_filing("BJCA", elsewhere.code, D(2020, 1, 1), {"new-issuance": 999, "remote-activation": 30}),
        file_filing("华测CA", LUOYANG, D(2020, 1, 1), {"usb-key": 1, (personal, "replacement"): 0}),
    ]
    FeeFilingLine.objects.filter(filing=filings[5], item=cat.item("usb-key")).update(per_platform=True)
    FeeFilingLine.objects.filter(filing=filings[5], amount=0).update(per_platform=True)
    ids = [filing.pk for filing in filings]
    one_by_one = RuleBook().evaluate_all(line_facts(FeeFilingLine.objects.filter(filing_id__in=ids)))
    found = RuleBook().evaluate_filings(ids)
    assert sorted(found, key=str) == sorted(one_by_one, key=str)
    assert sorted((b.kind, str(b.amount)) for b in found) == [
        (OVERCHARGE, "240.01"),
        (OVERCHARGE, "50.01"),
        (OVERCHARGE, "95.00"),
        (PROHIBITED, "5.00"),
        (REPEATED, "1.00"),
    ]


def test_progress_is_reported_as_the_lines_are_written(benchmark, client_for, monkeypatch):
    job = checked_import(client_for("province"), sheet(4))
    reports = []
    monkeypatch.setattr(jobs, "report_progress", lambda pk, *state: reports.append(state))
    monkeypatch.setattr(bulk, "PROGRESS_EVERY", 7)
    monkeypatch.setattr(bulk, "READ_LINES", 3)
    assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.DONE
    writing = [done for phase, done, total in reports if phase == "writing"]
    if bulk.can_copy(FeeFilingLine):  # COPY reads the lines in blocks: a report every 7 lines
        assert writing == [7, 14, 21, 28, 35, 40]
    else:
        assert writing == [40]
    assert [(done, total) for phase, done, total in reports if phase == "submitting"] == [
        (0, 1),
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 4),
    ]
    assert {total for phase, _done, total in reports if phase == "writing"} == {40}


def test_a_failure_after_the_findings_writes_nothing(benchmark, client_for, monkeypatch):
    """All or nothing, to the end: the lines, their filings, the submission and the findings go together."""
    job = checked_import(client_for("province"), sheet(2))
    before = stored()
    original = findings.report

    def report_then_fail(breaches, **kwargs):
        original(breaches, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(findings, "report", report_then_fail)
    assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.FAILED
    assert stored() == before


def test_submission_refuses_a_filing_the_user_may_not_change_or_without_lines(blank, cat, file_filing, personas):
    own = file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": 100}, status="draft")
    other = file_filing("BJCA", PUYANG, D(2020, 1, 1), {"new-issuance": 100}, status="draft")
    done = file_filing("SZCA", PUYANG, D(2020, 2, 1), {"new-issuance": 100}, status="submitted")
    empty = FeeFiling.objects.create(vendor=cat.vendors["SZCA"], region_id=PUYANG, effective_date=D(2020, 3, 1))
    szca = personas["szca"]
    for refused in (other, done):
        with pytest.raises(PermissionDenied, match=rf"\D{refused.pk}\D"):
            workflow.submit_many([own.pk, refused.pk], szca)
    with pytest.raises(ValidationError, match=rf"\D{empty.pk}\D"):
        workflow.submit_many([own.pk, empty.pk], szca)
    own.refresh_from_db()
    assert own.status == "draft"
    assert workflow.submit_many([own.pk], szca) == []
    own.refresh_from_db()
    assert (own.status, own.submitted_by) == ("submitted", szca)
    assert Decimal(own.lines.get().amount) == Decimal("100.00")


def test_a_worker_process_loads_the_url_configuration_when_it_starts(settings):
    """The findings' links need the URL configuration (most of a second to load): a worker process
    loads it, in the portal's language, when it starts, not in the first import that raises a finding."""
    from celery.signals import worker_process_init
    from django.urls import clear_url_caches, get_resolver

    from portal.celery import load_urls

    assert load_urls in [receiver() for _key, receiver in worker_process_init.receivers]
    clear_url_caches()  # a fresh resolver, as in a new process
    resolver = get_resolver()
    assert not resolver._populated
    load_urls()
    assert get_resolver() is resolver and resolver._populated
    assert settings.LANGUAGE_CODE in resolver._reverse_dict
