"""The life of a filing: draft → submitted → accepted | returned (with the reviewer's reason).

Each step locks the filing row, checks the state it moves from, writes a history row with the
user, and runs the rules where the issue asks for them.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fees import findings
from fees.breaches import Breach, RuleBook, filing_line_facts
from fees.models import FeeFiling, FeeFilingLine
from fees.sweep import check_vendor_compliance
from portal.bulk import write_history


class Blocked(ValidationError):
    """The vendor has an open case about a fee breach: accepting needs an override reason."""

    def __init__(self, cases):
        self.cases = cases
        super().__init__(
            _(
                "This vendor has %(n)d open rectification case(s) about a fee breach; a new filing can only be "
                "accepted with an override reason."
            )
            % {"n": len(cases)}
        )


def _locked(filing: FeeFiling) -> FeeFiling:
    return FeeFiling.objects.select_for_update().select_related("vendor", "region").get(pk=filing.pk)


def _save(filing: FeeFiling, user, reason: str = "") -> None:
    filing._history_user = user
    if reason:
        filing._change_reason = reason
    filing.save()


def submit(filing: FeeFiling, user) -> list[Breach]:
    """Submit a draft or returned filing; run the rules and raise a finding per breach."""
    breaches = submit_many([filing], user)
    filing.refresh_from_db()
    return breaches


def submit_many(filings: Iterable[FeeFiling], user) -> list[Breach]:
    """Submit filings (an import submits thousands at once): rows locked and updated by batches,
    history written in bulk, one rule book for all lines, each breach raised once."""
    ids = [filing.pk for filing in filings]
    now = timezone.now()
    with transaction.atomic():
        locked: list[FeeFiling] = []
        for batch in _batches(ids):
            locked += (
                FeeFiling.objects.select_for_update(of=("self",))
                .filter(pk__in=batch)
                .select_related("vendor", "region")
            )
        for filing in locked:
            if not user.has_perm("fees.change_feefiling", filing):
                raise PermissionDenied(_("You may not submit this filing (#%(id)s).") % {"id": filing.pk})
        with_lines = set()
        for batch in _batches(ids):
            with_lines |= set(
                FeeFilingLine.objects.filter(filing_id__in=batch)
                .order_by()
                .values_list("filing_id", flat=True)
                .distinct()
            )
        empty = sorted(set(ids) - with_lines)
        if empty:
            raise ValidationError(
                _("A filing needs at least one line before it is submitted (filing #%(id)s).") % {"id": empty[0]}
            )
        changes = {"status": FeeFiling.Status.SUBMITTED, "submitted_at": now, "submitted_by": user, "return_reason": ""}
        for batch in _batches(ids):
            FeeFiling.objects.filter(pk__in=batch).update(**changes, updated=now)
        for filing in locked:
            for name, value in changes.items():
                setattr(filing, name, value)
            filing.updated = now
        write_history(FeeFiling, ids, history_type="~", user=user, reason="", date=now)
        breaches = RuleBook().evaluate_all(filing_line_facts(ids))
        # The fee rules raise these findings, not the vendor whose submission they checked (the filing's
        # history says who submitted it).
        findings.report(breaches)
    return breaches


def _batches(ids: list[int], size: int = 5000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def accept(filing: FeeFiling, user, override_reason: str = "") -> FeeFiling:
    """Accept a submitted filing. Refused while the vendor has an open case about a fee breach,
    unless ``override_reason`` says why."""
    override_reason = override_reason.strip()
    with transaction.atomic():
        locked = _locked(filing)
        if not user.has_perm("fees.review_feefiling", locked):
            raise PermissionDenied(_("Only an administrator of the filing's region may review a submitted filing."))
        cases = findings.blocking_cases(locked.vendor)
        if cases and not override_reason:
            raise Blocked(cases)
        locked.status = FeeFiling.Status.ACCEPTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = user
        locked.override_reason = override_reason if cases else ""
        _save(locked, user, _("accepted with override: %(reason)s") % {"reason": override_reason} if cases else "")
        transaction.on_commit(lambda: _after_acceptance(locked.vendor_id, user.pk))
    filing.refresh_from_db()
    return filing


def _after_acceptance(vendor_id: int, user_id: int) -> None:
    check_vendor_compliance.delay(vendor_id, user_id)


def return_(filing: FeeFiling, user, reason: str) -> FeeFiling:
    """Return a submitted filing to the vendor with the reviewer's reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the filing is returned.")})
    with transaction.atomic():
        locked = _locked(filing)
        if not user.has_perm("fees.review_feefiling", locked):
            raise PermissionDenied(_("Only an administrator of the filing's region may review a submitted filing."))
        locked.status = FeeFiling.Status.RETURNED
        locked.return_reason = reason
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = user
        _save(locked, user, reason)
    filing.refresh_from_db()
    return filing
