"""Findings (问题): something wrong, found by a rule or a person, raised once per deduplication key."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.clauses import Basis, basis_of, rule_of
from portal.facts import FactList
from portal.models import BaseModel
from supervision.models.party import PartyModel, PartyQuerySet, party_admin_in_scope, party_decider_in_scope


class Finding(PartyModel, BaseModel):
    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Overdue obligation")
        OVERCHARGE = "overcharge", _("Over-charge")
        PROHIBITED_FEE = "prohibited_fee", _("Prohibited fee item")
        REPEATED_CHARGE = "repeated_charge", _("Repeated charge")
        UNFILED_VENDOR = "unfiled_vendor", _("Unfiled CA vendor")
        TRUST_LIST_DISCREPANCY = "trust_list_discrepancy", _("Trust-list discrepancy")
        COMPLAINT_UPHELD = "complaint_upheld", _("Complaint upheld")
        COVERAGE_INCOMPLETE = "coverage_incomplete", _("Coverage incomplete")
        INCIDENT_WITHOUT_PLAN = "incident_without_plan", _("Incident without a remedy plan")
        REFUSAL = "refusal", _("Refusal of a shared certificate")
        TECHNICAL_BARRIER = "technical_barrier", _("Technical barrier or modified standard")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finding", "Open")  # 待处理: a duty's "Open" is 未完成
        IN_RECTIFICATION = "in_rectification", _("In rectification")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    summary = models.CharField(_("summary"), max_length=300)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    obligation = models.ForeignKey(
        "supervision.Obligation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("obligation"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["created", "id"], name="finding_created_id"),  # the list's order
            models.Index(fields=["kind", "status"], name="finding_kind_status"),  # the dashboard's counts
        ]
        constraints = [
            *PartyModel.Meta.constraints,
            models.CheckConstraint(
                name="finding_status_valid",
                condition=Q(status__in=["open", "in_rectification", "resolved", "dismissed"]),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            # Editing and dismissing decide the finding: one raised by the province's rules is the
            # province's. Opening a rectification case acts on it: the region's administrators urge
            # the party (豫公管办〔2019〕23号: the trading centers notify, urge and supervise).
            "change": p.is_superuser | party_decider_in_scope,
            "open_case": p.is_superuser | party_admin_in_scope,
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("supervision:finding_detail", args=[self.pk])

    @property
    def basis(self) -> Basis | None:
        """What the finding rests on: the basis stored when it was raised, else its duty's, else the one
        of the rule that produces its kind (``portal.clauses``); None for a person's finding of another
        kind, whose evidence says it."""
        if stored := Basis.from_facts(self.facts):
            return stored
        if self.obligation_id and (duty := self.obligation.basis):
            return duty
        return basis_of("finding", self.kind)

    @property
    def readable_facts(self) -> FactList:
        """The facts as a page shows them (the basis has a row of its own)."""
        return FactList(self.facts, skip=("basis",))

    @property
    def finder(self):
        """Who raised it: the person, or the portal's rule that found it ("系统规则：超标准收费", linked
        to the rule in the rule register)."""
        if self.raised_by_id:
            return self.raised_by
        basis = Basis.from_facts(self.facts)
        rule = rule_of("finding", self.kind, basis.directive if basis else "")
        text = gettext("System rule: %(kind)s") % {"kind": self.get_kind_display()}
        if rule is None:
            return text
        return format_html('<a href="{}#rule-{}">{}</a>', reverse("supervision:rule_register"), rule.code, text)

    def deciding_region(self):
        """The region whose administrators decide this finding: the region of the administrator who
        raised it, else its duty's; None for a finding of the province's rules."""
        if self.raised_by_id:
            return self.raised_by.region
        if self.obligation_id:
            return self.obligation.deciding_region()
        return None

    def clean(self) -> None:
        super().clean()
        self.clean_party()
