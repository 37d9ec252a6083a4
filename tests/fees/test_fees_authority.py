"""Province-wide fee rules and the benchmark are the province's: a city administrator reads them and
changes nothing."""

import datetime
from decimal import Decimal

import pytest
from feetest import HENAN, KAIFENG

from fees import benchmarks
from fees.models import Benchmark, FeeItem


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


@pytest.mark.parametrize("persona", ["puyang", "zhengzhou"])
def test_a_city_neither_freezes_nor_removes_the_benchmark(blank, file_filing, client_for, api_for, personas, persona):
    file_filing("HNCA", KAIFENG, datetime.date(2019, 1, 1), {"new-issuance": "205.00"})
    assert benchmarks.freeze(HENAN, personas["province"]) == 1
    city = client_for(persona)
    page = city.get("/fees/benchmark/").content.decode()
    assert 'data-testid="freeze-all"' not in page and 'value="unfreeze"' not in page
    own_region = personas[persona].region_id
    for province in (HENAN, own_region):
        for action in ("freeze", "unfreeze"):
            response = city.post("/fees/benchmark/freeze/", {"province": province, "action": action, "reason": "城市"})
            assert response.status_code == 403
    # The API publishes the benchmark read-only, to everyone.
    api = api_for(persona)
    assert api.get("/api/v1/fee-benchmarks/").status_code == 200
    assert api.post("/api/v1/fee-benchmarks/", {"amount": "1.00"}, format="json").status_code == 405
    frozen = Benchmark.objects.get(province_id=HENAN)
    assert frozen.amount == Decimal("205.00") and frozen.frozen_by.username == "province"
    assert (
        client_for("province")
        .post("/fees/benchmark/freeze/", {"province": HENAN, "action": "unfreeze", "reason": "省公管办重新核定"})
        .status_code
        == 302
    )
    assert not Benchmark.objects.filter(province_id=HENAN).exists()
