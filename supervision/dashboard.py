"""The dashboard's share of the registry and the deadline engine: what awaits the user (duties late or due
this week, duties with no date for their party, reported fulfilments to accept, duties to confirm, cases
to answer or to verify) and the counts, each linking to its filtered list. A fixed number of queries."""

import datetime

from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.navigation import Card, WorkItem, local_date
from portal.pagination import count_to
from supervision.models import Authority, CAVendor, Contact, Obligation, Platform, RectificationCase
from supervision.models.obligations import decided_by_q
from supervision.models.party import own_authority_q

PARTY = ("vendor", "platform", "authority")
WEEK = datetime.timedelta(days=7)


def week_end(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=6 - today.weekday())


def party_name(row) -> str:
    party = row.vendor or row.platform or row.authority
    return getattr(party, "short_name", "") or str(party or "")


def opened_on(obligation: Obligation) -> datetime.date:
    """The day a duty with no date opened (as ``Obligation.age_days`` counts it)."""
    recorded = local_date(obligation.created)
    if obligation.directive_id and obligation.directive.earliest_date < recorded:
        return obligation.directive.earliest_date
    return recorded


PARTY_IDS = ("vendor_id", "platform_id", "authority_id")


def party_of(row: dict) -> tuple[str, int]:
    """(field, id) of the party a row of ``PARTY_IDS`` names."""
    return next(((field, row[field]) for field in PARTY_IDS if row[field]), ("", 0))


def party_names(rows: list[dict]) -> dict[tuple[str, int], str]:
    """(field, id) → name of the parties of ``rows`` (one query, none for no rows)."""
    ids = {field: [row[field] for row in rows if row[field]] for field in PARTY_IDS}
    parts = [
        model.objects.filter(pk__in=ids[field]).order_by().annotate(field=Value(field)).values_list("field", "pk", name)
        for field, model, name in (
            ("vendor_id", CAVendor, "short_name"),
            ("platform_id", Platform, "name"),
            ("authority_id", Authority, "name"),
        )
        if ids[field]
    ]
    if not parts:
        return {}
    return {(field, pk): name for field, pk, name in parts[0].union(*parts[1:], all=True)}


def is_party_user(user) -> bool:
    return bool(user.vendor_id or user.platform_id)


def work(user, limit: int) -> list[WorkItem]:
    today = timezone.localdate()
    obligations = Obligation.objects.visible_to(user).select_related(*PARTY)
    items = [
        WorkItem(
            _("Overdue duty") if o.due_date < today else _("Duty due within a week"),
            o.title,
            o.get_absolute_url(),
            party_name(o),
            due=o.due_date,
            icon="bi-alarm" if o.due_date < today else "bi-hourglass-split",
        )
        for o in obligations.filter(status__in=Obligation.PENDING, due_date__lte=today + WEEK).order_by(
            "due_date", "pk"
        )[:limit]
    ]
    cases = RectificationCase.objects.visible_to(user).select_related(*PARTY)
    if is_party_user(user):
        # A party's own duties "as soon as possible" are its to do, counted from their directive.
        items += [
            WorkItem(
                _("Duty to do as soon as possible"),
                o.title,
                o.get_absolute_url(),
                party_name(o),
                since=opened_on(o),
                icon="bi-lightning",
            )
            for o in obligations.filter(status__in=Obligation.PENDING, due_date__isnull=True)
            .select_related("directive")
            .order_by("created", "pk")[:limit]
        ]
        items += [
            WorkItem(
                _("Answer the rectification case"),
                f"{c.number} {c.title}",
                c.get_absolute_url(),
                party_name(c),
                due=c.due_date,
                icon="bi-clipboard-check",
            )
            for c in cases.filter(status__in=RectificationCase.ANSWERABLE).order_by("due_date", "pk")[:limit]
        ]
        return items
    if not user.is_administrator:
        return items
    items += [
        WorkItem(
            _("Accept or return the reported fulfilment"),
            o.title,
            o.get_absolute_url(),
            party_name(o),
            since=local_date(o.updated),
            icon="bi-check2-square",
        )
        # only those the user's level decides, and not its own office's: the level above accepts them
        for o in obligations.filter(decided_by_q(user), status=Obligation.Status.REPORTED)
        .exclude(authority__in=Authority.objects.filter(own_authority_q(user)))
        .order_by("updated", "pk")[:limit]
    ]
    items += [
        WorkItem(
            _("Verify the response to the case"),
            f"{c.number} {c.title}",
            c.get_absolute_url(),
            party_name(c),
            since=local_date(c.responded_at),
            icon="bi-clipboard-check",
        )
        # By the time of their latest response, kept on the case: read in order from the partial index
        # ``case_to_verify`` up to the limit, not the latest of every response grouped and sorted.
        for c in cases.filter(status=RectificationCase.Status.RESPONDED).order_by("responded_at", "pk")[:limit]
    ]
    if user.has_perm(Obligation.get_perm("confirm_unmet")):
        items += [
            WorkItem(
                _("Confirm whether the duty was met"),
                o.title,
                o.get_absolute_url(),
                party_name(o),
                due=o.due_date,
                note=_("to be confirmed: loaded late"),
                icon="bi-question-circle",
            )
            for o in obligations.filter(status=Obligation.Status.TO_CONFIRM).order_by("due_date", "pk")[:limit]
        ]
    return items


