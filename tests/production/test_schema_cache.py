"""/api/schema/ (and so /api/docs/) is built once per language, role and release, then served from the
cache (issue 12, point 10): drf-spectacular builds it anew on every request, seconds each time."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from portal.api.views import code_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """How many times the schema was built."""
    calls = []
    build = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    return calls


def test_the_schema_is_built_once_per_language_and_role(builds, client_for):
    province = client_for("province")
    first = province.get("/api/schema/")
    assert first.status_code == 200 and len(builds) == 1
    again = province.get("/api/schema/")
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert len(builds) == 1
    # Per role, not per person: Zhengzhou's city administrator builds it, Puyang's then reads it.
    city = client_for("zhengzhou").get("/api/schema/").content
    assert client_for("puyang").get("/api/schema/").content == city == first.content
    assert len(builds) == 2
    json_schema = province.get("/api/schema/", {"format": "json"})
    assert json_schema["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert len(builds) == 3
    assert province.get("/api/schema/", {"format": "json"}).json() == json_schema.json()
    english = province.get("/api/schema/", {"lang": "en"}).content.decode()
    assert len(builds) == 4 and english != first.content.decode()


def test_each_role_gets_the_schema_of_what_it_may_write(builds, client_for):
    """A vendor's user may not write the cryptography filing the administrators attest: its schema says
    so, even when an administrator's was built first (and the other way round)."""

    def vendor_schema(client):
        return client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]["CAVendor"]

    province = vendor_schema(client_for("province"))
    szca = vendor_schema(client_for("szca"))
    assert not province["properties"]["crypto_filing_status"].get("readOnly")
    assert szca["properties"]["crypto_filing_status"].get("readOnly") is True
    assert not vendor_schema(client_for("province"))["properties"]["crypto_filing_status"].get("readOnly")
    assert len(builds) == 2


def test_a_new_release_builds_it_again(builds, client_for, monkeypatch):
    client = client_for("province")
    client.get("/api/schema/")
    before = code_release()
    monkeypatch.setenv("PORTAL_RELEASE", "deploy-2")
    code_release.cache_clear()
    try:
        assert code_release() != before
        client.get("/api/schema/")
        assert len(builds) == 2
    finally:
        monkeypatch.delenv("PORTAL_RELEASE")
        code_release.cache_clear()


def test_the_docs_page_points_at_the_cached_schema(client_for):
    client = client_for("province")
    assert client.get("/api/docs/").status_code == 200
    assert "/api/schema/" in client.get("/api/docs/", {"script": ""}).content.decode()
