"""Whose a CA certificate is. A vendor's upload of a certificate is a claim (``CertificateClaim``):

* accepted at once when the certificate's subject names the vendor: its organisation (O) is the vendor's
  name, or its serialNumber, OU or organizationIdentifier (2.5.4.97) carries the vendor's unified social
  credit code (统一社会信用代码) — unless another vendor's claim of it is already accepted;
* accepted at once when the provincial office uploads it for the vendor;
* otherwise pending, until the provincial office confirms or rejects it, with its reason.

Two vendors' live claims of one certificate are a conflict, listed for the province, which decides it
by confirming one claim (the others are rejected with the same reason). The accepted claim's vendor is
the certificate's ``vendor``; the certificate's renewal duty follows it. A vendor sees only its own
claims and never learns from an answer whether, or by whom, a certificate was claimed before.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import expiry
from certificates.models import CACertificate, CertificateClaim, ClaimBasis, ClaimStatus
from certificates.models.claims import LIVE
from certificates.x509 import subject_identity
from portal.bulk import create_with_history, write_history


def may_decide(user) -> bool:
    return user is not None and user.has_perm(CertificateClaim.get_perm("decide"))


def subject_names(cert: CACertificate, vendor) -> str:
    """How the certificate's subject names ``vendor``: a ``ClaimBasis`` value, "" when it does not."""
    return subject_identity(bytes(cert.der)).match(name=vendor.name, credit_code=vendor.credit_code)


def _set_owner(cert: CACertificate, vendor, *, by, reason: str = "") -> None:
    previous = cert.vendor_id
    if previous == (vendor.pk if vendor else None):
        return
    cert.vendor = vendor
    cert._history_user = by
    cert._change_reason = reason[:100]
    cert.save(update_fields=["vendor", "updated"])
    expiry.owner_changed(cert, by=by, reason=reason, had_owner=previous is not None)


def _locked(cert: CACertificate) -> CACertificate:
    """The certificate's row, locked: claims of one certificate are decided one at a time."""
    return CACertificate.objects.select_for_update().get(pk=cert.pk)


def claim(cert: CACertificate, vendor, *, by, upload=None) -> tuple[CertificateClaim, bool]:
    """Record ``vendor``'s claim of ``cert`` (uploaded by ``by``), deciding it where the rules allow;
    returns (the claim, created now). A vendor's second upload of the same certificate changes nothing."""
    return claim_many([cert], vendor, by=by, upload=upload)[0]


def claim_many(certs, vendor, *, by, upload=None) -> list[tuple[CertificateClaim, bool]]:
    """``claim`` for many certificates at once (an upload's batch), in a number of queries that does not
    grow with them: the certificates' rows locked together, their claims looked up together, the new
    claims and the new owners written in bulk with their history. Returns (claim, created now) per
    certificate, in order (a certificate listed twice gets the same claim twice)."""
    ids = list(dict.fromkeys(cert.pk for cert in certs))
    if not ids:
        return []
    with transaction.atomic():
        # Claims of one certificate are decided one at a time: its row is locked (in id order), its owner
        # read under the lock (the rest of the row, DER included, is the caller's: it never changes).
        owners = dict(
            CACertificate.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", "vendor_id")
        )
        locked = {}
        for cert in certs:
            cert.vendor_id = owners[cert.pk]
            locked[cert.pk] = cert
        existing = {c.certificate_id: c for c in CertificateClaim.objects.filter(certificate_id__in=ids, vendor=vendor)}
        held = set(
            CertificateClaim.objects.filter(certificate_id__in=ids, status=ClaimStatus.ACCEPTED).values_list(
                "certificate_id", flat=True
            )
        )
        decides = may_decide(by)
        now = timezone.now()
        new: list[CertificateClaim] = []
        for pk in ids:
            if pk in existing:
                continue
            cert = locked[pk]
            basis = ClaimBasis.ADMINISTRATOR if decides else subject_names(cert, vendor)
            accepted = bool(basis) and pk not in held
            new.append(
                CertificateClaim(
                    certificate=cert,
                    vendor=vendor,
                    upload=upload,
                    claimed_by=by,
                    status=ClaimStatus.ACCEPTED if accepted else ClaimStatus.PENDING,
                    basis=basis if accepted else ClaimBasis.NONE,
                    decided_by=by if accepted and basis == ClaimBasis.ADMINISTRATOR else None,
                    decided_at=now if accepted else None,
                )
            )
        create_with_history(new, user=by)
        _set_owners([item.certificate for item in new if item.status == ClaimStatus.ACCEPTED], vendor, by=by)
    created = {item.certificate_id: item for item in new}
    return [(created[cert.pk], True) if cert.pk in created else (existing[cert.pk], False) for cert in certs]


