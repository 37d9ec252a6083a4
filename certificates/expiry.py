"""CA certificates approaching expiry become obligations of their vendor (through the deadline engine).

One obligation per certificate (``cert-expiry:<sha256>``, due on the day it expires, Asia/Shanghai),
created once the certificate is within a year of expiry. The deadline engine's reminder policy
reminds about it near the due date (by default 14, 7, 1 and 0 days before) and flags it overdue;
the earlier notices at 365, 180, 90 and 30 days are written here as notifications of the same
obligation, stage ``d365`` … ``d30`` — the engine's own stage names, so a policy that also holds
those stages never sends one twice (one row per obligation × stage × recipient). Only the latest
threshold reached is written, so a certificate uploaded 20 days before expiry gets one notice.

Uploading a renewed certificate (same vendor and subject, later expiry) fulfils the obligation. A
certificate belongs to a vendor once its claim is accepted (``certificates.claims``); when the province
decides it is another vendor's, the duty follows it (``owner_changed``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from certificates.models import CACertificate
from supervision.models import Obligation
from supervision.services import ensure_obligation, fulfil_obligations, notify_about_obligation, transfer_obligation

THRESHOLDS = (365, 180, 90, 30)
MESSAGE_LANGUAGE = "zh-hans"


def expiry_date(cert: CACertificate) -> datetime.date:
    return timezone.localtime(cert.not_after).date()


def expiry_key(cert: CACertificate) -> str:
    return f"cert-expiry:{cert.sha256_fingerprint}"


def threshold_reached(days_left: int) -> int | None:
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def expiry_title(cert: CACertificate) -> str:
    with override(MESSAGE_LANGUAGE):
        return _("%(vendor)s: CA certificate “%(name)s” expires on %(date)s — renew it and update the trust lists") % {
            "vendor": cert.vendor.short_name,
            "name": str(cert)[:80],
            "date": expiry_date(cert).isoformat(),
        }


def ensure_expiry_obligation(cert: CACertificate, today: datetime.date) -> tuple[Obligation | None, bool]:
    """(the certificate's expiry obligation, created now) once it is within the first threshold; else (None, False).
    A certificate no vendor's claim holds yet is nobody's duty."""
    due = expiry_date(cert)
    days_left = (due - today).days
    if cert.vendor_id is None or days_left < 0 or threshold_reached(days_left) is None:
        return None, False
    title = expiry_title(cert)
    with override(MESSAGE_LANGUAGE):
        description = _(
            "Role: %(role)s. Serial number: %(serial)s. SHA-256: %(fingerprint)s. Platforms that trust it must "
            "receive the renewed certificate before it expires."
        ) % {"role": cert.get_role_display(), "serial": cert.serial_hex, "fingerprint": cert.sha256_fingerprint}
    return ensure_obligation(
        party=cert.vendor,
        kind=Obligation.Kind.CERTIFICATE_EXPIRY,
        title=title,
        due_date=due,
        dedup_key=expiry_key(cert),
        key=cert.sha256_fingerprint,
        description=description,
    )


def remind(cert: CACertificate, obligation: Obligation, today: datetime.date) -> int:
    """Write the notice of the latest threshold reached (once per recipient); returns rows written."""
    if obligation.status not in Obligation.PENDING:
        return 0
    due = obligation.due_date
    threshold = threshold_reached((due - today).days)
    if threshold is None:
        return 0
    with override(MESSAGE_LANGUAGE):
        subject = _("CA certificate expires in %(days)s days or less: %(name)s") % {
            "days": threshold,
            "name": str(cert)[:80],
        }
        body = _(
            "The CA certificate “%(subject)s” of %(vendor)s expires on %(date)s (%(left)s days from today).\n"
            "Renew it, upload the new certificate to the portal and make sure every platform that trusts the "
            "old one receives the new one."
        ) % {
            "subject": cert.subject,
            "vendor": cert.vendor.name,
            "date": due.isoformat(),
            "left": (due - today).days,
        }
    return notify_about_obligation(obligation=obligation, stage=f"d{threshold}", subject=subject, body=body)


def check_certificates(certs, today: datetime.date | None = None) -> dict:
    """Obligations and notices for the given certificates."""
    today = today or timezone.localdate()
    obligations = notices = 0
    for cert in certs:
        obligation, _created = ensure_expiry_obligation(cert, today)
        if obligation is None:
            continue
        obligations += 1
        notices += remind(cert, obligation, today)
    return {"expiring": obligations, "notices": notices}


def sweep(today: datetime.date | None = None) -> dict:
    """Every CA certificate expiring within the first threshold."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=max(THRESHOLDS) + 1)
    certs = CACertificate.objects.filter(not_after__gte=start, not_after__lt=end, vendor__isnull=False)
    return check_certificates(certs.select_related("vendor"), today)


def fulfil_renewed(new_certs, *, by=None) -> int:
    """A new certificate with the same vendor and subject and a later expiry renews the older ones
    (the older ones looked up in one query for all the new certificates)."""
    new_certs = [cert for cert in new_certs if cert.vendor_id is not None]
    if not new_certs:
        return 0
    candidates: dict[tuple[int, str], list[tuple[int, datetime.datetime, str]]] = {}
    for pk, vendor_id, subject, not_after, fingerprint in CACertificate.objects.filter(
        vendor_id__in={cert.vendor_id for cert in new_certs}, subject__in={cert.subject for cert in new_certs}
    ).values_list("pk", "vendor_id", "subject", "not_after", "sha256_fingerprint"):
        candidates.setdefault((vendor_id, subject), []).append((pk, not_after, fingerprint))
    changed = 0
    for cert in new_certs:
        for pk, not_after, fingerprint in candidates.get((cert.vendor_id, cert.subject), []):
            if pk == cert.pk or not not_after < cert.not_after:
                continue
            with override(MESSAGE_LANGUAGE):
                evidence = _("Renewed: certificate %(fingerprint)s valid until %(date)s was uploaded.") % {
                    "fingerprint": cert.sha256_fingerprint,
                    "date": expiry_date(cert).isoformat(),
                }
            changed += fulfil_obligations(
                party=cert.vendor,
                kind=Obligation.Kind.CERTIFICATE_EXPIRY,
                key=fingerprint,
                evidence=evidence,
                by=by,
            )
    return changed


def owner_changed(cert: CACertificate, *, by=None, reason: str = "", had_owner: bool = True) -> None:
    """``cert`` is now ``cert.vendor``'s (or nobody's): its renewal duty follows it, and it may renew
    an older certificate of its new vendor. A certificate that had no owner has no duty to hand on."""
    if cert.vendor_id is None:
        transfer_obligation(expiry_key(cert), None, by=by, reason=reason)
        return
    if had_owner:
        transfer_obligation(expiry_key(cert), cert.vendor, by=by, reason=reason, title=expiry_title(cert))
    check_certificates([cert])
    fulfil_renewed([cert], by=by)
