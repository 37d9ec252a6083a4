"""Processing an uploaded certificate file: store its CA certificates and record the uploader's claims.

A file of up to ``SYNC_MAX_CERTIFICATES`` certificates is processed in the request; a larger one (a
bundle of hundreds) by a Celery worker, after the upload's row is committed, reporting its progress
through the cache (``portal.jobs.Progress``) while the whole file is stored in one transaction: all
or nothing.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import claims
from certificates.chains import MemoVerifier, store_certificates
from certificates.models import CertificateUpload, ClaimStatus
from certificates.uploads import certificate_error_message
from certificates.x509 import CertificateError, load_certificates
from portal.jobs import Progress

logger = logging.getLogger(__name__)
SYNC_MAX_CERTIFICATES = 50  # more certificates in one file go to Celery
BATCH = 50  # certificates stored, their chains checked and claims recorded per step of the progress bar
MAX_CLAIMS_LISTED = 5000
PROGRESS = Progress("certificates:upload", {"reading": (0, 5), "storing": (5, 100)})


def progress_of(upload: CertificateUpload) -> dict:
    return PROGRESS.of(upload.pk, running=upload.running, status=upload.status)


def start(upload: CertificateUpload, count: int) -> None:
    """Process the upload now (``count`` certificates, few) or hand it to Celery after the current
    transaction commits (many)."""
    if count > SYNC_MAX_CERTIFICATES:
        PROGRESS.report(upload.pk, "reading", 0, count)
        transaction.on_commit(lambda: process_upload.delay(upload.pk))
    else:
        run(upload.pk)


@shared_task(name="certificates.tasks.process_upload", acks_late=True)
def process_upload(upload_id: int) -> str:
    """Store a large certificate file and record its claims (uploads of many certificates come here)."""
    return run(upload_id)


def run(upload_id: int) -> str:
    """Process the upload once (a second call, or a second worker, finds it already claimed)."""
    if not CertificateUpload.objects.filter(pk=upload_id, status=CertificateUpload.Status.QUEUED).update(
        status=CertificateUpload.Status.RUNNING
    ):
        return CertificateUpload.objects.get(pk=upload_id).status
    upload = CertificateUpload.objects.select_related("vendor", "created_by").get(pk=upload_id)
    try:
        return _process(upload)
    except ValidationError as exc:
        return _fail(upload, " ".join(exc.messages))
    except Exception:
        logger.exception("certificate upload %s failed", upload_id)
        return _fail(
            upload, _("The upload stopped on an unexpected error; nothing was stored. Please tell the administrators.")
        )


def _fail(upload: CertificateUpload, message: str) -> str:
    CertificateUpload.objects.filter(pk=upload.pk).update(
        status=CertificateUpload.Status.FAILED, error=message, finished_at=timezone.now()
    )
    return CertificateUpload.Status.FAILED


def _read(upload: CertificateUpload):
    name = PurePath(upload.original_name).name
    with upload.file.open("rb") as handle:
        data = handle.read()
    try:
        return load_certificates(data, name)
    except CertificateError as exc:
        raise ValidationError(certificate_error_message(exc.code, name), code=exc.code) from exc


def _process(upload: CertificateUpload) -> str:
    PROGRESS.report(upload.pk, "reading", 0, upload.total)
    parsed = _read(upload)
    total = len(parsed)
    by = upload.created_by
    counts = {"certificates": total, "claimed": 0, "already_claimed": 0, "skipped_end_entity": 0}
    counts |= {status: 0 for status in ClaimStatus.values}
    claim_ids: dict[int, None] = {}  # in order, each once (a file may hold a certificate twice)
    notes = upload.notes.strip()
    verifier = MemoVerifier()  # each signature (a root's self-signature) verified once per upload
    with transaction.atomic():
        for first in range(0, total, BATCH):
            stored = store_certificates(
                parsed[first : first + BATCH], user=by, filename=upload.original_name, notes=notes, verifier=verifier
            )
            counts["skipped_end_entity"] += len(stored.skipped_end_entity)
            for item, created in claims.claim_many(
                stored.created + stored.existing, upload.vendor, by=by, upload=upload
            ):
                if item.pk in claim_ids:
                    continue
                counts["claimed" if created else "already_claimed"] += 1
                counts[item.status] += 1
                claim_ids[item.pk] = None
            PROGRESS.report(upload.pk, "storing", min(first + BATCH, total), total)
        if not claim_ids:
            raise ValidationError(certificate_error_message("no_ca_certificate", upload.original_name))
        CertificateUpload.objects.filter(pk=upload.pk).update(
            status=CertificateUpload.Status.DONE,
            total=total,
            summary=counts | {"claim_ids": list(claim_ids)[:MAX_CLAIMS_LISTED]},
            finished_at=timezone.now(),
        )
    return CertificateUpload.Status.DONE
