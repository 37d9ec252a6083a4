"""No dead ends (issue 12, point 6): every link a page offers a person opens for that person.

Each persona's dashboard and menus, and the pages one click away from them, are opened as that
persona; a link answering 403, 404 or 500 is a dead end. The home page offers the public pages,
the status pages of complaints and of feedback included."""

import re

import pytest

from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

SKIP = ("/logout", "/i18n/", "/admin/", "/api/", "/static/", "/files/", "format=xlsx", "print=1", "/delete/")


def links(html: str) -> list[str]:
    found = (link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)"', html))
    return sorted({link for link in found if not any(part in link for part in SKIP)})


def test_the_home_page_offers_every_public_page_and_each_opens(client_for):
    anonymous = client_for("anonymous")
    html = anonymous.get("/").content.decode()
    public = re.search(r'data-testid="public-links">(.*?)</div>', html, re.S).group(1)
    offered = links(public)
    assert {"/fees/complaints/track/", "/trial/feedback/new/", "/trial/feedback/status/"} <= set(offered)
    for link in offered:
        assert anonymous.get(link).status_code == 200, link


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_every_link_of_the_dashboard_and_the_menus_opens(persona, client_for):
    client = client_for(persona)
    dashboard = links(client.get("/dashboard/").content.decode())
    assert dashboard
    for link in dashboard:
        response = client.get(link)
        assert response.status_code < 400, (persona, link, response.status_code)


@pytest.mark.parametrize("persona", ["szca", "bjca", "platform-puyang"])
def test_the_links_of_the_fee_filings_a_vendor_or_platform_sees_open(persona, client_for):
    """Every filing a vendor or platform user may open (its own, and every vendor's accepted tariffs)
    links to its vendor's history: that page opens too."""
    from fees.models import FeeFiling
    from portal.accounts.models import User

    client = client_for(persona)
    user = User.objects.get(username=persona)
    filings = FeeFiling.objects.visible_to(user)
    assert filings.exclude(vendor_id=user.vendor_id).exists()
    one_per_vendor = {filing.vendor_id: filing for filing in filings.order_by("-pk")}.values()
    for filing in one_per_vendor:
        for link in links(client.get(filing.get_absolute_url()).content.decode()):
            if link.startswith("/fees/"):
                assert client.get(link).status_code < 400, (persona, filing.pk, link)


def form_pages() -> list[str]:
    """The pages that create something (…/new/, …/add/, imports and uploads), without an id in their path."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted(
        f"/{path}"
        for path in set(walk(get_resolver()))
        if "<" not in path
        and not path.startswith(("admin/", "api/"))
        and any(word in path for word in ("new/", "add/", "import/", "upload/"))
    )


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_no_form_offers_a_required_choice_with_nothing_to_choose_without_saying_why(persona, client_for):
    """platform-puyang once met a usage report form whose required platform list was empty ("this field is
    required", no reason): a form a person may open either offers something to choose or says why not."""
    client = client_for(persona)
    opened = 0
    for path in form_pages():
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        opened += 1
        html = response.content.decode()
        for select in re.findall(r"<select[^>]*\brequired\b[^>]*>(.*?)</select>", html, re.S):
            if not [value for value in re.findall(r'<option value="([^"]*)"', select) if value]:
                assert 'data-testid="empty-choices"' in html, (persona, path)
    assert opened
