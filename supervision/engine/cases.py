"""The rectification workflow: open → notice (PDF) → response → closed or returned, or escalated.

Each transition is a conditional UPDATE on the case's status (so two clicks or two workers act
once), writes a ``CaseEvent`` (the timeline) and its notifications (the same engine as reminders).
Bad input raises ``ValidationError`` with a clear message before anything is written.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import replace

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.history import record_change, record_changes
from portal.seeding import DEMO_MARK
from supervision import conf
from supervision.engine import documents, notify
from supervision.engine.delivery import deliver_due
from supervision.engine.messages import Texts, absolute, render
from supervision.engine.pdf import render_pdf
from supervision.engine.recipients import Directory
from supervision.models import (
    Authority,
    CaseEvent,
    CaseResponse,
    Finding,
    Notification,
    RectificationCase,
    ReminderPolicy,
    ResponseFile,
    party_field,
)
from supervision.models.uploads import validate_upload

S = RectificationCase.Status
# History reasons (msgids, shown in the reader's language; portal.history.reason_text).
IN_RECTIFICATION = gettext_noop("in rectification")
NOTICE_ISSUED = gettext_noop("notice issued")
RESOLVED_CLOSED = gettext_noop("resolved, case closed")
ESCALATED = gettext_noop("escalated, past its due date")
LATE_NOTICE = gettext_noop("the notice went out after the due date: the party's time counts from it")
DECISIONS = {
    CaseEvent.Kind.CLOSED: gettext_noop("verified and closed"),
    CaseEvent.Kind.RETURNED: gettext_noop("returned for more"),
}


def _check_status(case: RectificationCase, allowed, message: str) -> None:
    if case.status not in allowed:
        raise ValidationError(message % {"status": case.get_status_display()})


def open_case(
    *, findings, by, due_date: datetime.date | None = None, title: str = "", facts: str = "", today=None
) -> RectificationCase:
    """Open one case for one party's findings; the notice is generated and sent after commit."""
    today = today or timezone.localdate()
    findings = list(findings)
    case = draft_case(findings=findings, by=by, due_date=due_date, title=title, facts=facts, today=today)
    with transaction.atomic():
        case.save()
        # The number needs the row's id: the row is written with a placeholder, then given its number
        # without a second history row, so its history never shows the placeholder.
        case.number = f"ZG{today.year}-{case.pk:04d}"
        RectificationCase.objects.filter(pk=case.pk).update(number=case.number)
        case.history.filter(history_type="+").update(number=case.number)
        case.findings.set(findings)
        Finding.objects.filter(pk__in=[f.pk for f in findings]).update(status=Finding.Status.IN_RECTIFICATION)
        record_changes(findings, by=by, reason=f"{IN_RECTIFICATION}: {case.number}")
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED, actor=by, text=case.facts)
        transaction.on_commit(lambda: _enqueue_notice(case.pk))
    return case


def draft_case(*, findings, by, due_date=None, title: str = "", facts: str = "", today=None) -> RectificationCase:
    """The case these findings would open, checked but not saved (``open_case`` saves it; the preview
    of the notice renders it)."""
    today = today or timezone.localdate()
    if not findings:
        raise ValidationError(_("Choose at least one finding."))
    parties = {(f.party_kind, f.party.pk) for f in findings}
    if len(parties) != 1:
        raise ValidationError(_("All findings of one case must concern the same party."))
    closed = [f for f in findings if f.status in (Finding.Status.RESOLVED, Finding.Status.DISMISSED)]
    if closed:
        raise ValidationError(_("Finding “%(finding)s” is already resolved or dismissed.") % {"finding": closed[0]})
    busy = RectificationCase.objects.filter(findings__in=findings, status__in=RectificationCase.OPEN).first()
    if busy is not None:
        raise ValidationError(_("These findings are already in the open case %(number)s.") % {"number": busy.number})
    if due_date is None:
        due_date = today + datetime.timedelta(days=ReminderPolicy.current().case_due_days)
    if due_date < today:
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    party = findings[0].party
    title = title.strip() or _("Rectification of %(party)s") % {"party": party}
    facts = facts.strip() or RectificationCase.default_facts(findings)
    is_demo = any(f.is_demo for f in findings)
    if is_demo and DEMO_MARK not in title:
        title = f"（{DEMO_MARK}）{title}"  # the title goes into every message and list: marked there too
    case = RectificationCase(
        number=f"tmp-{uuid.uuid4().hex}", title=title[:200], facts=facts, due_date=due_date, opened_by=by
    )
    case.is_demo = is_demo
    case.set_party(party)
    return case


