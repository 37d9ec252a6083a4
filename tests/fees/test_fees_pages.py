"""The pages at work: filing entry with HTMX line editing, submit/return/accept, versions and their
differences, comparison chart, dashboard, API workflow, OpenAPI schema, public complaint form."""

import datetime
import json

import pytest
from feetest import HENAN, KAIFENG, PUYANG

from fees.models import FeeComplaint, FeeFiling
from supervision.models import Finding

pytestmark = pytest.mark.django_db
D = datetime.date
PAGES = [
    "/fees/filings/",
    "/fees/tariffs/",
    "/fees/benchmark/",
    "/fees/compare/",
    "/fees/items/",
    "/fees/products/",
    "/fees/complaints/",
    "/dashboard/",
]


@pytest.mark.parametrize("persona", ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"])
def test_every_page_opens_for_every_persona_on_the_demo_data(client_for, personas, persona):
    client = client_for(persona)
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    for filing in FeeFiling.objects.visible_to(personas[persona]).order_by("-pk")[:4]:
        assert client.get(filing.get_absolute_url()).status_code == 200


def test_vendor_enters_a_filing_with_htmx_lines_and_submits(blank, client_for, cat, personas):
    client = client_for("szca")
    response = client.post("/fees/filings/new/", {"region": PUYANG, "effective_date": "2020-05-01", "note": "新标准"})
    assert response.status_code == 302
    filing = FeeFiling.objects.get(vendor=personas["szca"].vendor)
    assert filing.created_by == personas["szca"] and filing.status == "draft"
    add = f"/fees/filings/{filing.pk}/lines/add/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    line = {"product": cat.product().pk, "item": cat.item().pk, "amount": "200.00"}
    block = client.post(add, line, **htmx)
    assert block.status_code == 200 and 'id="lines"' in block.content.decode() and "200.00" in block.content.decode()
    # Bad input comes back in the block with its message; nothing is written.
    bad = client.post(add, line | {"item": cat.item("replacement").pk, "amount": "12.345"}, **htmx).content.decode()
    assert 'data-testid="error-amount"' in bad and filing.lines.count() == 1
    duplicate = client.post(add, line, **htmx).content.decode()
    assert 'data-testid="error-item"' in duplicate and filing.lines.count() == 1
    negative = client.post(add, line | {"item": cat.item("replacement").pk, "amount": "-1"}, **htmx).content.decode()
    assert 'data-testid="error-amount"' in negative
    # Edit and delete in place.
    pk = filing.lines.get().pk
    form = client.get(f"/fees/filings/{filing.pk}/lines/{pk}/edit/", **htmx).content.decode()
    assert "table-active" in form
    client.post(f"/fees/filings/{filing.pk}/lines/{pk}/edit/", line | {"amount": "190.5"}, **htmx)
    assert str(filing.lines.get().amount) == "190.50"
    client.post(add, line | {"item": cat.item("replacement").pk, "amount": "50"}, **htmx)
    client.post(f"/fees/filings/{filing.pk}/lines/{pk}/delete/", **htmx)
    assert filing.lines.count() == 1
    # Submit; the city administrator returns it with a reason; the vendor fixes and resubmits; accepted.
    assert client.post(f"/fees/filings/{filing.pk}/submit/").status_code == 302
    filing.refresh_from_db()
    assert filing.status == "submitted"
    assert client.post(f"/fees/filings/{filing.pk}/lines/add/", line, **htmx).status_code == 403
    puyang = client_for("puyang")
    assert puyang.post(f"/fees/filings/{filing.pk}/return/", {"reason": ""}).status_code == 302
    filing.refresh_from_db()
    assert filing.status == "submitted"  # a return needs a reason
    puyang.post(f"/fees/filings/{filing.pk}/return/", {"reason": "请补充新办收费"})
    filing.refresh_from_db()
    assert filing.status == "returned" and filing.return_reason == "请补充新办收费"
    client.post(add, line, **htmx)
    client.post(f"/fees/filings/{filing.pk}/submit/")
    puyang.post(f"/fees/filings/{filing.pk}/accept/")
    filing.refresh_from_db()
    assert filing.status == "accepted" and filing.reviewed_by == personas["puyang"]
    # Every step is in the history, with who did it.
    users = {record.history_user for record in filing.history.all()}
    assert {personas["szca"], personas["puyang"]} <= users
    page = client.get(filing.get_absolute_url()).content.decode()
    assert 'id="history"' in page


def test_a_filing_needs_lines_and_a_sane_date(blank, client_for):
    client = client_for("szca")
    response = client.post("/fees/filings/new/", {"region": PUYANG, "effective_date": "1999-01-01"})
    assert response.status_code == 200 and 'data-testid="error-effective_date"' in response.content.decode()
    client.post("/fees/filings/new/", {"region": PUYANG, "effective_date": "2020-01-01"})
    filing = FeeFiling.objects.get()
    client.post(f"/fees/filings/{filing.pk}/submit/")
    filing.refresh_from_db()
    assert filing.status == "draft"  # refused: no lines


def test_versions_and_their_differences(blank, file_filing, client_for, cat):
    file_filing("SZCA", PUYANG, D(2019, 1, 1), {"new-issuance": "300.00", "replacement": "100.00"})
    newer = file_filing("SZCA", PUYANG, D(2019, 9, 1), {"new-issuance": "240.00", "usb-key": "60.00"})
    history = client_for("szca").get(f"/fees/vendors/{cat.vendors['SZCA'].pk}/history/").content.decode()
    assert "change-changed" in history and "change-added" in history and "change-removed" in history
    assert "-60.00" in history
    detail = client_for("szca").get(newer.get_absolute_url()).content.decode()
    assert 'data-testid="version-diff"' in detail
    # Another vendor, who sees SZCA's accepted (public) tariffs and links to their history from them, sees
    # that history too, but not SZCA's draft; a vendor with no filing the user may see stays unknown.
    draft = file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": "200.00"}, status="draft")
    other = client_for("bjca")
    assert f"/fees/vendors/{cat.vendors['SZCA'].pk}/history/" in other.get(newer.get_absolute_url()).content.decode()
    response = other.get(f"/fees/vendors/{cat.vendors['SZCA'].pk}/history/")
    assert response.status_code == 200
    assert newer.get_absolute_url() in response.content.decode()
    assert draft.get_absolute_url() not in response.content.decode()
    assert (
        draft.get_absolute_url()
        in client_for("szca").get(f"/fees/vendors/{cat.vendors['SZCA'].pk}/history/").content.decode()
    )
    assert other.get(f"/fees/vendors/{cat.vendors['HNCA'].pk}/history/").status_code == 404


def test_comparison_chart_against_the_benchmark(blank, file_filing, client_for, cat):
    file_filing("HNCA", KAIFENG, D(2019, 1, 1), {"new-issuance": "200.00"})
    file_filing("SZCA", PUYANG, D(2019, 9, 1), {"new-issuance": "230.00"})
    page = client_for("puyang").get(f"/fees/compare/?product={cat.product().pk}&item={cat.item().pk}&region={HENAN}")
    content = page.content.decode()
    data = json.loads(content.split('id="compare-data" type="application/json">')[1].split("</script>")[0])
    assert data["benchmark"] == "200.00" and "230.00" in data["amounts"] and True in data["over"]
    assert "chart.umd.min.js" in content


def test_dashboard_cards(blank, file_filing, client_for):
    file_filing("SZCA", PUYANG, D(2020, 1, 1), {"new-issuance": "1.00"}, status="submitted")
    page = client_for("puyang").get("/dashboard/")
    assert any(
        card.url.startswith("/fees/filings/?status=submitted") and card.value == 1 for card in page.context["cards"]
    )
    assert all(
        not card.url.startswith("/fees/filings/?status=submitted")
        for card in client_for("szca").get("/dashboard/").context["cards"]
    )


def test_api_workflow(blank, api_for, cat, file_filing):
    file_filing("HNCA", KAIFENG, D(2019, 1, 1), {"new-issuance": "200.00"})
    szca = api_for("szca")
    filing = szca.post("/api/v1/fee-filings/", {"region": PUYANG, "effective_date": "2020-01-01"}).json()
    line = {"filing": filing["id"], "product": cat.product().pk, "item": cat.item().pk}
    assert szca.post("/api/v1/fee-filing-lines/", line | {"amount": "12.345"}).status_code == 400
    assert szca.post("/api/v1/fee-filing-lines/", line | {"amount": "-1"}).status_code == 400
    assert szca.post("/api/v1/fee-filing-lines/", line | {"amount": "250.00"}).status_code == 201
    breaches = szca.post(f"/api/v1/fee-filings/{filing['id']}/submit/").json()
    assert [b["kind"] for b in breaches] == ["overcharge"] and breaches[0]["excess"] == "50.00"
    puyang = api_for("puyang")
    assert puyang.post(f"/api/v1/fee-filings/{filing['id']}/return/", {}).status_code == 400
    over = Finding.objects.get(kind="overcharge", facts__filing_id=filing["id"])
    assert over.status == "open"
    assert puyang.post(f"/api/v1/fee-filings/{filing['id']}/return/", {"reason": "超标"}).json()["status"] == "returned"
    # Returned, the filing never took effect: its finding resolves (it would block the fee reduction).
    over.refresh_from_db()
    assert over.status == "resolved" and "超标" in over.evidence
    # Corrected only in part and submitted again, it still breaches: the same finding opens again, saying
    # what the filing says now.
    line_id = over.facts["filing_line_id"]
    assert szca.patch(f"/api/v1/fee-filing-lines/{line_id}/", {"amount": "230.00"}).status_code == 200
    assert [b["kind"] for b in szca.post(f"/api/v1/fee-filings/{filing['id']}/submit/").json()] == ["overcharge"]
    over.refresh_from_db()
    assert over.status == "open" and over.facts["amount"] == "230.00" and "230.00" in over.summary
    assert "再次提交，仍违反规定" in over.evidence
    assert over.history.first().history_change_reason == "raised again: the filing was submitted again"
    assert puyang.post(f"/api/v1/fee-filings/{filing['id']}/return/", {"reason": "超标"}).json()["status"] == "returned"
    tariff = szca.get(
        "/api/v1/fee-tariffs/",
        {
            "vendor": cat.vendors["HNCA"].pk,
            "item": cat.item().pk,
            "product": cat.product().pk,
            "region": KAIFENG,
            "date": "2020-01-01",
        },
    )
    assert tariff.status_code == 200 and tariff.json()["amount"] == "200.00"
    bench = szca.get("/api/v1/fee-benchmarks/", {"province": HENAN}).json()
    assert bench[0]["amount"] == "200.00" and bench[0]["source"] == "computed"


def test_openapi_schema_is_valid(client_for):
    response = client_for("province").get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/v1/fee-filings/{id}/submit/" in paths and "/api/v1/fee-tariffs/" in paths


def complaint_form(cat, **changes):
    from supervision.models import Platform

    data = {
        "vendor": cat.vendors["SZCA"].pk,
        "platform": Platform.objects.filter(region_id=PUYANG).first().pk,
        "product": cat.product().pk,
        "item": cat.item("remote-activation").pk,
        "charged_on": "2020-03-01",
        "amount": "50",
        "description": "收取异地用户开通费",
    }
    return data | changes


def test_public_complaint_and_tracking(blank, client_for, cat):
    anonymous = client_for("anonymous")
    response = anonymous.post("/fees/complaints/new/", complaint_form(cat))
    assert response.status_code == 302
    sent = anonymous.get(response["Location"]).content.decode()
    complaint = FeeComplaint.objects.get()
    # The comparison suggests a breach; the bidder's figures accuse nobody until an administrator upholds it.
    assert complaint.tracking_number in sent and complaint.status == "received" and complaint.breaches
    track = f"/fees/complaints/track/?number={complaint.tracking_number.lower()}"
    assert 'data-status="received"' in anonymous.get(track).content.decode()
    assert not Finding.objects.filter(kind="complaint_upheld").exists()
    province = client_for("province")
    page = province.get(f"/fees/complaints/{complaint.pk}/").content.decode()
    assert f'action="/fees/complaints/{complaint.pk}/review/"' in page and "管理员核实" in page
    assert 'data-testid="comparison"' in page and "全省最低收费标准" in page
    assert "&#x27;rule&#x27;" not in page and "'rule'" not in page  # the history shows labelled facts too
    decided = province.post(
        f"/fees/complaints/{complaint.pk}/review/", {"decision": "upheld", "note": "已核对收费票据。"}
    )
    assert decided.status_code == 302
    assert Finding.objects.filter(kind="complaint_upheld", vendor=complaint.vendor).count() == 1
    assert 'data-status="upheld"' in anonymous.get(track).content.decode()
    assert 'data-testid="not-found"' in anonymous.get("/fees/complaints/track/?number=AAAAAAAAAAAA").content.decode()


def test_complaint_bad_input(blank, client_for, cat):
    anonymous = client_for("anonymous")
    for changes in (
        {"amount": "abc"},
        {"amount": "-3"},
        {"amount": "1.234"},
        {"charged_on": "2999-01-01"},
        {"website": "x"},
    ):
        response = anonymous.post("/fees/complaints/new/", complaint_form(cat, **changes))
        assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode(), changes
    too_long = anonymous.post("/fees/complaints/new/", complaint_form(cat, description="长" * 20000))
    assert too_long.status_code == 413
    assert FeeComplaint.objects.count() == 0


def test_complaints_are_rate_limited_per_address(blank, client_for, cat):
    anonymous = client_for("anonymous")
    statuses = [anonymous.post("/fees/complaints/new/", complaint_form(cat)).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    other = client_for("anonymous")
    assert other.post("/fees/complaints/new/", complaint_form(cat), REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.parametrize("vendor", [0, 2**63, 2**64])
def test_a_vendors_history_of_no_vendor_is_not_found(client_for, vendor):
    """An id no row can have (the database's ids are 1 … 2^63 - 1) is a 404, not an overflow (500)."""
    assert client_for("szca").get(f"/fees/vendors/{vendor}/history/").status_code == 404
