from django.urls import reverse
from django.utils.translation import gettext as _

from portal.navigation import Card
from supervision.models import Authority, CAVendor, Contact, Platform


def cards(user) -> list[Card]:
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
