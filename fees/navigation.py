from django.urls import reverse
from django.utils.translation import gettext as _

from portal.navigation import NavItem


def items(user) -> list[NavItem]:
    children = [
        NavItem(_("Fee filings"), reverse("fees:feefiling_list"), "bi-receipt"),
        NavItem(_("Tariffs in force"), reverse("fees:tariffs"), "bi-table"),
        NavItem(_("Provincial benchmark"), reverse("fees:benchmark"), "bi-rulers"),
        NavItem(_("Fee comparison"), reverse("fees:compare"), "bi-bar-chart"),
    ]
    if user.is_superuser or user.vendor_id or user.is_administrator:
        children.append(NavItem(_("Fee breaches"), reverse("fees:overcharges"), "bi-exclamation-octagon"))
    if user.vendor_id:
        children.append(
            NavItem(_("My filing history"), reverse("fees:vendor_history", args=[user.vendor_id]), "bi-clock-history")
        )
    children.append(NavItem(_("Fee complaints"), reverse("fees:feecomplaint_list"), "bi-megaphone"))
    children.append(NavItem(_("Fee items"), reverse("fees:feeitem_list"), "bi-tags"))
    return [NavItem(_("Fees"), "", "bi-currency-yen", children)]
