"""Numbering official documents (文号) per issuing authority and year, e.g. 豫公管办〔2026〕3号.

The number is taken inside the transaction that records it, by one conditional UPDATE of the
authority's sequence row: concurrent issuers queue on that row (PostgreSQL row lock, SQLite's single
writer), so two documents never share a number and a rolled-back issue gives its number back.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from supervision.models import Authority, Directive, DocumentSequence

NUMBER = re.compile(r"^(?P<prefix>.+?)〔\d{4}〕\d+号$")


def document_prefix(authority: Authority) -> str:
    """The authority's own prefix; else the one of its latest directive's number; else its name."""
    if authority.document_prefix:
        return authority.document_prefix
    numbers = Directive.objects.filter(issuer=authority).order_by("-year", "-pk").values_list("number", flat=True)
    for number in numbers[:5]:
        match = NUMBER.match(number)
        if match:
            return match["prefix"]
    return authority.name


def region_office(region_code: str | None) -> Authority | None:
    """The authority in whose name a region's documents go out (``Authority.objects.office_of``)."""
    return Authority.objects.office_of(region_code)


def next_number(authority: Authority, year: int) -> str:
    """The authority's next document number of ``year``; call it inside the transaction that uses it."""
    with transaction.atomic():
        DocumentSequence.objects.get_or_create(authority=authority, year=year)
        DocumentSequence.objects.filter(authority=authority, year=year).update(last=F("last") + 1)
        last = DocumentSequence.objects.values_list("last", flat=True).get(authority=authority, year=year)
    return f"{document_prefix(authority)}〔{year}〕{last}号"
