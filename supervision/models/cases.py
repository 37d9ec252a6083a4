"""Rectification cases (整改): findings of one party sent to it with a due date; the timeline of each."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.models import BaseModel, ScopedQuerySet
from supervision.models.party import PartyModel, PartyQuerySet, party_admin_in_scope, party_in_scope, party_rows_q


class RectificationCase(PartyModel, BaseModel):
    # What a searchable select matches as the user types (portal.autocomplete).
    autocomplete_fields = ("number", "title")

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTIFIED = "notified", _("Notice sent")
        RESPONDED = "responded", _("Response submitted")
        RETURNED = "returned", _("Returned for more")
        CLOSED = "closed", _("Verified and closed")
        ESCALATED = "escalated", _("Escalated")

    # The party may answer while the case waits for it (also late, once escalated).
    AWAITING_PARTY = (Status.OPENED, Status.NOTIFIED, Status.RETURNED)
    ANSWERABLE = (*AWAITING_PARTY, Status.ESCALATED)
    OPEN = (*AWAITING_PARTY, Status.RESPONDED, Status.ESCALATED)

    number = models.CharField(_("case number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts and requirements"))
    findings = models.ManyToManyField(
        "supervision.Finding", related_name="cases", verbose_name=_("findings"), blank=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPENED)
    due_date = models.DateField(_("due date"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    document_number = models.CharField(_("document number (文号)"), max_length=60, blank=True)
    issuing_authority = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing authority"),
    )
    notice_pdf = models.FileField(_("rectification notice (PDF)"), upload_to="cases/notices/", blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The time of the latest response (``CaseResponse.created``), set with it by ``engine.cases.respond``:
    # the dashboard lists the responses to verify in this order from an index, not from every response.
    responded_at = models.DateTimeField(_("latest response at"), null=True, blank=True)
    rounds = models.PositiveSmallIntegerField(_("responses submitted"), default=0)
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="case_status_due"),
            models.Index(fields=["created", "id"], name="case_created_id"),  # the list's order
            # The dashboard's responses to verify, by their latest response (read in order, to its limit).
            models.Index(fields=["responded_at", "id"], name="case_to_verify", condition=Q(status="responded")),
            # The dashboard's open cases counted by party: read from this index alone, not the table.
            models.Index(
                fields=["vendor", "platform", "authority"],
                name="case_open_party",
                condition=Q(status__in=["opened", "notified", "returned", "responded", "escalated"]),
            ),
        ]
        constraints = [
            *PartyModel.Meta.constraints,
            models.CheckConstraint(
                name="case_status_valid",
                condition=Q(status__in=["opened", "notified", "responded", "returned", "closed", "escalated"]),
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser | party_admin_in_scope,
            "respond": p.is_superuser | (party_in_scope & ~p.is_admin),
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:case_detail", args=[self.pk])

    @staticmethod
    def default_facts(findings) -> str:
        """The facts of a case whose administrator wrote none: its findings' summaries, numbered."""
        return "\n".join(f"{i}. {f.summary}" for i, f in enumerate(findings, 1))

    @property
    def facts_beyond_findings(self) -> str:
        """The facts as the case's page shows them: the findings are listed beside them, so facts that only
        repeat them (the default) are not shown twice."""
        if self.facts.strip() == self.default_facts(self.findings.all()):
            return _("As the findings listed below.")
        return self.facts

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CaseEvent(models.Model):
    """One step in a case's timeline (state changes are rows)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTICE = "notice", _("Notice generated and sent")
        RESPONDED = "responded", _("Response submitted")
        RETURNED = "returned", _("Returned for more")
        CLOSED = "closed", _("Verified and closed")
        ESCALATED = "escalated", _("Escalated")
        CRITICISED = "criticised", _("Named in a public criticism")
        NOTE = "note", _("Note")

    case = models.ForeignKey(RectificationCase, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("text"), blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_kind_display()}"


class CaseResponse(models.Model):
    case = models.ForeignKey(
        RectificationCase, on_delete=models.CASCADE, related_name="responses", verbose_name=_("case")
    )
    text = models.TextField(_("response"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("submitted by")
    )
    created = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return party_rows_q(scope, "case", RectificationCase)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification response")
        verbose_name_plural = _("rectification responses")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.created:%Y-%m-%d}"
