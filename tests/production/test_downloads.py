"""Uploaded files are served only through the scoped download view: to a logged-in user who may see
the row holding the file; never from a public /media/ address, and the API links to the view."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from portal.downloads import download_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a test file\n"


@pytest.fixture
def puyang_platform(registry):
    from supervision.models import Platform

    return Platform.objects.get(name="濮阳市公共资源交易中心交易平台")


@pytest.fixture
def szca_obligation_file(registry, personas):
    from supervision.models import CAVendor, Obligation, ObligationFile

    obligation = Obligation.objects.create(
        vendor=CAVendor.objects.get(short_name="SZCA"), kind=Obligation.Kind.FEE_REDUCTION, title="证据测试"
    )
    upload = ObligationFile(obligation=obligation, original_name="整改说明.pdf", uploaded_by=personas["szca"])
    upload.file.save("evidence.pdf", ContentFile(PDF), save=False)
    upload.save()
    return upload


@pytest.fixture
def scanned_agreement(puyang_platform):
    from trial.models import Agreement

    agreement = Agreement.objects.create(kind="component", platform=puyang_platform, title="互认组件协议")
    agreement.scan.save("agreement-scan.pdf", ContentFile(PDF))
    return agreement


def test_the_owner_downloads_the_file(client_for, szca_obligation_file):
    response = client_for("szca").get(download_url(szca_obligation_file.file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E6%95%B4%E6%94%B9%E8%AF%B4%E6%98%8E.pdf" in response["Content-Disposition"]


def test_an_out_of_scope_user_gets_404(client_for, szca_obligation_file):
    assert client_for("bjca").get(download_url(szca_obligation_file.file)).status_code == 404
    assert client_for("platform-puyang").get(download_url(szca_obligation_file.file)).status_code == 404


def test_anonymous_is_sent_to_the_login(client_for, szca_obligation_file):
    url = download_url(szca_obligation_file.file)
    response = client_for("anonymous").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") and "next=" in response["Location"]


def test_agreement_scan_by_platform_scope(client_for, scanned_agreement):
    url = download_url(scanned_agreement.scan)
    assert url == f"/files/{scanned_agreement._meta.label_lower}/{scanned_agreement.pk}/scan/"
    for persona, status in [("platform-puyang", 200), ("puyang", 200), ("province", 200), ("zhengzhou", 404)]:
        assert client_for(persona).get(url).status_code == status, persona


def test_a_fee_import_file_is_its_uploader_s(client_for, personas):
    from fees.models import FeeImport

    job = FeeImport(original_name="收费.xlsx", created_by=personas["szca"])
    job.file.save("fees.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.save()
    url = download_url(job.file)
    assert client_for("szca").get(url).status_code == 200
    assert client_for("bjca").get(url).status_code == 404
    assert client_for("province").get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/files/nosuch.model/1/file/",
        "/files/supervision/1/file/",
        "/files/supervision.obligation/1/title/",  # not a file field
        "/files/supervision.obligationfile/1/nosuch/",
        "/files/supervision.historicalagreement/1/scan/",  # history has no scope: no downloads
        "/files/supervision.obligationfile/999999/file/",
    ],
)
def test_anything_else_is_404(client_for, path):
    assert client_for("province").get(path).status_code == 404


def test_an_empty_file_field_is_404(client_for, puyang_platform):
    from trial.models import Agreement

    agreement = Agreement.objects.create(kind="component", platform=puyang_platform, title="未扫描")
    assert download_url(agreement.scan) == ""
    assert client_for("province").get(f"/files/trial.agreement/{agreement.pk}/scan/").status_code == 404


def test_every_model_with_a_file_is_scoped():
    """A new FileField on a model without ``visible_to`` would have no way to be downloaded."""
    unscoped = [
        model._meta.label
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        and any(isinstance(field, models.FileField) for field in model._meta.get_fields())
        and not hasattr(model._default_manager, "visible_to")
    ]
    assert unscoped == []


def test_no_media_route_even_in_development(settings, client_for, szca_obligation_file):
    import portal.urls

    name = szca_obligation_file.file.name
    for debug in (True, False):
        with override_settings(DEBUG=debug):
            importlib.reload(portal.urls)
            clear_url_caches()
            try:
                with pytest.raises(Resolver404):
                    resolve(f"/media/{name}")
                for persona in ("anonymous", "szca"):
                    assert client_for(persona).get(f"/media/{name}").status_code == 404
            finally:
                importlib.reload(portal.urls)
                clear_url_caches()


def test_the_api_links_files_to_the_download_view(api_for, client_for, scanned_agreement, szca_obligation_file):
    agreement = api_for("platform-puyang").get(f"/api/v1/trial-agreements/{scanned_agreement.pk}/").json()
    assert agreement["scan"] == f"http://testserver{download_url(scanned_agreement.scan)}"
    obligation = api_for("szca").get(f"/api/v1/obligations/{szca_obligation_file.obligation_id}/").json()
    assert obligation["files"] == [
        {
            "id": szca_obligation_file.pk,
            "original_name": "整改说明.pdf",
            "size": len(PDF),
            "file": f"http://testserver{download_url(szca_obligation_file.file)}",
        }
    ]
    assert client_for("szca").get(obligation["files"][0]["file"]).status_code == 200
    assert "/media/" not in json.dumps([agreement, obligation])


def test_case_files_and_notice(api_for, client_for, personas, szca_obligation_file):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.engine import cases as case_flow
    from supervision.models import CAVendor, Finding

    finding = Finding.objects.create(
        vendor=CAVendor.objects.get(short_name="SZCA"),
        kind=Finding.Kind.OVERCHARGE,
        summary="测试",
        dedup_key="dl-test",
    )
    case = case_flow.open_case(findings=[finding], by=personas["province"])
    case.notice_pdf.save(f"{case.number}.pdf", ContentFile(PDF))
    case_flow.respond(case, text="已整改", files=[SimpleUploadedFile("说明.pdf", PDF)], by=personas["szca"])
    data = api_for("szca").get(f"/api/v1/cases/{case.pk}/").json()
    response_file = data["responses"][0]["files"][0]["file"]
    assert "/media/" not in json.dumps(data)
    assert client_for("szca").get(response_file).status_code == 200
    assert client_for("bjca").get(response_file).status_code == 404
    assert client_for("szca").get(data["notice_pdf"]).status_code == 200
    assert client_for("bjca").get(data["notice_pdf"]).status_code == 404
    assert client_for("anonymous").get(data["notice_pdf"]).status_code == 302


def test_obligation_page_links_its_files(client_for, szca_obligation_file):
    page = client_for("szca").get(szca_obligation_file.obligation.get_absolute_url())
    assert page.status_code == 200
    assert download_url(szca_obligation_file.file) in page.content.decode()
    assert "/media/" not in page.content.decode()
