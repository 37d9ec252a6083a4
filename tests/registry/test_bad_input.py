"""Bad input gets a clear message on the right field, a structured 400 from the API, an
IntegrityError from the database's own constraints, and nothing saved. Never a 500."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from factories import valid_credit_code

from portal.management.commands.seed import DEFAULT_DEMO_PASSWORD as DEMO_PASSWORD
from supervision.models import Authority, CAVendor, Contact, Region
from supervision.validators import credit_code_check_character

pytestmark = pytest.mark.django_db

VALID = valid_credit_code(42)
WRONG_CHECK = VALID[:17] + next(c for c in "0123456789ABCDEFGH" if c != VALID[17])
BAD_CREDIT_CODES = {
    "too short": VALID[:17],
    "too long": VALID + "1",
    "letter I": VALID[:10] + "I" + VALID[11:],
    "letter O": VALID[:10] + "O" + VALID[11:],
    "letter Z": VALID[:10] + "Z" + VALID[11:],
    "letter S": VALID[:10] + "S" + VALID[11:],
    "letter V": VALID[:10] + "V" + VALID[11:],
    "region not digits": VALID[:4] + "AB" + VALID[6:17] + credit_code_check_character(VALID[:4] + "AB" + VALID[6:17]),
    "wrong check character": WRONG_CHECK,
}


def vendor_data(**changes) -> dict:
    return {
        "name": "测试电子认证有限公司",
        "short_name": "TESTCA",
        "credit_code": VALID,
        "crypto_filing_status": "unknown",
    } | changes


def post_form(client, url: str, data: dict):
    """Post a form that must be refused: the page comes back (200) with the errors."""
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    assert 'data-testid="form-errors"' in response.content.decode()
    return response.context["form"].errors


def assert_db_refuses(callable_) -> None:
    """The database itself refuses (constraints are checked at once, foreign keys at the savepoint)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()
        connection.check_constraints()


# --- Unified social credit code ------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_CREDIT_CODES)
def test_bad_credit_code_is_refused_on_the_web(client_for, case):
    errors = post_form(
        client_for("province"), reverse("supervision:vendor_add"), vendor_data(credit_code=BAD_CREDIT_CODES[case])
    )
    assert list(errors) == ["credit_code"]
    assert not CAVendor.objects.filter(name="测试电子认证有限公司").exists()


