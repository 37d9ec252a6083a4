"""The admin's file inputs link a stored file to its scoped download view, never to /media/ (which is
not served): the link works for whoever may see the row, and only for them."""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import models
from django.test import RequestFactory

from portal.admin import ScopedFileWidget
from portal.downloads import download_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a test file\n"


@pytest.fixture
def scanned_agreement(registry):
    from supervision.models import Platform
    from trial.models import Agreement

    platform = Platform.objects.get(name="濮阳市公共资源交易中心交易平台")
    agreement = Agreement.objects.create(kind="component", platform=platform, title="互认组件协议")
    agreement.scan.save("agreement-scan.pdf", ContentFile(PDF))
    return agreement


def test_the_change_page_links_the_file_to_its_download_view(client_for, scanned_agreement):
    url = f"/admin/trial/agreement/{scanned_agreement.pk}/change/"
    page = client_for("puyang").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    link = download_url(scanned_agreement.scan)
    assert f'href="{link}"' in body
    assert "/media/" not in body
    # The link answers the file to the administrator, and nothing to someone out of scope.
    response = client_for("puyang").get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for("zhengzhou").get(link).status_code == 404


def test_the_history_of_a_read_only_record_links_the_same_way(client_for, scanned_agreement):
    version = scanned_agreement.history.order_by("-history_id").first()
    url = f"/admin/trial/agreement/{scanned_agreement.pk}/history/{version.history_id}/"
    page = client_for("puyang").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'href="{download_url(scanned_agreement.scan)}"' in body and "/media/" not in body


def test_an_editable_file_field_links_from_its_input(client_for, registry):
    from supervision.models import Platform, RectificationCase

    platform = Platform.objects.get(name="濮阳市公共资源交易中心交易平台")
    case = RectificationCase.objects.create(
        platform=platform, number="ZG-TEST-1", title="整改", facts="事实", due_date="2030-01-01"
    )
    case.notice_pdf.save("notice.pdf", ContentFile(PDF))
    page = client_for("province").get(f"/admin/supervision/rectificationcase/{case.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'type="file" name="notice_pdf"' in body  # the field can be replaced here
    assert f'href="{download_url(case.notice_pdf)}"' in body and "/media/" not in body


def test_every_admin_file_input_is_scoped(personas):
    """Every file field of every admin form (inlines included) uses the scoped widget."""
    request = RequestFactory().get("/admin/")
    request.user = personas["province"]
    checked = []
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]
        for each in admins:
            for field in each.model._meta.get_fields():
                if isinstance(field, models.FileField):
                    form_field = each.formfield_for_dbfield(field, request)
                    assert isinstance(form_field.widget, ScopedFileWidget), f"{each.model._meta.label}.{field.name}"
                    checked.append(f"{each.model._meta.label}.{field.name}")
    assert "trial.Agreement.scan" in checked and "supervision.RectificationCase.notice_pdf" in checked


def test_a_new_upload_shows_no_link():
    widget = ScopedFileWidget()
    assert widget.format_value(None) is None
    assert widget.format_value(ContentFile(PDF, name="new.pdf")) is None
