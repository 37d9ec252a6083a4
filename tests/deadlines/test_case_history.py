"""Every step of the rectification loop leaves a history row with who and why (issue 10), although the
steps move statuses with conditional UPDATEs that django-simple-history does not see by itself."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from supervision.engine import cases as case_flow
from supervision.engine import criticism as criticism_flow
from supervision.engine.sweep import run_sweep
from supervision.models import Finding
from supervision.services import raise_finding

pytestmark = pytest.mark.django_db


def reasons(obj) -> list[tuple[str, str]]:
    return [
        (h.history_change_reason or "", getattr(h.history_user, "username", ""))
        for h in obj.history.order_by("history_id")
    ]


def test_each_step_is_in_the_case_and_findings_history(szca, personas, django_capture_on_commit_callbacks):
    province, vendor = personas["province"], personas["szca"]
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="h:1", summary="超标收费 h:1")
    with django_capture_on_commit_callbacks(execute=True):
        case = case_flow.open_case(
            findings=[finding], by=province, due_date=timezone.localdate() + datetime.timedelta(days=5)
        )
    case.refresh_from_db()
    case_flow.respond(case, text="已整改", by=vendor)
    case_flow.return_for_more(case, by=province, note="请补充发票")
    case_flow.respond(case, text="已补充", by=vendor)
    case_flow.close(case, by=province, note="核实无误")
    steps = reasons(case)
    assert any(r.startswith("notice issued: ") for r, _u in steps)
    assert ("returned for more: 请补充发票", "province") in steps and (
        "verified and closed: 核实无误",
        "province",
    ) in steps
    finding.refresh_from_db()
    assert [r for r, _u in reasons(finding)][-2:] == [
        f"in rectification: {case.number}",
        f"resolved, case closed: {case.number}",
    ]


def test_escalation_and_criticism_steps_are_recorded(szca, personas, django_capture_on_commit_callbacks):
    province = personas["province"]
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="h:2", summary="超标收费 h:2")
    with django_capture_on_commit_callbacks(execute=True):
        case = case_flow.open_case(
            findings=[finding], by=province, due_date=timezone.localdate() + datetime.timedelta(days=1)
        )
    run_sweep(timezone.localdate() + datetime.timedelta(days=3), deliver=False)
    case.refresh_from_db()
    assert case.status == "escalated" and ("escalated, past its due date", "") in reasons(case)
    notice = criticism_flow.draft_from_cases(cases=[case], by=province)
    criticism_flow.approve(notice, by=province)
    criticism_flow.publish(notice, by=province)
    assert [r for r in reasons(notice) if r[0]] == [("approved", "province"), ("published", "province")]


def test_a_case_whose_notice_was_never_issued_is_not_escalated(szca, personas):
    """Opened but not notified (the notice task never ran): the party was told nothing, so the sweep
    neither reminds it nor escalates the case past its date."""
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="h:quiet", summary="超标收费")
    case = case_flow.open_case(
        findings=[finding], by=personas["province"], due_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert case.status == "opened"
    result = run_sweep(timezone.localdate() + datetime.timedelta(days=3), deliver=False)
    case.refresh_from_db()
    assert case.status == "opened" and result.escalated == 0 and not case.escalated_at


def test_a_notice_that_goes_out_late_gives_the_party_its_full_time(szca, personas):
    """The notice task ran only after the case's date (a failure, then a retry): the date moves to the
    policy's time from the notice, recorded, so the sweep does not escalate a case the party just read."""
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="h:late", summary="超标收费")
    case = case_flow.open_case(
        findings=[finding], by=personas["province"], due_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    later = timezone.localdate() + datetime.timedelta(days=3)
    with time_machine.travel(datetime.datetime.combine(later, datetime.time(9)), tick=False):
        case = case_flow.issue_notice(case.pk)
        assert case.status == "notified" and case.due_date == later + datetime.timedelta(days=15)
        assert run_sweep(later, deliver=False).escalated == 0
    assert (
        "the notice went out after the due date: the party's time counts from it",
        "",
    ) in reasons(case)


def test_the_sweep_records_the_overdue_flip_and_the_finding_in_history(szca, personas):
    from supervision.models import Obligation
    from supervision.services import ensure_obligation

    duty, _ = ensure_obligation(
        party=szca,
        kind=Obligation.Kind.CUSTOM,
        title="历史测试任务",
        due_date=timezone.localdate() + datetime.timedelta(days=1),
        dedup_key="h:sweep",
    )
    later = timezone.localdate() + datetime.timedelta(days=2)
    run_sweep(later, deliver=False)
    run_sweep(later, deliver=False)
    duty.refresh_from_db()
    assert duty.status == "overdue"
    assert [(h.history_type, h.status, h.history_change_reason) for h in duty.history.order_by("history_id")] == [
        ("+", "open", None),
        ("~", "overdue", "daily sweep"),
    ]
    finding = Finding.objects.get(obligation=duty)
    assert [(h.history_type, h.history_change_reason) for h in finding.history.all()] == [("+", "daily sweep")]


def test_dismissing_a_finding_is_recorded_and_refused_twice_in_chinese(szca, personas, api_for):
    finding, _ = raise_finding(kind=Finding.Kind.OVERCHARGE, party=szca, dedup_key="h:3", summary="超标收费 h:3")
    api = api_for("province")
    assert api.post(f"/api/v1/findings/{finding.pk}/dismiss/").status_code == 200
    again = api.post(f"/api/v1/findings/{finding.pk}/dismiss/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 400 and "只有" in str(again.json())
    assert ("dismissed", "province") in reasons(finding)