def preview_notice(*, findings, by, due_date=None, title: str = "", facts: str = "") -> bytes:
    """The notice these findings would produce, as a PDF marked as a preview; nothing is saved."""
    findings = list(findings)
    case = draft_case(findings=findings, by=by, due_date=due_date, title=title, facts=facts)
    case.number = ""
    case.document_number = _("(number given on issue)")
    return render_pdf("supervision/pdf/case_notice.html", notice_context(case, findings=findings, preview=True))


def _enqueue_notice(case_id: int) -> None:
    issue_case_notice.delay(case_id)


def _case_link(case) -> str:
    return absolute(case.get_absolute_url())


def case_region(case) -> str:
    """The region whose administrators decide on the case: the opener's, else the province's."""
    opener = case.opened_by
    return opener.region_id if opener is not None and opener.region_id else conf.supervising_province()


def _tell(
    case,
    stage: str,
    template: str,
    extra: dict | None = None,
    attachment: str = "",
    to_authority=False,
    directory: Directory | None = None,
):
    """Message the party (its contacts and users, with copies to its supervising authority) or, with
    ``to_authority``, the administrators who decide on the case (inbox) and the authority's mailbox.
    A sweep passes the ``directory`` it loaded once; a single step loads its own."""
    texts = Texts()
    context = {"case": case, "party": case.party, "due": texts.format_date(case.due_date), "link": _case_link(case)}
    context |= extra or {}
    subject = render("supervision/messages/case_subject.txt", context | {"stage": stage}).strip()
    body = render(template, context)
    directory = directory or Directory()
    recipients = directory.recipients(party_field(case.party), case.party.pk)
    if to_authority:
        mailboxes = [replace(r, is_copy=False) for r in recipients if r.is_copy]
        recipients = directory.administrators(case_region(case)) + mailboxes
    return notify.write(
        topic=f"case:{case.pk}",
        stage=stage,
        recipients=recipients,
        subject=subject,
        body=body,
        link=context["link"],
        attachment=attachment,
        case_id=case.pk,
        copy_subject=render("supervision/messages/case_subject.txt", context | {"stage": stage, "copy": True}).strip(),
        copy_line=texts.copy_line,
    )


def notice_rows(findings, today: datetime.date) -> list[dict]:
    """Each finding of the notice with the directive its duty comes from and, for a missed deadline,
    how many days late it is on the day of issue."""
    rows = []
    for finding in findings:
        obligation = finding.obligation
        late = None
        if finding.kind == Finding.Kind.OVERDUE and obligation is not None and obligation.due_date:
            late = max((today - obligation.due_date).days, 0)
        directive = obligation.directive if obligation is not None else None
        rows.append({"finding": finding, "directive": directive, "basis": finding.basis, "days_late": late})
    return rows


def notice_context(case, findings=None, preview: bool = False) -> dict:
    texts = Texts()
    today = timezone.localdate()
    if findings is None:
        findings = list(case.findings.select_related("obligation__directive").order_by("pk"))
    return {
        "case": case,
        "party": case.party,
        "rows": notice_rows(findings, today),
        # The findings are listed with their basis: the facts are printed only when they say more.
        "facts": "" if case.facts.strip() == RectificationCase.default_facts(findings) else case.facts,
        "preview": preview,
        "due": texts.format_date(case.due_date),
        "issued": texts.format_date(today),
        "link": _case_link(case) if case.pk else _("the case's page, given on issue"),
        "issuer": issuer_name(case),
    }


