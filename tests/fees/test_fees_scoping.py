"""Who sees what: drafts and submitted filings only to their vendor and the region's administrators
(vendor B never sees vendor A's drafts), accepted tariffs to everyone, on every page and endpoint."""

import datetime
from decimal import Decimal

import pytest
from feetest import HENAN, KAIFENG, PUYANG, ZHENGZHOU

from fees.models import FeeComplaint

pytestmark = pytest.mark.django_db
D = datetime.date
PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"]


@pytest.fixture
def filings(blank, file_filing):
    return {
        "szca_draft": file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": "201.00"}, status="draft"),
        "szca_submitted": file_filing("SZCA", PUYANG, D(2020, 2, 1), {"new-issuance": "202.00"}, status="submitted"),
        "bjca_draft": file_filing("BJCA", ZHENGZHOU, D(2020, 1, 1), {"new-issuance": "203.00"}, status="draft"),
        "bjca_province": file_filing("BJCA", HENAN, D(2020, 1, 1), {"new-issuance": "204.00"}, status="submitted"),
        "accepted": file_filing("HNCA", KAIFENG, D(2019, 1, 1), {"new-issuance": "205.00"}),
    }


# persona → the filings it may see
VISIBLE = {
    "province": {"szca_draft", "szca_submitted", "bjca_draft", "bjca_province", "accepted"},
    "puyang": {"szca_draft", "szca_submitted", "accepted"},
    "zhengzhou": {"bjca_draft", "accepted"},
    "szca": {"szca_draft", "szca_submitted", "accepted"},
    "bjca": {"bjca_draft", "bjca_province", "accepted"},
    "platform-puyang": {"accepted"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_filing_pages_and_api(filings, client_for, api_for, persona):
    client, api = client_for(persona), api_for(persona)
    listing = client.get("/fees/filings/?page_size=100")
    assert listing.status_code == 200
    api_ids = {row["id"] for row in api.get("/api/v1/fee-filings/").json()["results"]}
    line_ids = {row["filing"] for row in api.get("/api/v1/fee-filing-lines/").json()["results"]}
    for name, filing in filings.items():
        visible = name in VISIBLE[persona]
        assert (client.get(f"/fees/filings/{filing.pk}/").status_code == 200) is visible, name
        assert (api.get(f"/api/v1/fee-filings/{filing.pk}/").status_code == 200) is visible, name
        assert (filing.pk in api_ids) is visible, name
        assert (filing.pk in line_ids) is visible, name
        assert (f'href="/fees/filings/{filing.pk}/"' in listing.content.decode()) is visible, name


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_holds_only_visible_filings(filings, client_for, persona):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(persona).get("/fees/filings/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    exported = {str(row[6]) for row in rows[1:]}  # the amount column
    expected = {str(filings[name].lines.get().amount) for name in VISIBLE[persona]}
    assert exported == expected


def test_anonymous_sees_only_public_pages(filings, client_for):
    anonymous = client_for("anonymous")
    assert anonymous.get("/fees/filings/").status_code == 302
    assert anonymous.get(f"/fees/filings/{filings['accepted'].pk}/").status_code == 302
    assert anonymous.get("/api/v1/fee-filings/").status_code in (401, 403)
    page = anonymous.get(f"/fees/tariffs/?region={KAIFENG}&date=2020-01-01")
    assert page.status_code == 200 and "205.00" in page.content.decode()
    assert anonymous.get(f"/fees/tariffs/filings/{filings['accepted'].pk}/").status_code == 200
    assert anonymous.get(f"/fees/tariffs/filings/{filings['szca_draft'].pk}/").status_code == 404
    drafts = anonymous.get(f"/fees/tariffs/?region={PUYANG}&date=2020-03-01").content.decode()
    assert "201.00" not in drafts and "202.00" not in drafts
    assert anonymous.get("/fees/tariffs/export.xlsx").status_code == 200
    assert anonymous.get("/fees/complaints/new/").status_code == 200
    assert anonymous.get("/fees/complaints/track/").status_code == 200
    for page in ("/fees/benchmark/", "/fees/compare/", "/fees/breaches/", "/fees/complaints/", "/fees/imports/"):
        assert anonymous.get(page).status_code == 302, page


def test_writes_follow_the_scope(filings, client_for):
    draft = filings["szca_draft"]
    # Vendor B cannot even find vendor A's draft; a city administrator of another region neither.
    for persona in ("bjca", "zhengzhou", "platform-puyang"):
        client = client_for(persona)
        assert client.post(f"/fees/filings/{draft.pk}/submit/").status_code == 404
        assert client.post(f"/fees/filings/{draft.pk}/lines/add/", {}).status_code == 404
        assert client.get(f"/fees/filings/{draft.pk}/edit/").status_code == 404
    # The vendor may edit its draft but not review its own submission.
    szca = client_for("szca")
    assert szca.get(f"/fees/filings/{draft.pk}/edit/").status_code == 200
    assert szca.post(f"/fees/filings/{filings['szca_submitted'].pk}/accept/").status_code == 403
    # Puyang reviews Puyang; a province-wide filing is reviewed by the province only.
    assert client_for("puyang").post(f"/fees/filings/{filings['bjca_province'].pk}/accept/").status_code == 404
    assert client_for("puyang").post(f"/fees/filings/{filings['szca_submitted'].pk}/accept/").status_code == 302
    filings["szca_submitted"].refresh_from_db()
    assert filings["szca_submitted"].status == "accepted"
    api = client_for("bjca")
    assert api.post(f"/api/v1/fee-filings/{filings['bjca_province'].pk}/accept/").status_code == 403


def test_api_write_scope(filings, api_for, cat):
    szca = api_for("szca")
    other = {"region": PUYANG, "effective_date": "2021-01-01", "vendor": cat.vendors["BJCA"].pk}
    assert szca.post("/api/v1/fee-filings/", other).status_code == 400  # not a vendor it may pick
    created = szca.post("/api/v1/fee-filings/", {"region": PUYANG, "effective_date": "2021-01-01"})
    assert created.status_code == 201 and created.json()["vendor"] == cat.vendors["SZCA"].pk  # its own
    line = {"filing": filings["bjca_draft"].pk, "product": cat.product().pk, "item": cat.item().pk, "amount": "1.00"}
    assert api_for("szca").post("/api/v1/fee-filing-lines/", line).status_code == 400  # not its filing
    assert (
        api_for("bjca").post("/api/v1/fee-filing-lines/", line | {"item": cat.item("replacement").pk}).status_code
        == 201
    )


def test_imports_belong_to_their_uploader(blank, client_for, personas):
    from django.core.files.base import ContentFile

    from fees.models import FeeImport

    job = FeeImport(created_by=personas["szca"], original_name="a.xlsx", status=FeeImport.Status.INVALID)
    job.file.save("a.xlsx", ContentFile(b"x"), save=False)
    job.save()
    assert client_for("szca").get(f"/fees/imports/{job.pk}/").status_code == 200
    for persona in ("bjca", "province", "puyang"):
        assert client_for(persona).get(f"/fees/imports/{job.pk}/").status_code == 404
        assert client_for(persona).post(f"/fees/imports/{job.pk}/confirm/").status_code == 404
    assert client_for("platform-puyang").get("/fees/imports/").status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_complaints_scope(blank, cat, client_for, api_for, persona):
    from supervision.models import Platform

    puyang = Platform.objects.filter(region_id=PUYANG).first()
    zhengzhou = Platform.objects.filter(region_id=ZHENGZHOU).first()
    common = {"product": cat.product(), "item": cat.item(), "charged_on": D(2020, 1, 1), "amount": Decimal("1.00")}
    about = {
        "szca_puyang": FeeComplaint.objects.create(vendor=cat.vendors["SZCA"], platform=puyang, **common),
        "bjca_zhengzhou": FeeComplaint.objects.create(vendor=cat.vendors["BJCA"], platform=zhengzhou, **common),
    }
    visible = {
        "province": {"szca_puyang", "bjca_zhengzhou"},
        "puyang": {"szca_puyang"},
        "zhengzhou": {"bjca_zhengzhou"},
        "szca": {"szca_puyang"},
        "bjca": {"bjca_zhengzhou"},
        "platform-puyang": {"szca_puyang"},
    }[persona]
    api_ids = {row["id"] for row in api_for(persona).get("/api/v1/fee-complaints/").json()["results"]}
    for name, complaint in about.items():
        assert (client_for(persona).get(f"/fees/complaints/{complaint.pk}/").status_code == 200) is (name in visible)
        assert (complaint.pk in api_ids) is (name in visible)
    can_review = persona in ("province", "puyang")
    response = client_for(persona).post(
        f"/fees/complaints/{about['szca_puyang'].pk}/review/", {"decision": "not_upheld", "note": "ok"}
    )
    assert response.status_code == (302 if can_review else 403 if "szca_puyang" in visible else 404)


def test_benchmark_freeze_only_by_the_provincial_administrator(blank, file_filing, client_for):
    file_filing("HNCA", KAIFENG, D(2019, 1, 1), {"new-issuance": "205.00"})
    for persona in ("puyang", "szca", "platform-puyang"):
        assert client_for(persona).post("/fees/benchmark/freeze/", {"province": HENAN}).status_code == 403
        assert "freeze-all" not in client_for(persona).get("/fees/benchmark/").content.decode()
    page = client_for("province").get("/fees/benchmark/").content.decode()
    assert 'data-testid="freeze-all"' in page
    assert client_for("province").post("/fees/benchmark/freeze/", {"province": HENAN}).status_code == 302
    from fees.models import Benchmark

    assert Benchmark.objects.filter(province_id=HENAN, amount=Decimal("205.00")).exists()


def test_breaches_page_scope(blank, file_filing, client_for):
    file_filing("HNCA", KAIFENG, D(2019, 1, 1), {"new-issuance": "200.00"})
    file_filing("SZCA", PUYANG, D(2019, 9, 1), {"new-issuance": "231.00"})
    file_filing("BJCA", ZHENGZHOU, D(2019, 9, 1), {"new-issuance": "232.00"})
    from fees.sweep import sweep

    sweep()  # the page lists the findings the daily sweep raised
    seen = {}
    for persona in ("province", "puyang", "zhengzhou", "szca", "bjca"):
        page = client_for(persona).get("/fees/breaches/")
        assert page.status_code == 200
        seen[persona] = {amount for amount in ("231.00", "232.00") if amount in page.content.decode()}
    assert seen == {
        "province": {"231.00", "232.00"},
        "puyang": {"231.00"},
        "zhengzhou": {"232.00"},
        "szca": {"231.00"},
        "bjca": {"232.00"},
    }
    assert client_for("platform-puyang").get("/fees/breaches/").status_code == 403


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_catalogue_tariff_and_benchmark_endpoints(blank, file_filing, api_for, client_for, cat, persona):
    file_filing("HNCA", KAIFENG, D(2019, 1, 1), {"new-issuance": "205.00"})
    api = api_for(persona)
    reads = [
        "/api/v1/fee-items/",
        "/api/v1/fee-products/",
        f"/api/v1/fee-benchmarks/?province={HENAN}",
        f"/api/v1/fee-tariffs/?vendor={cat.vendors['HNCA'].pk}&item={cat.item().pk}&product={cat.product().pk}"
        f"&region={KAIFENG}&date=2020-01-01",
    ]
    for url in reads:
        assert api.get(url).status_code == (200 if persona != "anonymous" else 403), url
    new_item = {"code": f"x-{persona}", "name": f"新项目{persona}", "prohibited": False}
    allowed = persona == "province"  # fee items are the province's rules (23号 三); cities propose
    assert api.post("/api/v1/fee-items/", new_item).status_code == (201 if allowed else 403)
    web = client_for(persona).get("/fees/items/new/")
    assert web.status_code == (200 if allowed else 302 if persona == "anonymous" else 403)
