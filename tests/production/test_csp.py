"""The Content-Security-Policy header (django-csp) with the production settings (DEBUG off, as pytest-django
runs), and no template relying on what it blocks. tests/e2e/test_csp_browser.py checks the pages in
Chromium."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# WeasyPrint's templates (PDFs) are no web pages: they keep their inline <style>.
PDF_TEMPLATES = "/pdf/"
INLINE = {
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    "inline <style>": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_page_carries_the_policy(client_for, settings):
    assert settings.DEBUG is False
    anonymous = client_for("anonymous")
    province = client_for("province")
    answers = {
        "home": anonymous.get("/"),
        "login": anonymous.get(reverse("login")),
        "dashboard": province.get(reverse("dashboard")),
        "api": province.get("/api/v1/platforms/"),
        "api docs": anonymous.get("/api/docs/"),
        "404": anonymous.get("/no-such-page/"),
    }
    for name, response in answers.items():
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name  # no nonce unless a page asks for one
        assert policy["style-src"] == ["'self'"], name
        assert policy["img-src"] == ["'self'", "data:"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["object-src"] == ["'none'"], name
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], name
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], name
    assert answers["404"].status_code == 404


def test_the_admin_and_the_browsable_api_may_use_inline_styles_but_no_script(client, client_for):
    """Their templates are Django's, django-simple-history's and DRF's (portal.middleware)."""
    from portal.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "a-long-admin-password")
    client.force_login(admin)
    browsable = client_for("province").get("/api/v1/platforms/", HTTP_ACCEPT="text/html")
    json = client_for("province").get("/api/v1/platforms/")
    for response in (client.get("/admin/"), browsable):
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["script-src"] == ["'self'"]
    assert json["Content-Type"] == "application/json"
    assert directives(json["Content-Security-Policy"])["style-src"] == ["'self'"]


def test_the_api_documentation_loads_its_script_from_the_portal(client_for):
    page = client_for("anonymous").get("/api/docs/").content.decode()
    assert "<style" not in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(" src=" in tag for tag in scripts), scripts
    script = client_for("anonymous").get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def templates():
    for path in sorted(BASE_DIR.glob("templates/**/*.html")) + sorted(BASE_DIR.glob("*/templates/**/*.html")):
        if PDF_TEMPLATES not in path.as_posix():
            yield path


def test_no_template_needs_an_inline_script_style_or_handler():
    found = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(BASE_DIR)}:{line}: {what}")
    assert len(list(templates())) > 50
    assert found == []
