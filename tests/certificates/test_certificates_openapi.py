import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_with_the_certificate_endpoints(client_for):
    response = client_for("province").get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    for path in (
        "/api/v1/ca-certificates/",
        "/api/v1/products/{id}/",
        "/api/v1/shared-apps/",
        "/api/v1/trust-list-entries/{id}/",
        "/api/v1/recognition-records/{id}/transition/",
        "/api/v1/recognition-records/{id}/confirm/",
        "/api/v1/recognition-records/{id}/events/",
        "/api/v1/recognition-matrix/",
        "/api/v1/recognition-matrix/national/",
    ):
        assert path in schema["paths"], path
    upload = schema["paths"]["/api/v1/ca-certificates/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
