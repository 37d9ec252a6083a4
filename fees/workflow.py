"""The life of a filing: draft → submitted → accepted | returned (with the reviewer's reason).

Each step locks the filing row, checks the state it moves from, writes a history row with the
user, and runs the rules where the issue asks for them.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fees import findings
from fees.breaches import Breach, RuleBook
from fees.models import FeeFiling, FeeFilingLine
from fees.sweep import check_vendor_compliance
from portal.bulk import among, write_history
from supervision.models import Region


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
    breaches = submit_many([filing.pk], user)
    filing.refresh_from_db()
    return breaches


def submit_many(filing_ids: Iterable[int], user, progress: Callable[[int, int], None] | None = None) -> list[Breach]:
    """Submit filings (an import submits thousands at once), set-based: the rows locked, checked and
    updated with one statement each, whatever their number, their history written in bulk, the rules
    run on the lines that may breach and each breach raised once. ``progress(done, total)`` follows
    the steps."""
    ids = sorted(set(filing_ids))
    report = progress or (lambda done, total: None)
    with transaction.atomic():
        check_submittable(ids, user)
        report(1, 4)
        mark_submitted(ids, user)
        report(2, 4)
        breaches = RuleBook().evaluate_filings(ids)
        report(3, 4)
        # The fee rules raise these findings, not the vendor whose submission they checked (the filing's
        # history says who submitted it).
        findings.reopen_resubmitted(breaches, findings.report(breaches))
        report(4, 4)
    return breaches


def check_submittable(ids: list[int], user) -> None:
    """Lock the filings and refuse the submission (``PermissionDenied``, ``ValidationError``) if the
    user may not change one of them or one has no line. The permission depends on the filing's
    vendor, region and status only: it is asked once for each such combination."""
    locked = (
        FeeFiling.objects.select_for_update()
        .filter(among(FeeFiling, "pk", ids))
        .order_by("pk")
        .values_list("pk", "vendor_id", "region_id", "status")
    )
    kinds: dict[tuple, int] = {}
    for pk, *kind in locked:
        kinds.setdefault(tuple(kind), pk)
    regions = Region.objects.select_related("parent").in_bulk(
        {region for _vendor, region, _status in kinds}, field_name="code"
    )
    filing = FeeFiling()  # one instance given each combination in turn: the rules read these fields only
    for (vendor_id, region_id, status), pk in kinds.items():
        filing.pk, filing.vendor_id, filing.region, filing.status = pk, vendor_id, regions[region_id], status
        if not user.has_perm("fees.change_feefiling", filing):
            raise PermissionDenied(_("You may not submit this filing (#%(id)s).") % {"id": pk})
    lines = FeeFilingLine.objects.filter(filing_id=OuterRef("pk"))
    empty = (
        FeeFiling.objects.filter(among(FeeFiling, "pk", ids))
        .exclude(Exists(lines))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if empty is not None:
        raise ValidationError(
            _("A filing needs at least one line before it is submitted (filing #%(id)s).") % {"id": empty}
        )


def mark_submitted(ids: list[int], user) -> None:
    """The filings submitted by ``user`` now, with one "~" history row each."""
    now = timezone.now()
    FeeFiling.objects.filter(among(FeeFiling, "pk", ids)).update(
        status=FeeFiling.Status.SUBMITTED, submitted_at=now, submitted_by=user, return_reason="", updated=now
    )
    write_history(FeeFiling, ids, history_type="~", user=user, reason="", date=now)


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
        findings.clear_returned(locked, reason, by=user)
    filing.refresh_from_db()
    return filing