def issuing_authority(case) -> Authority | None:
    """The authority in whose name the notice goes out: the office of the case's region (the opener's)."""
    if case.issuing_authority_id:
        return case.issuing_authority
    return documents.region_office(case_region(case))


def issuer_name(case) -> str:
    authority = issuing_authority(case)
    return authority.name if authority is not None else str(settings.PORTAL_NAME)


def number_notice(case_id: int) -> RectificationCase:
    """Give the case's notice its document number (文号) once, in its issuing authority's sequence."""
    with transaction.atomic():
        case = RectificationCase.objects.select_for_update().get(pk=case_id)
        if case.document_number:
            return case
        authority = issuing_authority(case)
        year = timezone.localdate().year
        case.document_number = documents.next_number(authority, year) if authority is not None else case.number
        case.issuing_authority = authority
        RectificationCase.objects.filter(pk=case.pk).update(
            document_number=case.document_number, issuing_authority=authority
        )
    return case


def issue_notice(case_id: int) -> RectificationCase:
    """Number and generate the rectification notice (PDF) once and send it; the case becomes *notified*."""
    case = number_notice(case_id)
    today = timezone.localdate()
    if case.status == S.OPENED and not case.notice_pdf and case.due_date and case.due_date < today:
        # The notice is late (its task failed and was retried): the party gets its full time from now,
        # never a date already past on the notice it first reads.
        due = today + datetime.timedelta(days=ReminderPolicy.current().case_due_days)
        if RectificationCase.objects.filter(pk=case.pk, status=S.OPENED, due_date=case.due_date).update(due_date=due):
            case.refresh_from_db()
            record_change(case, reason=LATE_NOTICE)
    if not case.notice_pdf:
        pdf = render_pdf("supervision/pdf/case_notice.html", notice_context(case))
        case.notice_pdf.save(f"{case.number}.pdf", ContentFile(pdf), save=False)
        RectificationCase.objects.filter(pk=case.pk).update(notice_pdf=case.notice_pdf.name)
    with transaction.atomic():
        if RectificationCase.objects.filter(pk=case.pk, status=S.OPENED).update(
            status=S.NOTIFIED, notified_at=timezone.now()
        ):
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTICE)
            record_change(case, reason=f"{NOTICE_ISSUED}: {case.document_number}")
        case.refresh_from_db()
        _tell(case, "notice", "supervision/messages/case_notice.txt", attachment=case.notice_pdf.name)
    return case


