from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from certificates import matrix
from certificates.models import (
    CACertificate,
    CertificateClaim,
    ChainStatus,
    ClaimStatus,
    RecognitionRecord,
    RecognitionStatus,
)
from portal.navigation import Card


def cards(user) -> list[Card]:
    records = RecognitionRecord.objects.visible_to(user)
    counts = records.aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(status=RecognitionStatus.VERIFIED)),
        awaiting=Count("pk", filter=Q(status=RecognitionStatus.DONE)),
    )
    share = f"{round(100 * counts['verified'] / counts['total'])}%" if counts["total"] else "—"
    record_list = reverse("certificates:recognitionrecord_list")
    result = [
        Card(
            _("Recognition verified"),
            share,
            reverse("certificates:matrix_province"),
            "bi-patch-check",
            "success",
            _("%(verified)d of %(total)d records") % counts,
        ),
        Card(
            _("Recognition awaiting confirmation or verification"),
            counts["awaiting"],
            f"{record_list}?status=done",
            "bi-hourglass",
            "info",
        ),
    ]
    if not user.platform_id:
        result.append(
            Card(
                _("CA certificates with a broken chain"),
                CACertificate.objects.visible_to(user)
                .filter(
                    chain_status__in=[ChainStatus.BROKEN_SIGNATURE, ChainStatus.ISSUER_MISSING, ChainStatus.EXPIRED]
                )
                .count(),
                reverse("certificates:certificate_list"),
                "bi-shield-exclamation",
                "warning",
            )
        )
        result.append(
            Card(
                _("Certificate claims awaiting confirmation"),
                CertificateClaim.objects.visible_to(user).filter(status=ClaimStatus.PENDING).count(),
                f"{reverse('certificates:claim_list')}?status=pending",
                "bi-person-check",
                "info",
            )
        )
    if counts["total"]:
        result.append(
            Card(
                _("Recognition progress"),
                "",
                reverse("certificates:matrix_province"),
                "bi-bar-chart",
                template="certificates/dashboard_charts.html",
                data={
                    "vendors": matrix.progress_by_vendor(user),
                    "regions": matrix.progress_by_region(user),
                    "labels": {"verified": _("Verified"), "done": _("Done"), "other": _("Not yet done")},
                },
            )
        )
    return result
