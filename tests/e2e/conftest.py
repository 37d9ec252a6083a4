"""Fixtures of the browser stories: Debian's Chromium driven by Playwright against the live server.

With ``E2E_SCREENSHOTS=1`` (``make screenshots``) every step's screenshot goes to tests/screenshots/
(git-ignored) for a person to look at. ``make test`` takes none: no test reads them, and drawing whole
pages into PNG files was a third of the browser stories' time.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _static_files_cached():
    """The live server hands out static files as Django's development view does, without Cache-Control,
    so Chromium asked again for every style sheet, script and font on every page of a walk. In
    production whitenoise lets browsers keep them (hashed names, a long max-age); here they do not change
    during the run either: each browser context keeps them for the day."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    serve = StaticFilesHandler.serve

    def serve_cached(self, request):
        response = serve(self, request)
        response.headers["Cache-Control"] = "max-age=86400"
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StaticFilesHandler, "serve", serve_cached)
        yield


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, request):
    """new_page(locale="zh-CN") → a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make(locale: str = "en-US"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
        # A step waits at most 15 s: on a busy two-core machine (CI, a worker alongside) a page can take
        # several seconds; a passing step never waits for the limit.
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    """shot(page, "01-login") saves tests/screenshots/<test name>-01-login.png (the whole page), when
    screenshots are asked for (``E2E_SCREENSHOTS=1``); otherwise it returns that path without drawing."""
    wanted = os.environ.get("E2E_SCREENSHOTS", "") not in ("", "0")
    if wanted:
        SCREENSHOTS.mkdir(exist_ok=True)
    prefix = re.sub(r"[^\w.-]+", "-", request.node.name.removeprefix("test_")).strip("-")

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{prefix}-{name}.png"
        if wanted:
            page.screenshot(path=str(path), full_page=True)
        return path

    return take
