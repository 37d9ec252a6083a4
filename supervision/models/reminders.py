"""Reminder policy (stages) and notifications: one row per (subject, stage, recipient, channel).

A notification is written *before* it is sent (status ``pending``), claimed with a conditional
UPDATE (``claimed``) by exactly one worker, and updated after the attempt (``sent`` or
``failed`` with the error, the attempt count and the time of the next attempt). The unique
constraint makes a second row for the same step impossible, so nothing is sent twice.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from supervision.models.party import party_scope_q

DEFAULT_STAGES = [14, 7, 1, 0]


def validate_stages(value) -> None:
    """Reminder stages: a list of whole numbers of days before the due date (0 = the due day)."""
    if not isinstance(value, list) or not value:
        raise ValidationError(
            _("Enter the reminder stages as a list of whole numbers of days, for example [14, 7, 1, 0]."),
            code="stages_not_list",
        )
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise ValidationError(
                _("Each reminder stage must be a whole number of days; “%(value)s” is not.") % {"value": item},
                code="stage_not_integer",
            )
        if not 0 <= item <= 365:
            raise ValidationError(
                _("Reminder stages lie between 0 (the due day) and 365 days before it; “%(value)s” does not.")
                % {"value": item},
                code="stage_out_of_range",
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each reminder stage may appear only once."), code="stage_repeated")


class ReminderPolicy(BaseModel):
    """The one set of reminder rules of the portal, editable by the provincial administrator."""

    stages = models.JSONField(
        _("reminder stages (days before the due date)"),
        default=list,
        validators=[validate_stages],
        help_text=_("Whole numbers of days before the due date; 0 is the due day. Default: 14, 7, 1, 0."),
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("while overdue, remind every (days)"), default=7, help_text=_("0 turns overdue reminders off.")
    )
    case_due_days = models.PositiveSmallIntegerField(_("default time for a rectification (days)"), default=15)
    # Duties "as soon as possible" (尽快) have no date: they remind by age and escalate after an age.
    asap_every_days = models.PositiveSmallIntegerField(
        _("“as soon as possible” duties: remind every (days of age)"),
        default=30,
        help_text=_("A duty with no date is reminded at 30, 60, 90 … days of age; 0 turns these reminders off."),
    )
    asap_escalate_days = models.PositiveSmallIntegerField(
        _("“as soon as possible” duties: overdue after (days watched)"),
        default=180,
        help_text=_(
            "Days after the portal started watching the duty (not after the directive) when an open duty with no "
            "date counts as overdue and raises its finding; 0 never."
        ),
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts per message before giving up"), default=8)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policy")
        constraints = [
            models.CheckConstraint(name="reminder_policy_case_days_positive", condition=Q(case_due_days__gte=1)),
            models.CheckConstraint(name="reminder_policy_attempts_positive", condition=Q(max_attempts__gte=1)),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_provincial_admin,
            "change": p.is_superuser | p.is_provincial_admin,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return str(_("Reminder policy"))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:reminder_policy")

    @classmethod
    def current(cls) -> "ReminderPolicy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls(stages=list(DEFAULT_STAGES))

    def clean(self) -> None:
        super().clean()
        validate_stages(self.stages)
        self.stages = sorted(self.stages, reverse=True)

    def overdue_from(self, due_date: datetime.date | None, created: datetime.datetime) -> datetime.date | None:
        """The first day a duty counts as overdue: the day after its date; for one with no date (尽快),
        the day the portal has watched it (since ``created``) for ``asap_escalate_days``. ``None``: never
        (no date and the policy's age is 0)."""
        if due_date is not None:
            return due_date + datetime.timedelta(days=1)
        if not self.asap_escalate_days:
            return None
        return timezone.localtime(created).date() + datetime.timedelta(days=self.asap_escalate_days)

    def stage_for(self, due_date: datetime.date, today: datetime.date) -> str | None:
        """The reminder stage reached on ``today``: "d14", "d7", "d1", "d0" (due day), "o7", "o14" … (overdue).

        The most recent threshold passed counts, so a day without a sweep loses no reminder: it is
        sent on the next run. ``None`` before the first stage.
        """
        days_left = (due_date - today).days
        if days_left >= 0:
            reached = [stage for stage in self.stages if stage >= days_left]
            return f"d{min(reached)}" if reached else None
        overdue = -days_left
        if self.overdue_every_days and overdue >= self.overdue_every_days:
            return f"o{overdue // self.overdue_every_days * self.overdue_every_days}"
        return "d0" if 0 in self.stages else (f"d{min(self.stages)}" if self.stages else None)

    def asap_stage(self, age_days: int) -> str | None:
        """The reminder stage of a duty with no date at ``age_days`` of age: "a30", "a60", … or None."""
        every = self.asap_every_days
        if not every or age_days < every:
            return None
        return f"a{age_days // every * every}"

    @property
    def horizon_days(self) -> int:
        return max(self.stages or [0])


# The steps of a rectification case a message is about; a later round adds its number ("response2").
CASE_STAGES = {
    "notice": _("rectification notice"),
    "response": _("response awaiting verification"),
    "returned": _("returned for more"),
    "closed": _("verified and closed"),
    "escalated": _("escalated"),
}
# Messages sent once, not on a schedule: a supervision letter (督办函), a note to the national office.
ONCE_STAGES = {
    "issued": _("supervision letter (督办函)"),
    "sent": _("notice to the national office"),
}
STAGE = re.compile(r"(?P<kind>[a-z]+)(?P<number>\d*)")
WEEK = re.compile(r"(?P<year>\d{4})-W(?P<week>\d{2})")


def stage_label(stage: str) -> str:
    """A message's stage as a person reads it: "d7" 7 days before the due date, "d0" the due day, "o3"
    day 3 overdue, "a90" open for 90 days (a duty with no date), a case's step ("notice", "response2"),
    a weekly digest's week ("2026-W48"). An unknown stage stays as it is."""
    if week := WEEK.fullmatch(stage):
        return gettext("weekly digest, week %(week)s of %(year)s") % {
            "week": int(week["week"]),
            "year": week["year"],
        }
    if stage in ONCE_STAGES:
        return str(ONCE_STAGES[stage])
    match = STAGE.fullmatch(stage)
    if match is None:
        return stage
    kind, number = match["kind"], match["number"]
    if kind in CASE_STAGES:
        label = str(CASE_STAGES[kind])
        return gettext("%(stage)s (round %(round)s)") % {"stage": label, "round": number} if number else label
    if not number:
        return stage
    days = int(number)
    if kind == "d":
        return gettext("the due day") if days == 0 else gettext("%(days)s days before the due date") % {"days": days}
    if kind == "o":
        return gettext("day %(days)s overdue") % {"days": days}
    if kind == "a":
        return gettext("open for %(days)s days") % {"days": days}
    return stage


class Notification(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        INBOX = "inbox", _("Portal inbox")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")
        CANCELLED = "cancelled", _("Not sent: no longer due")

    topic = models.CharField(
        _("topic"), max_length=80, help_text=_("What it is about: obligation:12, case:3, digest:7.")
    )
    stage = models.CharField(_("stage"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, help_text=_("An e-mail address or a user's id."))
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("user"),
        db_index=False,  # the inbox index starts with the user
    )
    obligation = models.ForeignKey(
        "supervision.Obligation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("obligation"),
    )
    case = models.ForeignKey(
        "supervision.RectificationCase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("rectification case"),
    )
    is_copy = models.BooleanField(_("copy to the supervising authority"), default=False)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    attachment = models.CharField(_("attached file"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            # The send log of what the user may see; a portal inbox is filtered by user on top.
            # Through the row's obligation or case, joined by primary key: read newest first (the
            # (created, id) index), the rows are checked one by one and the page is found long before
            # the scope's tens of thousands of duties would have been listed as ids.
            return party_scope_q(scope, "obligation__") | party_scope_q(scope, "case__")

        def inbox(self, user):
            if user is None or not user.is_authenticated:
                return self.none()
            return self.filter(user=user, channel=Notification.Channel.INBOX, status=Notification.Status.SENT)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "stage", "channel", "recipient"], name="notification_once_per_step"
            ),
            models.CheckConstraint(
                name="notification_status_valid",
                condition=Q(status__in=["pending", "claimed", "sent", "failed", "gave_up", "cancelled"]),
            ),
            models.CheckConstraint(
                name="notification_inbox_has_user", condition=~Q(channel="inbox") | Q(user__isnull=False)
            ),
        ]
        indexes = [
            # Partial indexes: only the rows still to send (read in batches by id, each batch from where
            # the last one ended), only the rows held by a worker.
            models.Index(fields=["id"], name="notification_queue", condition=Q(status__in=["pending", "failed"])),
            models.Index(fields=["user", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["claim"], name="notification_claim", condition=~Q(claim="")),
            models.Index(fields=["created", "id"], name="notification_created_id"),  # newest first
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser,
            "change": p.is_superuser,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_name or self.recipient}"

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def address(self) -> str:
        """Where it went: the e-mail address, or for the portal inbox the user (its ``recipient`` is the
        user's id, which is no address a person reads)."""
        if self.channel == self.Channel.INBOX and self.user_id:
            return str(self.user)
        return self.recipient
