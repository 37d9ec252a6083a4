"""Whole lives under time travel: reminders → overdue → finding → case → notice → response → …"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.engine import cases as case_flow
from supervision.engine import criticism as criticism_flow
from supervision.engine.documents import document_prefix, region_office
from supervision.models import CaseEvent, Criticism, Finding, Notification, Obligation, RectificationCase
from supervision.services import ensure_obligation

pytestmark = pytest.mark.django_db
T = datetime.date(2030, 6, 28)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stages_of(obligation) -> list[str]:
    return sorted(set(Notification.objects.filter(obligation=obligation).values_list("stage", flat=True)))


def test_whole_life_to_closed_case(travel, sweep, mailbox, szca, personas, django_capture_on_commit_callbacks):
    travel(T - datetime.timedelta(days=30))
    obligation, _ = ensure_obligation(
        party=szca, kind=Obligation.Kind.ANNOUNCEMENT, title="提交年度报告", due_date=T, dedup_key="life:1"
    )
    expected = []
    for offset, stage in [(-15, None), (-14, "d14"), (-13, None), (-7, "d7"), (-1, "d1"), (0, "d0")]:
        travel(T + datetime.timedelta(days=offset))
        before = len(mailbox)
        sweep()
        if stage:
            expected.append(stage)
        assert stages_of(obligation) == sorted(expected), offset
        ours = [m for m in mailbox[before:] if "提交年度报告" in m.subject]
        assert bool(ours) == bool(stage), offset
    reminder = next(m for m in mailbox if "提交年度报告" in m.subject and m.to == ["pm-sz@example.com"])
    assert "豫公管办" not in reminder.body  # no directive given
    assert f"http://127.0.0.1:8000/registry/obligations/{obligation.pk}/" in reminder.body
    assert reminder.body.startswith("SZCA项目经理") and "截止日期：2030年6月28日" in reminder.body
    assert reminder.subject == "【提醒】提交年度报告（还有14天到期）"
    copies = [m for m in mailbox if "提交年度报告" in m.subject and m.to == ["ggglb-410000@example.com"]]
    assert len(copies) == 4  # the provincial office's copy of each stage
    inbox = Notification.objects.inbox(personas["szca"]).filter(obligation=obligation)
    assert inbox.count() == 4

    # The day after: overdue, a finding (once), no new reminder until a week later.
    travel(T + datetime.timedelta(days=1))
    sweep()
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OVERDUE
    finding = Finding.objects.get(dedup_key=f"overdue:obligation:{obligation.pk}")
    assert finding.kind == Finding.Kind.OVERDUE and finding.vendor == szca
    sweep()
    assert Finding.objects.filter(obligation=obligation).count() == 1
    travel(T + datetime.timedelta(days=7))
    sweep()
    assert "o7" in stages_of(obligation)

    # The province opens a case: the notice (PDF) is generated and sent after commit.
    with django_capture_on_commit_callbacks(execute=True):
        case = case_flow.open_case(findings=[finding], by=personas["province"])
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.NOTIFIED and case.notice_pdf.name.endswith(".pdf")
    assert case.due_date == T + datetime.timedelta(days=7 + 15)
    with case.notice_pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    notice_mails = [m for m in mailbox if case.number in m.subject]
    assert notice_mails and notice_mails[0].attachments
    finding.refresh_from_db()
    assert finding.status == Finding.Status.IN_RECTIFICATION

    # Response → returned → response → closed.
    case_flow.respond(
        case, text="已完成整改", files=[SimpleUploadedFile("report.pdf", PDF, "application/pdf")], by=personas["szca"]
    )
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.RESPONDED and case.responses.get().files.count() == 1
    case_flow.return_for_more(case, by=personas["province"], note="缺少签章互认测试报告")
    assert case.status == RectificationCase.Status.RETURNED
    case_flow.respond(case, text="补充测试报告", by=personas["szca"])
    case.refresh_from_db()
    case_flow.close(case, by=personas["province"], note="核查通过")
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.CLOSED
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RESOLVED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "notice", "responded", "returned", "responded", "closed"]
    # Every step is a notification row, each sent once.
    assert (
        not Notification.objects.filter(case=case)
        .exclude(status=Notification.Status.SENT)
        .exclude(status=Notification.Status.PENDING)
        .exists()
    )


def test_whole_life_to_published_criticism(travel, sweep, mailbox, puyang_platform, personas, client):
    travel(T - datetime.timedelta(days=3))
    obligation, _ = ensure_obligation(
        party=puyang_platform,
        kind=Obligation.Kind.REMEDY_PLAN,
        title="制定解密失败应急预案",
        due_date=T,
        dedup_key="life:2",
    )
    sweep()
    assert stages_of(obligation) == ["d7"]  # the most recent threshold passed counts
    travel(T + datetime.timedelta(days=1))
    sweep()
    finding = Finding.objects.get(obligation=obligation)
    case = case_flow.open_case(findings=[finding], by=personas["puyang"], due_date=T + datetime.timedelta(days=10))
    case_flow.issue_notice(case.pk)
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.NOTIFIED
    travel(T + datetime.timedelta(days=4))
    sweep()
    assert Notification.objects.filter(case=case, stage="d7").exists()
    travel(T + datetime.timedelta(days=11))
    result = sweep()
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.ESCALATED and result.escalated >= 1
    assert case.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1
    sweep()
    assert case.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1

    # A city administrator may propose; only the province approves and publishes.
    proposal = criticism_flow.draft_from_cases(cases=[case], by=personas["puyang"])
    assert proposal.status == Criticism.Status.PROPOSED
    assert not personas["puyang"].has_perm(Criticism.get_perm("publish"), proposal)
    draft = criticism_flow.draft_from_cases(cases=[case], by=personas["province"])
    assert draft.status == Criticism.Status.DRAFT
    assert puyang_platform.name in draft.body and case.number in draft.body
    draft.body += "\n（已审阅）"
    draft.save()
    criticism_flow.approve(draft, by=personas["province"])
    criticism_flow.publish(draft, by=personas["province"])
    draft.refresh_from_db()
    assert draft.status == Criticism.Status.PUBLISHED
    # An official notice: numbered in the province's office's sequence and signed by that office.
    office = region_office(draft.region_id)
    assert draft.number == f"{document_prefix(office)}〔{T.year}〕1号"
    public = client.get(draft.get_public_url())
    html = public.content.decode()
    assert public.status_code == 200 and puyang_platform.name in html
    assert draft.number in html and office.name in html
    pdf = client.get(f"{draft.get_public_url()}pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert client.get(proposal.get_public_url()).status_code == 404
