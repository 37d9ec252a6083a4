"""The registry in a real browser: Debian's Chromium driven by Playwright against the live server.

Screenshots of every step go to tests/screenshots/ (git-ignored) for a human to look at.
"""

import re
from urllib.parse import urlsplit

import pytest
from e2e.steps import DEMO_PASSWORD, expect, log_in

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def valid_credit_code(first17: str = "91410100MA4012345") -> str:
    from supervision.validators import credit_code_check_character

    return first17 + credit_code_check_character(first17)


def test_province_adds_a_vendor_fixing_its_credit_code(registry, live_server, new_page, shot):
    from portal.accounts.models import User
    from supervision.models import CAVendor
    from supervision.validators import CREDIT_CODE_CHARSET

    base = live_server.url
    page = new_page(locale="zh-CN")

    # The login page is in Chinese.
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("main h1")).to_have_text("登录")
    expect(page.locator("label[for=id_username]")).to_have_text("用户名")
    shot(page, "01-login-zh")

    # Log in through the form: the dashboard, in Chinese.
    page.fill("#id_username", "province")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.locator("main h1")).to_contain_text("工作台")
    expect(page.locator("main")).to_contain_text("电子认证服务机构")
    shot(page, "02-dashboard-zh")

    # One click to English, on the same page.
    page.click("[data-testid=language-en]")
    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.locator("main h1")).to_contain_text("Dashboard")
    expect(page.locator("main")).to_contain_text("CA vendors")
    expect(page.locator("[data-testid=language-zh-hans]")).to_have_text("简体中文")
    shot(page, "03-dashboard-en")

    # Registry → CA vendors → Add.
    page.click("nav >> text=Registry")
    page.click(".dropdown-menu >> text=CA vendors")
    expect(page).to_have_url(f"{base}/registry/vendors/")
    expect(page.locator("main h1")).to_contain_text("CA vendors")
    shot(page, "04-vendor-list-en")
    page.click("main >> text=Add")
    expect(page).to_have_url(f"{base}/registry/vendors/new/")

    # A wrong check character: the error is shown next to the field and nothing is saved.
    good = valid_credit_code()
    wrong = good[:17] + next(ch for ch in CREDIT_CODE_CHARSET if ch != good[17])
    page.fill("#id_name", "河南测试电子认证有限公司")
    page.fill("#id_short_name", "TESTCA")
    page.fill("#id_credit_code", wrong)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/registry/vendors/new/")
    expect(page.locator("[data-testid=form-errors]")).to_contain_text("nothing was saved")
    error = page.locator("[data-testid=error-credit_code]")
    expect(error).to_contain_text("check character")
    # The message sits right below the credit code input, in the same form group.
    expect(page.locator(".mb-3", has=page.locator("#id_credit_code"))).to_contain_text("check character")
    assert not CAVendor.objects.filter(short_name="TESTCA").exists()
    shot(page, "05-wrong-credit-code-en")

    # Fixed: saved, and the vendor's page is shown.
    page.fill("#id_credit_code", good)
    page.click("main button[type=submit]")
    vendor = CAVendor.objects.get(short_name="TESTCA")
    expect(page).to_have_url(f"{base}/registry/vendors/{vendor.pk}/")
    expect(page.locator("main h1")).to_contain_text("河南测试电子认证有限公司")
    expect(page.locator("main dl")).to_contain_text(good)
    expect(page.locator(".alert-success")).to_contain_text("Saved")
    shot(page, "06-vendor-saved-en")

    # Edit once more: the history shows the creation and the change, with who made them.
    page.click("main >> text=Edit")
    expect(page).to_have_url(f"{base}/registry/vendors/{vendor.pk}/edit/")
    page.fill("#id_short_name", "TESTCA2")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/registry/vendors/{vendor.pk}/")
    user = str(User.objects.get(username="province"))
    entries = page.locator("#history li")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text(f"{user} · changed")
    expect(entries.nth(0)).to_contain_text("Short name: TESTCA → TESTCA2")
    expect(entries.nth(1)).to_contain_text(f"{user} · created")
    assert CAVendor.objects.get(pk=vendor.pk).short_name == "TESTCA2"
    shot(page, "07-vendor-history-en")

    # The same history in Chinese.
    page.click("[data-testid=language-zh-hans]")
    expect(page.locator("#history .card-header")).to_have_text("变更记录")
    expect(entries.nth(0)).to_contain_text(f"{user} · 修改")
    expect(entries.nth(0)).to_contain_text("简称: TESTCA → TESTCA2")
    expect(entries.nth(1)).to_contain_text(f"{user} · 新建")
    shot(page, "08-vendor-history-zh")


