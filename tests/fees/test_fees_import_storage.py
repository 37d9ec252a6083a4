"""How an import stores its lines (``portal.bulk``): COPY on PostgreSQL, the ORM's bulk_create elsewhere,
each row with its "+" history row recorded as the importer's, in the caller's transaction; from model
instances (``create_with_history``) or from the values alone (``insert_rows``)."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from feetest import PUYANG
from openpyxl import Workbook

from fees.importing import jobs
from fees.models import FeeFiling, FeeFilingLine, FeeImport
from portal import bulk

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
NOTE = 'tab\there, line\nbreak, back\\slash, "quoted", 中文'


def unsaved_lines(cat, personas, count=3):
    filing = FeeFiling.objects.create(
        vendor=cat.vendors["SZCA"], region_id=PUYANG, effective_date=datetime.date(2020, 1, 1)
    )
    items = list(cat.items.values())[:count]
    return [
        FeeFilingLine(filing=filing, product=cat.product(), item=item, amount=Decimal(f"{n}.5"), note=NOTE * (n == 0))
        for n, item in enumerate(items)
    ]


def check_stored(lines, user):
    stored = {line.pk: line for line in FeeFilingLine.objects.filter(pk__in=[line.pk for line in lines])}
    assert len(stored) == len(lines)
    history = FeeFilingLine.history.filter(id__in=list(stored)).order_by("id")
    assert history.count() == len(lines)
    for row in history:
        line = stored[row.id]
        assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", user.pk, None)
        assert (row.filing_id, row.product_id, row.item_id) == (line.filing_id, line.product_id, line.item_id)
        assert (row.amount, row.note, row.per_platform) == (line.amount, line.note, line.per_platform)
        assert (row.created, row.updated) == (line.created, line.updated)
    assert stored[lines[0].pk].note == NOTE and stored[lines[0].pk].amount == Decimal("0.50")


@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_rows_and_their_history_are_stored_with_their_ids(cat, personas, copy):
    lines = unsaved_lines(cat, personas)
    user = personas["province"]
    with transaction.atomic():
        stored = bulk.create_with_history(lines, user=user, copy=copy)
    assert [line.pk is not None and not line._state.adding for line in stored] == [True] * len(lines)
    check_stored(lines, user)


@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_a_refused_row_stores_nothing(cat, personas, copy):
    lines = unsaved_lines(cat, personas)
    lines[1].item = lines[0].item  # the same line twice: the unique constraint refuses it
    before = (FeeFilingLine.objects.count(), FeeFilingLine.history.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.create_with_history(lines, user=personas["province"], copy=copy)
    assert (FeeFilingLine.objects.count(), FeeFilingLine.history.count()) == before


def test_history_of_changed_rows_is_written_from_the_rows(cat, personas):
    lines = bulk.create_with_history(unsaved_lines(cat, personas), user=personas["province"])
    FeeFilingLine.objects.filter(pk=lines[0].pk).update(amount=Decimal("7.00"))
    moment = datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)
    pks = [line.pk for line in lines]
    written = bulk.write_history(FeeFilingLine, pks, history_type="~", user=personas["bjca"], reason="", date=moment)
    assert written == len(lines)
    changed = FeeFilingLine.history.filter(id__in=pks, history_type="~")
    assert {(row.history_user_id, row.history_change_reason, row.history_date) for row in changed} == {
        (personas["bjca"].pk, "", moment)
    }
    assert changed.get(id=lines[0].pk).amount == Decimal("7.00")


def test_the_orm_path_writes_history_in_chunks(cat, personas, monkeypatch):
    monkeypatch.setattr(bulk, "HISTORY_CHUNK", 2)
    lines = bulk.create_with_history(unsaved_lines(cat, personas, count=5), user=personas["province"], copy=False)
    check_stored(lines, personas["province"])


def sheet(rows: int) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(["机构", "地区代码", "生效日期", "产品", "收费项目", "金额（元）", "按平台重复收取", "备注"])
    products, items = ["单位证书", "个人证书"], ["新办", "年费/续期", "补办", "介质(USB Key)", "电子签章"]
    for n in range(rows):
        ws.append(["SZCA", PUYANG, f"2020-01-{n // 10 + 1:02d}", products[n % 2], items[n // 2 % 5], 10 + n, "否", ""])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_rows_given_as_values_are_stored_with_defaults_and_history(cat, personas, copy):
    """``insert_rows``: rows as tuples of some fields' values (no model instance); the other fields take
    their default, the timestamps the moment of writing; the ids come back in order."""
    filing = FeeFiling.objects.create(
        vendor=cat.vendors["SZCA"], region_id=PUYANG, effective_date=datetime.date(2020, 1, 1)
    )
    items = list(cat.items.values())[:3]
    rows = [(filing.pk, cat.product().pk, item.pk, Decimal(f"{n}.5"), NOTE * (n == 0)) for n, item in enumerate(items)]
    user = personas["province"]
    with transaction.atomic():
        ids = bulk.insert_rows(
            FeeFilingLine, ("filing_id", "product_id", "item_id", "amount", "note"), rows, user=user, copy=copy
        )
    lines = [FeeFilingLine.objects.get(pk=pk) for pk in ids]
    assert [(line.item_id, line.amount, line.per_platform) for line in lines] == [
        (item.pk, Decimal(f"{n}.5"), False) for n, item in enumerate(items)
    ]
    assert all(line.created is not None and line.updated >= line.created for line in lines)
    check_stored(lines, user)


@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_rows_given_as_values_a_refused_row_stores_nothing(cat, personas, copy):
    lines = unsaved_lines(cat, personas)
    rows = [(line.filing_id, line.product_id, line.item_id, line.amount) for line in lines]
    rows[2] = (*rows[2][:3], Decimal("-1.00"))  # the check constraint refuses it
    before = (FeeFilingLine.objects.count(), FeeFilingLine.history.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(FeeFilingLine, ("filing_id", "product_id", "item_id", "amount"), rows, copy=copy)
    assert (FeeFilingLine.objects.count(), FeeFilingLine.history.count()) == before


@pytest.mark.parametrize("copy", [pytest.param(True, marks=on_postgresql), False])
def test_an_import_stores_every_line_once_with_history(blank, client_for, personas, monkeypatch, copy):
    """More lines than one block the database reads (``READ_LINES``): every line and history row once."""
    monkeypatch.setattr(bulk, "can_copy", lambda model: copy)
    monkeypatch.setattr(bulk, "READ_LINES", 7)
    client = client_for("province")
    client.post("/fees/imports/", {"file": SimpleUploadedFile("steps.xlsx", sheet(40))})
    job = FeeImport.objects.order_by("-pk").first()
    assert job.status == FeeImport.Status.CHECKED, job.errors
    assert jobs.run(job.pk, jobs.WRITE) == FeeImport.Status.DONE
    lines = FeeFilingLine.objects.filter(filing__vendor__short_name="SZCA", filing__effective_date__year=2020)
    assert lines.count() == 40 and FeeFiling.objects.filter(pk__in=lines.values("filing")).count() == 4
    assert sorted(lines.values_list("amount", flat=True)) == [Decimal(10 + n) for n in range(40)]
    history = FeeFilingLine.history.filter(id__in=lines.values("pk"), history_type="+")
    assert history.count() == 40 and {row.history_user_id for row in history} == {personas["province"].pk}
    filings = FeeFiling.history.filter(id__in=lines.values("filing"), history_type="+")
    assert filings.count() == 4 and {row.history_user_id for row in filings} == {personas["province"].pk}


@pytest.mark.django_db
def test_among_takes_more_values_than_a_statement_takes_parameters(registry):
    """``bulk.among`` filters by any number of values: one array on PostgreSQL, one JSON array on SQLite
    (whose statements take at most 32,766 parameters)."""
    from supervision.models import Region

    codes = [region.code for region in Region.objects.all()[:3]]
    values = [*(f"x{n}" for n in range(40_000)), *codes]
    assert sorted(Region.objects.filter(bulk.among(Region, "code", values)).values_list("code", flat=True)) == sorted(
        codes
    )
    ids = list(Region.objects.none().values_list("pk", flat=True))
    assert list(Region.objects.filter(bulk.among(Region, "pk", ids))) == []
