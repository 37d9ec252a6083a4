"""The pages an administrator opens every day, as Chromium draws them, in both languages: the dashboard,
the recognition matrix, a finding and a rectification case. Each page's key element is visible, nothing
is blocked by the Content-Security-Policy and the console stays clean; the screenshots are saved under
tests/screenshots/ (git-ignored) for a person to look at."""

import pytest
from e2e.steps import expect, log_in

from portal.accounts.models import User
from supervision.engine import cases as case_flow
from supervision.engine.cases import respond
from supervision.models import Finding, RectificationCase

pytestmark = pytest.mark.e2e

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
# What the page is for: visible, and in the page's language.
KEY = {
    "dashboard": ('[data-testid="worklist"]', {"zh-hans": "待办事项", "en": "Awaiting you"}),
    "matrix": ('[data-testid="matrix"] td.cell', {"zh-hans": "互认", "en": "recognition"}),
    "finding": ("main dl", {"zh-hans": "问题", "en": "finding"}),
    "case": ('[data-testid="timeline"]', {"zh-hans": "整改", "en": "Rectification"}),
}


@pytest.fixture
def case(registry):
    """A case of SZCA's over-charge, opened by the province, answered by the vendor (its notice made)."""
    province, szca = User.objects.get(username="province"), User.objects.get(username="szca")
    finding = Finding.objects.filter(vendor=szca.vendor, status=Finding.Status.OPEN).order_by("pk").first()
    opened = case_flow.open_case(findings=[finding], by=province, title="收费超出全省最低收费标准的整改")
    RectificationCase.objects.filter(pk=opened.pk).update(status=RectificationCase.Status.NOTIFIED)
    opened.refresh_from_db()
    respond(opened, text="已按全省最低收费标准调整收费，并退还多收费用。", by=szca)
    return opened


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_daily_pages_in_both_languages(language, case, live_server, new_page, shot):
    page = new_page(locale="zh-CN")
    problems = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    log_in(page, live_server.url, "province")
    if language == "en":
        page.click('[data-testid="language-en"]')
    expect(page.locator("html")).to_have_attribute("lang", language)
    finding = case.findings.first()
    pages = {
        "dashboard": "/dashboard/",
        "matrix": "/ca/matrix/?region=410000",
        "finding": finding.get_absolute_url(),
        "case": case.get_absolute_url(),
    }
    for number, (name, path) in enumerate(pages.items(), 1):
        problems.clear()
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (name, response and response.status)
        selector, word = KEY[name]
        expect(page.locator(selector).first).to_be_visible()
        assert word[language].lower() in page.locator("main").inner_text().lower(), (name, language)
        if name == "dashboard":
            expect(page.locator('[data-testid="work-item"]').first).to_be_visible()
            expect(page.locator('[data-testid="chart-region"]')).to_be_visible()
        shot(page, f"{number:02d}-{name}")
        violations = page.evaluate("window.__cspViolations")
        assert problems == [] and violations == [], (name, language, problems, violations)
