"""The small interface other apps use to report to supervision: findings and obligations.

``certificates`` and ``fees`` import only this module (and the models it returns). Every function
is idempotent and safe under concurrent calls: uniqueness is enforced by the database (unique
``dedup_key``), and a losing racer reads the winner's row instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext_noop

from portal.bulk import write_history
from portal.history import record_change
from portal.seeding import DEMO_MARK
from supervision.engine.notify import party_recipients, write
from supervision.models import Finding, Obligation, party_field, party_lookup

CONFIRMED_UNMET = gettext_noop("confirmed unmet")  # a history reason, followed by the reason given


def _get_or_create(model, dedup_key: str, build) -> tuple:
    existing = model.objects.filter(dedup_key=dedup_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            obj = build()
            obj.save()
            return obj, True
    except IntegrityError:
        existing = model.objects.filter(dedup_key=dedup_key).first()
        if existing is None:  # not a duplicate key: a real integrity error
            raise
        return existing, False


def raise_finding(
    *,
    kind: str,
    party,
    dedup_key: str,
    summary: str,
    facts: dict | None = None,
    evidence: str = "",
    raised_by=None,
    obligation: Obligation | None = None,
    is_demo: bool = False,
) -> tuple[Finding, bool]:
    """Record a finding once. `party` is a CAVendor, Platform or Authority. A second call with the same
    dedup_key returns (the existing finding, False) and changes nothing — also under concurrent calls
    (unique constraint on dedup_key + get-or-create that handles IntegrityError)."""
    finding = _finding(
        kind=kind,
        party=party,
        dedup_key=dedup_key,
        summary=summary,
        facts=facts,
        evidence=evidence,
        raised_by=raised_by,
        obligation=obligation,
        is_demo=is_demo,
    )
    return _get_or_create(Finding, dedup_key, lambda: finding)


def raise_findings(findings: Iterable[dict]) -> list[tuple[Finding, bool]]:
    """``raise_finding`` for many findings at once (each given as its keyword arguments), set-based:
    one ``INSERT … ON CONFLICT DO NOTHING … RETURNING`` writes the new ones (on PostgreSQL, up to
    thousands per statement), one statement their history rows (as ``save()`` records them: the
    request's user, if any, no reason), one query reads those raised before. Returns (finding,
    created) for each, in order; a key given twice is raised once."""
    built: dict[str, Finding] = {}
    keys = []
    for arguments in findings:
        finding = _finding(**arguments)
        keys.append(finding.dedup_key)
        built.setdefault(finding.dedup_key, finding)
    if not built:
        return []
    alias = router.db_for_write(Finding)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        return [_get_or_create(Finding, key, lambda key=key: built[key]) for key in keys]
    fields = [field for field in Finding._meta.concrete_fields if not field.primary_key]
    returning = [Finding._meta.pk, Finding._meta.get_field("dedup_key")]
    per_statement = (connection.features.max_query_params or 65_535) // len(fields)
    objs = list(built.values())
    created = {}
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            query = InsertQuery(Finding, on_conflict=OnConflict.IGNORE)
            query.insert_values(fields, objs[start : start + per_statement])
            compiler = query.get_compiler(using=alias)
            compiler.returning_fields = returning
            for sql, params in compiler.as_sql():
                cursor.execute(sql, params)
                created.update((key, pk) for pk, key in cursor.fetchall())
        for key, pk in created.items():
            finding = built[key]
            finding.pk = pk
            finding._state.adding = False
            finding._state.db = alias
        if created:
            user = Finding.history.model.get_default_history_user(objs[0])
            write_history(Finding, list(created.values()), user=user, reason=None)
    before = {
        finding.dedup_key: finding
        for finding in Finding.objects.using(alias).filter(dedup_key__in=[key for key in built if key not in created])
    }
    missing = set(built) - set(created) - set(before)
    if missing:  # refused without being a duplicate: the insert would have raised it
        raise IntegrityError(f"findings neither raised nor found: {sorted(missing)[:5]}")
    results, seen = [], set()
    for key in keys:
        results.append((built[key], key not in seen) if key in created else (before[key], False))
        seen.add(key)
    return results


def _finding(
    *,
    kind: str,
    party,
    dedup_key: str,
    summary: str,
    facts: dict | None = None,
    evidence: str = "",
    raised_by=None,
    obligation: Obligation | None = None,
    is_demo: bool = False,
) -> Finding:
    """The unsaved finding ``raise_finding`` records, its arguments checked."""
    if kind not in Finding.Kind.values:
        raise ValueError(f"Unknown finding kind {kind!r}.")
    party_field(party)  # refuses anything that is not a party
    if not dedup_key:
        raise ValueError("A finding needs a deduplication key.")
    if is_demo and DEMO_MARK not in summary:
        summary = f"（{DEMO_MARK}）{summary}"  # a made-up violation never reads as a real accusation
    finding = Finding(
        kind=kind,
        dedup_key=dedup_key,
        summary=summary[:300],
        facts=facts or {},
        evidence=evidence,
        raised_by=raised_by,
        obligation=obligation,
        is_demo=is_demo,
    )
    finding.set_party(party)
    return finding


def dismiss_finding(finding: Finding, *, by) -> Finding:
    """An administrator dismisses an open finding (once, also under concurrent requests), recorded in
    its history."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    with transaction.atomic():
        if not Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
            status=Finding.Status.DISMISSED
        ):
            raise ValidationError(_("Only an open finding can be dismissed."))
        record_change(finding, by=by, reason=gettext_noop("dismissed"))
    return finding


