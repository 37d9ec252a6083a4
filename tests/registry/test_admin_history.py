"""The admin's history pages open only for records the user may see (they once showed any record's
past versions, contact details included, to any staff user)."""

import pytest

from supervision.models import Platform

ZHENGZHOU_PLATFORM = "郑州市公共资源交易中心交易平台"
PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"


@pytest.mark.parametrize("name, allowed", [(PUYANG_PLATFORM, True), (ZHENGZHOU_PLATFORM, False)])
def test_history_pages_follow_the_scope(client_for, registry, name, allowed):
    platform = Platform.objects.get(name=name)
    version = platform.history.order_by("history_id").first()
    city = client_for("puyang")
    pages = [
        f"/admin/supervision/platform/{platform.pk}/history/",
        f"/admin/supervision/platform/{platform.pk}/history/{version.history_id}/",
    ]
    for url in pages:
        response = city.get(url)
        assert response.status_code == (200 if allowed else 404), url
        if not allowed:
            assert name not in response.content.decode()
    for url in pages:  # the province sees both
        assert client_for("province").get(url).status_code == 200, url
