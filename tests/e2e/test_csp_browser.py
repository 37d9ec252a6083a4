"""The pages under the Content-Security-Policy in Chromium: no inline script, style attribute or event
handler is blocked, no other console error, for the public and for several roles. Each role's pages are
its navigation bar's pages, and for the province also one detail page per list, the matrix, a case,
the calendar, the fee comparison and the API documentation. The behaviour that moved out of inline
handlers into static/portal/portal.js (the round picker, a confirmation) is exercised too."""

import datetime

import pytest
from e2e.steps import expect, log_in

from fees.importing.jobs import report_progress
from fees.models import FeeFiling, FeeImport
from portal.accounts.models import User
from supervision.models import CAVendor, Finding, Platform, RectificationCase, Region
from supervision.services import raise_finding
from trial.models import TrialRound

pytestmark = pytest.mark.e2e

# Every violation is also recorded in the page, in case the console does not say it.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/public/trial/",
    "/registry/public/criticism/",
    "/fees/complaints/new/",
    "/fees/complaints/track/",
    "/trial/feedback/new/",
    "/trial/feedback/status/",
]
SKIPPED = ("/admin/", "/accounts/logout/", "/i18n/")


class Watcher:
    """Console errors, uncaught exceptions and CSP violations of one browser page, per URL."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def visit(self, url: str) -> dict[str, list[str]]:
        self.problems = []
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        assert "default-src 'self'" in response.headers.get("content-security-policy", ""), url
        violations = self.page.evaluate("window.__cspViolations")
        found = [*self.problems, *(f"CSP: {v}" for v in violations)]
        return {url: found} if found else {}


def same_site_links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "links => links.map((a) => a.getAttribute('href'))")
    return [href for href in dict.fromkeys(hrefs) if href and href.startswith("/") and not href.startswith(SKIPPED)]


def first_detail_link(page, list_url: str) -> str | None:
    path = list_url.split("?")[0]
    for href in same_site_links(page, "main table tbody a[href]"):
        if href.startswith(path) and href.rstrip("/").split("/")[-1].isdigit():
            return href
    return None


def test_public_pages_pass_the_policy(registry, live_server, new_page):
    watcher = Watcher(new_page(locale="zh-CN"))
    problems = {}
    for path in PUBLIC_PAGES:
        problems |= watcher.visit(live_server.url + path)
    assert problems == {}


@pytest.mark.parametrize("role", ["szca", "platform-puyang", "puyang"])
def test_each_roles_pages_pass_the_policy(registry, live_server, new_page, role):
    page = new_page(locale="zh-CN")
    log_in(page, live_server.url, role)
    watcher = Watcher(page)
    problems = watcher.visit(f"{live_server.url}/dashboard/")
    pages = same_site_links(page, "nav a[href]")
    assert len(pages) >= 3, pages
    for path in pages:
        problems |= watcher.visit(live_server.url + path)
    assert problems == {}


def test_the_provinces_pages_and_details_pass_the_policy(registry, live_server, new_page, shot):
    szca_finding, _ = raise_finding(
        kind=Finding.Kind.PROHIBITED_FEE,
        party=CAVendor.objects.get(short_name="SZCA"),
        dedup_key="csp:remote",
        summary="收取异地用户开通费 50.00 元",
    )
    base = live_server.url
    page = new_page(locale="zh-CN")
    log_in(page, base, "province")
    watcher = Watcher(page)
    problems = watcher.visit(f"{base}/dashboard/")
    shot(page, "01-dashboard")
    lists = same_site_links(page, "nav a[href]")
    details = []
    for path in lists:
        problems |= watcher.visit(base + path)
        detail = first_detail_link(page, path)
        if detail:
            details.append(detail)
    assert len(details) >= 5, details
    for path in details:
        problems |= watcher.visit(base + path)
    case = RectificationCase.objects.order_by("pk").first()
    extra = [
        "/ca/matrix/?region=410000",
        "/registry/calendar/",
        "/fees/compare/",
        f"/registry/findings/{szca_finding.pk}/",
        "/api/docs/",
    ]
    if case is not None:
        extra.append(f"/registry/cases/{case.pk}/")
    for path in extra:
        problems |= watcher.visit(base + path)
        if path == "/api/docs/":
            expect(page.locator(".swagger-ui .info")).to_be_visible()
            shot(page, "02-api-docs")
        elif path == "/registry/calendar/":
            shot(page, "03-calendar")
    assert problems == {}


def test_the_round_picker_submits_without_an_inline_handler(registry, live_server, new_page):
    TrialRound.objects.create(code="2025", name="2025年试点", starts_on=datetime.date(2025, 1, 1))
    page = new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/public/trial/")
    with page.expect_navigation():
        page.locator("#round-picker").select_option("2025")
    assert page.url.endswith("round=2025")
    expect(page.locator("#round-picker")).to_have_value("2025")


def test_deleting_a_draft_asks_first_without_an_inline_handler(registry, live_server, new_page, personas):
    szca = personas["szca"]
    filing = FeeFiling.objects.create(
        vendor=szca.vendor, region=Region.objects.get(code="410900"), effective_date=datetime.date(2026, 1, 1)
    )
    page = new_page(locale="zh-CN")
    log_in(page, live_server.url, "szca")
    page.goto(live_server.url + filing.get_absolute_url())
    answers = iter([False, True])
    page.on("dialog", lambda dialog: dialog.accept() if next(answers) else dialog.dismiss())
    delete = page.locator("form[data-confirm] button[type=submit]")
    delete.click()  # "no": nothing is sent
    page.wait_for_timeout(300)
    assert FeeFiling.objects.filter(pk=filing.pk).exists()
    with page.expect_navigation():
        delete.click()  # "yes"
    assert not FeeFiling.objects.filter(pk=filing.pk).exists()


def test_the_import_progress_bar_follows_the_job_without_a_style_attribute(registry, live_server, new_page, personas):
    job = FeeImport.objects.create(
        file="fees/imports/tariffs.xlsx",
        original_name="tariffs.xlsx",
        created_by=personas["szca"],
        status=FeeImport.Status.CHECKING,
    )
    report_progress(job.pk, "checking", 5, 10)  # 20 + 80 × ½ = 60 %
    page = new_page(locale="zh-CN")
    log_in(page, live_server.url, "szca")
    page.goto(f"{live_server.url}/fees/imports/{job.pk}/")
    bar = page.locator("#import-progress .progress-bar")
    expect(bar).to_have_attribute("style", "width: 60%;")
    report_progress(job.pk, "checking", 10, 10)
    expect(bar).to_have_attribute("style", "width: 100%;", timeout=5_000)  # swapped in by htmx's polling
    FeeImport.objects.filter(pk=job.pk).update(status=FeeImport.Status.INVALID)
    expect(page.locator("#import-progress .progress-bar.bg-danger")).to_have_attribute("style", "width: 100%;")


def test_the_admin_and_the_browsable_api_pass_their_policy(registry, live_server, new_page):
    """Pages drawn by other projects' templates may use inline styles (portal.middleware), no script."""
    User.objects.create_superuser("root", "root@example.com", "a-long-admin-password")
    platform = Platform.objects.order_by("pk").first()
    page = new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-admin-password")
    with page.expect_navigation():
        page.click("input[type=submit]")
    watcher = Watcher(page)
    problems = {}
    for path in [
        "/admin/",
        "/admin/supervision/platform/",
        f"/admin/supervision/platform/{platform.pk}/change/",
        f"/admin/supervision/platform/{platform.pk}/history/",
        "/api/v1/",
        "/api/v1/platforms/",
    ]:
        problems |= watcher.visit(live_server.url + path)
    assert problems == {}
