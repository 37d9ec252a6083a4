"""Settings of the supervision app, each with a default (override any of them in Django settings)."""

from django.conf import settings
from django.db.models import Q

# Vendors have no region: they are supervised by this province (GB/T 2260 code).
SUPERVISING_PROVINCE_DEFAULT = "410000"
# The office that receives the copy of every reminder about a vendor.
PROVINCIAL_OFFICE_DEFAULT = "河南省公共资源交易管理委员会办公室"


def get(name: str, default):
    return getattr(settings, name, default)


def supervising_province() -> str:
    return get("SUPERVISING_PROVINCE", SUPERVISING_PROVINCE_DEFAULT)


# GB/T 2260: the areas of a province share the first two digits of its code.
def in_supervising_province(code: str | None) -> bool:
    """Whether the region ``code`` lies in the supervising province."""
    return bool(code) and str(code)[:2] == supervising_province()[:2]


def supervising_province_q(field: str) -> Q:
    """The rows whose region code (``field``, e.g. ``"platform__region__code"``) lies in the province."""
    return Q(**{f"{field}__startswith": supervising_province()[:2]})


def provincial_office() -> str:
    return get("SUPERVISION_PROVINCIAL_OFFICE", PROVINCIAL_OFFICE_DEFAULT)
