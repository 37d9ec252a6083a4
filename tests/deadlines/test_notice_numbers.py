"""Rectification notices as official documents: a 文号 in the issuing authority's own sequence, and the
facts a recipient needs, read from the generated PDF's text."""

import datetime
import io
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from pypdf import PdfReader

from supervision.engine import cases as case_flow
from supervision.engine import documents
from supervision.models import Authority, Directive, Finding, Obligation
from supervision.services import ensure_obligation, raise_finding

PROVINCE_OFFICE = "河南省公共资源交易管理委员会办公室"


def finding_of(party, key: str, **extra) -> Finding:
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=party, dedup_key=key, summary=f"问题 {key}", **extra)
    return finding


def issue(finding, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = case_flow.open_case(
            findings=[finding], by=by, due_date=timezone.localdate() + datetime.timedelta(days=15)
        )
    case.refresh_from_db()
    return case


def pdf_text(case) -> str:
    with case.notice_pdf.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_two_notices_of_one_authority_get_consecutive_numbers(
    szca, puyang_platform, personas, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    first = issue(finding_of(szca, "n:1"), personas["province"], django_capture_on_commit_callbacks)
    second = issue(finding_of(szca, "n:2"), personas["province"], django_capture_on_commit_callbacks)
    # The province's office has issued 豫公管办〔2019〕23号: its prefix comes from there.
    assert first.document_number == f"豫公管办〔{year}〕1号"
    assert second.document_number == f"豫公管办〔{year}〕2号"
    assert first.issuing_authority.name == PROVINCE_OFFICE
    # Puyang's office numbers its own documents.
    puyang = issue(finding_of(puyang_platform, "n:3"), personas["puyang"], django_capture_on_commit_callbacks)
    assert puyang.issuing_authority.region_id == "410900"
    assert puyang.document_number.endswith(f"〔{year}〕1号")
    # Issuing again (a retried task) keeps the number.
    assert case_flow.issue_notice(first.pk).document_number == first.document_number


def test_a_configured_prefix_wins(szca, personas, django_capture_on_commit_callbacks):
    Authority.objects.filter(name=PROVINCE_OFFICE).update(document_prefix="豫公管函")
    case = issue(finding_of(szca, "n:4"), personas["province"], django_capture_on_commit_callbacks)
    assert case.document_number.startswith("豫公管函〔")


def test_the_notice_says_what_who_when_and_on_which_basis(szca, personas, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    obligation, _ = ensure_obligation(
        party=szca,
        kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
        title="同一机构数字证书互认",
        due_date=today - datetime.timedelta(days=12),
        dedup_key="notice:late",
        directive=Directive.objects.get(number="豫公管办〔2019〕23号"),
    )
    late, _ = raise_finding(
        kind=Finding.Kind.OVERDUE,
        party=szca,
        dedup_key="notice:late",
        summary="逾期未完成同一机构互认",
        obligation=obligation,
    )
    case = issue(late, personas["province"], django_capture_on_commit_callbacks)
    text = pdf_text(case)
    assert case.document_number in text
    assert "豫公管办〔2019〕23号 二" in text  # the directive and clause the duty comes from
    flat = "".join(text.split())
    assert "要于2019年9月底前实现同一电子认证服务机构发放的公共资源交易平台数字证书（含签章）互认" in flat  # quoted
    assert szca.name in text and PROVINCE_OFFICE in text
    assert "逾期未完成同一机构互认" in text and "逾期 12 天" in text
    assert f"{case.due_date.year}年{case.due_date.month}月{case.due_date.day}日" in text
    assert f"/registry/cases/{case.pk}/" in text.replace("\n", "")  # the link may wrap


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_notices_issued_at_the_same_moment_never_share_a_number(registry):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has a single writer")
    authority = Authority.objects.get(name=PROVINCE_OFFICE)
    numbers, errors = [], []
    start = threading.Barrier(4)

    def take():
        try:
            start.wait()
            numbers.append(documents.next_number(authority, 2031))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"豫公管办〔2031〕{n}号" for n in range(1, 5)]


def test_the_province_previews_the_notice_before_issuing_it(client_for, szca):
    finding = finding_of(szca, "n:preview")
    page = client_for("province").get(f"/registry/cases/new/?finding={finding.pk}")
    html = page.content.decode()
    assert 'data-testid="preview-notice"' in html and 'data-testid="issue-notice"' in html
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client_for("province").post(
        "/registry/cases/new/", {"findings": [finding.pk], "due_date": due, "title": "", "facts": "", "preview": "1"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "问题 n:preview" in text and "文号" in text  # the number is given on issue
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not finding.cases.exists()  # nothing was saved


def test_a_vendor_has_no_case_form_to_preview(client_for, szca):
    finding = finding_of(szca, "n:vendor")
    assert client_for("szca").get(f"/registry/cases/new/?finding={finding.pk}").status_code == 403
