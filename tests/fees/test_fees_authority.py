"""Province-wide fee rules are the province's: a city administrator reads them and changes nothing."""

import pytest

from fees.models import FeeItem


@pytest.fixture
def remote_activation(registry):
    return FeeItem.objects.get(name__contains="异地")


@pytest.mark.parametrize("persona", ["puyang", "zhengzhou", "szca", "platform-puyang"])
def test_only_the_province_changes_a_fee_item_through_the_api(api_for, remote_activation, persona):
    api = api_for(persona)
    assert api.get(f"/api/v1/fee-items/{remote_activation.pk}/").status_code == 200
    response = api.patch(f"/api/v1/fee-items/{remote_activation.pk}/", {"prohibited": False}, format="json")
    assert response.status_code == 403
    response = api.post("/api/v1/fee-items/", {"code": "city-fee", "name": "城市自定收费"}, format="json")
    assert response.status_code == 403
    remote_activation.refresh_from_db()
    assert remote_activation.prohibited
    assert not FeeItem.objects.filter(code="city-fee").exists()


def test_the_province_changes_a_fee_item(api_for, remote_activation):
    response = api_for("province").patch(
        f"/api/v1/fee-items/{remote_activation.pk}/", {"description": "省公管办说明"}, format="json"
    )
    assert response.status_code == 200


def test_a_city_gets_no_fee_item_forms(client_for, remote_activation):
    city = client_for("puyang")
    assert city.get("/fees/items/new/").status_code == 403
    assert city.get(f"/fees/items/{remote_activation.pk}/edit/").status_code == 403
    html = city.get(f"/fees/items/{remote_activation.pk}/").content.decode()
    assert f"/fees/items/{remote_activation.pk}/edit/" not in html
    province = client_for("province").get(f"/fees/items/{remote_activation.pk}/").content.decode()
    assert f"/fees/items/{remote_activation.pk}/edit/" in province
