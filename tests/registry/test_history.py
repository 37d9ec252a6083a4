"""Every change is attributable: editing through the web or the API records a history row with the
user and the fields that changed, and the detail page shows it."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from supervision.forms import CAVendorForm
from supervision.models import CAVendor

pytestmark = pytest.mark.django_db

NEW = {"website": "https://www.szca.example.com/", "licence_number": "ECP44030000001"}


def changed_by(persona: str) -> dict:
    """What an edit by ``persona`` changes: a vendor's own user leaves its licence (an identity field) alone."""
    return {k: v for k, v in NEW.items() if persona == "province" or k not in CAVendor.identity_fields}


def edit_vendor_on_the_web(client, user, vendor: CAVendor):
    form = CAVendorForm(instance=vendor, user=user)
    data = {name: form[name].value() or "" for name, field in form.fields.items() if not field.disabled}
    response = client.post(reverse("supervision:vendor_edit", args=[vendor.pk]), data | NEW)
    assert response.status_code == 302
    assert response["Location"] == vendor.get_absolute_url()


@pytest.mark.parametrize("persona", ["province", "szca"])
def test_a_web_edit_is_recorded_with_its_user_and_fields(client_for, personas, persona):
    vendor = CAVendor.objects.get(short_name="SZCA")
    before = vendor.history.count()
    client = client_for(persona)
    edit_vendor_on_the_web(client, personas[persona], vendor)

    assert vendor.history.count() == before + 1
    record = vendor.history.first()
    assert (record.history_type, record.history_user) == ("~", personas[persona])
    delta = record.diff_against(record.prev_record)
    new = changed_by(persona)
    assert {change.field: change.new for change in delta.changes} == new

    detail = client.get(vendor.get_absolute_url())
    entry = detail.context["history"][0]
    with translation.override(settings.LANGUAGE_CODE):
        labels = {str(CAVendor._meta.get_field(name).verbose_name) for name in new}
    assert entry.user == personas[persona]
    assert {label for label, old, _new in entry.changes} == labels
    assert {value for label, old, value in entry.changes} == set(new.values())
    html = detail.content.decode()
    history = html[html.index('id="history"') :]
    assert str(personas[persona]) in history
    assert all(value in history for value in new.values())


def test_an_api_edit_is_recorded_with_its_user(api_for, personas):
    vendor = CAVendor.objects.get(short_name="SZCA")
    response = api_for("szca").patch(f"/api/v1/vendors/{vendor.pk}/", {"notes": "经 API 修改"}, format="json")
    assert response.status_code == 200
    record = vendor.history.first()
    assert (record.history_user, record.notes) == (personas["szca"], "经 API 修改")


def test_a_refused_edit_leaves_no_history(client_for, personas):
    vendor = CAVendor.objects.get(short_name="SZCA")
    before = vendor.history.count()
    client_for("bjca").post(reverse("supervision:vendor_edit", args=[vendor.pk]), NEW | {"name": "x"})
    form_errors = client_for("szca").post(
        reverse("supervision:vendor_edit", args=[vendor.pk]),
        NEW | {"website": "not a web address"},
    )
    assert form_errors.status_code == 200
    assert vendor.history.count() == before
