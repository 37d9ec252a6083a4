"""Obligations (任务/时限要求): one duty of one party, created by a directive, fulfilled by evidence."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.accounts.models import Role
from portal.accounts.scope import Scope
from portal.clauses import Basis, basis_of
from portal.models import BaseModel
from supervision.models.party import (
    PartyModel,
    PartyQuerySet,
    is_own_party,
    party_decider_in_scope,
    party_in_scope,
)


def new_dedup_key() -> str:
    return f"manual:{uuid.uuid4().hex}"


def decided_by_q(user) -> Q:
    """The duties whose level ``user`` decides, as a filter: the rule of ``party_decider_in_scope``
    (``Obligation.deciding_region`` and ``decides_for_region``). A provincial administrator decides every
    duty of its scope; a city administrator those of its own directives, or recorded by its own region
    without a directive; the province's directives' and rules' duties are the province's."""
    if user.is_superuser or (user.role == Role.PROVINCIAL_ADMIN and user.region_id is not None):
        return Q()
    scope = Scope.of(user)
    if scope is None or not scope.is_admin:
        return Q(pk__in=[])
    return (Q(directive__isnull=False) & scope.regions_q("directive__issuer__region")) | (
        Q(directive__isnull=True) & scope.regions_q("created_by__region")
    )


class Obligation(PartyModel, BaseModel):
    # What a searchable select matches as the user types (portal.autocomplete).
    autocomplete_fields = ("title",)

    class Kind(models.TextChoices):
        SAME_VENDOR_RECOGNITION = "same_vendor_recognition", _("Same-vendor recognition (同一机构证书互认)")
        CROSS_VENDOR_RECOGNITION = "cross_vendor_recognition", _("Cross-vendor recognition (不同机构证书互认)")
        FEE_REDUCTION = "fee_reduction", _("Fee reduction (降低收费)")
        CRYPTO_FILING = "crypto_filing", _("Cryptography filing (密码管理备案)")
        CERTIFICATE_EXPIRY = "certificate_expiry", _("CA certificate renewal before expiry")
        ANNOUNCEMENT = "announcement", _("Announcement (公告)")
        REMEDY_PLAN = "remedy_plan", _("Decryption-failure remedy plan (解密失败应急预案)")
        COMPONENT_AGREEMENT = "component_agreement", _("Component operation agreement (互认组件协议)")
        USAGE_STATISTICS = "usage_statistics", _("Usage statistics (使用情况统计)")
        COVERAGE = "coverage", _("Coverage of business domains (覆盖范围)")
        AGREEMENT_RENEWAL = "agreement_renewal", _("Agreement renewal (协议续签)")
        URGE_RECOGNITION = "urge_recognition", _("Urging the vendors' recognition (督促推进互认)")
        URGE_FEE_REDUCTION = "urge_fee_reduction", _("Urging and supervising the fee reduction (督促推进降费)")
        WRITTEN_REPORT = "written_report", _("Written report to the national office (书面报送)")
        CUSTOM = "custom", _("Other duty")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OVERDUE = "overdue", _("Overdue")
        FULFILLED = "fulfilled", _("Fulfilled")
        WAIVED = "waived", _("Waived")
        # Rule 6 of the domain notes: its due date had already passed when it was loaded, so the portal
        # holds no evidence of the time; the province confirms it as unmet (→ overdue) or fulfilled.
        TO_CONFIRM = "to_confirm", _("To be confirmed")
        # The party reported it done, with evidence; an administrator of the duty's scope accepts it
        # (→ fulfilled) or returns it (→ open again). A party never accepts its own fulfilment.
        REPORTED = "reported", _("Fulfilment reported")

    PENDING = (Status.OPEN, Status.OVERDUE)
    UNSETTLED = (Status.OPEN, Status.OVERDUE, Status.TO_CONFIRM)  # evidence may still fulfil it

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, default=Kind.CUSTOM)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    directive = models.ForeignKey(
        "supervision.Directive",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("directive"),
    )
    due_date = models.DateField(
        _("due date"), null=True, blank=True, help_text=_("Leave empty for “as soon as possible” (尽快).")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    key = models.CharField(
        _("matching key"), max_length=100, blank=True, help_text=_("Used by other modules to match evidence.")
    )
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True, default=new_dedup_key)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True, db_index=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fulfilled by"),
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    recipient = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owed to"),
        help_text=_("The body the duty is reported to (e.g. 法规司, a lead department); its reminders copy it."),
    )

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "pk"]
        indexes = [
            # A status's duties by date (the task lists, each status's count): read in the lists' order.
            models.Index(fields=["status", "due_date", "id"], name="obligation_status_due_id"),
            models.Index(fields=["due_date", "id"], name="obligation_due_id"),  # the list's order
            # The duties still to do, by date (the dashboard's worklist: the most urgent first).
            models.Index(
                fields=["due_date", "id"], name="obligation_pending_due", condition=Q(status__in=["open", "overdue"])
            ),
            # The duties with no date, oldest first (我的任务's "as soon as possible" list).
            models.Index(
                fields=["created", "id"],
                name="obligation_pending_undated",
                condition=Q(status__in=["open", "overdue"], due_date__isnull=True),
            ),
        ]
        constraints = [
            *PartyModel.Meta.constraints,
            models.CheckConstraint(
                name="obligation_status_valid",
                condition=Q(status__in=["open", "overdue", "fulfilled", "waived", "to_confirm", "reported"]),
            ),
            models.CheckConstraint(
                name="obligation_fulfilled_has_time",
                condition=~Q(status="fulfilled") | Q(fulfilled_at__isnull=False),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            # A duty created by a province-wide directive is the province's: a city administrator changes,
            # waives and accepts only the duties of its own directives (it reports the others done).
            "change": p.is_superuser | party_decider_in_scope,
            "fulfil": p.is_superuser | party_in_scope,
            # A party never accepts its own fulfilment: an office's own duty is accepted by the level above
            # (a city office's by the province); reported by the office, it waits for that level.
            "accept": p.is_superuser | (party_decider_in_scope & ~is_own_party),
            # Nor does it release itself from its duty.
            "waive": p.is_superuser | (party_decider_in_scope & ~is_own_party),
            "confirm_unmet": p.is_superuser | p.is_provincial_admin,
            # Urge the party of an overdue duty with a supervision letter (督办函): the level that decides it.
            "supervise": p.is_superuser | party_decider_in_scope,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:obligation_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.clean_party()
        if self.due_date and self.directive_id and self.due_date < self.directive.earliest_date:
            raise ValidationError(
                {
                    "due_date": _("The due date %(due)s is before the directive's date %(issued)s.")
                    % {"due": self.due_date.isoformat(), "issued": self.directive.earliest_date.isoformat()}
                }
            )

    def deciding_region(self):
        """The region whose administrators decide this duty: its directive's issuer's, else the region of
        the administrator who recorded it; None for a duty of the province's own rules."""
        if self.directive_id:
            return self.directive.issuer.region
        if self.created_by_id:
            return self.created_by.region
        return None

    @property
    def basis(self) -> Basis | None:
        """The clause the duty rests on, from the rule that creates its kind (``portal.clauses``); None
        for a duty entered by hand, whose directive is its basis."""
        return basis_of("obligation", self.kind, key=self.dedup_key)

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def days_left(self, today=None) -> int | None:
        if self.due_date is None:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    def days_overdue(self, today=None) -> int | None:
        """Days past the due date of a duty still pending (the 逾期天数 of the lists); None otherwise."""
        left = self.days_left(today)
        return -left if left is not None and left < 0 and self.is_pending else None

    def age_days(self, today=None) -> int:
        """How long it has been open: for duties with no date (“as soon as possible”).

        A duty is open from the directive that creates it, not from the day the row was entered
        (the 2019 duties were recorded years later)."""
        opened = timezone.localtime(self.created).date()
        if self.directive_id and self.directive.earliest_date < opened:
            opened = self.directive.earliest_date
        return ((today or timezone.localdate()) - opened).days