def test_vendor_user_sees_only_its_own_vendor(registry, live_server, new_page, shot):
    from supervision.models import CAVendor

    base = live_server.url
    own, other = CAVendor.objects.get(short_name="SZCA"), CAVendor.objects.get(short_name="BJCA")
    # An English-language browser: the portal still starts in Chinese.
    page = new_page(locale="en-US")
    log_in(page, base, "szca")
    expect(page.locator("main h1")).to_contain_text("工作台")
    expect(page.locator("nav")).to_contain_text("本机构信息")
    shot(page, "01-dashboard")

    page.goto(f"{base}/registry/vendors/")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(own.name)
    expect(page.locator("[data-testid=total]")).to_have_text("1")
    expect(page.locator("main")).not_to_contain_text(other.name)
    expect(page.locator("main >> text=新增")).to_have_count(0)
    shot(page, "02-vendor-list")

    response = page.goto(f"{base}{other.get_absolute_url()}")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("页面不存在")
    expect(page.locator("main")).not_to_contain_text(other.name)
    shot(page, "03-other-vendor-404")


def test_api_docs_load_without_leaving_the_machine(registry, live_server, new_page, shot):
    base = live_server.url
    page = new_page()
    log_in(page, base, "province")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base}/api/docs/")
    # The schema is generated on the first request: seconds on a loaded 2-core machine.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    expect(page.locator(".swagger-ui .title")).to_contain_text("CA Supervision Portal API")
    page.wait_for_load_state("networkidle")
    shot(page, "01-swagger-ui")
    server = urlsplit(base).netloc
    network = [url for url in requested if urlsplit(url).scheme not in ("data", "blob")]
    assert network, "no request was recorded"
    assert [url for url in network if urlsplit(url).netloc != server] == []
    assert any("/api/schema/" in url for url in network)


# Texts a user reads as part of the interface (not the data): table heads, field labels, buttons, menus.
CHROME = (
    "main th, main dt, main .form-label, main .form-check:not(.form-check-inline) > .form-check-label, "
    "main .btn, main .breadcrumb-item:first-child, main .card-header, main .card-stat .small, "
    "nav .nav-link:not([data-testid]), .dropdown-item"
)
ONLY_DIGITS_AND_PUNCTUATION = r"^[\d\s.,:·—-]*$"
# Each model's list, filtered so that its first row is one the provincial administrator may edit.
REGISTRY = {
    "vendors": "",
    "platforms": "",
    "authorities": "",
    "regions": "?q=410900",
    "contacts": "",
}


# Two walks per language keep each test short.
AREAS = {
    "portal-vendors-platforms": ["portal", "vendors", "platforms"],
    "authorities-regions-contacts": ["authorities", "regions", "contacts"],
}


@pytest.mark.parametrize("areas", AREAS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_the_chosen_language(registry, live_server, new_page, shot, language, areas):
    """The home, login and dashboard pages, and the list, a detail, its edit form and the add form of
    each registry model: every piece of the interface is in the chosen language (Chinese: it has
    Chinese characters; English: it has Latin letters)."""
    base = live_server.url
    page = new_page()
    wanted = CJK if language == "zh-hans" else LATIN
    script = "(selector) => Array.from(document.querySelectorAll(selector)).map(e => e.innerText.trim())"
    untranslated = {}

    def check(name: str, url: str) -> None:
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("html")).to_have_attribute("lang", language)
        texts = [t for t in page.evaluate(script, CHROME) if t and not re.match(ONLY_DIGITS_AND_PUNCTUATION, t)]
        wrong = [text for text in texts if not wanted.search(text)]
        if wrong:
            untranslated[name] = wrong
        shot(page, name)

    page.goto(f"{base}/accounts/login/")
    if language == "en":
        page.click("[data-testid=language-en]")
    if "portal" in AREAS[areas]:
        check("home", f"{base}/")
        check("login", f"{base}/accounts/login/")
    log_in(page, base, "province")
    for area in AREAS[areas]:
        if area == "portal":
            check("dashboard", f"{base}/dashboard/")
            continue
        check(f"{area}-list", f"{base}/registry/{area}/{REGISTRY[area]}")
        detail = page.locator("main tbody a").first.get_attribute("href")
        check(f"{area}-detail", f"{base}{detail}")
        check(f"{area}-edit", f"{base}{detail}edit/")
        check(f"{area}-new", f"{base}/registry/{area}/new/")
    assert untranslated == {}
