"""Rules predicates shared by the apps: who may change what. Reads are scoped by querysets
(``visible_to``); these decide writes, object by object."""

import rules

from portal.accounts.models import Role
from portal.accounts.scope import Scope


def _scope(user) -> Scope | None:
    return Scope.of(user) if user.is_authenticated and user.is_active else None


@rules.predicate
def is_provincial_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.PROVINCIAL_ADMIN and user.region_id is not None


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and user.role in Role.administrators() and user.region_id is not None


@rules.predicate
def is_national_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.NATIONAL_ADMIN and user.region_id is not None


@rules.predicate
def is_lead_department(user) -> bool:
    return user.is_authenticated and user.role == Role.LEAD_DEPARTMENT and user.authority_id is not None


@rules.predicate
def is_vendor_user(user) -> bool:
    return user.is_authenticated and user.role == Role.VENDOR_USER and user.vendor_id is not None


@rules.predicate
def is_platform_operator(user) -> bool:
    return user.is_authenticated and user.role == Role.PLATFORM_OPERATOR and user.platform_id is not None


@rules.predicate
def region_in_scope(user, region) -> bool:
    """The object is a region the administrator supervises."""
    scope = _scope(user)
    return scope is not None and scope.covers_region(region)


@rules.predicate
def object_region_in_scope(user, obj) -> bool:
    """The object's ``region`` is one the administrator supervises."""
    scope = _scope(user)
    return scope is not None and obj is not None and scope.covers_region(obj.region)


@rules.predicate
def is_own_vendor(user, vendor) -> bool:
    # Both sides must be set: a vendor not saved yet has no pk, and most users have no vendor.
    return vendor is not None and user.is_authenticated and user.vendor_id is not None and user.vendor_id == vendor.pk


@rules.predicate
def is_own_platform(user, platform) -> bool:
    return (
        platform is not None
        and user.is_authenticated
        and user.platform_id is not None
        and user.platform_id == platform.pk
    )


def decides_for_region(user, region) -> bool:
    """Whether ``user``'s level decides a record that belongs to ``region`` (the region of the directive's
    issuer, or of the administrator who recorded it; None for a record of a province-wide rule).

    Province-wide rules, directives and what they create are the province's: a provincial administrator
    decides every record of its scope, a city administrator only its own region's (a city may propose,
    the province decides).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or (user.role == Role.PROVINCIAL_ADMIN and user.region_id is not None):
        return True
    scope = _scope(user)
    return region is not None and scope is not None and scope.is_admin and scope.covers_region(region)


has_organisation = is_admin | is_vendor_user | is_platform_operator | is_national_admin | is_lead_department
is_superuser = rules.is_superuser
