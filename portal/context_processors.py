"""Template context shared by every page."""

from django.conf import settings

from portal.navigation import nav_items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "nav_items": nav_items(user) if user is not None else [],
    }
