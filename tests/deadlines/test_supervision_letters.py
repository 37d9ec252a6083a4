"""Supervision letters (督办函) for an overdue duty that has no rectification case yet: numbered in the
issuing office's sequence (shared with its rectification notices), the facts a recipient needs read
from the PDF's text, issued only by the level that decides the duty, sent to the party once."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from supervision.engine import cases as case_flow
from supervision.engine import letters as letter_flow
from supervision.models import (
    Authority,
    Directive,
    Finding,
    Notification,
    Obligation,
    Platform,
    RectificationCase,
    SupervisionLetter,
)
from supervision.services import ensure_obligation, raise_finding

PROVINCE_OFFICE = "河南省公共资源交易管理委员会办公室"
PROVINCE_DIRECTIVE = "豫公管办〔2019〕23号"
PUYANG_DIRECTIVE = "濮公共交易〔2019〕3号"
LATE_DAYS = 12


def overdue(party, key: str, *, directive=PROVINCE_DIRECTIVE, days: int | None = LATE_DAYS, title="") -> Obligation:
    """A duty of ``party`` past its date by ``days`` (None: a 尽快 duty), overdue."""
    obligation, _ = ensure_obligation(
        party=party,
        kind=Obligation.Kind.SAME_VENDOR_RECOGNITION if directive == PROVINCE_DIRECTIVE else Obligation.Kind.CUSTOM,
        title=title or f"同一机构数字证书互认（{key}）",
        due_date=timezone.localdate() - datetime.timedelta(days=days) if days is not None else None,
        dedup_key=f"letter:{key}",
        directive=Directive.objects.get(number=directive),
    )
    Obligation.objects.filter(pk=obligation.pk).update(status=Obligation.Status.OVERDUE)
    obligation.refresh_from_db()
    return obligation


def issue(obligation, by, capture, **options) -> SupervisionLetter:
    with capture(execute=True):
        letter = letter_flow.issue_letter(obligation, by=by, **options)
    letter.refresh_from_db()
    return letter


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def letter_text(letter) -> str:
    with letter.pdf.open("rb") as handle:
        return "".join(pages(handle.read()))


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def puyang_platform(registry):
    return Platform.objects.get(name="濮阳市公共资源交易中心交易平台")


# --- numbering -----------------------------------------------------------------------------------


def test_letters_share_the_office_sequence_with_notices_and_each_issue_is_a_new_letter(
    szca, personas, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="letter:n", summary="超标准收费")
    with django_capture_on_commit_callbacks(execute=True):
        case = case_flow.open_case(findings=[finding], by=personas["province"])
    case.refresh_from_db()
    duty = overdue(szca, "numbers")
    first = issue(duty, personas["province"], django_capture_on_commit_callbacks)
    second = issue(duty, personas["province"], django_capture_on_commit_callbacks)
    assert case.document_number == f"豫公管办〔{year}〕1号"
    assert (first.number, second.number) == (f"豫公管办〔{year}〕2号", f"豫公管办〔{year}〕3号")
    assert first.issuing_authority.name == PROVINCE_OFFICE
    assert list(duty.letters.order_by("pk")) == [first, second]  # one letter per issue, both kept
    # A retried task neither renumbers nor regenerates the letter.
    assert letter_flow.send_supervision_letter(first.pk) == first.number
    assert SupervisionLetter.objects.get(pk=first.pk).pdf.name == first.pdf.name


def test_a_preview_takes_no_number_and_saves_nothing(szca, personas, django_capture_on_commit_callbacks):
    duty = overdue(szca, "preview")
    text = "".join(pages(letter_flow.preview_letter(duty, by=personas["province"])))
    assert "预览稿，未发文" in text and "（文号于发文时编定）" in text
    assert not SupervisionLetter.objects.exists()
    letter = issue(duty, personas["province"], django_capture_on_commit_callbacks)
    assert letter.number.endswith("〕1号")


# --- the document --------------------------------------------------------------------------------


def test_the_letter_says_who_what_on_which_basis_how_late_and_by_when(
    szca, personas, django_capture_on_commit_callbacks
):
    duty = overdue(szca, "text")
    respond_by = timezone.localdate() + datetime.timedelta(days=20)
    letter = issue(
        duty, personas["province"], django_capture_on_commit_callbacks, respond_by=respond_by, requirement="说明原因"
    )
    text = letter_text(letter)
    flat = "".join(text.split())
    assert letter.number in text and "督办函" in text
    assert szca.name in text and PROVINCE_OFFICE in text
    assert duty.title in flat
    assert "豫公管办〔2019〕23号 二" in text  # the duty's directive and clause …
    assert "要于2019年9月底前实现同一电子认证服务机构发放的公共资源交易平台数字证书（含签章）互认" in flat  # … quoted
    assert "加强对辖区内工作开展情况的督导检查" in flat  # what the letter itself rests on (23号 五)
    assert f"逾期 {LATE_DAYS} 天" in text and letter.days_overdue == LATE_DAYS
    assert chinese_date(respond_by) in text and "说明原因" in text
    assert f"/registry/obligations/{duty.pk}/" in flat  # how to respond
    assert "示例" not in text  # a real company's real duty


def test_a_duty_with_no_date_is_described_by_its_age(szca, personas, django_capture_on_commit_callbacks):
    duty = overdue(szca, "asap", days=None)
    letter = issue(duty, personas["province"], django_capture_on_commit_callbacks)
    text = letter_text(letter)
    assert letter.days_overdue is None
    assert f"尚未完成，已 {duty.age_days()} 天" in text and "尽快" in text


def test_a_letter_about_demo_data_is_marked_on_every_page(
    puyang_platform, personas, django_capture_on_commit_callbacks
):
    Platform.objects.filter(pk=puyang_platform.pk).update(is_demo=True)
    long_title = "（示例）" + "同一机构数字证书互认" * 3
    duty = overdue(puyang_platform, "demo", title=long_title)
    letter = issue(duty, personas["province"], django_capture_on_commit_callbacks, requirement="要求。" * 400)
    with letter.pdf.open("rb") as handle:
        texts = pages(handle.read())
    assert letter.is_demo and len(texts) >= 2
    assert all("示例" in page for page in texts)


# --- who may issue it ----------------------------------------------------------------------------


def test_only_an_overdue_duty_without_an_open_case_gets_a_letter(szca, personas):
    duty = overdue(szca, "refused")
    Obligation.objects.filter(pk=duty.pk).update(status=Obligation.Status.OPEN)
    duty.refresh_from_db()
    with pytest.raises(Exception, match="逾期|overdue"):
        letter_flow.issue_letter(duty, by=personas["province"])
    Obligation.objects.filter(pk=duty.pk).update(status=Obligation.Status.OVERDUE)
    finding, _ = raise_finding(
        kind=Finding.Kind.OVERDUE, party=szca, dedup_key="letter:refused:f", summary="逾期", obligation=duty
    )
    case = case_flow.open_case(findings=[finding], by=personas["province"])
    duty.refresh_from_db()
    assert case.number in letter_flow.refusal(duty)
    RectificationCase.objects.filter(pk=case.pk).update(status=RectificationCase.Status.CLOSED)
    assert letter_flow.refusal(duty) == ""


def test_a_past_report_date_is_refused(szca, personas):
    duty = overdue(szca, "past")
    with pytest.raises(Exception, match="报告期限|after today"):
        letter_flow.issue_letter(duty, by=personas["province"], respond_by=timezone.localdate())
    assert not SupervisionLetter.objects.exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("province", True), ("puyang", False), ("zhengzhou", False), ("szca", False), ("platform-puyang", False)],
)
def test_the_page_offers_the_letter_to_the_level_that_decides_a_province_duty(
    client_for, szca, persona, allowed, django_capture_on_commit_callbacks
):
    duty = overdue(szca, f"page:{persona}")
    page = client_for(persona).get(f"/registry/obligations/{duty.pk}/")
    html = page.content.decode()
    if page.status_code == 404:  # the duty is out of the persona's sight altogether
        assert not allowed
    else:
        assert ('data-testid="issue-letter"' in html) is allowed
        assert ('data-testid="preview-letter"' in html) is allowed
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(persona).post(f"/registry/obligations/{duty.pk}/letter/", {"respond_by": due})
    if allowed:
        assert response.status_code == 302
        assert duty.letters.count() == 1
        assert (
            'data-testid="letter-pdf"' in client_for(persona).get(f"/registry/obligations/{duty.pk}/").content.decode()
        )
    else:
        assert response.status_code in (403, 404)
        assert not duty.letters.exists()


@pytest.mark.parametrize(("persona", "allowed"), [("puyang", True), ("zhengzhou", False), ("province", True)])
def test_a_city_issues_letters_for_the_duties_of_its_own_directive(
    client_for, szca, persona, allowed, django_capture_on_commit_callbacks
):
    duty = overdue(szca, f"city:{persona}", directive=PUYANG_DIRECTIVE)
    html = client_for(persona).get(f"/registry/obligations/{duty.pk}/").content.decode()
    assert ('data-testid="issue-letter"' in html) is allowed
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(persona).post(f"/registry/obligations/{duty.pk}/letter/", {"respond_by": due})
    letter = duty.letters.first()
    assert (letter is not None) is allowed
    if persona == "puyang":
        assert letter.issuing_authority.region_id == "410900"  # in Puyang's name, in Puyang's sequence


def test_the_page_shows_why_no_letter_is_offered_for_a_duty_in_a_case(client_for, szca, personas):
    duty = overdue(szca, "in-case")
    finding, _ = raise_finding(
        kind=Finding.Kind.OVERDUE, party=szca, dedup_key="letter:in-case:f", summary="逾期", obligation=duty
    )
    case = case_flow.open_case(findings=[finding], by=personas["province"])
    html = client_for("province").get(f"/registry/obligations/{duty.pk}/").content.decode()
    assert 'data-testid="issue-letter"' not in html
    assert 'data-testid="letter-refusal"' in html and case.number in html


def test_the_preview_button_answers_a_pdf_and_saves_nothing(client_for, szca):
    duty = overdue(szca, "web-preview")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client_for("province").post(
        f"/registry/obligations/{duty.pk}/letter/", {"respond_by": due, "requirement": "", "preview": "1"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "逾期 12 天" in "".join(pages(response.content))
    assert not duty.letters.exists()


# --- the party is told, once ---------------------------------------------------------------------


def test_the_party_is_told_once_with_the_pdf(szca, personas, mailbox, django_capture_on_commit_callbacks):
    duty = overdue(szca, "told")
    letter = issue(duty, personas["province"], django_capture_on_commit_callbacks)
    letter_flow.send_supervision_letter(letter.pk)  # a retried task
    rows = Notification.objects.filter(topic=f"letter:{letter.pk}")
    inbox = Notification.objects.inbox(personas["szca"])
    assert inbox.filter(topic=f"letter:{letter.pk}").count() == 1
    message = inbox.get(topic=f"letter:{letter.pk}")
    assert letter.number in message.subject and message.obligation_id == duty.pk
    assert f"/files/supervision.supervisionletter/{letter.pk}/pdf/" in message.body  # the scoped download
    emails = [row for row in rows if row.channel == Notification.Channel.EMAIL]
    assert emails and all(row.status == Notification.Status.SENT for row in emails)
    assert len(mailbox) == len(emails)  # one e-mail per address, the retry sent nothing
    assert all(m.attachments and m.attachments[0][2] == "application/pdf" for m in mailbox)
    assert rows.filter(is_copy=True).exists()  # the supervising office's copy


def test_the_pdf_is_downloaded_by_who_may_see_the_duty(client_for, szca, personas, django_capture_on_commit_callbacks):
    letter = issue(overdue(szca, "download"), personas["province"], django_capture_on_commit_callbacks)
    url = f"/files/supervision.supervisionletter/{letter.pk}/pdf/"
    assert client_for("szca").get(url).status_code == 200
    assert client_for("province").get(url).status_code == 200
    assert client_for("bjca").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("province", 201), ("puyang", 403), ("szca", 403), ("bjca", 404)])
def test_the_api_issues_a_letter_for_the_deciding_level_only(
    api_for, szca, persona, status, django_capture_on_commit_callbacks
):
    duty = overdue(szca, f"api:{persona}")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(persona).post(f"/api/v1/obligations/{duty.pk}/letter/", {"respond_by": due}, format="json")
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["number"].startswith("豫公管办〔") and body["respond_by"] == due
        assert body["days_overdue"] == LATE_DAYS
        assert duty.letters.count() == 1
    else:
        assert not duty.letters.exists()


def test_the_api_refuses_a_duty_that_is_not_overdue(api_for, szca):
    duty = overdue(szca, "api:open")
    Obligation.objects.filter(pk=duty.pk).update(status=Obligation.Status.OPEN)
    response = api_for("province").post(f"/api/v1/obligations/{duty.pk}/letter/", {}, format="json")
    assert response.status_code == 400
    assert not duty.letters.exists()


def test_the_api_lists_letters_to_who_may_see_the_duty(api_for, szca, personas, django_capture_on_commit_callbacks):
    letter = issue(overdue(szca, "api:list"), personas["province"], django_capture_on_commit_callbacks)
    seen = {
        persona: [row["id"] for row in api_for(persona).get("/api/v1/letters/").json()["results"]]
        for persona in ("province", "szca", "bjca", "platform-puyang")
    }
    assert seen == {"province": [letter.pk], "szca": [letter.pk], "bjca": [], "platform-puyang": []}
    detail = api_for("szca").get(f"/api/v1/letters/{letter.pk}/").json()
    assert detail["pdf"].endswith(f"/files/supervision.supervisionletter/{letter.pk}/pdf/")
    assert api_for("szca").delete(f"/api/v1/letters/{letter.pk}/").status_code == 405


def test_the_letters_filter_does_not_tell_which_duties_exist(api_for, registry):
    """A duty out of the user's scope and one that does not exist answer alike: an empty list."""
    from portal.accounts.models import User
    from supervision.models import Obligation

    hidden = Obligation.objects.exclude(
        pk__in=Obligation.objects.visible_to(User.objects.get(username="szca")).values("pk")
    ).first()
    assert hidden is not None
    answers = [api_for("szca").get("/api/v1/letters/", {"obligation": pk}) for pk in (hidden.pk, 10**9)]
    assert [(a.status_code, a.json()["count"]) for a in answers] == [(200, 0), (200, 0)]
    assert api_for("szca").get("/api/v1/letters/", {"obligation": "abc"}).status_code == 400