@pytest.mark.parametrize("case", BAD_CREDIT_CODES)
def test_bad_credit_code_is_refused_by_the_api(api_for, case):
    response = api_for("province").post(
        "/api/v1/vendors/", vendor_data(credit_code=BAD_CREDIT_CODES[case]), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["credit_code"]
    assert not CAVendor.objects.filter(name="测试电子认证有限公司").exists()


def test_the_credit_code_messages_say_what_is_wrong():
    from django.core.exceptions import ValidationError

    from supervision.validators import validate_credit_code

    for case, code in [
        ("too short", "credit_code_length"),
        ("letter I", "credit_code_charset"),
        ("wrong check character", "credit_code_check"),
    ]:
        with pytest.raises(ValidationError) as error:
            validate_credit_code(BAD_CREDIT_CODES[case])
        assert error.value.code == code


def test_a_valid_credit_code_is_accepted_on_the_web_and_kept_upper_case(client_for):
    response = client_for("province").post(
        reverse("supervision:vendor_add"), vendor_data(credit_code=f" {VALID.lower()} ")
    )
    assert response.status_code == 302
    assert CAVendor.objects.get(name="测试电子认证有限公司").credit_code == VALID


def test_a_valid_credit_code_is_accepted_by_the_api(api_for):
    response = api_for("province").post("/api/v1/vendors/", vendor_data(credit_code=VALID.lower()), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == VALID


# --- Regions: code, parent, cycles ---------------------------------------------------------------


def region_data(**changes) -> dict:
    return {"code": "410923", "name": "南乐县", "level": "county", "parent": "410900"} | changes


BAD_REGIONS = {
    "code of 5 digits": (region_data(code="41092"), "code"),
    "code of 7 digits": (region_data(code="4109231"), "code"),
    "code with letters": (region_data(code="4109AB"), "code"),
    "parent does not exist": (region_data(code="419901", parent="419900"), "parent"),
    "level unknown": (region_data(level="town"), "level"),
    "county without parent": (region_data(parent=""), "parent"),
    "parent of the same level": (region_data(code="410101", level="city", parent="410100"), "parent"),
    "name too long": (region_data(name="县" * 51), "name"),
}


@pytest.mark.parametrize("case", BAD_REGIONS)
def test_bad_region_is_refused_on_the_web(client_for, case):
    data, field = BAD_REGIONS[case]
    errors = post_form(client_for("province"), reverse("supervision:region_add"), data)
    assert field in errors, errors
    assert not Region.objects.filter(code=data["code"]).exists()


@pytest.mark.parametrize("case", BAD_REGIONS)
def test_bad_region_is_refused_by_the_api(api_for, case):
    data, field = BAD_REGIONS[case]
    response = api_for("province").post("/api/v1/regions/", data | {"parent": data["parent"] or None}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Region.objects.filter(code=data["code"]).exists()


@pytest.mark.parametrize(
    "values",
    [
        {"code": "41092", "level": "county", "parent_id": "410900"},
        {"code": "4109AB", "level": "county", "parent_id": "410900"},
        {"code": "410923", "level": "town", "parent_id": "410900"},
        {"code": "410923", "level": "county", "parent_id": None},
        {"code": "420000", "level": "province", "parent_id": "410000"},
        {"code": "419901", "level": "county", "parent_id": "419900"},  # the parent does not exist
    ],
    ids=["5 digits", "letters", "level", "no parent", "province with parent", "missing parent"],
)
def test_bad_region_is_refused_by_the_database(values):
    assert_db_refuses(lambda: Region.objects.create(name="坏数据", **values))
    assert not Region.objects.filter(code=values["code"]).exists()


CYCLES = {
    "a province under its own city": ("410000", {"parent": "410100"}),
    "a province made a city under its own city": ("410000", {"parent": "410100", "level": "city"}),
    "a city its own parent": ("410100", {"parent": "410100"}),
    "a city under its own county": ("410100", {"parent": "410181"}),
}


def region_form_data(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id or "",
        "province_governed": "on" if region.province_governed else "",
    }


@pytest.mark.parametrize("case", CYCLES)
def test_region_cycle_is_refused_on_the_web(client_for, case):
    code, changes = CYCLES[case]
    region = Region.objects.get(code=code)
    url = reverse("supervision:region_edit", args=[region.pk])
    errors = post_form(client_for("province"), url, region_form_data(region) | changes)
    assert "parent" in errors
    region.refresh_from_db()
    assert region.parent_id == {"410000": None, "410100": "410000"}[code]


@pytest.mark.parametrize("case", CYCLES)
def test_region_cycle_is_refused_by_the_api(api_for, case):
    code, changes = CYCLES[case]
    region = Region.objects.get(code=code)
    response = api_for("province").patch(f"/api/v1/regions/{region.pk}/", changes, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    region.refresh_from_db()
    assert region.parent_id == {"410000": None, "410100": "410000"}[code]


@pytest.mark.parametrize("case", CYCLES)
def test_region_cycle_is_refused_by_the_database(case):
    code, changes = CYCLES[case]
    values = {"parent_id": changes["parent"]} | ({"level": changes["level"]} if "level" in changes else {})
    assert_db_refuses(lambda: Region.objects.filter(code=code).update(**values))


# --- Duplicate vendors and over-long fields ------------------------------------------------------


@pytest.fixture
def bjca():
    vendor = CAVendor.objects.get(short_name="BJCA")
    vendor.credit_code = valid_credit_code(7, region="110000")
    vendor.save()
    return vendor


DUPLICATES = {
    "name": lambda bjca: {"name": bjca.name},
    "short_name": lambda bjca: {"short_name": bjca.short_name},
    "credit_code": lambda bjca: {"credit_code": bjca.credit_code},
}


@pytest.mark.parametrize("field", DUPLICATES)
def test_duplicate_vendor_is_refused_on_the_web(client_for, bjca, field):
    errors = post_form(
        client_for("province"), reverse("supervision:vendor_add"), vendor_data(**DUPLICATES[field](bjca))
    )
    assert list(errors) == [field]
    assert CAVendor.objects.count() == 4


@pytest.mark.parametrize("field", DUPLICATES)
def test_duplicate_vendor_is_refused_by_the_api(api_for, bjca, field):
    response = api_for("province").post("/api/v1/vendors/", vendor_data(**DUPLICATES[field](bjca)), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert CAVendor.objects.count() == 4


@pytest.mark.parametrize("field", DUPLICATES)
def test_duplicate_vendor_is_refused_by_the_database(bjca, field):
    values = vendor_data(credit_code=valid_credit_code(8)) | DUPLICATES[field](bjca)
    assert_db_refuses(lambda: CAVendor.objects.create(**values))
    assert CAVendor.objects.count() == 4


def test_duplicate_credit_code_on_edit_is_refused(client_for, bjca):
    szca = CAVendor.objects.get(short_name="SZCA")
    url = reverse("supervision:vendor_edit", args=[szca.pk])
    errors = post_form(
        client_for("province"),
        url,
        {
            "name": szca.name,
            "short_name": szca.short_name,
            "credit_code": bjca.credit_code,
            "crypto_filing_status": szca.crypto_filing_status,
        },
    )
    assert list(errors) == ["credit_code"]
    szca.refresh_from_db()
    assert szca.credit_code == ""


def test_over_long_fields_are_refused(client_for, api_for):
    data = vendor_data(name="公" * 101, licence_number="9" * 51)
    errors = post_form(client_for("province"), reverse("supervision:vendor_add"), data)
    assert set(errors) == {"name", "licence_number"}
    response = api_for("province").post("/api/v1/vendors/", data, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "licence_number"}
    authority = {"name": "中" * 101, "kind": "trading_center", "region": "410900"}
    assert "name" in post_form(client_for("puyang"), reverse("supervision:authority_add"), authority)
    assert "name" in api_for("puyang").post("/api/v1/authorities/", authority, format="json").json()
    assert not CAVendor.objects.filter(short_name="TESTCA").exists()
    assert not Authority.objects.filter(name__startswith="中中").exists()


# --- Whatever is sent, never a 500 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2, 3]",
        '{"name": {"nested": true}}',
        '{"name": 123, "kind": "public", "region": 410900, "domains": "construction"}',
        '{"name": "x", "kind": "public", "region": "410900", "operator_authority": "abc"}',
        '{"name": "x", "kind": "public", "region": "410900", "domains": ["no-such-domain"]}',
        '{"name": "x\\u0000y", "kind": "public", "region": "410900", "operator_company": "c"}',
    ],
)
def test_malformed_api_input_is_a_400(api_for, body):
    response = api_for("province").post("/api/v1/platforms/", body, content_type="application/json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "query",
    ["?page=999", "?page=abc", "?active=maybe", "?domain=abc", "?domain=99999", "?ordering=nonexistent", "?q=%00"],
)
def test_odd_list_queries_are_never_a_500(client_for, api_for, query):
    assert client_for("province").get("/registry/platforms/" + query).status_code in (200, 404)
    assert api_for("province").get("/api/v1/platforms/" + query).status_code in (200, 400, 404)


def test_contact_without_organisation_is_refused(client_for, api_for):
    data = {"name": "无主联系人", "email": "x@example.com"}
    errors = post_form(client_for("province"), reverse("supervision:contact_add"), data)
    assert len(errors["__all__"]) == 1  # one message in words, not also the constraint's name
    response = api_for("province").post("/api/v1/contacts/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": errors["__all__"]}
    assert not Contact.objects.filter(name="无主联系人").exists()


def test_shared_mailbox_needs_an_email(api_for):
    authority = Authority.objects.get(name="濮阳市公共资源交易中心")
    data = {"authority": authority.pk, "name": "公共邮箱", "is_shared_mailbox": True}
    response = api_for("puyang").post("/api/v1/contacts/", data, format="json")
    assert response.status_code == 400
    assert "email" in response.json()


# --- The token endpoint --------------------------------------------------------------------------


def test_token_endpoint_returns_a_working_token(registry):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "szca", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    authenticated = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    vendors = authenticated.get("/api/v1/vendors/")
    assert vendors.status_code == 200
    assert [v["short_name"] for v in vendors.json()["results"]] == ["SZCA"]
    szca = CAVendor.objects.get(short_name="SZCA")
    assert authenticated.patch(f"/api/v1/vendors/{szca.pk}/", {"notes": "令牌"}, format="json").status_code == 200
    assert szca.history.first().history_user.username == "szca"  # the change is attributed to the token's user
    assert APIClient(HTTP_AUTHORIZATION="Token wrong").get("/api/v1/vendors/").status_code in (401, 403)


def test_token_endpoint_refuses_a_wrong_password(registry):
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/auth/token/", {"username": "szca", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert "token" not in response.json()


@pytest.mark.parametrize("persona", ["anonymous", "szca", "province"])
def test_the_openapi_schema_is_served_to_anyone(client_for, persona):
    response = client_for(persona).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/vendors/" in response.json()["paths"]
