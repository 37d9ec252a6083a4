"""The rectification loop in a real browser, as its people walk it (issue: the rectification case page).

The province opens one case from two findings about SZCA; SZCA finds it in its inbox and its tasks,
opens the notice PDF and answers with a file; the province is told, returns it for more; SZCA answers
again; the province closes it and the findings are resolved. Then a case left unanswered past its date
is escalated by the daily sweep, and the province drafts, approves and publishes a public criticism
that anyone can read. Screenshots of each step go to tests/screenshots/.
"""

import datetime

import pytest
from django.utils import timezone
from e2e.steps import expect, log_in

from supervision.engine import cases as case_flow
from supervision.engine.sweep import run_sweep
from supervision.models import CAVendor, Criticism, Finding, RectificationCase
from supervision.services import raise_finding

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def submit(page, action: str) -> None:
    """Click the submit button of the form that posts to ``action`` (or whose button does)."""
    button = page.locator(f"form[action='{action}'] button[type=submit], button[formaction='{action}']").first
    with page.expect_navigation():  # the server has answered the post before the test reads the database
        button.click()


def test_a_case_from_two_findings_to_closed_and_an_escalated_one_to_public_criticism(
    registry, live_server, new_page, shot, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    szca = CAVendor.objects.get(short_name="SZCA")
    over, _ = raise_finding(
        kind=Finding.Kind.OVERCHARGE,
        party=szca,
        dedup_key="story:overcharge",
        summary="单位证书新办收费 300.00 元，高于全省最低收费标准 260.00 元",
    )
    remote, _ = raise_finding(
        kind=Finding.Kind.PROHIBITED_FEE, party=szca, dedup_key="story:remote", summary="收取异地用户开通费 50.00 元"
    )
    base = live_server.url

    # The province opens one case from the two findings, starting on the first finding's page.
    province = new_page(locale="zh-CN")
    log_in(province, base, "province")
    province.goto(f"{base}/registry/findings/{over.pk}/")
    province.click(f"a[href='/registry/cases/new/?finding={over.pk}']")
    expect(province.locator(f"input[name=findings][value='{over.pk}']")).to_be_checked()
    province.check(f"input[name=findings][value='{remote.pk}']")
    province.fill("#id_title", "关于深圳CA收费问题的整改")
    shot(province, "01-open-case")
    with province.expect_navigation():
        province.click("[data-testid=issue-notice]")
    case = RectificationCase.objects.get(findings=over)
    assert set(case.findings.all()) == {over, remote}
    expect(province).to_have_url(f"{base}/registry/cases/{case.pk}/")
    expect(province.locator("[data-testid=notice-link]")).to_be_visible()
    shot(province, "02-case-notified")

    # SZCA: the message in its inbox, the case in its tasks, the notice PDF, its answer with a file.
    vendor = new_page(locale="zh-CN")
    log_in(vendor, base, "szca")
    vendor.goto(f"{base}/registry/inbox/")
    expect(vendor.locator("[data-testid=inbox]")).to_contain_text(case.number)
    vendor.locator("[data-testid=inbox] a", has_text=case.number).first.click()
    expect(vendor.locator("main")).to_contain_text(case.number)
    shot(vendor, "03-vendor-inbox-message")
    vendor.goto(f"{base}/registry/tasks/")
    vendor.locator("[data-testid=tasks-cases] a", has_text=case.number).click()
    expect(vendor).to_have_url(f"{base}/registry/cases/{case.pk}/")
    notice = vendor.request.get(base + vendor.locator("[data-testid=notice-link]").get_attribute("href"))
    assert notice.status == 200 and notice.headers["content-type"] == "application/pdf"
    assert notice.body().startswith(b"%PDF-")
    expect(vendor.locator(f"form[action='/registry/cases/{case.pk}/close/']")).to_have_count(0)
    vendor.fill("#id_text", "已按全省最低收费标准重新备案，并停止收取异地用户开通费。")
    vendor.set_input_files("#id_files", [attach("整改报告.pdf")])
    submit(vendor, f"/registry/cases/{case.pk}/respond/")
    expect(vendor.locator("[data-testid=timeline]")).to_contain_text("整改报告.pdf")
    shot(vendor, "04-vendor-responded")

    # The province is told, reads the answer and returns it for more.
    province.goto(f"{base}/registry/inbox/")
    expect(province.locator("[data-testid=inbox]")).to_contain_text(case.number)
    province.goto(f"{base}/registry/cases/{case.pk}/")
    expect(province.locator("[data-testid=timeline]")).to_contain_text("已按全省最低收费标准重新备案")
    province.fill("#id_note", "请补充退费凭证。")
    submit(province, f"/registry/cases/{case.pk}/return/")
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.RETURNED
    shot(province, "05-returned")

    # SZCA answers again; the province closes the case; the findings are resolved.
    vendor.goto(f"{base}/registry/cases/{case.pk}/")
    expect(vendor.locator("[data-testid=timeline]")).to_contain_text("请补充退费凭证。")
    vendor.fill("#id_text", "退费凭证见附件。")
    vendor.set_input_files("#id_files", [attach("退费凭证.pdf")])
    submit(vendor, f"/registry/cases/{case.pk}/respond/")
    province.goto(f"{base}/registry/cases/{case.pk}/")
    province.fill("#id_note", "核查通过。")
    submit(province, f"/registry/cases/{case.pk}/close/")
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.CLOSED
    assert set(Finding.objects.filter(pk__in=[over.pk, remote.pk]).values_list("status", flat=True)) == {
        Finding.Status.RESOLVED
    }
    shot(province, "06-closed")

    # A case left unanswered past its date is escalated by the sweep and shows on the board.
    late_finding, _ = raise_finding(
        kind=Finding.Kind.PROHIBITED_FEE, party=szca, dedup_key="story:rename", summary="收取变更名称费 100.00 元"
    )
    today = timezone.localdate()
    late = case_flow.open_case(findings=[late_finding], by=case.opened_by, due_date=today)
    run_sweep(today=today + datetime.timedelta(days=1))
    late.refresh_from_db()
    assert late.status == RectificationCase.Status.ESCALATED
    province.goto(f"{base}/registry/cases/board/")
    expect(province.locator("main")).to_contain_text(late.number)
    shot(province, "07-board-escalated")

    # The province drafts a public criticism from it, approves and publishes it; the public reads it.
    province.goto(f"{base}/registry/criticism/new/")
    province.check(f"input[name=cases][value='{late.pk}']")
    with province.expect_navigation():
        province.click("main form button[type=submit]")
    criticism = Criticism.objects.get(cases=late)
    expect(province).to_have_url(f"{base}/registry/criticism/{criticism.pk}/")
    submit(province, f"/registry/criticism/{criticism.pk}/approve/")
    submit(province, f"/registry/criticism/{criticism.pk}/publish/")
    criticism.refresh_from_db()
    assert criticism.status == Criticism.Status.PUBLISHED
    shot(province, "08-criticism-published")
    public = new_page(locale="zh-CN")
    public.goto(f"{base}{criticism.get_public_url()}")
    expect(public.locator("main")).to_contain_text(szca.name)
    shot(public, "09-public-criticism")