def test_a_letter_about_a_trial_duty_rests_on_the_national_notice(registry):
    """A duty of 54号 is urged under 法规司's "定期调度……督促解决存在的问题", not Henan's 23号 五."""
    platform = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    duty = overdue(platform, "trial", directive="发改办法规〔2023〕54号")
    national = Authority.objects.get(name="国家发展改革委法规司")
    letter = SupervisionLetter(
        obligation=duty, respond_by=timezone.localdate() + datetime.timedelta(days=15), issuing_authority=national
    )
    basis = letter_flow.letter_context(letter)["supervision"]
    assert (basis.directive, basis.clause) == ("发改办法规〔2023〕54号", "四") and "督促解决存在的问题" in basis.quote
    # Written by Henan's office (a superuser's letter goes out in the province's name): the local lead
    # departments' 督促指导 (一), never 法规司's own dispatching.
    letter.issuing_authority = Authority.objects.get(name=PROVINCE_OFFICE)
    basis = letter_flow.letter_context(letter)["supervision"]
    assert (basis.directive, basis.clause) == ("发改办法规〔2023〕54号", "一") and "督促指导" in basis.quote
    provincial = overdue(platform, "provincial")
    letter = SupervisionLetter(obligation=provincial, respond_by=timezone.localdate() + datetime.timedelta(days=15))
    assert letter_flow.letter_context(letter)["supervision"].directive == PROVINCE_DIRECTIVE
