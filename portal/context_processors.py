"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.navigation import nav_items


def navigation(request) -> dict:
    """The navigation bar's items are gathered when a template shows them (base.html), not for the pages
    that do not (the admin's, HTMX fragments): gathering them asks the database (the unread count, rights)."""
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "nav_items": SimpleLazyObject(lambda: nav_items(user)) if user is not None else [],
    }
