"""The one base model every supervised model inherits: timestamps, change history, rules permissions;
and the portal's own rows (a large export built in the background)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from portal.accounts.scope import Scope


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows who may see its rows.

    Every list, detail, form, export, admin page and API endpoint starts from
    ``Model.objects.visible_to(user)``. Subclasses implement ``scope_filter(scope)``, which returns a
    ``Q`` for one role's scope, or ``None`` for "no restriction".
    """

    def visible_to(self, user):

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        scope = Scope.of(user)
        if scope is None:
            return self.none()
        condition = self.scope_filter(scope)
        return self if condition is None else self.filter(condition)

    def scope_filter(self, scope):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class UploaderQuerySet(ScopedQuerySet):
    """Rows seen by the user who made them (and superusers): an upload, which may hold what nobody else
    may see yet (unsubmitted prices, certificates not yet claimed)."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self if user.is_superuser else self.filter(created_by=user)

    def scope_filter(self, scope):  # pragma: no cover - visible_to is per user
        return None


class ParentScopedQuerySet(models.QuerySet):
    """Rows seen through the row they belong to (a file of an obligation): a row is visible to whoever
    may see its ``parent`` foreign key's target."""

    parent = ""

    def visible_to(self, user):
        related = self.model._meta.get_field(self.parent).related_model
        return self.filter(**{f"{self.parent}__in": related.objects.visible_to(user)})


class BaseModel(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    # What identifies the record and places it in a scope (name, credit code, region, operator …):
    # users who may change the record but lack its "change_identity" permission leave these alone.
    identity_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True


def locked_fields(user, obj) -> set[str]:
    """The identity fields of an existing ``obj`` that ``user`` may not change (empty for a new record:
    whether it may be created at all is the "add" permission's question)."""
    names = getattr(obj, "identity_fields", ())
    if not names or obj.pk is None or user.has_perm(obj.get_perm("change_identity"), obj):
        return set()
    return set(names)


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An export is seen by the user who asked for it: it holds that user's view of a list."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(created_by=user)


class ExportJob(BaseModel):
    """A list too long to export within a request (``portal.exports``), built by Celery.

    The workbook is built by calling the list's own view, as ``created_by``, with ``path`` and
    ``query``: the same filters, scope and columns as the page the user was on.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    title = models.CharField(_("title"), max_length=200)
    path = models.CharField(_("list address"), max_length=500)
    query = models.TextField(_("filters"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("export_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def list_url(self) -> str:
        """The page the export was made from."""
        return f"{self.path}?{self.query}" if self.query else self.path