def change_findings(findings, *, status: str, reason: str, note: str = "", by=None, update=None) -> int:
    """Set each of ``findings`` (a queryset of those to change) to ``status``, one by one so that each
    gets its history entry (``reason``, a msgid; ``by`` as its author), with ``note`` added to its
    evidence. ``update(finding)`` may change more fields and returns their names. Never deletes."""
    changed = 0
    for finding in findings.order_by("pk"):
        finding.status = status
        fields = ["status", "updated"]
        if note:
            finding.evidence = f"{finding.evidence}\n{note}".strip()
            fields.append("evidence")
        if update is not None:
            fields += update(finding)
        finding._change_reason = reason
        if by is not None:
            finding._history_user = by
        finding.save(update_fields=fields)
        changed += 1
    return changed


def resolve_cleared(cleared, *, evidence: str, today=None, by=None) -> int:
    """A rule's re-check: the findings in ``cleared`` (raised by the rule, whose condition it no longer
    finds) resolve themselves if still open, each with the evidence and a history entry. A finding in
    rectification stays with its case, whose authority decides."""
    today = today or timezone.localdate()
    return change_findings(
        cleared.filter(status=Finding.Status.OPEN),
        status=Finding.Status.RESOLVED,
        reason=gettext_noop("condition cleared on re-check"),
        note=f"{today.isoformat()} {evidence}",
        by=by,
    )


def dismiss_wrong_basis(findings, *, reason: str, by=None, history_reason: str = "") -> int:
    """Findings whose basis no longer stands (raised on a reading of a clause since corrected, or on a
    decision since reversed): the open ones are dismissed with ``reason`` added to their evidence and a
    history entry (``history_reason``, a msgid), never deleted; one in rectification stays with its case,
    whose authority decides."""
    return change_findings(
        findings.filter(status=Finding.Status.OPEN),
        status=Finding.Status.DISMISSED,
        reason=history_reason or gettext_noop("wrong basis: dismissed with its reason"),
        note=reason,
        by=by,
    )


def fulfil_obligations(*, party, kind: str, evidence: str, by=None, key: str = "") -> int:
    """Mark the party's open or overdue obligations of this kind (and this `key` when given) fulfilled with
    the evidence text; returns how many changed. Idempotent."""
    pending = Obligation.objects.filter(**party_lookup(party), kind=kind, status__in=Obligation.UNSETTLED)
    if key:
        pending = pending.filter(key=key)
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        # Row locks (PostgreSQL) make two simultaneous calls change each obligation once; the
        # status test below repeats the claim for databases without them.
        for obligation in pending.select_for_update():
            if obligation.status not in Obligation.UNSETTLED:
                continue
            obligation.status = Obligation.Status.FULFILLED
            obligation.fulfilled_at = now
            obligation.fulfilled_by = by
            obligation.evidence = evidence
            obligation._change_reason = gettext_noop("fulfilled")
            if by is not None:
                obligation._history_user = by
            obligation.save(update_fields=["status", "fulfilled_at", "fulfilled_by", "evidence", "updated"])
            changed += 1
    return changed


