"""The announcements' directory of CA vendors and shared APPs comes from the certificates app: the
recognition the platform confirmed (or that was verified) and its trust list — never retyped."""

from pathlib import Path

import pytest
from django.urls import reverse

from certificates.chains import store_certificates
from certificates.models import RecognitionRecord, SharedApp, TrustListEntry
from certificates.x509.parse import load_certificates
from supervision.models import Platform
from trial.models import Announcement
from trial.public import platform_directory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "certificates" / "fixtures"


@pytest.fixture
def henan(registry):
    """Henan's provincial platform, without the recognition records seeded for it."""
    platform = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    RecognitionRecord.objects.filter(platform=platform).delete()
    TrustListEntry.objects.filter(platform=platform).delete()
    SharedApp.objects.all().delete()  # the demo APPs
    return platform


def record(vendor, platform, status, confirmed=False):
    return RecognitionRecord.objects.create(
        vendor=vendor, platform=platform, status=status, confirmed_by_platform=confirmed
    )


def test_directory_lists_what_the_platform_stands_behind(henan, vendors):
    record(vendors["SZCA"], henan, "verified", confirmed=True)
    record(vendors["HNCA"], henan, "done", confirmed=True)
    record(vendors["BJCA"], henan, "done")  # the vendor's own claim, not confirmed: not published
    record(vendors["华测CA"], henan, "in_progress")
    SharedApp.objects.create(vendor=vendors["SZCA"], name="深证通APP", version="3.1")
    SharedApp.objects.create(vendor=vendors["SZCA"], name="停用APP", active=False)
    entries = platform_directory(henan)
    assert [(e.vendor.short_name, [a.name for a in e.apps]) for e in entries] == [
        ("HNCA", []),
        ("SZCA", ["深证通APP"]),
    ]


def test_trust_list_vendors_are_in_the_directory(henan, vendors):
    (cert,) = store_certificates(
        load_certificates((FIXTURES / "rsa_root.pem").read_bytes(), "rsa_root.pem"), vendor=vendors["BJCA"]
    ).created
    TrustListEntry.objects.create(platform=henan, certificate=cert)
    record(vendors["BJCA"], henan, "verified", confirmed=True)  # both sources: listed once
    assert [e.vendor.short_name for e in platform_directory(henan)] == ["BJCA"]


def test_public_pages_show_the_directory(henan, vendors, round2023, client):
    record(vendors["SZCA"], henan, "verified", confirmed=True)
    SharedApp.objects.create(vendor=vendors["SZCA"], name="深证通APP")
    announcement = Announcement.objects.create(
        round=round2023,
        platform=henan,
        title="公告",
        scope="范围",
        procedure="流程",
        status="published",
        published_at="2023-02-01T09:00+08:00",
    )
    page = client.get(reverse("public_announcement", args=[announcement.pk])).content.decode()
    assert "深圳市电子商务安全证书管理有限公司" in page and "深证通APP" in page
    directory = client.get(reverse("public_directory"))
    rows = {row["participant"].platform_id: row["directory"] for row in directory.context["rows"]}
    assert [e.vendor.short_name for e in rows[henan.pk]] == ["SZCA"]
    for platform in Platform.objects.filter(pk__in=rows):  # the whole page agrees with the per-platform function
        assert [e.vendor.pk for e in rows[platform.pk]] == [e.vendor.pk for e in platform_directory(platform)]


def test_directory_page_queries_do_not_grow_with_participants(round2023, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("public_directory")).status_code == 200
