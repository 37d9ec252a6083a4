"""The create and edit pages of the certificates app, per persona."""

import pytest

from certificates.models import CACertificate, Product, RecognitionRecord, SharedApp, TrustListEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url,allowed",
    [
        ("/ca/products/new/", {"province", "szca", "bjca"}),
        ("/ca/shared-apps/new/", {"province", "szca", "bjca"}),
        ("/ca/trust-lists/new/", {"province", "puyang", "zhengzhou", "platform-puyang"}),
        ("/ca/recognition/new/", {"province", "puyang", "zhengzhou", "szca", "bjca"}),
        ("/ca/certificates/upload/", {"province", "puyang", "zhengzhou", "szca", "bjca"}),
    ],
)
@pytest.mark.parametrize("name", ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"])
def test_new_pages_by_persona(url, allowed, name, client_for):
    assert client_for(name).get(url).status_code == (200 if name in allowed else 403)


def test_a_vendor_adds_a_product_and_an_app_for_itself_only(client_for, personas, vendors):
    client = client_for("szca")
    response = client.post(
        "/ca/products/new/",
        {
            "vendor": vendors["BJCA"].pk,
            "name": "SZCA 云证书",
            "kind": "organisation",
            "carrier": "cloud",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Product.objects.get(name="SZCA 云证书").vendor == vendors["SZCA"]  # the vendor field is fixed
    response = client.post(
        "/ca/shared-apps/new/", {"name": "深证通", "download_url": "example.com/app", "active": "on"}
    )
    assert response.status_code == 302
    assert SharedApp.objects.get(name="深证通").download_url == "https://example.com/app"


def test_an_operator_adds_to_its_trust_list_and_removes_again(client_for, personas, upload, api_for):
    api_for("szca").post("/api/v1/ca-certificates/", {"file": upload("ec_root.pem")}, format="multipart")
    certificate = CACertificate.objects.get(subject_cn="Example ECC P-256 Root CA")
    client = client_for("platform-puyang")
    response = client.post("/ca/trust-lists/new/", {"certificate": certificate.pk, "note": "2019年9月"})
    assert response.status_code == 302
    entry = TrustListEntry.objects.get(certificate=certificate)
    assert entry.platform == personas["platform-puyang"].platform and entry.added_by == personas["platform-puyang"]
    assert client.post(f"/ca/trust-lists/{entry.pk}/delete/").status_code == 302
    assert not TrustListEntry.objects.filter(pk=entry.pk).exists()


def test_an_administrator_creates_a_record_in_scope_only(client_for, vendors, henan_platforms):
    puyang = next(p for p in henan_platforms if p.region_id == "410900")
    zhengzhou = next(p for p in henan_platforms if p.region_id == "410100")
    data = {
        "vendor": vendors["HNCA"].pk,
        "scope": "cross_vendor",
        "other_vendor": vendors["SZCA"].pk,
        "seals_included": "on",
    }
    response = client_for("puyang").post("/ca/recognition/new/", data | {"platform": puyang.pk})
    assert response.status_code == 302
    record = RecognitionRecord.objects.get(vendor=vendors["HNCA"], other_vendor=vendors["SZCA"], platform=puyang)
    assert record.status == "not_started" and record.events.get().action == "create"
    response = client_for("puyang").post("/ca/recognition/new/", data | {"platform": zhengzhou.pk})
    assert response.status_code == 200  # Zhengzhou's platform is not a choice for Puyang
    assert not RecognitionRecord.objects.filter(
        vendor=vendors["HNCA"], platform=zhengzhou, scope="cross_vendor"
    ).exists()
    response = client_for("puyang").post("/ca/recognition/new/", data | {"platform": puyang.pk})
    assert response.status_code == 200 and "已有" in response.content.decode()
