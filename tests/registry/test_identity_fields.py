"""Who may change what identifies a record: an operator keeps its platform's details up to date, but
what the platform is, who runs it, where it is supervised and whether it is active are for the
administrators of its region (issue: an operator moved its platform out of its administrators' sight)."""

import pytest

from supervision.models import Platform

PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"


@pytest.fixture
def platform(registry):
    return Platform.objects.get(name=PUYANG_PLATFORM)


@pytest.mark.parametrize(
    "change",
    [{"region": "110000"}, {"region": "410100"}, {"name": "改名后的平台"}, {"active": False}, {"kind": "enterprise"}],
)
def test_an_operator_cannot_move_rename_or_switch_off_its_platform(api_for, platform, change):
    response = api_for("platform-puyang").patch(f"/api/v1/platforms/{platform.pk}/", change, format="json")
    assert response.status_code == 403, response.content
    fresh = Platform.objects.get(pk=platform.pk)
    assert (fresh.name, fresh.region_id, fresh.active, fresh.kind) == (
        platform.name,
        platform.region_id,
        platform.active,
        platform.kind,
    )


def test_an_operator_keeps_its_platform_address_up_to_date(api_for, platform):
    response = api_for("platform-puyang").patch(
        f"/api/v1/platforms/{platform.pk}/", {"url": "https://ggzy.puyang.example/"}, format="json"
    )
    assert response.status_code == 200
    # Sending the unchanged identity back (a full form) is fine.
    response = api_for("platform-puyang").patch(
        f"/api/v1/platforms/{platform.pk}/",
        {"name": platform.name, "url": "https://ggzy.puyang.example/2"},
        format="json",
    )
    assert response.status_code == 200


def test_the_operators_form_shows_identity_as_fixed_and_ignores_a_posted_region(client_for, platform):
    operator = client_for("platform-puyang")
    html = operator.get(f"/registry/platforms/{platform.pk}/edit/").content.decode()
    for name in ("name", "region", "operator_authority", "active"):
        assert f'id="id_{name}"' in html
    assert html.count("disabled") >= 4
    form = {
        "name": "别的名字",
        "kind": platform.kind,
        "region": "110000",
        "operator_authority": platform.operator_authority_id,
        "operator_company": "",
        "domains": list(platform.domains.values_list("pk", flat=True)),
        "url": "https://ggzy.puyang.example/",
        "active": "",
    }
    response = operator.post(f"/registry/platforms/{platform.pk}/edit/", form)
    assert response.status_code == 302
    fresh = Platform.objects.get(pk=platform.pk)
    assert fresh.url == "https://ggzy.puyang.example/"
    assert (fresh.name, fresh.region_id, fresh.active) == (platform.name, platform.region_id, platform.active)


def test_the_region_administrator_renames_it_and_cannot_move_it_away(api_for, platform):
    city = api_for("puyang")
    response = city.patch(f"/api/v1/platforms/{platform.pk}/", {"name": "濮阳市公共资源交易平台"}, format="json")
    assert response.status_code == 200
    response = city.patch(f"/api/v1/platforms/{platform.pk}/", {"region": "410100"}, format="json")
    assert response.status_code == 403  # out of its own scope: the save is undone
    assert Platform.objects.get(pk=platform.pk).region_id == platform.region_id
    assert (
        api_for("province").patch(f"/api/v1/platforms/{platform.pk}/", {"active": False}, format="json").status_code
        == 200
    )
