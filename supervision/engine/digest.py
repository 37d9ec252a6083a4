"""The weekly digest: one e-mail per authority contact with what is due soon, overdue, newly found and
awaiting verification in the authority's region, instead of dozens of separate messages."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from celery import shared_task
from django.utils import timezone

from portal.accounts.models import Role
from portal.accounts.scope import Scope
from portal.celery import optional_date
from portal.seeding import app_modules
from supervision.engine import notify
from supervision.engine.delivery import deliver_due
from supervision.engine.messages import Texts, absolute, render
from supervision.engine.recipients import Recipient
from supervision.models import Authority, Finding, Obligation, RectificationCase, Region
from supervision.models.party import party_scope_q

SHOWN = 20


@dataclass
class DigestSection:
    """A section another app adds to an authority's digest (the trial's feedback for national attention)."""

    title: str
    count: int
    lines: list[str]


@cache
def section_makers() -> tuple[Callable[[Authority, datetime.date], DigestSection | None], ...]:
    """Each app's ``<app>.digest.digest_section(authority, today)`` (the apps above supervision add
    what only they know, e.g. the trial's feedback for national attention)."""
    return tuple(module.digest_section for module in app_modules("digest") if hasattr(module, "digest_section"))


def authority_scope(authority: Authority) -> Scope:
    region = authority.region
    role = Role.PROVINCIAL_ADMIN if region.level == Region.Level.PROVINCE else Role.CITY_ADMIN
    return Scope(role=role, region_code=region.code, region_level=region.level)


def digest_context(authority: Authority, today: datetime.date) -> dict:
    where = party_scope_q(authority_scope(authority))
    obligations = Obligation.objects.filter(where).select_related("vendor", "platform", "authority")
    soon = obligations.filter(
        status=Obligation.Status.OPEN, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=14)
    ).order_by("due_date", "pk")
    overdue = obligations.filter(status=Obligation.Status.OVERDUE).order_by("due_date", "pk")
    asap = obligations.filter(status=Obligation.Status.OPEN, due_date=None).select_related("directive")
    asap = asap.order_by("created", "pk")
    week_ago = timezone.now() - datetime.timedelta(days=7)
    findings = Finding.objects.filter(where, created__gte=week_ago).order_by("-created")
    awaiting = RectificationCase.objects.filter(where, status=RectificationCase.Status.RESPONDED).order_by("pk")
    texts = Texts()
    sections = [found for section in section_makers() if (found := section(authority, today)) and found.count]
    return {
        "sections": sections,
        "authority": authority,
        "week": week_label(today),
        "today": texts.format_date(today),
        "soon": list(soon[:SHOWN]),
        "soon_count": soon.count(),
        "overdue": list(overdue[:SHOWN]),
        "overdue_count": overdue.count(),
        "asap": [(o, o.age_days(today)) for o in asap[:SHOWN]],
        "asap_count": asap.count(),
        "findings": list(findings[:SHOWN]),
        "findings_count": findings.count(),
        "awaiting": list(awaiting[:SHOWN]),
        "awaiting_count": awaiting.count(),
        "base_url": absolute(""),
    }


def week_label(today: datetime.date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(today: datetime.date | None = None) -> int:
    """Write this week's digest for every authority with e-mail contacts (once per week per address)."""
    today = today or timezone.localdate()
    written = 0
    for authority in Authority.objects.select_related("region").prefetch_related("contacts").order_by("pk"):
        recipients = [Recipient("email", c.email.strip().lower(), c.name) for c in authority.contacts.all() if c.email]
        if not recipients:
            continue
        context = digest_context(authority, today)
        if not (
            context["soon_count"]
            or context["overdue_count"]
            or context["asap_count"]
            or context["findings_count"]
            or context["awaiting_count"]
            or context["sections"]
        ):
            continue
        written += len(
            notify.write(
                topic=f"digest:authority:{authority.pk}",
                stage=context["week"],
                recipients=recipients,
                subject=render("supervision/messages/digest_subject.txt", context).strip(),
                body=render("supervision/messages/digest.txt", context),
                link=context["base_url"],
            )
        )
    return written


@shared_task(name="supervision.weekly_digest")
def weekly_digest(today: str | None = None) -> int:
    written = send_digests(optional_date(today))
    deliver_due()
    return written
