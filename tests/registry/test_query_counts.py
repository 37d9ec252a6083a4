"""The number of queries of every registry list (web page, API endpoint, admin changelist) does not
grow with the rows shown: each is measured with a few rows, then with 30 more, and pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import (
    AuthorityFactory,
    BusinessDomainFactory,
    CAVendorFactory,
    ContactFactory,
    PlatformFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

EXTRA = 30


def grow_contacts():
    platforms = PlatformFactory.create_batch(3)
    vendors = CAVendorFactory.create_batch(3)
    ContactFactory.create_batch(EXTRA // 3)
    for n in range(EXTRA // 3):
        ContactFactory(authority=None, platform=platforms[n % 3])
        ContactFactory(authority=None, vendor=vendors[n % 3], is_shared_mailbox=n % 2 == 0)


GROW = {
    "regions": lambda: RegionFactory.create_batch(EXTRA),
    "authorities": lambda: AuthorityFactory.create_batch(EXTRA),
    "business-domains": lambda: BusinessDomainFactory.create_batch(EXTRA),
    "platforms": lambda: PlatformFactory.create_batch(EXTRA),
    "vendors": lambda: CAVendorFactory.create_batch(EXTRA),
    "contacts": grow_contacts,
}

# kind → its lists, each (where, URL, the queries it takes at most). Web pages load the session, the
# user, the user's region (scope), the count and the page of rows (plus the prefetched domains, the
# domain filter's choices, and the user's model permissions when the rules refuse "add"); the API
# skips the session; the admin adds its own counts. Web and admin pages also count the unread inbox
# messages for the navigation bar.
LISTS = {
    "regions": [
        ("web", "/registry/regions/", 8),
        ("api", "/api/v1/regions/", 2),
        ("admin", "/admin/supervision/region/", 9),
    ],
    "authorities": [
        ("web", "/registry/authorities/", 6),
        ("api", "/api/v1/authorities/", 2),
        ("admin", "/admin/supervision/authority/", 9),
    ],
    "business-domains": [("api", "/api/v1/business-domains/", 2), ("admin", "/admin/supervision/businessdomain/", 9)],
    "platforms": [
        ("web", "/registry/platforms/", 8),
        ("api", "/api/v1/platforms/", 3),
        ("admin", "/admin/supervision/platform/", 9),
    ],
    "vendors": [
        ("web", "/registry/vendors/", 8),
        ("api", "/api/v1/vendors/", 2),
        ("admin", "/admin/supervision/cavendor/", 9),
    ],
    "contacts": [
        # Each also reads the scope's platforms and authorities, once (one query).
        ("web", "/registry/contacts/", 7),
        ("api", "/api/v1/contacts/", 3),
        ("admin", "/admin/supervision/contact/", 10),
    ],
}
# Who looks: the province (whose page is often full already) and a persona whose page grows from a
# few rows to a full one when the rows are added (they are all in Puyang).
PERSONAS = {"web": ("province", "puyang"), "api": ("puyang", "szca"), "admin": ("puyang",)}


def rows_shown(response) -> int:
    context = response.context
    if context is None:  # the API
        return len(response.json()["results"])
    if "cl" in context:
        return len(context["cl"].result_list)
    return len(context["object_list"])


def measure(client, url: str) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries], rows_shown(response)


@pytest.mark.parametrize("kind", LISTS)
def test_list_queries_do_not_grow_with_rows(client_for, api_for, kind):
    """Every list of ``kind`` is measured, then 30 rows are added, then each is measured again."""
    lists = [
        (f"{persona} {url}", api_for(persona) if where == "api" else client_for(persona), url, ceiling)
        for where, url, ceiling in LISTS[kind]
        for persona in PERSONAS[where]
    ]
    before = {}
    for name, client, url, _ in lists:
        measure(client, url)  # warm the caches (content types, permissions)
        before[name] = measure(client, url)
    GROW[kind]()
    for name, client, url, ceiling in lists:
        (small, small_rows), (large, large_rows) = before[name], measure(client, url)
        # A vendor user sees only its own vendor and its contacts; other pages were full already.
        assert large_rows > small_rows or small_rows >= 25 or large_rows <= 2, f"{name}: the new rows are not shown"
        assert len(large) == len(small), (
            f"{name}: {len(small)} queries for {small_rows} rows, {len(large)} for {large_rows}:\n" + "\n".join(large)
        )
        assert len(large) <= ceiling, f"{name}: {len(large)} queries (pinned at {ceiling}):\n" + "\n".join(large)
