"""Free text through the API has a limit (the database's text columns have none)."""

from portal.api.base import TEXT_MAX_LENGTH
from supervision.models import CAVendor


def test_an_over_long_text_is_refused_with_a_clear_message(api_for, registry):
    szca = CAVendor.objects.get(short_name="SZCA")
    response = api_for("szca").patch(
        f"/api/v1/vendors/{szca.pk}/", {"notes": "长" * (TEXT_MAX_LENGTH + 1)}, format="json"
    )
    assert response.status_code == 400 and "notes" in response.json()
    szca.refresh_from_db()
    assert len(szca.notes) <= TEXT_MAX_LENGTH
    response = api_for("szca").patch(f"/api/v1/vendors/{szca.pk}/", {"notes": "长" * 100}, format="json")
    assert response.status_code == 200
