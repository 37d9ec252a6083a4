"""A party reports its duty done with evidence; an administrator of the duty's scope accepts or returns
it. A party never accepts its own fulfilment (issue: a vendor marked its own duty fulfilled)."""

import pytest

from supervision.models import CAVendor, Obligation
from supervision.services import ensure_obligation


@pytest.fixture
def duty(registry):
    szca = CAVendor.objects.get(short_name="SZCA")
    obligation, _ = ensure_obligation(
        party=szca, kind=Obligation.Kind.FEE_REDUCTION, title="按最低标准重新备案", due_date=None, dedup_key="acc:1"
    )
    return obligation


def page(client_for, persona, duty) -> str:
    return client_for(persona).get(f"/registry/obligations/{duty.pk}/").content.decode()


def test_the_vendor_reports_and_the_province_accepts(api_for, client_for, duty):
    response = api_for("szca").post(f"/api/v1/obligations/{duty.pk}/fulfil/", {"evidence": "已重新备案"})
    assert response.status_code == 200 and response.json()["status"] == "reported"
    duty.refresh_from_db()
    assert duty.status == Obligation.Status.REPORTED and duty.fulfilled_at is None
    # The vendor cannot accept its own report, on the API or the page.
    assert api_for("szca").post(f"/api/v1/obligations/{duty.pk}/accept/").status_code == 403
    assert client_for("szca").post(f"/registry/obligations/{duty.pk}/accept/").status_code == 403
    vendor_page = page(client_for, "szca", duty)
    assert 'data-testid="reported"' in vendor_page and 'data-testid="accept-fulfilment"' not in vendor_page
    province_page = page(client_for, "province", duty)
    assert 'data-testid="accept-fulfilment"' in province_page and 'data-testid="return-fulfilment"' in province_page
    response = client_for("province").post(f"/registry/obligations/{duty.pk}/accept/")
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.status == Obligation.Status.FULFILLED and duty.fulfilled_at is not None
    assert duty.history.first().history_user.username == "province"


def test_a_returned_report_opens_the_duty_again(api_for, duty):
    api_for("szca").post(f"/api/v1/obligations/{duty.pk}/fulfil/", {"evidence": "已重新备案"})
    assert api_for("province").post(f"/api/v1/obligations/{duty.pk}/return-report/", {"reason": ""}).status_code == 400
    response = api_for("province").post(f"/api/v1/obligations/{duty.pk}/return-report/", {"reason": "缺少备案回执"})
    assert response.status_code == 200 and response.json()["status"] == "open"
    duty.refresh_from_db()
    assert duty.history.first().history_change_reason == "缺少备案回执"


def test_an_administrator_records_a_fulfilment_directly(api_for, duty):
    response = api_for("province").post(f"/api/v1/obligations/{duty.pk}/fulfil/", {"evidence": "核查属实"})
    assert response.json()["status"] == "fulfilled"


def test_accepting_needs_a_report(api_for, duty):
    assert api_for("province").post(f"/api/v1/obligations/{duty.pk}/accept/").status_code == 400
