"""Supervision letters (督办函): for an overdue duty that no rectification case covers yet, the office
that decides the duty urges its party in writing, with a new date to report by.

Issuing numbers the letter in the office's own sequence (shared with its rectification notices) inside
the transaction that records it; the PDF is generated and the party told (inbox and e-mail, with the
PDF) after commit, in Celery, once. Each issue is a new letter with a new number.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.clauses import supervising_basis
from portal.downloads import download_url
from portal.seeding import DEMO_MARK
from supervision import conf
from supervision.clauses import INSPECTION
from supervision.engine import documents, notify
from supervision.engine.delivery import deliver_due
from supervision.engine.messages import Texts, absolute, render
from supervision.engine.pdf import render_pdf
from supervision.models import Authority, Notification, Obligation, RectificationCase, ReminderPolicy, SupervisionLetter

TEMPLATE = "supervision/pdf/supervision_letter.html"
STAGE = "issued"


def open_case_of(obligation: Obligation) -> RectificationCase | None:
    """The open rectification case about one of the duty's findings, if any: its notice urges the party."""
    return (
        RectificationCase.objects.filter(findings__obligation=obligation, status__in=RectificationCase.OPEN)
        .order_by("pk")
        .first()
    )


def refusal(obligation: Obligation) -> str:
    """Why no letter can be issued for this duty now; "" when one can."""
    if obligation.status != Obligation.Status.OVERDUE:
        return _("A supervision letter is issued for an overdue duty only.")
    case = open_case_of(obligation)
    if case is not None:
        return _("This duty is already in the rectification case %(number)s, whose notice urges the party.") % {
            "number": case.number
        }
    return ""


def issuing_office(by) -> Authority | None:
    """The office in whose name the letter goes out: the issuer's region's (the province's for a superuser)."""
    region = getattr(by, "region_id", None) or conf.supervising_province()
    return documents.region_office(region)


def days_overdue(obligation: Obligation, today: datetime.date) -> int | None:
    """Days past the due date; None for a duty with no date (尽快), which is described by its age."""
    if obligation.due_date is None:
        return None
    return max((today - obligation.due_date).days, 0)


def is_demo(obligation: Obligation) -> bool:
    """A letter about made-up data is marked 示例 on every page (the demo never accuses a real company)."""
    party = obligation.party
    return bool(
        getattr(party, "is_demo", False)
        or (obligation.directive_id and obligation.directive.is_demo)
        or DEMO_MARK in obligation.title
        or obligation.findings.filter(is_demo=True).exists()
    )


def draft_letter(
    obligation: Obligation, *, by, respond_by: datetime.date | None = None, requirement: str = "", today=None
) -> SupervisionLetter:
    """The letter that would be issued, checked but not saved (``issue_letter`` saves it; the preview
    renders it)."""
    today = today or timezone.localdate()
    problem = refusal(obligation)
    if problem:
        raise ValidationError(problem)
    if respond_by is None:
        respond_by = today + datetime.timedelta(days=ReminderPolicy.current().case_due_days)
    if respond_by <= today:
        raise ValidationError({"respond_by": _("The date to report by must be after today.")})
    return SupervisionLetter(
        obligation=obligation,
        requirement=(requirement or "").strip(),
        respond_by=respond_by,
        days_overdue=days_overdue(obligation, today),
        issued_by=by,
        issuing_authority=issuing_office(by),
        is_demo=is_demo(obligation),
    )


def issue_letter(
    obligation: Obligation, *, by, respond_by: datetime.date | None = None, requirement: str = "", today=None
) -> SupervisionLetter:
    """Record and number the letter; its PDF is made and sent to the party after commit."""
    today = today or timezone.localdate()
    letter = draft_letter(obligation, by=by, respond_by=respond_by, requirement=requirement, today=today)
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        problem = refusal(locked)  # a second click, or a case opened meanwhile
        if problem:
            raise ValidationError(problem)
        authority = letter.issuing_authority
        letter.number = documents.next_number(authority, today.year) if authority is not None else ""
        letter.save()
        if not letter.number:  # no office in the issuer's region: the portal's own running number
            letter.number = f"DB{today.year}-{letter.pk:04d}"
            SupervisionLetter.objects.filter(pk=letter.pk).update(number=letter.number)
        transaction.on_commit(lambda: send_supervision_letter.delay(letter.pk))
    return letter


