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


def test_a_change_reads_as_a_person_says_it(personas):
    """A related row by its name (never its id), a choice by its label, a moment in the user's time to the
    minute, the code's reason translated; a file by its name, a flag as yes/no."""
    from django.utils import timezone

    from portal.history import history_entries, shown
    from supervision.models import Contact, Obligation
    from supervision.services import fulfil_obligations
    from trial.models import Agreement

    szca = personas["szca"]
    duty = Obligation.objects.filter(vendor=szca.vendor, status__in=Obligation.UNSETTLED).order_by("pk").first()
    assert fulfil_obligations(party=szca.vendor, kind=duty.kind, evidence="备案回执", by=szca)
    duty.refresh_from_db()
    with translation.override("zh-hans"):
        entry = history_entries(duty)[0]
    changes = {change.field: change.new for change in entry.changes}
    assert entry.reason == "已办结" and entry.user == szca
    assert changes["fulfilled_by"] == str(szca) and changes["status"] == "已办结"
    assert changes["fulfilled_at"] == f"{timezone.localtime(duty.fulfilled_at):%Y-%m-%d %H:%M}"
    with translation.override("zh-hans"):
        flag = shown(Contact._meta.get_field("is_shared_mailbox"), True, {})
    assert flag == "是"
    assert shown(Agreement._meta.get_field("scan"), "trial/agreements/2026/协议扫描件.pdf", {}) == "协议扫描件.pdf"


def test_a_case_number_never_shows_its_placeholder_in_the_history(personas):
    from supervision.engine import cases
    from supervision.models import Finding

    finding = Finding.objects.filter(status=Finding.Status.OPEN).first()
    case = cases.open_case(findings=[finding], by=personas["province"])
    assert list(case.history.values_list("history_type", "number")) == [("+", case.number)]
    assert case.number.startswith("ZG")
