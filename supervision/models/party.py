"""The responsible party of an obligation, a finding or a case: exactly one CA vendor, platform or authority."""

from __future__ import annotations

import rules
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.predicates import decides_for_region
from portal.accounts.scope import Scope
from portal.models import ScopedQuerySet
from supervision import conf
from supervision.models.registry import Authority, CAVendor, Platform, Region, supervised_party_ids

PARTY_FIELDS = ("vendor", "platform", "authority")
REPORTING_KINDS = ("lead_department", "enterprise")


def party_field(party) -> str:
    """The name of the foreign key that holds ``party`` ("vendor", "platform" or "authority")."""

    for model, name in ((CAVendor, "vendor"), (Platform, "platform"), (Authority, "authority")):
        if isinstance(party, model):
            return name
    raise TypeError(f"A party is a CA vendor, a platform or an authority, not {type(party).__name__}.")


def party_lookup(party, prefix: str = "") -> dict:
    """``{"vendor_id": 3}`` for a vendor, etc.: filter a party model's rows by party."""
    if party.pk is None:
        raise ValueError("The party must be saved first.")
    return {f"{prefix}{party_field(party)}_id": party.pk}


def in_supervising_province(scope) -> bool:
    """Vendors have no region: all administrators of the supervising province see their duties."""
    return conf.in_supervising_province(scope.region_code)


def national_party_q(scope, prefix: str = "") -> Q:
    """法规司 reads the records of the provinces that share them, of the trial's participating
    platforms, and of the bodies that report to it (lead departments, participating enterprises)."""
    shared = Region.objects.filter(
        Q(level="province", shares_with_national=True)
        | Q(parent__level="province", parent__shares_with_national=True)
        | Q(parent__parent__shares_with_national=True)
    ).values("code")
    trial_platforms = Platform.objects.filter(trial_participations__isnull=False).values("pk")
    reporters = Authority.objects.filter(kind__in=REPORTING_KINDS).values("pk")
    return (
        Q(**{f"{prefix}platform__region_id__in": shared})
        | Q(**{f"{prefix}authority__region_id__in": shared})
        | Q(**{f"{prefix}platform_id__in": trial_platforms})
        | Q(**{f"{prefix}authority_id__in": reporters})
    )


def party_scope_q(scope, prefix: str = "") -> Q | None:
    """Rows whose party the user's scope covers (``prefix`` reaches the party fields).

    An administrator's platforms and authorities are resolved first (``supervised_party_ids``: within a
    request lists read once, else subqueries): the row's own foreign keys are compared with them, so
    an index serves the filter and nothing is joined."""
    if scope.is_national:
        return national_party_q(scope, prefix)
    if scope.is_lead_department:
        return Q(**{f"{prefix}authority_id": scope.authority_id})
    if scope.is_admin:
        platforms, authorities = supervised_party_ids(scope)
        condition = Q(**{f"{prefix}platform__in": platforms}) | Q(**{f"{prefix}authority__in": authorities})
        if in_supervising_province(scope):
            condition |= Q(**{f"{prefix}vendor__isnull": False})
        return condition
    if scope.vendor_id:
        return Q(**{f"{prefix}vendor_id": scope.vendor_id})
    if scope.platform_id:
        return Q(**{f"{prefix}platform_id": scope.platform_id})
    return Q(pk__in=[])


def party_rows_q(scope, field: str, model) -> Q:
    """Rows whose ``field`` (a foreign key to a party model: an obligation, a case) points to a row the
    scope covers, as an id subquery of that model (no join to it)."""
    return Q(**{f"{field}__in": model.objects.filter(party_scope_q(scope)).values("pk")})


class PartyQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return party_scope_q(scope)

    def of_party(self, party):
        return self.filter(**party_lookup(party))


class PartyModel(models.Model):
    """Abstract: three nullable foreign keys, exactly one set (like ``Contact``)."""

    vendor = models.ForeignKey(
        "supervision.CAVendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("CA vendor"),
    )
    platform = models.ForeignKey(
        "supervision.Platform",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("platform"),
    )
    authority = models.ForeignKey(
        "supervision.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("authority"),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(class)s_exactly_one_party",
                condition=Q(vendor__isnull=False, platform__isnull=True, authority__isnull=True)
                | Q(vendor__isnull=True, platform__isnull=False, authority__isnull=True)
                | Q(vendor__isnull=True, platform__isnull=True, authority__isnull=False),
            ),
        ]

    @property
    def party(self):
        return self.vendor or self.platform or self.authority

    @party.setter
    def party(self, value) -> None:
        self.set_party(value)

    def set_party(self, party) -> None:
        name = party_field(party)
        for field in PARTY_FIELDS:
            setattr(self, field, party if field == name else None)

    @property
    def party_kind(self) -> str:
        return next((f for f in PARTY_FIELDS if getattr(self, f"{f}_id")), "")

    def party_region(self):
        """The region whose administrators supervise the party (None for vendors: province-wide)."""
        if self.platform_id:
            return self.platform.region
        if self.authority_id:
            return self.authority.region
        return None

    def clean_party(self) -> None:
        if sum(1 for f in PARTY_FIELDS if getattr(self, f"{f}_id")) != 1:
            raise ValidationError(_("Choose exactly one responsible party: a CA vendor, a platform or an authority."))


def party_covered_by(scope, party) -> bool:
    """The same rule as ``party_scope_q`` for one party object."""
    if scope is None or party is None:
        return False
    name = party_field(party)
    if scope.is_admin:
        if name == "vendor":
            return in_supervising_province(scope)
        return scope.covers_region(party.region)
    if name == "vendor":
        return scope.vendor_id == party.pk
    if name == "platform":
        return scope.platform_id == party.pk
    return False


@rules.predicate
def party_in_scope(user, obj) -> bool:
    """The object's party is one the user's scope covers (admins: their region; others: their own)."""

    if obj is None or not user.is_authenticated:
        return False
    return party_covered_by(Scope.of(user), obj.party)


@rules.predicate
def party_admin_in_scope(user, obj) -> bool:
    return user.is_authenticated and user.is_administrator and party_in_scope(user, obj)


def own_authority_q(user) -> Q:
    """The authority that is the user's own body: the one named on the user (a lead department, the
    national office), else, for an administrator, the body its region's administrators act for (its
    公管办, else its first authority: ``Authority.objects.office_of``, whose name its documents bear).
    Matches nothing for anyone else."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.authority_id:
        return Q(pk=user.authority_id)
    if user.is_administrator and user.region_id:
        return Q(pk__in=Authority.objects.offices_of(user.region_id).values("pk")[:1])
    return Q(pk__in=[])


@rules.predicate
def is_own_party(user, obj) -> bool:
    """The record's party is the user's own body: a party never accepts its own fulfilment; the level
    above does."""
    if obj is None or not obj.authority_id or not user.is_authenticated:
        return False
    if user.authority_id:
        return obj.authority_id == user.authority_id
    return Authority.objects.filter(own_authority_q(user), pk=obj.authority_id).exists()


@rules.predicate
def party_decider_in_scope(user, obj) -> bool:
    """An administrator of the party's scope whose level decides the record (``obj.deciding_region()``):
    a city acts on its own directives' duties and its own findings; the province decides the rest."""
    return party_admin_in_scope(user, obj) and decides_for_region(user, obj.deciding_region())