def letter_context(letter: SupervisionLetter, preview: bool = False) -> dict:
    texts = Texts()
    obligation = letter.obligation
    issued = timezone.localdate(letter.issued_at) if letter.pk else timezone.localdate()
    authority = letter.issuing_authority
    return {
        "letter": letter,
        "obligation": obligation,
        "party": obligation.party,
        "basis": obligation.basis,
        "directive": obligation.directive,
        "due": texts.format_date(obligation.due_date) if obligation.due_date else "",
        "age": obligation.age_days(issued),
        "respond_by": texts.format_date(letter.respond_by),
        "issued": texts.format_date(issued),
        "link": absolute(obligation.get_absolute_url()),
        "issuer": authority.name if authority is not None else str(settings.PORTAL_NAME),
        "supervision": supervision_basis(obligation, authority),
        "preview": preview,
    }


def supervision_basis(obligation: Obligation, authority: Authority | None):
    """What the letter itself rests on: the supervising sentence of the duty's directive, for the level
    that issued it or, when a lower level's office writes, for that level (23号 五 by default)."""
    directive = obligation.directive
    if directive is None:
        return INSPECTION
    by_issuer = authority is not None and authority.region_id == directive.issuer.region_id
    return supervising_basis(directive.number, INSPECTION, by_issuer=by_issuer)


def preview_letter(obligation: Obligation, *, by, respond_by=None, requirement: str = "") -> bytes:
    """The letter as a PDF marked as a preview; nothing is saved and no number is taken."""
    letter = draft_letter(obligation, by=by, respond_by=respond_by, requirement=requirement)
    letter.number = _("(number given on issue)")
    return render_pdf(TEMPLATE, letter_context(letter, preview=True))


def make_pdf(letter_id: int) -> SupervisionLetter:
    """The letter's PDF, generated once (a retried task keeps the first)."""
    letter = SupervisionLetter.objects.select_related(
        "obligation__directive", "obligation__vendor", "obligation__platform", "obligation__authority"
    ).get(pk=letter_id)
    if not letter.pdf:
        pdf = render_pdf(TEMPLATE, letter_context(letter))
        letter.pdf.save(f"{letter.pk}.pdf", ContentFile(pdf), save=False)
        SupervisionLetter.objects.filter(pk=letter.pk).update(pdf=letter.pdf.name)
    return letter


def tell_party(letter: SupervisionLetter) -> list[int]:
    """The party's contacts and users (copies to its supervising office): once per letter."""
    texts = Texts()
    obligation = letter.obligation
    context = letter_context(letter) | {"pdf_link": absolute(download_url(letter.pdf)) if letter.pdf else ""}
    subject = render("supervision/messages/letter_subject.txt", context).strip()
    return notify.write(
        topic=f"letter:{letter.pk}",
        stage=STAGE,
        recipients=notify.party_recipients(obligation.party),
        subject=subject,
        body=render("supervision/messages/letter.txt", context),
        link=context["link"],
        attachment=letter.pdf.name if letter.pdf else "",
        obligation_id=obligation.pk,
        copy_subject=render("supervision/messages/letter_subject.txt", context | {"copy": True}).strip(),
        copy_line=texts.copy_line,
    )


@shared_task(name="supervision.send_supervision_letter", acks_late=True)
def send_supervision_letter(letter_id: int) -> str:
    letter = make_pdf(letter_id)
    with transaction.atomic():
        tell_party(letter)
    sent = Notification.objects.filter(topic=f"letter:{letter.pk}", stage=STAGE).values_list("pk", flat=True)
    deliver_due(only_ids=list(sent))
    return letter.number