def _set_owners(certs: list[CACertificate], vendor, *, by) -> None:
    """``_set_owner`` for many certificates: one UPDATE, their history from the rows, then the duties."""
    changing = [cert for cert in certs if cert.vendor_id != vendor.pk]
    if not changing:
        return
    previous = {cert.pk: cert.vendor_id for cert in changing}
    now = timezone.now()
    CACertificate.objects.filter(pk__in=list(previous)).update(vendor=vendor, updated=now)
    write_history(CACertificate, list(previous), history_type="~", user=by, reason="", date=now)
    for cert in changing:
        cert.vendor = vendor
        cert.updated = now
        if previous[cert.pk] is not None:  # its renewal duty follows it
            expiry.owner_changed(cert, by=by, had_owner=True)
    first_owned = [cert for cert in changing if previous[cert.pk] is None]
    expiry.check_certificates(first_owned)
    expiry.fulfil_renewed(first_owned, by=by)


def record_owner(certs, vendor, *, by=None) -> None:
    """Accepted claims of ``vendor`` for certificates stored as its own by the portal's facts (seed data)."""
    CertificateClaim.objects.bulk_create(
        [
            CertificateClaim(
                certificate=cert,
                vendor=vendor,
                claimed_by=by,
                status=ClaimStatus.ACCEPTED,
                basis=ClaimBasis.RECORDED,
                decided_at=timezone.now(),
            )
            for cert in certs
        ],
        ignore_conflicts=True,
    )


def _check(user, item: CertificateClaim, reason: str) -> str:
    if not user.has_perm(CertificateClaim.get_perm("decide"), item):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    return reason


def confirm(item: CertificateClaim, *, by, reason: str) -> CertificateClaim:
    """The provincial office confirms the claim: the certificate is its vendor's, every other vendor's
    live claim of it is rejected with the same reason (confirming an accepted claim that another vendor
    contests decides the conflict)."""
    reason = _check(by, item, reason)
    now = timezone.now()
    with transaction.atomic():
        cert = _locked(item.certificate)
        item = CertificateClaim.objects.select_for_update().get(pk=item.pk)
        others = CertificateClaim.objects.filter(certificate=cert, status__in=LIVE).exclude(pk=item.pk)
        if item.status == ClaimStatus.ACCEPTED and not others.exists():
            raise ValidationError(_("This claim is already accepted."))
        for other in others.select_for_update():
            _decide(other, ClaimStatus.REJECTED, by=by, reason=reason, at=now)
        _decide(item, ClaimStatus.ACCEPTED, by=by, reason=reason, at=now)
        _set_owner(cert, item.vendor, by=by, reason=reason)
    return item


def reject(item: CertificateClaim, *, by, reason: str) -> CertificateClaim:
    """The provincial office rejects the claim; a certificate whose accepted claim it was is nobody's
    until another claim is confirmed."""
    reason = _check(by, item, reason)
    with transaction.atomic():
        cert = _locked(item.certificate)
        item = CertificateClaim.objects.select_for_update().get(pk=item.pk)
        if item.status == ClaimStatus.REJECTED:
            raise ValidationError(_("This claim is already rejected."))
        was_owner = item.status == ClaimStatus.ACCEPTED
        _decide(item, ClaimStatus.REJECTED, by=by, reason=reason, at=timezone.now())
        if was_owner:
            _set_owner(cert, None, by=by, reason=reason)
    return item


def _decide(item: CertificateClaim, status: str, *, by, reason: str, at) -> None:
    item.status = status
    item.basis = ClaimBasis.ADMINISTRATOR if status == ClaimStatus.ACCEPTED else ClaimBasis.NONE
    item.decided_by = by
    item.decided_at = at
    item.reason = reason
    item._history_user = by
    item._change_reason = reason[:100]
    item.save()
