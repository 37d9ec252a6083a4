"""The dashboard's share of the trial: bidders' feedback to triage (administrators) and the counts of the
current round (its duties are obligations, in the deadline engine's worklist). A fixed number of queries."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.navigation import Card, WorkItem, local_date
from supervision.models import Obligation
from trial.models import Announcement, DecryptionIncident, Feedback, TrialRound


def work(user, limit: int) -> list[WorkItem]:
    if not user.is_administrator:
        return []
    return [
        WorkItem(
            _("Triage the bidders' feedback"),
            f"{f.tracking_number} · {f.get_category_display()}",
            f.get_absolute_url(),
            f.platform.name,
            since=local_date(f.created),
            icon="bi-chat-left-text",
        )
        for f in Feedback.objects.visible_to(user)
        .filter(status=Feedback.Status.RECEIVED)
        .select_related("platform")
        .order_by("created", "pk")[:limit]
    ]


def cards(user) -> list[Card]:
    trial_round = TrialRound.objects.current()
    if trial_round is None:
        return []
    overdue = Q(status=Obligation.Status.OVERDUE)
    duties = (
        Obligation.objects.visible_to(user)
        .filter(campaign=f"trial:{trial_round.code}")
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=overdue),
            announcements=Count("pk", filter=Q(kind=Obligation.Kind.ANNOUNCEMENT)),
            usage_overdue=Count("pk", filter=overdue & Q(kind=Obligation.Kind.USAGE_STATISTICS)),
        )
    )
    if not duties["total"] and not (user.is_superuser or user.is_administrator):
        return []  # vendors have no trial duties
    published = (
        Announcement.objects.visible_to(user).filter(round=trial_round, status=Announcement.Status.PUBLISHED).count()
    )
    overview = reverse("trial:overview") + f"?round={trial_round.code}"
    result = [
        Card(_("Trial: overdue duties"), duties["overdue"], overview, "bi-share", "danger"),
        Card(
            _("Trial: published announcements"),
            f"{published} / {duties['announcements']}",
            reverse("trial:announcement_list"),
            "bi-megaphone",
            "success",
        ),
        Card(
            _("Trial: usage reports overdue"),
            duties["usage_overdue"],
            reverse("trial:national_table"),
            "bi-clipboard-data",
            "warning",
        ),
        Card(
            _("Trial: decryption incidents"),
            DecryptionIncident.objects.visible_to(user).count(),
            reverse("trial:incident_list"),
            "bi-unlock",
            "secondary",
        ),
    ]
    if user.is_superuser or user.is_administrator:
        result.append(
            Card(
                _("Bidders' feedback awaiting triage"),
                Feedback.objects.visible_to(user).filter(status=Feedback.Status.RECEIVED).count(),
                reverse("trial:feedback_list") + "?status=received",
                "bi-chat-left-text",
                "primary",
            )
        )
    return result