def respond(case: RectificationCase, *, text: str, files=(), by) -> CaseResponse:
    """The party's answer, with files (validated before anything is written)."""
    _check_status(case, RectificationCase.ANSWERABLE, _("This case is “%(status)s”: a response is no longer accepted."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe what was done to rectify.")})
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    with transaction.atomic():
        locked = RectificationCase.objects.select_for_update().get(pk=case.pk)
        _check_status(
            locked, RectificationCase.ANSWERABLE, _("This case is “%(status)s”: a response is no longer accepted.")
        )
        response = CaseResponse.objects.create(case=locked, text=text.strip(), submitted_by=by)
        for upload in files:
            ResponseFile.objects.create(response=response, file=upload, original_name=upload.name[:200], uploaded_by=by)
        locked.status = S.RESPONDED
        locked.rounds += 1
        locked.responded_at = response.created  # the dashboard's order of the responses to verify
        locked.save(update_fields=["status", "rounds", "responded_at", "updated"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.RESPONDED, actor=by, text=response.text)
        _tell(locked, f"response{locked.rounds}", "supervision/messages/case_response.txt", to_authority=True)
    case.refresh_from_db()
    return response


def _decide(case, *, to: str, by, note: str, event: str, allowed=(S.RESPONDED,), **changes) -> RectificationCase:
    with transaction.atomic():
        if not RectificationCase.objects.filter(pk=case.pk, status__in=allowed).update(status=to, **changes):
            case.refresh_from_db()
            _check_status(case, allowed, _("This case is “%(status)s”: that step is not possible now."))
        record_change(case, by=by, reason=f"{DECISIONS[event]}: {note}" if note else DECISIONS[event])
        CaseEvent.objects.create(case=case, kind=event, actor=by, text=note)
    return case


def close(case: RectificationCase, *, by, note: str = "") -> RectificationCase:
    """Verify the response and close the case; its findings are resolved."""
    case = _decide(case, to=S.CLOSED, by=by, note=note, event=CaseEvent.Kind.CLOSED, closed_at=timezone.now())
    with transaction.atomic():
        case.findings.update(status=Finding.Status.RESOLVED)
        record_changes(case.findings.all(), by=by, reason=f"{RESOLVED_CLOSED}: {case.number}")
        _tell(case, "closed", "supervision/messages/case_closed.txt", {"note": note})
    return case


def return_for_more(case: RectificationCase, *, by, note: str, due_date=None, today=None) -> RectificationCase:
    """Send the case back to the party (optionally with a new due date)."""
    today = today or timezone.localdate()
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what is still missing.")})
    if due_date is not None and due_date < today:
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    changes = {"due_date": due_date} if due_date else {}
    case = _decide(case, to=S.RETURNED, by=by, note=note, event=CaseEvent.Kind.RETURNED, **changes)
    with transaction.atomic():
        _tell(case, f"returned{case.rounds}", "supervision/messages/case_returned.txt", {"note": note})
    return case


def sweep_cases(sweep) -> int:
    """Reminders for cases awaiting the party, and escalation of those past their date; a case whose
    notice has not been issued (opened only) is neither: the party has not been told."""
    today, policy = sweep.today, sweep.policy
    horizon = today + datetime.timedelta(days=policy.horizon_days)
    escalated = 0
    reminders: list[Notification] = []
    # An opened case's notice is not out yet: the party was told nothing, so nothing is late or reminded.
    told = [status for status in RectificationCase.AWAITING_PARTY if status != S.OPENED]
    waiting = RectificationCase.objects.filter(status__in=told, due_date__lte=horizon)
    for case in waiting.select_related("vendor", "platform", "authority").order_by("pk").iterator(chunk_size=500):
        if case.due_date < today:
            with transaction.atomic():
                if RectificationCase.objects.filter(pk=case.pk, status=case.status).update(
                    status=S.ESCALATED, escalated_at=timezone.now()
                ):
                    escalated += 1
                    record_change(case, reason=ESCALATED)
                    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ESCALATED)
                    _tell(case, "escalated", "supervision/messages/case_escalated.txt", directory=sweep.directory)
            continue
        stage = policy.stage_for(case.due_date, today)
        if stage:
            reminders += _case_reminder(sweep, case, stage)
    # One INSERT for every case's reminders (the unique key skips what an earlier sweep wrote).
    Notification.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=1000)
    sweep.result.notifications += len(reminders)
    return escalated


def _case_reminder(sweep, case, stage: str) -> list[Notification]:
    """The reminder rows of one case at ``stage``: one per recipient."""
    texts, directory = sweep.texts, sweep.directory
    field_name = party_field(case.party)
    link = _case_link(case)
    now = timezone.now()
    rows = []
    for recipient in directory.recipients(field_name, case.party.pk):
        subject, body = texts.reminder(
            recipient=recipient,
            party=str(case.party),
            title=texts.case_title % {"number": case.number, "title": case.title},
            kind=texts.kind_case,
            due=case.due_date,
            today=sweep.today,
            directive="",
            link=link,
            stage=stage,
        )
        rows.append(
            Notification(
                topic=f"case:{case.pk}:r{case.rounds}",
                stage=stage,
                channel=recipient.channel,
                recipient=recipient.address,
                recipient_name=recipient.name[:200],
                user_id=recipient.user_id,
                case_id=case.pk,
                is_copy=recipient.is_copy,
                subject=subject,
                body=body,
                link=link,
                next_attempt_at=now,
            )
        )
    return rows


@shared_task(name="supervision.issue_case_notice")
def issue_case_notice(case_id: int) -> str:
    case = issue_notice(case_id)
    deliver_due(only_ids=list(Notification.objects.filter(case=case, stage="notice").values_list("pk", flat=True)))
    return case.status
