"""An id filter or an id in a body that no row can have (past the 64-bit ids, a fraction) is a clean 400
in the API and an ignored filter on a page, never an overflow in the database (Schemathesis found them)."""

import pytest

pytestmark = pytest.mark.django_db

TOO_BIG = str(2**63)


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/shared-apps/", "vendor"),
        ("/api/v1/trial-agreements/", "platform"),
        ("/api/v1/fee-filing-lines/", "filing"),
        ("/api/v1/trial-usage-lines/", "period"),
        ("/api/v1/certificate-claims/", "certificate"),
    ],
)
def test_api_id_filters_refuse_what_is_no_id(api_for, registry, url, name):
    api = api_for("province")
    for value in (TOO_BIG, "-1.2e+99", "1.5"):
        response = api.get(url, {name: value})
        assert response.status_code == 400, (url, value)
        assert name in response.json()
    assert api.get(url, {name: "1"}).status_code == 200


def test_api_ids_in_a_body_are_ids(api_for, registry):
    api = api_for("province")
    for field, url in (("findings", "/api/v1/cases/"), ("cases", "/api/v1/criticisms/")):
        response = api.post(url, {field: [int(TOO_BIG), 1]}, format="json")
        assert response.status_code == 400 and field in response.json(), url
    tariff = {"vendor": TOO_BIG, "item": 1, "product": 1, "region": "410900", "date": "2020-01-01"}
    response = api.get("/api/v1/fee-tariffs/", tariff)
    assert response.status_code == 400 and "vendor" in response.json()


def test_a_page_with_an_impossible_id_filter_opens(client_for, registry):
    client = client_for("province")
    for url in ("/ca/shared-apps/", "/trial/agreements/", "/registry/obligations/"):
        response = client.get(url, {"vendor": TOO_BIG, "platform": "-4.3e+163"})
        assert response.status_code == 200, url
