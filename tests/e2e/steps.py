"""Steps shared by the browser stories: log in through the form, Playwright's ``expect``."""

from portal.management.commands.seed import DEFAULT_DEMO_PASSWORD as DEMO_PASSWORD


def expect(target):
    """Playwright's ``expect``, waiting up to 15 s like every other step (tests/e2e/conftest.py)."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=15_000)
    return playwright_expect(target)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base_url}/dashboard/")
