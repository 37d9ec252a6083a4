"""Every page and endpoint of the certificates app shows each persona exactly what it may see.

The expected rows are computed here in plain Python from the rules (vendors their own, operators
their platform's, administrators their regions' platforms), independently of the querysets."""

import re

import pytest

from certificates.models import CACertificate, Product, RecognitionRecord, SharedApp, TrustListEntry
from portal.accounts.scope import Scope

pytestmark = pytest.mark.django_db
PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"]


def covers(user, platform) -> bool:
    scope = Scope.of(user)
    if user.vendor_id:
        return False
    if user.platform_id:
        return platform.pk == user.platform_id
    return scope.covers_region(platform.region)


def expected(model, user) -> set[int]:
    rows = list(model.objects.all())
    if model is RecognitionRecord:
        keep = [r for r in rows if (r.vendor_id == user.vendor_id if user.vendor_id else covers(user, r.platform))]
    elif model is TrustListEntry:
        keep = [
            e
            for e in rows
            if (e.certificate.vendor_id == user.vendor_id if user.vendor_id else covers(user, e.platform))
        ]
    else:  # certificates, products, shared APPs: public facts; vendors see their own only
        keep = [o for o in rows if not user.vendor_id or o.vendor_id == user.vendor_id]
    return {o.pk for o in keep}


def api_ids(client, url) -> set[int]:
    ids, page = set(), url
    while page:
        response = client.get(page)
        assert response.status_code == 200, response.content
        ids |= {item["id"] for item in response.data["results"]}
        page = response.data["next"]
    return ids


ENDPOINTS = {
    CACertificate: ("/api/v1/ca-certificates/", "/ca/certificates/"),
    Product: ("/api/v1/products/", "/ca/products/"),
    SharedApp: ("/api/v1/shared-apps/", "/ca/shared-apps/"),
    TrustListEntry: ("/api/v1/trust-list-entries/", "/ca/trust-lists/"),
    RecognitionRecord: ("/api/v1/recognition-records/", "/ca/recognition/"),
}


@pytest.mark.parametrize("model", list(ENDPOINTS), ids=lambda m: m.__name__)
@pytest.mark.parametrize("name", PERSONAS)
def test_lists_show_each_persona_its_rows(model, name, personas, api_for, client_for):
    user = personas[name]
    want = expected(model, user)
    api, web = ENDPOINTS[model]
    assert api_ids(api_for(name), api) == want
    page = client_for(name).get(web).content.decode()
    assert int(re.search(r'data-testid="total">(\d+)<', page).group(1)) == len(want)


def test_the_rules_leave_something_to_see_and_something_to_hide(personas):
    """Guard: the demo data makes the scoping tests meaningful."""
    for name in PERSONAS:
        user = personas[name]
        assert expected(RecognitionRecord, user)
        assert expected(RecognitionRecord, user) != {r.pk for r in RecognitionRecord.objects.all()}


@pytest.mark.parametrize("model", list(ENDPOINTS), ids=lambda m: m.__name__)
def test_anonymous_sees_nothing(model, api_for, client_for):
    api, web = ENDPOINTS[model]
    assert api_for("anonymous").get(api).status_code in (401, 403)
    assert client_for("anonymous").get(web).status_code == 302


@pytest.mark.parametrize("name", PERSONAS)
def test_details_outside_the_scope_are_not_found(name, personas, client_for, api_for):
    user = personas[name]
    for model, (api, web) in ENDPOINTS.items():
        visible = expected(model, user)
        hidden = set(model.objects.values_list("pk", flat=True)) - visible
        base = web if model is not CACertificate else "/ca/certificates/"
        for pk in list(visible)[:1]:
            assert client_for(name).get(f"{base}{pk}/").status_code == 200
            assert api_for(name).get(f"{api}{pk}/").status_code == 200
        for pk in list(hidden)[:2]:
            assert client_for(name).get(f"{base}{pk}/").status_code == 404
            assert api_for(name).get(f"{api}{pk}/").status_code == 404


