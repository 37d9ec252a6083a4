"""The dashboard's share of the fee rules: filings to review and complaints to examine (administrators),
draft and returned filings (a vendor); the counts, each linking to its filtered list. A fixed number
of queries: the breaches are counted from the open findings the rules raised (on submission and in the
daily sweep), not recomputed from every tariff in force; each count stops at ``count_to``'s cap."""

from django.urls import reverse
from django.utils.translation import gettext as _

from fees.findings import RULE_KINDS
from fees.models import FeeComplaint, FeeFiling
from portal.navigation import Card, WorkItem, local_date
from portal.pagination import count_to
from supervision.models import Finding


def filing_title(filing: FeeFiling) -> str:
    return f"#{filing.pk} {filing.region} · {filing.effective_date:%Y-%m-%d}"


def work(user, limit: int) -> list[WorkItem]:
    filings = FeeFiling.objects.visible_to(user).select_related("vendor", "region")
    items = []
    if user.vendor_id:
        mine = filings.filter(vendor_id=user.vendor_id)
        items += [
            WorkItem(
                _("Revise the returned fee filing"),
                filing_title(f),
                f.get_absolute_url(),
                f.vendor.short_name,
                since=local_date(f.reviewed_at or f.updated),
                icon="bi-arrow-return-left",
            )
            for f in mine.filter(status=FeeFiling.Status.RETURNED).order_by("reviewed_at", "pk")[:limit]
        ]
        items += [
            WorkItem(
                _("Submit the draft fee filing"),
                filing_title(f),
                f.get_absolute_url(),
                f.vendor.short_name,
                since=local_date(f.created),
                icon="bi-receipt",
            )
            for f in mine.filter(status=FeeFiling.Status.DRAFT).order_by("created", "pk")[:limit]
        ]
    if user.is_administrator:
        items += [
            WorkItem(
                _("Review the fee filing"),
                filing_title(f),
                f.get_absolute_url(),
                f.vendor.short_name,
                since=local_date(f.submitted_at or f.updated),
                icon="bi-clipboard-check",
            )
            for f in filings.filter(status=FeeFiling.Status.SUBMITTED).order_by("submitted_at", "pk")[:limit]
        ]
        items += [
            WorkItem(
                _("Examine the fee complaint"),
                c.tracking_number,
                c.get_absolute_url(),
                c.vendor.short_name,
                since=local_date(c.created),
                icon="bi-megaphone",
            )
            for c in FeeComplaint.objects.visible_to(user)
            .filter(status=FeeComplaint.Status.RECEIVED)
            .select_related("vendor")
            .order_by("created", "pk")[:limit]
        ]
    return items


def cards(user) -> list[Card]:
    filings = FeeFiling.objects.visible_to(user)
    cards = []
    if user.vendor_id:
        cards.append(
            Card(
                _("My draft or returned fee filings"),
                count_to(filings.filter(vendor_id=user.vendor_id, status__in=["draft", "returned"])),
                reverse("fees:feefiling_list") + "?status=draft",
                "bi-receipt",
            )
        )
    if user.is_superuser or user.is_administrator:
        cards.append(
            Card(
                _("Fee filings awaiting review"),
                count_to(filings.filter(status=FeeFiling.Status.SUBMITTED)),
                reverse("fees:feefiling_list") + "?status=submitted",
                "bi-clipboard-check",
                "info",
            )
        )
        cards.append(
            Card(
                _("Fee complaints awaiting review"),
                count_to(FeeComplaint.objects.visible_to(user).filter(status=FeeComplaint.Status.RECEIVED)),
                reverse("fees:feecomplaint_list") + "?status=received",
                "bi-megaphone",
                "warning",
            )
        )
    if user.is_superuser or user.is_administrator or user.vendor_id:
        cards.append(
            Card(
                _("Fee breaches found by the rules, still open"),
                count_to(Finding.objects.visible_to(user).filter(kind__in=RULE_KINDS, status=Finding.Status.OPEN)),
                reverse("fees:overcharges"),
                "bi-exclamation-octagon",
                "danger",
            )
        )
    return cards
