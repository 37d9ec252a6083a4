"""Every step of the rectification loop leaves a history row with who and why (issue 10), although the
steps move statuses with conditional UPDATEs that django-simple-history does not see by itself."""

import datetime

import pytest
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
    assert any(r.startswith("notice ") and r.endswith("issued") for r, _u in steps)
    assert ("returned: 请补充发票", "province") in steps and ("closed: 核实无误", "province") in steps
    finding.refresh_from_db()
    assert [r for r, _u in reasons(finding)][-2:] == [
        f"in rectification: case {case.number}",
        f"resolved: case {case.number} closed",
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
    assert case.status == "escalated" and ("escalated: past its due date", "") in reasons(case)
    notice = criticism_flow.draft_from_cases(cases=[case], by=province)
    criticism_flow.approve(notice, by=province)
    criticism_flow.publish(notice, by=province)
    assert [r for r in reasons(notice) if r[0]] == [("approved", "province"), ("published", "province")]
