"""The one base model every supervised model inherits: timestamps, change history, rules permissions."""

from django.db import models
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
