import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "directive",
        "obligation",
        "finding",
        "rectificationcase",
        "criticism",
        "reminderpolicy",
        "notification",
        "supervisionletter",
        "progressreport",
    ],
)
def test_admin_pages_open_for_the_province(client_for, model):
    assert client_for("province").get(f"/admin/supervision/{model}/").status_code == 200
