"""The dashboard's share of certificates and recognition: records to confirm (a platform) or to verify
(an administrator), certificate claims and conflicting claims for the province to decide; the counts
and the progress charts. A fixed number of queries."""

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import matrix
from certificates.claims import may_decide
from certificates.models import (
    CACertificate,
    CertificateClaim,
    ChainStatus,
    ClaimStatus,
    RecognitionRecord,
    RecognitionStatus,
)
from portal.navigation import Card, WorkItem, local_date


def work(user, limit: int) -> list[WorkItem]:
    records = RecognitionRecord.objects.visible_to(user).select_related("vendor", "platform")
    done = records.filter(status=RecognitionStatus.DONE)
    items = []
    if user.platform_id:
        items += [
            WorkItem(
                _("Confirm the recognition"),
                f"{r.vendor.short_name} · {r.platform}",
                r.get_absolute_url(),
                r.vendor.short_name,
                since=local_date(r.updated),
                icon="bi-patch-question",
            )
            for r in done.filter(platform_id=user.platform_id, confirmed_by_platform=False).order_by("updated", "pk")[
                :limit
            ]
        ]
    if user.is_administrator:
        items += [
            WorkItem(
                _("Verify the recognition"),
                f"{r.vendor.short_name} · {r.platform}",
                r.get_absolute_url(),
                r.vendor.short_name,
                since=local_date(r.confirmed_at),
                icon="bi-patch-check",
            )
            for r in done.filter(confirmed_by_platform=True).order_by("confirmed_at", "pk")[:limit]
        ]
    if may_decide(user):
        claims = CertificateClaim.objects.visible_to(user)
        contested = list(
            claims.in_conflict()
            .values("certificate_id", "certificate__subject")
            .annotate(since=Min("created"), vendors=Count("vendor_id", distinct=True))
            .order_by("since", "certificate_id")[:limit]
        )
        conflicts_page = reverse("certificates:claim_conflicts")
        items += [
            WorkItem(
                _("Decide the conflicting claims"),
                row["certificate__subject"][:120],
                conflicts_page,
                _("%(n)d vendors") % {"n": row["vendors"]},
                since=local_date(row["since"]),
                icon="bi-exclamation-diamond",
            )
            for row in contested
        ]
        items += [
            WorkItem(
                _("Decide the certificate claim"),
                str(c.certificate)[:120],
                c.get_absolute_url(),
                c.vendor.short_name,
                since=local_date(c.created),
                icon="bi-person-check",
            )
            for c in claims.filter(status=ClaimStatus.PENDING)
            .exclude(certificate_id__in=[row["certificate_id"] for row in contested])
            .select_related("vendor", "certificate")
            .defer("certificate__der", "certificate__spki_der")
            .order_by("created", "pk")[:limit]
        ]
    return items


NATIONAL_KEY = "certificates:dashboard:national-progress"
NATIONAL_RECOUNT = 5 * 60  # seconds: the whole country's figures are recounted at most this often


def progress_counts(user) -> dict:
    """{total, verified, awaiting} of the records the user sees (one query)."""
    return RecognitionRecord.objects.visible_to(user).aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(status=RecognitionStatus.VERIFIED)),
        awaiting=Count("pk", filter=Q(status=RecognitionStatus.DONE)),
    )


def national_progress(user) -> dict:
    """A superuser's figures, every record of the country: its counts and the progress per vendor, two
    aggregates over all of them (which grow with the country), so counted at most every
    ``NATIONAL_RECOUNT`` seconds and shown with the time they were counted ({counts, vendors, counted})."""

    def count() -> dict:
        return {
            "counts": progress_counts(user),
            "vendors": matrix.progress_by_vendor(user),
            "counted": timezone.now(),
        }

    return cache.get_or_set(NATIONAL_KEY, count, NATIONAL_RECOUNT)


def cards(user) -> list[Card]:
    if user.is_superuser:
        national = national_progress(user)
        counts, vendors = national["counts"], national["vendors"]
        counted = _("Counted at %(time)s; the whole country's figures are counted again every %(minutes)d minutes.") % {
            "time": f"{timezone.localtime(national['counted']):%H:%M}",
            "minutes": NATIONAL_RECOUNT // 60,
        }
    else:
        counts, vendors, counted = progress_counts(user), None, ""
    share = f"{round(100 * counts['verified'] / counts['total'])}%" if counts["total"] else "—"
    record_list = reverse("certificates:recognitionrecord_list")
    result = [
        Card(
            _("Recognition verified"),
            share,
            reverse("certificates:matrix_province"),
            "bi-patch-check",
            "success",
            " ".join(filter(None, [_("%(verified)d of %(total)d records") % counts, counted])),
        ),
        Card(
            _("Recognition awaiting confirmation or verification"),
            counts["awaiting"],
            f"{record_list}?status=done",
            "bi-hourglass",
            "info",
            counted,
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
                note=counted,
                template="certificates/dashboard_charts.html",
                data={
                    "vendors": matrix.progress_by_vendor(user) if vendors is None else vendors,
                    "regions": matrix.progress_by_region(user),
                    "labels": {"verified": _("Verified"), "done": _("Done"), "other": _("Not yet done")},
                },
            )
        )
    return result