def confirm_unmet(obligation: Obligation, *, by, reason: str) -> Finding:
    """The province confirms that a duty loaded after its deadline (``to_confirm``) was not met in
    time: it becomes overdue and raises its *overdue* finding (the sweep's key, so never twice)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Confirming a duty as unmet needs the facts it rests on.")
    with transaction.atomic():
        changed = Obligation.objects.filter(pk=obligation.pk, status=Obligation.Status.TO_CONFIRM).update(
            status=Obligation.Status.OVERDUE, updated=timezone.now()
        )
        obligation.refresh_from_db()
        if changed:
            obligation._history_user = by
            obligation._change_reason = f"{CONFIRMED_UNMET}: {reason}"[:100]
            obligation.save(update_fields=["updated"])
        due = obligation.due_date.isoformat() if obligation.due_date else ""
        finding, _created = raise_finding(
            kind=Finding.Kind.OVERDUE,
            party=obligation.party,
            dedup_key=f"overdue:obligation:{obligation.pk}",
            summary=f"{obligation.title}（{due}）",
            facts={
                "obligation": obligation.pk,
                "due_date": due,
                "confirmed_unmet_by": getattr(by, "pk", None),
                "confirmed_unmet_reason": reason,
                "directive": obligation.directive.number if obligation.directive_id else "",
            }
            | (obligation.basis.as_facts() if obligation.basis else {}),
            raised_by=by,
            obligation=obligation,
        )
    return finding


def record_crypto_filing(vendor, *, by=None, today=None) -> int:
    """A valid cryptography filing recorded for ``vendor`` fulfils its duty "向省密码管理局备案"
    (豫公管办〔2019〕23号 四); returns how many obligations changed. Idempotent."""
    today = today or timezone.localdate()
    if vendor.crypto_filing_status != vendor.FilingStatus.FILED:
        return 0
    if vendor.crypto_filing_expiry is not None and vendor.crypto_filing_expiry < today:
        return 0
    evidence = (
        f"{vendor.get_crypto_filing_status_display()} · {vendor.crypto_filing_number} · {vendor.crypto_filing_date}"
    )
    return fulfil_obligations(party=vendor, kind=Obligation.Kind.CRYPTO_FILING, evidence=evidence, by=by)


def ensure_obligation(
    *,
    party,
    kind: str,
    title: str,
    due_date,
    dedup_key: str,
    directive=None,
    key: str = "",
    description: str = "",
    created_by=None,
    campaign: str = "",
    past_is_to_confirm: bool = False,
    recipient=None,
) -> tuple[Obligation, bool]:
    """Create an obligation once per dedup_key (other apps use it for their own deadlines, e.g. a CA
    certificate's expiry); returns (obligation, created). With ``past_is_to_confirm`` (a seed of past
    directives, a trial duty given a date that has passed), a duty already past its due date starts
    ``to_confirm`` (rule 6), not open: the party never had that date before it passed.
    ``recipient``: the authority the duty is reported to; its reminders copy it."""
    if kind not in Obligation.Kind.values:
        raise ValueError(f"Unknown obligation kind {kind!r}.")
    if not dedup_key:
        raise ValueError("An obligation needs a deduplication key.")

    def build() -> Obligation:
        obligation = Obligation(
            status=Obligation.Status.TO_CONFIRM
            if past_is_to_confirm and due_date is not None and due_date < timezone.localdate()
            else Obligation.Status.OPEN,  # rule 6: facts loaded after their deadline are to be confirmed
            kind=kind,
            title=title[:200],
            description=description,
            due_date=due_date,
            dedup_key=dedup_key,
            directive=directive,
            key=key,
            created_by=created_by,
            campaign=campaign,
            recipient=recipient,
        )
        obligation.set_party(party)
        obligation.full_clean(exclude=["dedup_key"])
        return obligation

    return _get_or_create(Obligation, dedup_key, build)


def notify_about_obligation(*, obligation: Obligation, stage: str, subject: str, body: str) -> int:
    """Message every recipient of the obligation's party (contacts, shared mailbox, portal users) once
    for this stage, through the reminder engine's channels; for deadlines with stages of their own
    (a CA certificate's 365/180/90/30 days). Returns how many notifications were written now."""
    return len(
        write(
            topic=f"obligation:{obligation.pk}",
            stage=stage,
            recipients=party_recipients(obligation.party),
            subject=subject,
            body=body,
            link=f"{settings.BASE_URL}{obligation.get_absolute_url()}",
            obligation_id=obligation.pk,
        )
    )


def transfer_obligation(dedup_key: str, party, *, by=None, reason: str = "", title: str = "") -> bool:
    """Hand the unsettled obligation with this ``dedup_key`` to another party (a CA certificate found to
    be another vendor's passes its renewal duty on, under a new ``title``), or waive it with ``reason``
    when ``party`` is None. Returns whether an obligation changed."""
    with transaction.atomic():
        obligation = (
            Obligation.objects.select_for_update().filter(dedup_key=dedup_key, status__in=Obligation.UNSETTLED).first()
        )
        if obligation is None or (party is not None and obligation.party == party):
            return False
        if party is None:
            obligation.status = Obligation.Status.WAIVED
            obligation.waived_reason = reason
        else:
            obligation.set_party(party)
            obligation.title = (title or obligation.title)[:200]
        obligation._history_user = by
        obligation._change_reason = reason[:100]
        obligation.save()
    return True
