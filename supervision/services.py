"""The small interface other apps use to report to supervision: findings and obligations.

``certificates`` and ``fees`` import only this module (and the models it returns). Every function
is idempotent and safe under concurrent calls: uniqueness is enforced by the database (unique
``dedup_key``), and a losing racer reads the winner's row instead of failing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.engine.notify import party_recipients, write
from supervision.models import Finding, Obligation, party_field, party_lookup


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
    if kind not in Finding.Kind.values:
        raise ValueError(f"Unknown finding kind {kind!r}.")
    party_field(party)  # refuses anything that is not a party
    if not dedup_key:
        raise ValueError("A finding needs a deduplication key.")

    def build() -> Finding:
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

    return _get_or_create(Finding, dedup_key, build)


def fulfil_obligations(*, party, kind: str, evidence: str, by=None, key: str = "") -> int:
    """Mark the party's open or overdue obligations of this kind (and this `key` when given) fulfilled with
    the evidence text; returns how many changed. Idempotent."""
    pending = Obligation.objects.filter(**party_lookup(party), kind=kind, status__in=Obligation.PENDING)
    if key:
        pending = pending.filter(key=key)
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        # Row locks (PostgreSQL) make two simultaneous calls change each obligation once; the
        # status test below repeats the claim for databases without them.
        for obligation in pending.select_for_update():
            if obligation.status not in Obligation.PENDING:
                continue
            obligation.status = Obligation.Status.FULFILLED
            obligation.fulfilled_at = now
            obligation.fulfilled_by = by
            obligation.evidence = evidence
            obligation._change_reason = "fulfilled"
            if by is not None:
                obligation._history_user = by
            obligation.save(update_fields=["status", "fulfilled_at", "fulfilled_by", "evidence", "updated"])
            changed += 1
    return changed


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
) -> tuple[Obligation, bool]:
    """Create an obligation once per dedup_key (other apps use it for their own deadlines, e.g. a CA
    certificate's expiry); returns (obligation, created)."""
    if kind not in Obligation.Kind.values:
        raise ValueError(f"Unknown obligation kind {kind!r}.")
    if not dedup_key:
        raise ValueError("An obligation needs a deduplication key.")

    def build() -> Obligation:
        obligation = Obligation(
            kind=kind,
            title=title[:200],
            description=description,
            due_date=due_date,
            dedup_key=dedup_key,
            directive=directive,
            key=key,
            created_by=created_by,
            campaign=campaign,
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
