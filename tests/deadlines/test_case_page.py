"""The rectification case page, rendered as each person who uses it: what they see and which forms
and buttons they get (the endpoints behind them are tested in test_life.py and test_scoping.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.engine import cases as case_flow
from supervision.models import Finding, RectificationCase
from supervision.services import raise_finding

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case(szca, personas, django_capture_on_commit_callbacks):
    finding, _ = raise_finding(
        kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="case-page:1", summary="单位证书新办收费高于全省最低标准"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return case_flow.open_case(
            findings=[finding], by=personas["province"], due_date=datetime.date.today() + datetime.timedelta(days=15)
        )


def page(client_for, persona, case):
    return client_for(persona).get(f"/registry/cases/{case.pk}/")


def test_the_case_page_uses_its_own_template(client_for, case):
    response = page(client_for, "province", case)
    assert response.status_code == 200
    assert "supervision/case_detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'data-testid="timeline"' in html and 'data-testid="notice-link"' in html
    assert f"/registry/cases/{case.pk}/notice.pdf" in html


def test_the_vendor_gets_the_response_form_and_no_decision(client_for, case):
    html = page(client_for, "szca", case).content.decode()
    assert f'action="/registry/cases/{case.pk}/respond/"' in html and 'enctype="multipart/form-data"' in html
    assert f"/registry/cases/{case.pk}/close/" not in html and f"/registry/cases/{case.pk}/return/" not in html


def test_the_province_decides_once_the_vendor_has_responded(client_for, case, personas):
    html = page(client_for, "province", case).content.decode()
    assert f"/registry/cases/{case.pk}/respond/" not in html  # nothing to decide yet, and not its answer
    assert f"/registry/cases/{case.pk}/close/" not in html
    case_flow.respond(
        case,
        text="已按标准退费",
        files=[SimpleUploadedFile("退费凭证.pdf", PDF, "application/pdf")],
        by=personas["szca"],
    )
    html = page(client_for, "province", case).content.decode()
    assert f'action="/registry/cases/{case.pk}/close/"' in html
    assert f'formaction="/registry/cases/{case.pk}/return/"' in html
    assert "已按标准退费" in html and "退费凭证.pdf" in html  # the response and its file on the timeline
    vendor_html = page(client_for, "szca", case).content.decode()
    assert f"/registry/cases/{case.pk}/close/" not in vendor_html  # a party never accepts its own answer
    assert f"/registry/cases/{case.pk}/respond/" not in vendor_html  # answered: wait for the decision


def test_the_case_page_is_closed_to_others(client_for, case):
    for persona in ("bjca", "platform-puyang"):
        assert page(client_for, persona, case).status_code == 404, persona
    assert page(client_for, "anonymous", case).status_code == 302


def test_every_step_is_posted_from_the_page_and_shows_on_it(client_for, case):
    vendor, province = client_for("szca"), client_for("province")
    upload = SimpleUploadedFile("整改报告.pdf", PDF, "application/pdf")
    response = vendor.post(f"/registry/cases/{case.pk}/respond/", {"text": "已整改", "files": upload})
    assert response.status_code == 302
    response = province.post(f"/registry/cases/{case.pk}/return/", {"note": "缺少退费凭证"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.RETURNED
    html = page(client_for, "szca", case).content.decode()
    assert "缺少退费凭证" in html and f"/registry/cases/{case.pk}/respond/" in html
    vendor.post(f"/registry/cases/{case.pk}/respond/", {"text": "补充退费凭证"})
    province.post(f"/registry/cases/{case.pk}/close/", {"note": "核查通过"})
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.CLOSED
    assert set(case.findings.values_list("status", flat=True)) == {Finding.Status.RESOLVED}
    html = page(client_for, "province", case).content.decode()
    assert "核查通过" in html and f"/registry/cases/{case.pk}/close/" not in html


def test_the_findings_to_open_a_case_from_are_check_boxes(client_for, szca):
    """Each open finding is a check box before its summary (not a text box's frame above it)."""
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="case-page:form", summary="收费过高")
    html = client_for("province").get(f"/registry/cases/new/?finding={finding.pk}").content.decode()
    box = f'value="{finding.pk}"'
    tag = next(t for t in html.split("<input")[1:] if box in t.split(">")[0]).split(">")[0]
    assert 'type="checkbox"' in tag and 'class="form-check-input"' in tag and "checked" in tag
    assert 'class="form-check"' in html and "form-control" not in tag


def test_the_findings_are_not_repeated_as_the_facts(client_for, case):
    """Facts left to their default are the findings' summaries, listed on the page already: they are not
    shown a second time. Facts the administrator wrote are shown as written."""
    html = page(client_for, "province", case).content.decode()
    fields = html.split('data-testid="timeline"')[0]  # the timeline records the text the case opened with
    assert fields.count("单位证书新办收费高于全省最低标准") == 1
    assert "见下列问题" in fields
    RectificationCase.objects.filter(pk=case.pk).update(facts="经核查，2026年10月起多收费用 3 笔，应予退还。")
    html = page(client_for, "province", case).content.decode()
    assert "多收费用 3 笔" in html and "见下列问题" not in html


@pytest.mark.parametrize("persona", ["szca", "province"])
def test_each_finding_is_shown_with_the_clause_it_rests_on(client_for, case, persona):
    """The party reads, on its case, what each finding is and the sentence of the directive it rests on,
    and can open the finding itself."""
    finding = case.findings.get()
    html = page(client_for, persona, case).content.decode()
    card = html.split('data-testid="case-findings"')[1].split("</ol>")[0]
    assert f'href="{finding.get_absolute_url()}"' in card and "单位证书新办收费高于全省最低标准" in card
    assert finding.basis is not None and "依据：" in card
    assert "豫公管办〔2019〕23号" in card and "全省最低收费标准以下" in card
    assert client_for(persona).get(finding.get_absolute_url()).status_code == 200
