"""Dashboard cards of the trial (added to supervision's dashboard)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.navigation import Card
from supervision.models import Obligation
from trial.models import Announcement, DecryptionIncident, Feedback, TrialRound


def cards(user) -> list[Card]:
    trial_round = TrialRound.objects.current()
    if trial_round is None:
        return []
    duties = Obligation.objects.visible_to(user).filter(campaign=f"trial:{trial_round.code}")
    if not duties.exists() and not (user.is_superuser or user.is_administrator):
        return []  # vendors have no trial duties
    announcements = Announcement.objects.visible_to(user).filter(round=trial_round)
    overview = reverse("trial:overview") + f"?round={trial_round.code}"
    result = [
        Card(
            _("Trial: overdue duties"),
            duties.filter(status=Obligation.Status.OVERDUE).count(),
            overview,
            "bi-share",
            "danger",
        ),
        Card(
            _("Trial: published announcements"),
            f"{announcements.filter(status=Announcement.Status.PUBLISHED).count()} / {duties.filter(kind=Obligation.Kind.ANNOUNCEMENT).count()}",
            reverse("trial:announcement_list"),
            "bi-megaphone",
            "success",
        ),
        Card(
            _("Trial: usage reports overdue"),
            duties.filter(kind=Obligation.Kind.USAGE_STATISTICS, status=Obligation.Status.OVERDUE).count(),
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
