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


@pytest.fixture
def office_duties(registry):
    """A duty of the body Puyang's administrators act for and one of the province's office, each in that
    body's own name (豫公管办〔2019〕23号 五: each 公管办 reports to its own government). Puyang's documents name
    no 公管办 of its own: its administrators act for its trading center (``Authority.objects.office_of``)."""
    from supervision.models import Authority

    def duty_of(region: str) -> Obligation:
        office = Authority.objects.office_of(region)
        obligation, _ = ensure_obligation(
            party=office,
            kind=Obligation.Kind.CUSTOM,
            title="向本级政府报告进展",
            due_date=None,
            dedup_key=f"own:{region}",
        )
        return obligation

    return duty_of("410900"), duty_of("410000")


def test_an_office_reports_its_own_duty_and_the_level_above_accepts(api_for, client_for, office_duties):
    puyang_duty, _ = office_duties
    # Puyang's administrator reports its own office's duty done: it waits for the province.
    response = client_for("puyang").post(
        f"/registry/obligations/{puyang_duty.pk}/fulfil/", {"evidence": "已报告市政府"}
    )
    assert response.status_code == 302
    puyang_duty.refresh_from_db()
    assert puyang_duty.status == Obligation.Status.REPORTED and puyang_duty.fulfilled_at is None
    # It can neither accept nor return it, on its page or the API, and its worklist does not ask it to.
    puyang_page = page(client_for, "puyang", puyang_duty)
    assert 'data-testid="reported"' in puyang_page and 'data-testid="accept-fulfilment"' not in puyang_page
    assert client_for("puyang").post(f"/registry/obligations/{puyang_duty.pk}/accept/").status_code == 403
    assert api_for("puyang").post(f"/api/v1/obligations/{puyang_duty.pk}/accept/").status_code == 403
    assert (
        api_for("puyang").post(f"/api/v1/obligations/{puyang_duty.pk}/return-report/", {"reason": "x"}).status_code
        == 403
    )
    assert puyang_duty.get_absolute_url() not in client_for("puyang").get("/dashboard/").content.decode()
    # The province, the level above, is asked to and does.
    assert puyang_duty.get_absolute_url() in client_for("province").get("/dashboard/").content.decode()
    assert 'data-testid="accept-fulfilment"' in page(client_for, "province", puyang_duty)
    assert api_for("province").post(f"/api/v1/obligations/{puyang_duty.pk}/accept/").status_code == 200
    puyang_duty.refresh_from_db()
    assert puyang_duty.status == Obligation.Status.FULFILLED


def test_an_office_neither_accepts_nor_waives_its_own_duty(api_for, client_for, office_duties):
    puyang_duty, province_duty = office_duties
    # The province's own duty: its administrator's fulfilment is a report, not an acceptance.
    response = api_for("province").post(f"/api/v1/obligations/{province_duty.pk}/fulfil/", {"evidence": "已报告省政府"})
    assert response.status_code == 200 and response.json()["status"] == "reported"
    assert api_for("province").post(f"/api/v1/obligations/{province_duty.pk}/accept/").status_code == 403
    # Waiving one's own duty is refused too; the level above may.
    assert 'data-testid="waive"' not in page(client_for, "puyang", puyang_duty)
    assert (
        api_for("puyang").post(f"/api/v1/obligations/{puyang_duty.pk}/waive/", {"reason": "不需要"}).status_code == 403
    )
    assert (
        client_for("puyang").post(f"/registry/obligations/{puyang_duty.pk}/waive/", {"reason": "不需要"}).status_code
        == 403
    )
    puyang_duty.refresh_from_db()
    assert puyang_duty.status == Obligation.Status.OPEN
    assert (
        api_for("province").post(f"/api/v1/obligations/{puyang_duty.pk}/waive/", {"reason": "并入省级报告"}).status_code
        == 200
    )
