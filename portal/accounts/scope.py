"""What part of the province a user's role covers. The same rule in two forms: a ``Q`` for
querysets and a Python test for single objects (rules predicates); a test keeps them in step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Q

from portal.accounts.models import Role, User


def covered_q(code: str, level: str) -> Q:
    """The regions supervised from region ``code`` (a ``Region`` filter): a province with its cities and
    their counties; a city (or a county) with its counties, except those the province governs directly,
    which are supervision regions of their own. An administrator's scope and a report's area alike."""
    if level == "province":
        return Q(code=code) | Q(parent=code) | Q(parent__parent=code)
    return Q(code=code) | Q(parent=code, province_governed=False)


# The keys a scope covers (its platforms' and authorities' ids), read once per request while a page is
# answered (``resolving``); None outside one (subqueries then, never a stale list).
_resolved: ContextVar[dict | None] = ContextVar("scope_resolved", default=None)


@contextmanager
def resolving() -> Iterator[None]:
    """While a read-only request is answered: each scope's keys are read once, as lists, and every
    query of the page compares its rows' keys with those lists. PostgreSQL then knows how many rows a
    scope covers (a subquery's count it guesses, and a wrong guess reads a table in full where an index
    serves), and no query computes the scope's regions again. Only for requests that write nothing, so
    a list never misses a platform or an authority the same request created."""
    token = _resolved.set({})
    try:
        yield
    finally:
        _resolved.reset(token)


def resolved(key, read, subqueries):
    """Within ``resolving``: what ``read()`` returns (lists of keys), read once per request under ``key``
    (a scope and what is read); outside, what ``subqueries()`` returns (never a list that could be
    stale). Both are functions: a list already read costs no queryset built for nothing."""
    memo = _resolved.get()
    if memo is None:
        return subqueries()
    if key not in memo:
        memo[key] = read()
    return memo[key]


@dataclass(frozen=True)
class Scope:
    role: str
    region_code: str | None = None
    region_level: str | None = None
    vendor_id: int | None = None
    platform_id: int | None = None
    authority_id: int | None = None

    @classmethod
    def of(cls, user) -> Scope | None:
        """The scope of an authenticated, non-superuser user; None when the role is incomplete."""
        if user.role in Role.administrators() and user.region_id:
            return cls(role=user.role, region_code=user.region_id, region_level=user.region.level)
        if user.role == Role.VENDOR_USER and user.vendor_id:
            return cls(role=user.role, vendor_id=user.vendor_id)
        if user.role == Role.PLATFORM_OPERATOR and user.platform_id:
            return cls(role=user.role, platform_id=user.platform_id)
        if user.role == Role.NATIONAL_ADMIN and user.region_id:
            return cls(role=user.role, region_code=user.region_id, authority_id=user.authority_id)
        if user.role == Role.LEAD_DEPARTMENT and user.authority_id:
            return cls(role=user.role, authority_id=user.authority_id)
        return None

    @property
    def is_admin(self) -> bool:
        return self.role in Role.administrators()

    @property
    def is_national(self) -> bool:
        """法规司: reads the trial's participants everywhere and what the provinces share; writes no
        provincial record (``is_admin`` is False, so no administrator's predicate holds)."""
        return self.role == Role.NATIONAL_ADMIN

    @property
    def is_lead_department(self) -> bool:
        return self.role == Role.LEAD_DEPARTMENT and self.authority_id is not None

    @property
    def is_provincial(self) -> bool:
        return self.role == Role.PROVINCIAL_ADMIN

    def region_codes(self):
        """The codes of the regions this administrator supervises, as a subquery (none for other roles).

        A provincial administrator covers the province, its cities and their counties. A city
        administrator covers the city and its counties, except counties governed directly by the
        province, which are supervision regions of their own.
        """
        region = User._meta.get_field("region").related_model  # the registry's Region (a higher app)
        if not self.is_admin:
            return region.objects.none().values("code")
        return region.objects.filter(covered_q(self.region_code, self.region_level)).values("code")

    def regions_q(self, path: str = "region") -> Q:
        """Rows whose region (the foreign key ``path``) this administrator supervises: the region's
        code among ``region_codes()``, a subquery resolved once, so an index on the key serves it
        (never an OR across joined regions, parents and grandparents)."""
        if not self.is_admin:
            return Q(pk__in=[])
        return Q(**{f"{path}__in": self.region_codes()})

    def covers_region(self, region) -> bool:
        """The same rule as ``regions_q`` for one region object."""
        if region is None or not self.is_admin:
            return False
        code = self.region_code
        if region.code == code:
            return True
        if self.region_level == "province":
            return region.parent_id == code or (region.parent is not None and region.parent.parent_id == code)
        return region.parent_id == code and not region.province_governed
