import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"])
def test_every_persona_sees_its_dashboard(client_for, name):
    response = client_for(name).get("/dashboard/")
    assert response.status_code == 200
    assert "工作台" in response.content.decode()  # Dashboard, in Chinese first


def test_anonymous_is_sent_to_login(client_for):
    response = client_for("anonymous").get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
