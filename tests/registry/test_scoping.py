"""What each persona may see and change in the registry: every list, detail, create and update page
on the web, every list/retrieve/create/update/delete in the API, and the admin changelists.

The expected rows are written out here from the rules as a person would state them (Henan is the
"41" codes; Puyang's tree is Puyang and its ordinary counties; 巩义 is province-governed, so not
Zhengzhou's), independently of ``Scope``, so a mistake in the scoping code shows up as a difference.
"""

import itertools

import pytest
from django.test import RequestFactory
from django.urls import reverse
from factories import ObligationFactory, valid_credit_code

from portal.accounts.models import Role, User
from portal.accounts.scope import Scope, _resolved, resolving
from portal.middleware import ScopeKeysMiddleware
from supervision import forms
from supervision.models import (
    Authority,
    BusinessDomain,
    CAVendor,
    Contact,
    Obligation,
    Platform,
    Region,
    supervised_party_ids,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang", "anonymous"]
ADMINS = {"province", "puyang", "zhengzhou"}
VENDOR_OF = {"szca": "SZCA", "bjca": "BJCA"}
PUYANG_PLATFORM = "濮阳市公共资源交易中心交易平台"

MODELS = {
    "regions": Region,
    "business-domains": BusinessDomain,
    "authorities": Authority,
    "platforms": Platform,
    "vendors": CAVendor,
    "contacts": Contact,
}
WEB_KINDS = {
    "regions": "region",
    "authorities": "authority",
    "platforms": "platform",
    "vendors": "vendor",
    "contacts": "contact",
}
ADMIN_PAGES = {
    "regions": "region",
    "business-domains": "businessdomain",
    "authorities": "authority",
    "platforms": "platform",
    "vendors": "cavendor",
    "contacts": "contact",
}
CAN_ADD = {
    "regions": {"province"},
    "business-domains": {"province"},
    "authorities": ADMINS,
    "platforms": ADMINS,
    "vendors": {"province"},
    "contacts": {"province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"},
}


# --- The world: the seeded registry plus a few rows that tell the rules apart -----------------------


@pytest.fixture
def world(personas):
    """Adds an ordinary county of Puyang (清丰县, inside Puyang's tree) with an authority, a platform and
    a contact; an inactive Zhengzhou platform (hidden from vendors); contacts of two platforms; and
    an authority that nothing refers to (so it can be deleted)."""
    qingfeng = Region.objects.create(code="410922", name="清丰县", level="county", parent_id="410900")
    authority = Authority.objects.create(name="清丰县公共资源交易中心", kind="trading_center", region=qingfeng)
    Authority.objects.create(name="清丰县公共资源交易管理办公室", kind="management_office", region=qingfeng)
    platform = Platform.objects.create(name="清丰县交易平台", region=qingfeng, operator_authority=authority)
    Platform.objects.create(name="郑州市停用交易平台", region_id="410100", operator_company="某公司", active=False)
    Contact.objects.create(authority=authority, name="清丰联络员")
    Contact.objects.create(platform=platform, name="清丰平台联系人")
    Contact.objects.create(platform=Platform.objects.get(name=PUYANG_PLATFORM), name="濮阳平台联系人")
    Contact.objects.create(platform=Platform.objects.get(name="郑州市公共资源交易中心交易平台"), name="郑州平台联系人")
    return personas


def admin_covers(persona: str, code: str | None) -> bool:
    if code is None:
        return False
    return {
        "province": code.startswith("41"),
        "puyang": code in {"410900", "410922"},
        "zhengzhou": code == "410100",
    }[persona]


def expected(kind: str, persona: str) -> set[int]:
    """The primary keys ``persona`` should see, from the rules in words."""
    if persona == "anonymous":
        return set()
    objects = MODELS[kind].objects.all()
    if kind in ("regions", "business-domains"):
        keep = lambda o: True  # noqa: E731 - public reference data
    elif kind == "authorities":
        keep = lambda o: persona not in ADMINS or admin_covers(persona, o.region_id)  # noqa: E731
    elif kind == "platforms":
        keep = {
            "szca": lambda o: o.active,
            "bjca": lambda o: o.active,
            "platform-puyang": lambda o: o.name == PUYANG_PLATFORM,
        }.get(persona, lambda o: admin_covers(persona, o.region_id))
    elif kind == "vendors":
        keep = lambda o: persona not in VENDOR_OF or o.short_name == VENDOR_OF[persona]  # noqa: E731
    else:
        objects = objects.select_related("authority", "platform", "vendor")
        keep = {
            "szca": lambda o: o.vendor is not None and o.vendor.short_name == "SZCA",
            "bjca": lambda o: o.vendor is not None and o.vendor.short_name == "BJCA",
            "platform-puyang": lambda o: o.platform is not None and o.platform.name == PUYANG_PLATFORM,
        }.get(
            persona,
            lambda o: o.vendor is not None or admin_covers(persona, (o.authority or o.platform).region_id),
        )
    return {o.pk for o in objects if keep(o)}


# Objects that tell the rules apart, and who may change each.
SAMPLES = {
    "regions": {
        "410900": {"province"},
        "410181": {"province"},
        "110000": set(),  # outside Henan
    },
    "business-domains": {"construction": {"province"}},
    "authorities": {
        "濮阳市公共资源交易中心": {"province", "puyang"},
        "清丰县公共资源交易中心": {"province", "puyang"},
        "郑州市公共资源交易中心": {"province", "zhengzhou"},
        "巩义市公共资源交易中心": {"province"},
        "北京市公共资源交易中心": set(),
    },
    "platforms": {
        PUYANG_PLATFORM: {"province", "puyang", "platform-puyang"},
        "清丰县交易平台": {"province", "puyang"},
        "郑州市公共资源交易中心交易平台": {"province", "zhengzhou"},
        "郑州市停用交易平台": {"province", "zhengzhou"},
        "巩义市公共资源交易中心交易平台": {"province"},
        "北京市公共资源交易中心交易平台": set(),
        "中国华能集团有限公司招标采购平台": set(),
    },
    "vendors": {"SZCA": {"province", "szca"}, "BJCA": {"province", "bjca"}, "HNCA": {"province"}},
    "contacts": {
        "濮阳市联络员（示例）": {"province", "puyang"},
        "清丰平台联系人": {"province", "puyang"},
        "郑州市联络员（示例）": {"province", "zhengzhou"},
        "巩义市联络员（示例）": {"province"},
        "SZCA项目经理（示例）": {"province", "szca"},
        "濮阳平台联系人": {"province", "puyang", "platform-puyang"},
        "郑州平台联系人": {"province", "zhengzhou"},
    },
}
LOOKUP = {
    "regions": "code",
    "business-domains": "code",
    "authorities": "name",
    "platforms": "name",
    "vendors": "short_name",
    "contacts": "name",
}


def sample(kind: str, key: str):
    return MODELS[kind].objects.get(**{LOOKUP[kind]: key})


# Who may change a record but not what identifies it (its name among them): the page keeps the name
# fixed and saves the rest, the API refuses the change (see test_identity_fields.py).
KEEPS_IDENTITY = {"platforms": {"platform-puyang"}, "vendors": {"szca", "bjca"}}


def renames(kind: str, persona: str) -> bool:
    return persona not in KEEPS_IDENTITY.get(kind, set())


def expected_status(kind: str, key: str, persona: str, obj) -> int:
    """200 when the persona may change the object, 403 when it may only see it, 404 when it may not see it."""
    if obj.pk not in expected(kind, persona):
        return 404
    return 200 if persona in SAMPLES[kind][key] else 403


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Web pages -------------------------------------------------------------------------------


# Reading changes nothing, so the read-only walks take every persona in one test.


@pytest.mark.parametrize("kind", WEB_KINDS)
def test_web_list_shows_exactly_the_rows_in_scope(world, client_for, kind):
    for persona in PERSONAS:
        response = client_for(persona).get(reverse(f"supervision:{WEB_KINDS[kind]}_list"))
        if persona == "anonymous":
            assert_login_redirect(response)
            continue
        assert response.status_code == 200
        shown = {obj.pk for obj in response.context["paginator"].object_list}
        assert shown == expected(kind, persona), persona
        assert response.context["can_add"] == (persona in CAN_ADD[kind]), persona


@pytest.mark.parametrize("kind", WEB_KINDS)
def test_web_detail_follows_the_scope(world, client_for, kind):
    for persona, key in itertools.product(PERSONAS, SAMPLES[kind]):
        obj = sample(kind, key)
        detail = client_for(persona).get(reverse(f"supervision:{WEB_KINDS[kind]}_detail", args=[obj.pk]))
        if persona == "anonymous":
            assert_login_redirect(detail)
            continue
        status = expected_status(kind, key, persona, obj)
        assert detail.status_code == (404 if status == 404 else 200), (key, persona)
        assert detail.context.get("can_change", False) == (status == 200), (key, persona)


FORMS = {
    "regions": forms.RegionForm,
    "authorities": forms.AuthorityForm,
    "platforms": forms.PlatformForm,
    "vendors": forms.CAVendorForm,
    "contacts": forms.ContactForm,
}


def form_data(form) -> dict:
    """What a browser would post back for an unchanged form."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    return data


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", WEB_KINDS)
def test_web_edit_opens_and_saves_only_for_those_who_may_change(world, client_for, personas, kind, persona):
    client = client_for(persona)
    name = WEB_KINDS[kind]
    for key in SAMPLES[kind]:
        obj = sample(kind, key)
        url = reverse(f"supervision:{name}_edit", args=[obj.pk])
        # What the edit page would post back unchanged, but for the name.
        data = form_data(FORMS[kind](instance=obj, user=personas["province"])) | {"name": f"{obj.name}（改）"}
        status = expected_status(kind, key, persona, obj)
        # The edit page opens for those who may change (GET and POST share the permission checks).
        if persona == "anonymous":
            assert_login_redirect(client.get(url))
        elif status == 200:
            assert client.get(url).status_code == 200, key
        response = client.post(url, data)
        obj.refresh_from_db()
        if persona == "anonymous":
            assert_login_redirect(response)
        elif status == 200:
            assert response.status_code == 302, (key, response.context and response.context["form"].errors)
            assert obj.name.endswith("（改）") == renames(kind, persona), key
            assert obj.history.first().history_user == personas[persona]
            continue
        else:
            assert response.status_code == status, key
        assert not obj.name.endswith("（改）"), (key, persona)


def create_data(kind: str, persona: str) -> dict:
    """A valid new object inside the persona's own scope."""
    region = {"province": "410000", "zhengzhou": "410100"}.get(persona, "410900")
    if kind == "regions":
        return {"code": "410923", "name": "南乐县", "level": "county", "parent": "410900"}
    if kind == "business-domains":
        return {"code": "mining", "name": "矿产资源交易"}
    if kind == "authorities":
        return {"name": "测试管理办公室", "kind": "management_office", "region": region}
    if kind == "platforms":
        return {"name": "测试交易平台", "kind": "public", "region": region, "operator_company": "测试运营公司"}
    if kind == "vendors":
        return {
            "name": "测试电子认证有限公司",
            "short_name": "TESTCA",
            "credit_code": valid_credit_code(1),
            "crypto_filing_status": "unknown",
        }
    organisation = {
        "province": ("authority", Authority, "河南省公共资源交易中心"),
        "puyang": ("authority", Authority, "濮阳市公共资源交易中心"),
        "zhengzhou": ("authority", Authority, "郑州市公共资源交易中心"),
        "szca": ("vendor", CAVendor, "深圳市电子商务安全证书管理有限公司"),
        "bjca": ("vendor", CAVendor, "北京数字认证股份有限公司"),
        "platform-puyang": ("platform", Platform, PUYANG_PLATFORM),
        "anonymous": ("authority", Authority, "濮阳市公共资源交易中心"),
    }[persona]
    field, model, name = organisation
    return {field: model.objects.get(name=name).pk, "name": "测试联系人", "email": "test@example.com"}


def created(kind: str):
    data = create_data(kind, "province")
    key = "code" if kind in ("regions", "business-domains") else "name"
    return MODELS[kind].objects.filter(**{key: data[key]}).first()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", WEB_KINDS)
def test_web_create_only_for_those_who_may_add(world, client_for, kind, persona):
    client = client_for(persona)
    url = reverse(f"supervision:{WEB_KINDS[kind]}_add")
    page, response = client.get(url), client.post(url, create_data(kind, persona))
    if persona == "anonymous":
        assert_login_redirect(page)
        assert_login_redirect(response)
    elif persona in CAN_ADD[kind]:
        assert page.status_code == 200
        assert response.status_code == 302, response.context and response.context["form"].errors
        assert created(kind) is not None
        assert response["Location"] == created(kind).get_absolute_url()
        return
    else:
        assert page.status_code == response.status_code == 403
    assert created(kind) is None


# --- Cross-scope attempts on the web ------------------------------------------------------------


def test_puyang_cannot_open_or_post_a_zhengzhou_platform(world, client_for):
    platform = Platform.objects.get(name="郑州市公共资源交易中心交易平台")
    client = client_for("puyang")
    url = reverse("supervision:platform_edit", args=[platform.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "被濮阳改名", "kind": "public", "region": "410900"}).status_code == 404
    platform.refresh_from_db()
    assert platform.name == "郑州市公共资源交易中心交易平台"


def test_puyang_cannot_create_a_platform_in_zhengzhou(world, client_for):
    data = create_data("platforms", "puyang") | {"region": "410100"}
    response = client_for("puyang").post(reverse("supervision:platform_add"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Platform.objects.filter(name=data["name"]).exists()


def test_puyang_cannot_move_a_puyang_platform_to_zhengzhou(world, client_for):
    platform = Platform.objects.get(name=PUYANG_PLATFORM)
    client = client_for("puyang")
    url = reverse("supervision:platform_edit", args=[platform.pk])
    data = form_data(client.get(url).context["form"]) | {"region": "410100"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    platform.refresh_from_db()
    assert platform.region_id == "410900"


def test_puyang_cannot_pick_a_zhengzhou_authority_for_a_contact(world, client_for):
    zhengzhou = Authority.objects.get(name="郑州市公共资源交易中心")
    data = {"authority": zhengzhou.pk, "name": "越权联系人", "email": "x@example.com"}
    response = client_for("puyang").post(reverse("supervision:contact_add"), data)
    assert response.status_code == 200
    assert "authority" in response.context["form"].errors
    assert not Contact.objects.filter(name="越权联系人").exists()


def test_vendor_user_cannot_add_a_contact_to_another_organisation(world, client_for):
    authority = Authority.objects.get(name="濮阳市公共资源交易中心")
    data = {"authority": authority.pk, "name": "越权联系人", "email": "x@example.com"}
    response = client_for("szca").post(reverse("supervision:contact_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Contact.objects.filter(name="越权联系人").exists()


def test_province_cannot_create_a_region_outside_henan(world, client_for):
    data = {"code": "110101", "name": "东城区", "level": "county", "parent": "110000"}
    response = client_for("province").post(reverse("supervision:region_add"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Region.objects.filter(code="110101").exists()


def test_vendor_user_cannot_change_its_cryptography_filing_on_the_web(world, client_for):
    vendor = CAVendor.objects.get(short_name="SZCA")
    client = client_for("szca")
    url = reverse("supervision:vendor_edit", args=[vendor.pk])
    form = client.get(url).context["form"]
    for name in ("crypto_filing_status", "crypto_filing_number", "crypto_filing_date", "crypto_filing_expiry"):
        assert form.fields[name].disabled, name
    data = form_data(form) | {
        "website": "https://www.szca.example.com/",
        "crypto_filing_status": "filed",
        "crypto_filing_number": "豫密备2026001",
        "crypto_filing_date": "2026-01-01",
    }
    assert client.post(url, data).status_code == 302
    vendor.refresh_from_db()
    assert vendor.website == "https://www.szca.example.com/"
    assert (vendor.crypto_filing_status, vendor.crypto_filing_number) == ("unknown", "")


# --- The API -------------------------------------------------------------------------------------


def api_url(kind: str, pk: int | None = None) -> str:
    return f"/api/v1/{kind}/" + (f"{pk}/" if pk is not None else "")


def assert_refused_anonymous(response) -> None:
    assert response.status_code in (401, 403)


def api_ids(client, kind: str) -> set[int]:
    ids, url = set(), api_url(kind)
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        url = body["next"]
    return ids


@pytest.mark.parametrize("kind", MODELS)
def test_api_list_and_retrieve_follow_the_scope(world, api_for, kind):
    for persona in PERSONAS:
        client = api_for(persona)
        if persona == "anonymous":
            assert_refused_anonymous(client.get(api_url(kind)))
            assert_refused_anonymous(client.get(api_url(kind, sample(kind, next(iter(SAMPLES[kind]))).pk)))
            continue
        visible = expected(kind, persona)
        assert api_ids(client, kind) == visible, persona
        for key in SAMPLES[kind]:
            response = client.get(api_url(kind, sample(kind, key).pk))
            assert response.status_code == (200 if sample(kind, key).pk in visible else 404), (key, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", MODELS)
def test_api_update_only_for_those_who_may_change(world, api_for, personas, kind, persona):
    client = api_for(persona)
    for key in SAMPLES[kind]:
        obj = sample(kind, key)
        status = expected_status(kind, key, persona, obj)
        if status == 200 and not renames(kind, persona):
            status = 403
        response = client.patch(api_url(kind, obj.pk), {"name": f"{obj.name}（改）"}, format="json")
        obj.refresh_from_db()
        if persona == "anonymous":
            assert_refused_anonymous(response)
        else:
            assert response.status_code == status, (key, response.content)
        assert obj.name.endswith("（改）") == (response.status_code == 200), key
        if response.status_code == 200:
            assert obj.history.first().history_user == personas[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", MODELS)
def test_api_create_only_for_those_who_may_add(world, api_for, kind, persona):
    data = create_data(kind, persona)
    if kind == "platforms":
        data["domains"] = ["construction"]
    response = api_for(persona).post(api_url(kind), data, format="json")
    if persona == "anonymous":
        assert_refused_anonymous(response)
    elif persona in CAN_ADD[kind]:
        assert response.status_code == 201, response.content
        assert response.json()["id"] == created(kind).pk
        return
    else:
        assert response.status_code == 403
    assert created(kind) is None


# kind → (sample, who may delete it); the samples are referred to by nothing that protects them.
DELETABLE = {
    "regions": ("110000", set()),
    "business-domains": ("construction", set()),
    "authorities": ("清丰县公共资源交易管理办公室", {"province"}),
    "platforms": ("郑州市停用交易平台", {"province"}),
    "vendors": ("HNCA", set()),
    "contacts": ("濮阳平台联系人", {"province", "puyang", "platform-puyang"}),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", MODELS)
def test_api_delete_only_for_those_who_may_delete(world, api_for, kind, persona):
    key, deleters = DELETABLE[kind]
    obj = sample(kind, key)
    visible = obj.pk in expected(kind, persona)
    response = api_for(persona).delete(api_url(kind, obj.pk))
    exists = MODELS[kind].objects.filter(pk=obj.pk).exists()
    if persona == "anonymous":
        assert_refused_anonymous(response)
    elif not visible:
        assert response.status_code == 404
    else:
        assert response.status_code == (204 if persona in deleters else 403)
    assert exists == (response.status_code != 204)


def test_api_delete_of_a_record_still_in_use_is_refused_clearly(world, api_for):
    authority = Authority.objects.get(name="濮阳市公共资源交易中心")  # operates Puyang's platform
    response = api_for("province").delete(api_url("authorities", authority.pk))
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert Authority.objects.filter(pk=authority.pk).exists()


def test_api_szca_cannot_patch_bjca(world, api_for):
    bjca = CAVendor.objects.get(short_name="BJCA")
    response = api_for("szca").patch(api_url("vendors", bjca.pk), {"website": "https://evil.example.com/"})
    assert response.status_code == 404
    bjca.refresh_from_db()
    assert bjca.website == ""


def test_api_vendor_user_cannot_set_its_own_cryptography_filing(world, api_for):
    szca = CAVendor.objects.get(short_name="SZCA")
    payload = {
        "crypto_filing_status": "filed",
        "crypto_filing_number": "豫密备2026001",
        "crypto_filing_date": "2026-01-01",
        "notes": "已备案",
    }
    response = api_for("szca").patch(api_url("vendors", szca.pk), payload, format="json")
    assert response.status_code == 200
    assert response.json()["crypto_filing_status"] == "unknown"
    szca.refresh_from_db()
    assert (szca.crypto_filing_status, szca.crypto_filing_number, szca.crypto_filing_date) == ("unknown", "", None)
    assert szca.notes == "已备案"


def test_api_province_may_set_a_vendors_cryptography_filing(world, api_for):
    szca = CAVendor.objects.get(short_name="SZCA")
    payload = {
        "crypto_filing_status": "filed",
        "crypto_filing_number": "豫密备2026001",
        "crypto_filing_date": "2026-01-01",
    }
    assert api_for("province").patch(api_url("vendors", szca.pk), payload, format="json").status_code == 200
    szca.refresh_from_db()
    assert szca.crypto_filing_status == "filed"


def test_api_puyang_cannot_create_a_platform_in_zhengzhou(world, api_for):
    data = create_data("platforms", "puyang") | {"region": "410100"}
    response = api_for("puyang").post(api_url("platforms"), data, format="json")
    assert response.status_code == 403
    assert not Platform.objects.filter(name=data["name"]).exists()


def test_api_province_cannot_create_a_region_outside_henan(world, api_for):
    data = {"code": "110101", "name": "东城区", "level": "county", "parent": "110000"}
    assert api_for("province").post(api_url("regions"), data, format="json").status_code == 403
    assert not Region.objects.filter(code="110101").exists()


def test_api_puyang_cannot_move_a_puyang_platform_to_zhengzhou(world, api_for):
    platform = Platform.objects.get(name=PUYANG_PLATFORM)
    history = platform.history.count()
    response = api_for("puyang").patch(api_url("platforms", platform.pk), {"region": "410100"}, format="json")
    assert response.status_code == 403
    platform.refresh_from_db()
    assert platform.region_id == "410900"
    assert platform.history.count() == history


def test_api_puyang_cannot_edit_a_zhengzhou_platform(world, api_for):
    platform = Platform.objects.get(name="郑州市公共资源交易中心交易平台")
    response = api_for("puyang").patch(api_url("platforms", platform.pk), {"url": "https://x.example.com/"})
    assert response.status_code == 404


def test_api_puyang_cannot_pick_a_zhengzhou_authority(world, api_for):
    zhengzhou = Authority.objects.get(name="郑州市公共资源交易中心")
    data = {"authority": zhengzhou.pk, "name": "越权联系人", "email": "x@example.com"}
    response = api_for("puyang").post(api_url("contacts"), data, format="json")
    assert response.status_code == 400
    assert "authority" in response.json()
    assert not Contact.objects.filter(name="越权联系人").exists()


# --- Django admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ADMIN_PAGES)
def test_admin_changelist_is_for_administrators_and_scoped(world, client_for, kind):
    for persona in PERSONAS:
        response = client_for(persona).get(f"/admin/supervision/{ADMIN_PAGES[kind]}/")
        if persona not in ADMINS:  # staff are the administrators; the others go to the admin's log-in
            assert response.status_code == 302, persona
            assert response["Location"].startswith("/admin/login/")
            continue
        assert response.status_code == 200
        assert {obj.pk for obj in response.context["cl"].queryset} == expected(kind, persona), persona


def test_admin_change_page_of_an_object_out_of_scope_is_not_shown(world, client_for):
    platform = Platform.objects.get(name="郑州市公共资源交易中心交易平台")
    response = client_for("puyang").get(f"/admin/supervision/platform/{platform.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert f"/{platform.pk}/" not in response["Location"]


# --- One rule, two forms -----------------------------------------------------------------------


def test_regions_q_and_covers_region_agree(world):
    """For every region and every administrator (plus one of a province-governed county), the
    queryset form and the single-object form of the scope choose the same regions."""
    gongyi_admin = User.objects.create(username="gongyi", role=Role.CITY_ADMIN, region_id="410181", is_staff=True)
    Region.objects.create(code="410102", name="中原区", level="county", parent_id="410100")
    regions = list(Region.objects.select_related("parent"))
    Authority.objects.bulk_create(
        Authority(name=f"一致性检查{region.code}", kind="trading_center", region_id=region.code) for region in regions
    )
    admins = [*User.objects.filter(username__in=ADMINS), gongyi_admin]
    for admin in admins:
        scope = Scope.of(admin)
        by_query = set(
            Authority.objects.filter(name__startswith="一致性检查")
            .filter(scope.regions_q("region"))
            .values_list("region_id", flat=True)
        )
        by_object = {region.code for region in regions if scope.covers_region(region)}
        assert by_query == by_object, admin.username
        assert admin.region_id in by_object
    assert "410181" not in {
        r.code for r in regions if Scope.of(User.objects.get(username="zhengzhou")).covers_region(r)
    }
    assert {r.code for r in regions if Scope.of(gongyi_admin).covers_region(r)} == {"410181"}


# --- A read-only request reads the scope's keys once -----------------------------------------------


def test_a_scope_read_as_lists_covers_the_same_rows_as_its_subqueries(world, personas, django_assert_num_queries):
    """Within ``resolving`` (a read-only request) the platforms and authorities of a scope are read once,
    as lists, and every queryset covers exactly the rows the subqueries cover."""
    for party in (*Platform.objects.all()[:6], *Authority.objects.all()[:6]):
        ObligationFactory(**{"platform": None, party._meta.model_name: party})
    ObligationFactory(vendor=CAVendor.objects.first(), platform=None)
    for name in ADMINS:
        user = personas[name]
        querysets = {
            "platforms": lambda user=user: Platform.objects.visible_to(user),
            "authorities": lambda user=user: Authority.objects.visible_to(user),
            "contacts": lambda user=user: Contact.objects.visible_to(user),
            "obligations": lambda user=user: Obligation.objects.visible_to(user),
        }
        by_subquery = {label: set(rows().values_list("pk", flat=True)) for label, rows in querysets.items()}
        with resolving():
            with django_assert_num_queries(1):  # the platforms and the authorities, once, in one query
                Obligation.objects.visible_to(user)
                Platform.objects.visible_to(user)
                Contact.objects.visible_to(user)
            by_list = {label: set(rows().values_list("pk", flat=True)) for label, rows in querysets.items()}
        assert by_list == by_subquery, name
        assert by_subquery["obligations"], name


def test_only_a_request_that_writes_nothing_reads_the_scope_as_lists(personas):
    """A POST keeps the subqueries: a platform it creates is in its scope for the rest of the request."""
    seen = {}

    def view(request):
        seen[request.method] = _resolved.get()
        return None

    middleware = ScopeKeysMiddleware(view)
    for method in ("get", "head", "post", "delete"):
        middleware(getattr(RequestFactory(), method)("/dashboard/"))
    assert seen["GET"] == {} and seen["HEAD"] == {}
    assert seen["POST"] is None and seen["DELETE"] is None
    assert _resolved.get() is None  # and nothing remains after the request
    scope = Scope.of(personas["puyang"])
    assert not isinstance(supervised_party_ids(scope).platforms, list)
