"""Directives (政策文件): the documents that create duties, and their forwarding chains (转发)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import predicates as p
from portal.accounts.scope import Scope
from portal.models import BaseModel, ScopedQuerySet


class Directive(BaseModel):
    number = models.CharField(_("document number (文号)"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        "supervision.Authority", on_delete=models.PROTECT, related_name="directives", verbose_name=_("issuer")
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year in the document number (〔2019〕)."))
    issued_on = models.DateField(
        _("date of issue"), null=True, blank=True, help_text=_("Leave empty when the document does not state it.")
    )
    text = models.TextField(_("full text"), blank=True)
    forwards = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_by",
        verbose_name=_("forwards (转发)"),
        help_text=_("The directive this one forwards, for forwarding chains."),
    )
    addressed_vendors = models.ManyToManyField(
        "supervision.CAVendor", blank=True, related_name="directives", verbose_name=_("addressed CA vendors")
    )
    is_demo = models.BooleanField(_("demonstration data (示例)"), default=False)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None  # Directives are public documents.

        def citable_by(self, user):
            """The directives whose duties ``user`` records: a provincial administrator cites any, a city
            administrator only its own region's (it forwards a provincial one to add duties of its own).
            The same rule as ``p.decides_for_region`` on the issuer's region."""
            queryset = self.visible_to(user)
            if user.is_superuser or p.is_provincial_admin(user):
                return queryset
            scope = Scope.of(user) if user.is_authenticated else None
            if scope is None or not scope.is_admin:
                return queryset.none()
            return queryset.filter(scope.regions_q("issuer__region"))

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-year", "-issued_on", "number"]
        constraints = [
            models.CheckConstraint(
                name="directive_does_not_forward_itself", condition=Q(forwards__isnull=True) | ~Q(forwards=F("pk"))
            ),
        ]
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser
            | (p.is_admin & p.rules.predicate(lambda u, d: d is None or _issuer_in_scope(u, d))),
            "delete": p.is_superuser,
        }

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:directive_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        match = re.search(r"〔(\d{4})〕", self.number or "")
        if match and self.year and int(match.group(1)) != self.year:
            raise ValidationError({"year": _("The year does not match the document number.")})
        if self.issued_on and self.year and self.issued_on.year != self.year:
            raise ValidationError({"issued_on": _("The date of issue is not in the directive's year.")})
        if self.forwards_id:
            seen, current = {self.pk}, self.forwards
            while current is not None:
                if current.pk in seen:
                    raise ValidationError({"forwards": _("A directive cannot forward itself, even indirectly.")})
                seen.add(current.pk)
                current = current.forwards
            if self.year and self.forwards.year and self.earliest_date < self.forwards.earliest_date:
                raise ValidationError(
                    {"issued_on": _("A forwarding directive cannot be older than the one it forwards.")}
                )

    @property
    def earliest_date(self) -> datetime.date:
        """The date of issue, or the first day of its year when the document does not state the day."""
        return self.issued_on or datetime.date(self.year, 1, 1)

    @property
    def issue_date_label(self) -> str:
        """The date of issue as the document bears it; where it bears none, say so (never invented)."""
        if self.issued_on:
            return self.issued_on.isoformat()
        return _("Not stated in the document (ages count from %(date)s)") % {"date": self.earliest_date.isoformat()}

    @property
    def chain(self) -> list["Directive"]:
        """This directive and the ones it forwards, newest first."""
        chain, current, seen = [], self, set()
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.forwards
        return chain


def _issuer_in_scope(user, directive) -> bool:

    scope = Scope.of(user)
    return scope is not None and directive.issuer_id is not None and scope.covers_region(directive.issuer.region)


def attachment_path(instance, filename: str) -> str:
    return f"directives/{instance.directive_id}/{filename}"


class DirectiveAttachment(BaseModel):
    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("directive")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path)

    class QuerySet(ScopedQuerySet):
        def scope_filter(self, scope):
            return None

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = _("directive attachment")
        verbose_name_plural = _("directive attachments")
        ordering = ["pk"]
        # A directive's attachments are its issuer's, like its text.
        rules_permissions = {
            "view": p.rules.is_authenticated,
            "add": p.is_superuser | p.is_admin,
            "change": p.is_superuser
            | (p.is_admin & p.rules.predicate(lambda u, a: a is None or _issuer_in_scope(u, a.directive))),
            "delete": p.is_superuser
            | (p.is_admin & p.rules.predicate(lambda u, a: a is None or _issuer_in_scope(u, a.directive))),
        }

    def __str__(self) -> str:
        return self.title
