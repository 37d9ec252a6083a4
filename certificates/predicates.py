"""Rules predicates of the certificates app: who may change which vendor's or platform's facts."""

import rules

from portal.accounts import predicates as p
from portal.accounts.scope import Scope


def _scope(user):
    return Scope.of(user) if user.is_authenticated and user.is_active else None


@rules.predicate
def own_vendor_object(user, obj) -> bool:
    """The object belongs to the user's vendor (``obj.vendor_id``)."""
    return obj is not None and user.is_authenticated and bool(user.vendor_id) and obj.vendor_id == user.vendor_id


@rules.predicate
def own_platform_object(user, obj) -> bool:
    """The object belongs to the user's platform (``obj.platform_id``)."""
    return obj is not None and user.is_authenticated and bool(user.platform_id) and obj.platform_id == user.platform_id


@rules.predicate
def platform_region_in_scope(user, obj) -> bool:
    """The administrator supervises the region of the object's platform."""
    scope = _scope(user)
    return scope is not None and obj is not None and obj.platform_id and scope.covers_region(obj.platform.region)


vendor_editors = p.is_superuser | p.is_provincial_admin | own_vendor_object
