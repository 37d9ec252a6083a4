from django.urls import reverse
from django.utils.translation import gettext as _

from fees.models import FeeComplaint, FeeFiling
from fees.views.tariffs import visible_breaches
from portal.navigation import Card


def cards(user) -> list[Card]:
    filings = FeeFiling.objects.visible_to(user)
    cards = []
    if user.vendor_id:
        cards.append(
            Card(
                _("My draft or returned fee filings"),
                filings.filter(vendor_id=user.vendor_id, status__in=["draft", "returned"]).count(),
                reverse("fees:feefiling_list") + "?status=draft",
                "bi-receipt",
            )
        )
    if user.is_superuser or user.is_administrator:
        cards.append(
            Card(
                _("Fee filings awaiting review"),
                filings.filter(status=FeeFiling.Status.SUBMITTED).count(),
                reverse("fees:feefiling_list") + "?status=submitted",
                "bi-clipboard-check",
                "info",
            )
        )
        cards.append(
            Card(
                _("Fee complaints awaiting review"),
                FeeComplaint.objects.visible_to(user).filter(status=FeeComplaint.Status.RECEIVED).count(),
                reverse("fees:feecomplaint_list") + "?status=received",
                "bi-megaphone",
                "warning",
            )
        )
    if user.is_superuser or user.is_administrator or user.vendor_id:
        cards.append(
            Card(
                _("Fee breaches in force"),
                len(visible_breaches(user)),
                reverse("fees:overcharges"),
                "bi-exclamation-octagon",
                "danger",
            )
        )
    return cards
