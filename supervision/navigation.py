from django.urls import reverse
from django.utils.translation import gettext as _

from portal.navigation import NavItem


def items(user) -> list[NavItem]:
    registry = [
        NavItem(_("CA vendors"), reverse("supervision:vendor_list"), "bi-building-lock"),
        NavItem(_("Platforms"), reverse("supervision:platform_list"), "bi-diagram-3"),
        NavItem(_("Authorities"), reverse("supervision:authority_list"), "bi-bank"),
        NavItem(_("Regions"), reverse("supervision:region_list"), "bi-geo-alt"),
        NavItem(_("Contacts"), reverse("supervision:contact_list"), "bi-person-lines-fill"),
    ]
    if user.vendor_id:
        return [
            NavItem(_("My vendor"), reverse("supervision:vendor_detail", args=[user.vendor_id]), "bi-building-lock")
        ]
    if user.platform_id:
        return [
            NavItem(_("My platform"), reverse("supervision:platform_detail", args=[user.platform_id]), "bi-diagram-3")
        ]
    return [NavItem(_("Registry"), "", "bi-journal-text", registry)]
