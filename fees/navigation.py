from django.utils.translation import gettext as _

from portal.navigation import NavItem, link


def items(user) -> list[NavItem]:
    children = [
        NavItem(_("Fee filings"), link("fees:feefiling_list"), "bi-receipt"),
        NavItem(_("Tariffs in force"), link("fees:tariffs"), "bi-table"),
        NavItem(_("Provincial benchmark"), link("fees:benchmark"), "bi-rulers"),
        NavItem(_("Fee comparison"), link("fees:compare"), "bi-bar-chart"),
    ]
    if user.is_superuser or user.vendor_id or user.is_administrator:
        children.append(NavItem(_("Fee breaches"), link("fees:overcharges"), "bi-exclamation-octagon"))
    if user.vendor_id:
        children.append(
            NavItem(_("My filing history"), link("fees:vendor_history", user.vendor_id), "bi-clock-history")
        )
    children.append(NavItem(_("Fee complaints"), link("fees:feecomplaint_list"), "bi-megaphone"))
    children.append(NavItem(_("Fee items"), link("fees:feeitem_list"), "bi-tags"))
    return [NavItem(_("Fees"), "", "bi-currency-yen", children)]
