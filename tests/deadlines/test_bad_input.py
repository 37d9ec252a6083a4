"""Bad input: a clear message, nothing changed, never a 500."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.engine import cases as case_flow
from supervision.engine import criticism as criticism_flow
from supervision.models import (
    CaseResponse,
    Directive,
    Finding,
    Obligation,
    RectificationCase,
    ReminderPolicy,
    ResponseFile,
)
from supervision.services import ensure_obligation, raise_finding

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def directive(registry):
    return Directive.objects.get(number="豫公管办〔2019〕23号")


@pytest.fixture
def open_case(szca, personas):
    finding, _ = raise_finding(kind=Finding.Kind.OTHER, party=szca, dedup_key="bad:case", summary="整改事项")
    case = case_flow.open_case(findings=[finding], by=personas["province"])
    RectificationCase.objects.filter(pk=case.pk).update(status=RectificationCase.Status.NOTIFIED)
    case.refresh_from_db()
    return case


# --- a due date before the directive's date --------------------------------------------------
def test_due_date_before_directive_web(client_for, szca, directive):
    before = Obligation.objects.count()
    response = client_for("province").post(
        "/registry/obligations/new/",
        {"vendor": szca.pk, "kind": "custom", "title": "早于文件", "directive": directive.pk, "due_date": "2018-06-30"},
    )
    assert response.status_code == 200
    assert "2018-06-30" in response.content.decode() and Obligation.objects.count() == before


def test_due_date_before_directive_api(api_for, szca, directive):
    before = Obligation.objects.count()
    response = api_for("province").post(
        "/api/v1/obligations/",
        {"vendor": szca.pk, "kind": "custom", "title": "早于文件", "directive": directive.pk, "due_date": "2018-06-30"},
        format="json",
    )
    assert response.status_code == 400 and "due_date" in response.json()
    assert Obligation.objects.count() == before


def test_due_date_before_directive_campaign(api_for, directive):
    before = Obligation.objects.count()
    response = api_for("province").post(
        "/api/v1/obligations/campaign/",
        {"target": "vendors", "kind": "custom", "title": "x", "directive": directive.pk, "due_date": "2018-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "due_date" in response.json()
    assert Obligation.objects.count() == before


def test_obligation_needs_exactly_one_party(api_for, szca, puyang_platform):
    response = api_for("province").post(
        "/api/v1/obligations/", {"vendor": szca.pk, "platform": puyang_platform.pk, "title": "两个"}, format="json"
    )
    assert response.status_code == 400
    assert api_for("province").post("/api/v1/obligations/", {"title": "无"}, format="json").status_code == 400


# --- a response to a closed case ---------------------------------------------------------------
def test_response_to_closed_case(open_case, personas, client_for, api_for):
    case_flow.respond(open_case, text="已整改", by=personas["szca"])
    case_flow.close(open_case, by=personas["province"])
    responses = CaseResponse.objects.filter(case=open_case).count()
    with pytest.raises(ValidationError, match="no longer accepted|不再接受"):
        case_flow.respond(open_case, text="再次", by=personas["szca"])
    api = api_for("szca").post(f"/api/v1/cases/{open_case.pk}/respond/", {"text": "再次"})
    assert api.status_code == 400
    web = client_for("szca").post(f"/registry/cases/{open_case.pk}/respond/", {"text": "再次"}, follow=True)
    assert web.status_code == 200 and "alert-danger" in web.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == RectificationCase.Status.CLOSED
    assert CaseResponse.objects.filter(case=open_case).count() == responses


def test_decisions_out_of_order(open_case, personas, api_for):
    assert api_for("province").post(f"/api/v1/cases/{open_case.pk}/close/", {}).status_code == 400
    with pytest.raises(ValidationError):
        case_flow.return_for_more(open_case, by=personas["province"], note="")
    open_case.refresh_from_db()
    assert open_case.status == RectificationCase.Status.NOTIFIED


def test_case_needs_findings_of_one_party(szca, puyang_platform, personas):
    a, _ = raise_finding(kind=Finding.Kind.OTHER, party=szca, dedup_key="bad:two:a", summary="a")
    b, _ = raise_finding(kind=Finding.Kind.OTHER, party=puyang_platform, dedup_key="bad:two:b", summary="b")
    before = RectificationCase.objects.count()
    with pytest.raises(ValidationError, match="same party|同一"):
        case_flow.open_case(findings=[a, b], by=personas["province"])
    with pytest.raises(ValidationError):
        case_flow.open_case(findings=[a], by=personas["province"], due_date=datetime.date(2000, 1, 1))
    assert RectificationCase.objects.count() == before


def test_criticism_must_be_approved_before_publishing(open_case, personas, api_for):
    RectificationCase.objects.filter(pk=open_case.pk).update(status=RectificationCase.Status.ESCALATED)
    open_case.refresh_from_db()
    draft = criticism_flow.draft_from_cases(cases=[open_case], by=personas["province"])
    response = api_for("province").post(f"/api/v1/criticisms/{draft.pk}/publish/")
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == "draft"
    RectificationCase.objects.filter(pk=open_case.pk).update(status=RectificationCase.Status.CLOSED)
    open_case.refresh_from_db()
    with pytest.raises(ValidationError):
        criticism_flow.draft_from_cases(cases=[open_case], by=personas["province"])


# --- a stage list that is not a list of integers -------------------------------------------------
@pytest.mark.parametrize("stages", ["14, 7, 一, 0", "14, 7.5", "abc", "", "-1, 3", "7, 7"])
def test_stage_list_web(client_for, stages):
    policy = ReminderPolicy.objects.get()
    response = client_for("province").post(
        "/registry/reminder-policy/",
        {"stages": stages, "overdue_every_days": 7, "case_due_days": 15, "max_attempts": 8},
    )
    assert response.status_code == 200 and 'data-testid="error-stages"' in response.content.decode()
    assert ReminderPolicy.objects.get().stages == policy.stages


@pytest.mark.parametrize("stages", ["14,7", [14, "7"], [1.5], [True], {}, [400]])
def test_stage_list_api(api_for, stages):
    policy = ReminderPolicy.objects.get()
    response = api_for("province").patch(f"/api/v1/reminder-policy/{policy.pk}/", {"stages": stages}, format="json")
    assert response.status_code == 400 and "stages" in response.json()
    assert ReminderPolicy.objects.get().stages == policy.stages


def test_stage_list_accepted_and_sorted(client_for, api_for):
    policy = ReminderPolicy.objects.get()
    response = client_for("province").post(
        "/registry/reminder-policy/",
        {
            "stages": "1, 30，7",
            "overdue_every_days": 5,
            "asap_every_days": 30,
            "asap_escalate_days": 180,
            "case_due_days": 10,
            "max_attempts": 4,
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.stages == [30, 7, 1] and policy.overdue_every_days == 5
    assert client_for("puyang").post("/registry/reminder-policy/", {"stages": "3"}).status_code == 403
    assert (
        api_for("puyang").patch(f"/api/v1/reminder-policy/{policy.pk}/", {"stages": [3]}, format="json").status_code
        == 403
    )


# --- attachments: too big, forbidden type, content that lies -------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "exe"),
        ("report.pdf", PNG, "pdf"),
        ("photo.png", PDF, "png"),
        ("table.xlsx", docx_bytes(), "xlsx"),
        ("big.pdf", PDF + b"0" * 2048, "MB"),
    ],
)
def test_bad_attachment_refused_everywhere(open_case, personas, client_for, api_for, settings, name, content, message):
    settings.SUPERVISION_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match=message):
        case_flow.respond(open_case, text="附件", files=[SimpleUploadedFile(name, content)], by=personas["szca"])
    api = api_for("szca").post(
        f"/api/v1/cases/{open_case.pk}/respond/",
        {"text": "附件", "files": [SimpleUploadedFile(name, content)]},
        format="multipart",
    )
    assert api.status_code == 400 and message in str(api.json())
    web = client_for("szca").post(
        f"/registry/cases/{open_case.pk}/respond/",
        {"text": "附件", "files": [SimpleUploadedFile(name, content)]},
        follow=True,
    )
    assert web.status_code == 200 and message in web.content.decode()
    obligation = Obligation.objects.get(dedup_key="2019-23:fee_reduction:SZCA")
    api = api_for("szca").post(
        f"/api/v1/obligations/{obligation.pk}/fulfil/",
        {"evidence": "x", "files": [SimpleUploadedFile(name, content)]},
        format="multipart",
    )
    assert api.status_code == 400
    open_case.refresh_from_db()
    obligation.refresh_from_db()
    assert (
        open_case.status == RectificationCase.Status.NOTIFIED
        and not CaseResponse.objects.filter(case=open_case).exists()
    )
    assert obligation.status != Obligation.Status.FULFILLED and not obligation.files.exists()


def test_good_attachments_accepted(open_case, personas):
    files = [
        SimpleUploadedFile("说明.pdf", PDF),
        SimpleUploadedFile("截图.png", PNG),
        SimpleUploadedFile("报告.docx", docx_bytes()),
    ]
    response = case_flow.respond(open_case, text="附件齐全", files=files, by=personas["szca"])
    assert ResponseFile.objects.filter(response=response).count() == 3


def test_ensure_obligation_rejects_unknown_kind(szca):
    with pytest.raises(ValueError):
        ensure_obligation(party=szca, kind="nonsense", title="x", due_date=None, dedup_key="bad:kind")
