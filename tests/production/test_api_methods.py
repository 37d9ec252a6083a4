"""Every API endpoint answers OPTIONS and HEAD with 2xx or a clean 4xx, never a server error."""

import pytest
from django.urls import NoReverseMatch, reverse

from portal.api.urls import router

pytestmark = pytest.mark.django_db


def endpoints():
    """(basename, viewset) of every router registration, once each."""
    seen = set()
    for _prefix, viewset, basename in router.registry:
        if basename not in seen:
            seen.add(basename)
            yield basename, viewset


def urls_of(basename, viewset, user):
    """The list URL, the URL of one row the user may see (if any), and every extra action's URL."""
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None and hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    first = queryset.order_by("pk").first() if queryset is not None else None
    names = [("list", False), ("detail", True)]
    names += [(action.url_name, action.detail) for action in viewset.get_extra_actions()]
    urls = []
    for name, detail in names:
        if detail and first is None:
            continue
        try:
            urls.append(reverse(f"{basename}-{name}", args=[first.pk] if detail else []))
        except NoReverseMatch:  # a viewset without a list or a detail route
            continue
    return urls


@pytest.mark.parametrize("persona", ["province", "szca"])
def test_options_and_head_on_every_endpoint_are_clean(api_for, personas, persona):
    api = api_for(persona)
    answers = {}
    for basename, viewset in endpoints():
        for url in urls_of(basename, viewset, personas[persona]):
            for method in ("options", "head"):
                answers[f"{method.upper()} {url}"] = getattr(api, method)(url).status_code
    errors = {request: status for request, status in answers.items() if status >= 500}
    assert errors == {}
    assert len(answers) > 40
    unexpected = {request: status for request, status in answers.items() if status not in (200, 400, 403, 404, 405)}
    assert unexpected == {}


def test_options_describes_the_writable_fields(api_for):
    response = api_for("province").options(reverse("platform-list"))
    assert response.status_code == 200
    assert "POST" in response.json()["actions"]


def test_options_anonymous_is_refused_cleanly(api_for):
    assert api_for("anonymous").options(reverse("platform-list")).status_code in (401, 403)


def test_options_offers_writes_only_to_who_may_write(api_for):
    # A vendor may not add platforms: OPTIONS does not describe a POST form to it.
    response = api_for("szca").options(reverse("platform-list"))
    assert response.status_code == 200
    assert "POST" not in response.json().get("actions", {})