def registry_cards(user) -> list[Card]:
    # 23号 四 acts on what the cryptography administration determined: a vendor known to be without a
    # valid filing is counted apart from one whose filing is not yet on record (unknown is not unfiled).
    vendors = CAVendor.objects.visible_to(user).aggregate(
        total=Count("pk"),
        unfiled=Count("pk", filter=CAVendor.unfiled_q(timezone.localdate())),
        unknown=Count("pk", filter=Q(crypto_filing_status=CAVendor.FilingStatus.UNKNOWN)),
    )
    return [
        Card(_("CA vendors"), vendors["total"], reverse("supervision:vendor_list"), "bi-building-lock"),
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
            _("Vendors known to be without a valid cryptography filing"),
            vendors["unfiled"],
            reverse("supervision:vendor_list") + "?filing=unfiled",
            "bi-exclamation-triangle",
            "warning",
            note=_(
                "Determined not filed by the cryptography administration, or the recorded filing expired or was revoked."
            ),
        ),
        Card(
            _("Vendors whose cryptography filing is to be confirmed"),
            vendors["unknown"],
            reverse("supervision:vendor_list") + "?crypto_filing_status=unknown",
            "bi-question-circle",
            "info",
            note=_("No filing and no determination on record yet: not a violation."),
        ),
    ]


def deadline_cards(user) -> list[Card]:
    """Each count on its own, capped (``count_to``): each reads its status from the (status, due date)
    index and stops at the cap, where one aggregate would read every duty of the scope."""
    today = timezone.localdate()
    end = week_end(today)
    obligations = Obligation.objects.visible_to(user)
    counts = {
        "week": count_to(obligations.filter(status=Obligation.Status.OPEN, due_date__range=(today, end))),
        "overdue": count_to(obligations.filter(status=Obligation.Status.OVERDUE)),
        "asap": count_to(obligations.filter(status__in=Obligation.PENDING, due_date__isnull=True)),
        "to_confirm": count_to(obligations.filter(status=Obligation.Status.TO_CONFIRM)),
        "reported": count_to(obligations.filter(status=Obligation.Status.REPORTED)),
    }
    open_cases = RectificationCase.objects.visible_to(user).filter(status__in=RectificationCase.OPEN)
    # The three parties with the most open cases: counted by their keys (no join of every case to its
    # party's name), then the three named. COUNT(*) over the keys alone reads the partial index of the
    # open cases' keys (``case_open_party``, already in their order) and never the table.
    by_party = list(
        open_cases.values("vendor_id", "platform_id", "authority_id")
        .annotate(n=Count("*"))
        .order_by("-n", *PARTY_IDS)[:3]
    )
    names = party_names(by_party)
    note = "；".join(f"{names.get(party_of(row), '')} {row['n']}" for row in by_party)
    obligation_list = reverse("supervision:obligation_list")
    cards = [
        Card(
            _("Due this week"),
            counts["week"],
            f"{obligation_list}?status=open&due_after={today:%Y-%m-%d}&due_before={end:%Y-%m-%d}",
            "bi-hourglass-split",
            "warning",
        ),
        Card(_("Overdue obligations"), counts["overdue"], f"{obligation_list}?status=overdue", "bi-alarm", "danger"),
        Card(
            _("Duties with no date (as soon as possible)"),
            counts["asap"],
            f"{obligation_list}?status=open&no_date=true",
            "bi-lightning",
            "secondary",
            _("Not overdue: their age counts from the directive."),
        ),
        Card(
            _("Duties to be confirmed"),
            counts["to_confirm"],
            f"{obligation_list}?status=to_confirm",
            "bi-question-circle",
            "info",
            _("Their due date had passed when they were loaded: the province confirms each as unmet or met."),
        ),
        Card(
            _("Fulfilments reported, awaiting acceptance"),
            counts["reported"],
            f"{obligation_list}?status=reported",
            "bi-check2-square",
            "info",
        ),
        Card(
            _("Open rectification cases"),
            count_to(open_cases),
            reverse("supervision:case_board"),
            "bi-clipboard-check",
            "primary",
            note,
        ),
    ]
    return cards


def cards(user) -> list[Card]:
    return deadline_cards(user) + registry_cards(user)
