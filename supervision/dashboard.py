import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.navigation import Card
from supervision.models import Authority, CAVendor, Contact, Obligation, Platform, RectificationCase


def registry_cards(user) -> list[Card]:
    return [
        Card(
            _("CA vendors"),
            CAVendor.objects.visible_to(user).count(),
            reverse("supervision:vendor_list"),
            "bi-building-lock",
        ),
        Card(
            _("Active platforms"),
            Platform.objects.visible_to(user).filter(active=True).count(),
            reverse("supervision:platform_list") + "?active=true",
            "bi-diagram-3",
        ),
        Card(
            _("Authorities"),
            Authority.objects.visible_to(user).count(),
            reverse("supervision:authority_list"),
            "bi-bank",
        ),
        Card(
            _("Contacts"),
            Contact.objects.visible_to(user).count(),
            reverse("supervision:contact_list"),
            "bi-person-lines-fill",
        ),
        Card(
            _("Vendors without a valid cryptography filing"),
            CAVendor.objects.visible_to(user).exclude(crypto_filing_status=CAVendor.FilingStatus.FILED).count(),
            reverse("supervision:vendor_list") + "?crypto_filing_status=not_filed",
            "bi-exclamation-triangle",
            "warning",
        ),
    ]


def deadline_cards(user) -> list[Card]:
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    obligations = Obligation.objects.visible_to(user)
    open_cases = RectificationCase.objects.visible_to(user).filter(status__in=RectificationCase.OPEN)
    by_party = (
        open_cases.values("vendor__short_name", "platform__name", "authority__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:3]
    )
    note = "；".join(
        f"{row['vendor__short_name'] or row['platform__name'] or row['authority__name']} {row['n']}" for row in by_party
    )
    obligation_list = reverse("supervision:obligation_list")
    return [
        Card(
            _("Due this week"),
            obligations.filter(status=Obligation.Status.OPEN, due_date__range=(today, week_end)).count(),
            f"{obligation_list}?status=open&due_after={today:%Y-%m-%d}&due_before={week_end:%Y-%m-%d}",
            "bi-hourglass-split",
            "warning",
        ),
        Card(
            _("Overdue obligations"),
            obligations.filter(status=Obligation.Status.OVERDUE).count(),
            f"{obligation_list}?status=overdue",
            "bi-alarm",
            "danger",
        ),
        Card(
            _("Open rectification cases"),
            open_cases.count(),
            reverse("supervision:case_board"),
            "bi-clipboard-check",
            "primary",
            note,
        ),
    ]


def cards(user) -> list[Card]:
    return deadline_cards(user) + registry_cards(user)