@pytest.mark.parametrize(
    "name,recognition,trust_list",
    [
        ("province", 200, 200),
        ("puyang", 200, 200),
        ("szca", 200, 403),
        ("platform-puyang", 403, 200),
        ("anonymous", 302, 302),
    ],
)
def test_import_pages_by_persona(name, recognition, trust_list, client_for):
    assert client_for(name).get("/ca/import/recognition/").status_code == recognition
    assert client_for(name).get("/ca/import/trust-list/").status_code == trust_list


@pytest.mark.parametrize("name", PERSONAS)
def test_exports_hold_only_the_personas_rows(name, personas, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    user = personas[name]
    response = client_for(name).get("/ca/export/recognition.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row - 1 == len(expected(RecognitionRecord, user))
    vendors = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    if user.vendor_id:
        assert vendors == {user.vendor.short_name}


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_pages_and_figures_by_persona(name, personas, client_for, api_for):
    user = personas[name]
    for url in ("/ca/matrix/", "/ca/matrix/national/", "/ca/matrix/?format=xlsx", "/ca/matrix/national/?format=xlsx"):
        assert client_for(name).get(url).status_code == 200
    figures = api_for(name).get("/api/v1/recognition-matrix/").data
    total = sum(v["total"] for v in figures["vendors"])
    visible = RecognitionRecord.objects.filter(
        pk__in=expected(RecognitionRecord, user), scope="same_vendor", platform__active=True
    )
    assert total == visible.filter(platform__region__code__startswith="41").count()  # Henan, the default
    if user.vendor_id:
        assert [v["id"] for v in figures["vendors"]] == [user.vendor_id]
    if user.platform_id:
        assert [p["id"] for p in figures["platforms"]] == [user.platform_id]
    national = api_for(name).get("/api/v1/recognition-matrix/national/").data
    assert sum(v["total"] for v in national["vendors"]) == visible.count()
    assert client_for("anonymous").get("/ca/matrix/").status_code == 302
    assert api_for("anonymous").get("/api/v1/recognition-matrix/").status_code in (401, 403)


@pytest.mark.parametrize("name,status", [("szca", 200), ("bjca", 404), ("province", 200), ("platform-puyang", 403)])
def test_only_the_vendor_and_provincial_admins_edit_products(name, status, personas, client_for, vendors):
    product = Product.objects.filter(vendor=vendors["SZCA"]).first()
    response = client_for(name).get(f"/ca/products/{product.pk}/edit/")
    assert response.status_code == status


def test_operators_keep_only_their_own_trust_list(personas, client_for, api_for, henan_platforms):
    own = TrustListEntry.objects.filter(platform=personas["platform-puyang"].platform).first()
    other = TrustListEntry.objects.exclude(platform=personas["platform-puyang"].platform).first()
    assert client_for("platform-puyang").post(f"/ca/trust-lists/{other.pk}/delete/").status_code == 404
    assert api_for("platform-puyang").delete(f"/api/v1/trust-list-entries/{other.pk}/").status_code == 404
    assert api_for("szca").delete(f"/api/v1/trust-list-entries/{own.pk}/").status_code in (403, 404)
    assert api_for("platform-puyang").delete(f"/api/v1/trust-list-entries/{own.pk}/").status_code == 204
    zhengzhou = next(p for p in henan_platforms if p.region_id == "410100")
    certificate = CACertificate.objects.filter(is_demo=True).first()
    response = api_for("platform-puyang").post(
        "/api/v1/trust-list-entries/", {"platform": zhengzhou.pk, "certificate": certificate.pk}, format="json"
    )
    assert response.status_code == 400  # another platform is not a choice
    response = api_for("zhengzhou").post(
        "/api/v1/trust-list-entries/",
        {"platform": personas["platform-puyang"].platform_id, "certificate": certificate.pk},
        format="json",
    )
    assert response.status_code == 400
