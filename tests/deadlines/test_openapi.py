import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_with_the_deadline_endpoints(client_for):
    response = client_for("province").get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    for path in (
        "/api/v1/obligations/{id}/fulfil/",
        "/api/v1/obligations/campaign/",
        "/api/v1/cases/{id}/respond/",
        "/api/v1/cases/{id}/return/",
        "/api/v1/criticisms/{id}/publish/",
        "/api/v1/inbox/unread/",
        "/api/v1/reminder-policy/{id}/",
        "/api/v1/obligations/{id}/letter/",
        "/api/v1/letters/{id}/",
        "/api/v1/progress-reports/",
    ):
        assert path in schema["paths"], path
