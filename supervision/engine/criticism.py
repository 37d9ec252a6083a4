"""Public criticism (通报批评): drafted from escalated cases, approved and published by the province.
A city administrator may draft one, which is then a *proposal* that only the province can approve."""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.accounts.models import Role
from portal.history import record_change
from portal.seeding import DEMO_MARK
from supervision.engine.documents import next_number, region_office
from supervision.engine.messages import Texts, render
from supervision.engine.pdf import render_pdf as to_pdf
from supervision.models import CaseEvent, Criticism, RectificationCase

C = Criticism.Status


def draft_from_cases(*, cases, by, today=None) -> Criticism:
    """A pre-filled draft (parties, facts and dates) from escalated cases."""
    today = today or timezone.localdate()
    cases = list(cases)
    if not cases:
        raise ValidationError(_("Choose at least one escalated case."))
    not_escalated = [c for c in cases if c.status != RectificationCase.Status.ESCALATED]
    if not_escalated:
        raise ValidationError(
            _("Case %(number)s is not escalated; only escalated cases can be criticised.")
            % {"number": not_escalated[0].number}
        )
    if not by.region_id:
        raise ValidationError(_("Only an administrator can draft a public criticism."))
    texts = Texts()
    context = {
        "cases": [
            {
                "case": c,
                "party": c.party,
                "due": texts.format_date(c.due_date),
                "escalated": texts.format_date(timezone.localdate(c.escalated_at)) if c.escalated_at else "",
                "findings": list(c.findings.all()),
            }
            for c in cases
        ],
        "year": today.year,
    }
    title = render("supervision/messages/criticism_title.txt", context).strip()
    body = render("supervision/messages/criticism_body.txt", context)
    if any(c.is_demo for c in cases):  # made-up cases make a criticism marked as such on every page
        title, body = f"（{DEMO_MARK}）{title}", f"（{DEMO_MARK}）{body}"
    with transaction.atomic():
        criticism = Criticism.objects.create(
            title=title[:200],
            body=body,
            region_id=by.region_id,
            drafted_by=by,
            status=C.DRAFT if by.role == Role.PROVINCIAL_ADMIN or by.is_superuser else C.PROPOSED,
        )
        criticism.cases.set(cases)
    return criticism


def approve(criticism: Criticism, *, by) -> Criticism:
    with transaction.atomic():
        if not Criticism.objects.filter(pk=criticism.pk, status__in=[C.DRAFT, C.PROPOSED]).update(
            status=C.APPROVED, approved_by=by, approved_at=timezone.now()
        ):
            criticism.refresh_from_db()
            raise ValidationError(
                _("This notice is “%(status)s”; only a draft or a proposal can be approved.")
                % {"status": criticism.get_status_display()}
            )
        record_change(criticism, by=by, reason=gettext_noop("approved"))
    return criticism


def publish(criticism: Criticism, *, by) -> Criticism:
    with transaction.atomic():
        now = timezone.now()
        if not Criticism.objects.filter(pk=criticism.pk, status=C.APPROVED).update(
            status=C.PUBLISHED, published_at=now
        ):
            criticism.refresh_from_db()
            raise ValidationError(
                _("This notice is “%(status)s”; it must be approved before it is published.")
                % {"status": criticism.get_status_display()}
            )
        # An official notice: numbered in its region's office's sequence (文号) as it goes out.
        office = region_office(criticism.region_id)
        if office is not None:
            Criticism.objects.filter(pk=criticism.pk, number="").update(
                number=next_number(office, timezone.localdate(now).year)
            )
        record_change(criticism, by=by, reason=gettext_noop("published"))
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(case=case, kind=CaseEvent.Kind.CRITICISED, actor=by, text=criticism.title)
                for case in criticism.cases.all()
            ]
        )
        transaction.on_commit(lambda: _enqueue_pdf(criticism.pk))
    return criticism


def _enqueue_pdf(criticism_id: int) -> None:
    render_criticism_pdf.delay(criticism_id)


def render_pdf(criticism_id: int) -> Criticism:
    """The published notice as a PDF (once)."""
    criticism = Criticism.objects.get(pk=criticism_id)
    if criticism.status != C.PUBLISHED or criticism.pdf:
        return criticism
    texts = Texts()
    pdf = to_pdf(
        "supervision/pdf/criticism.html",
        {
            "criticism": criticism,
            "office": region_office(criticism.region_id),
            "published": texts.format_date(timezone.localdate(criticism.published_at)),
        },
    )
    criticism.pdf.save(f"criticism-{criticism.pk}.pdf", ContentFile(pdf), save=False)
    Criticism.objects.filter(pk=criticism.pk).update(pdf=criticism.pdf.name)
    return criticism


@shared_task(name="supervision.render_criticism_pdf")
def render_criticism_pdf(criticism_id: int) -> str:
    return render_pdf(criticism_id).pdf.name
