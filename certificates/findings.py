"""The rules that report to supervision (through ``supervision.services`` only):

* a verified record fulfils the vendor's 2019 recognition obligation once every active public
  platform of the province has a verified record (same-vendor: with seals; cross-vendor: with
  every other vendor);
* **discrepancy**: a record claimed *done* or *verified* while the platform's trust list holds no
  certificate with a valid chain to one of the vendor's roots → a finding against the platform,
  once per vendor × platform;
* **unfiled vendor** (豫公管办〔2019〕23号 四, "省密码管理局认定未备案的违规行为"): a vendor serving
  platforms (a done or verified record, or a certificate on a trust list) that the cryptography
  administration has determined not filed (a recorded determination: document number, date,
  evidence), or whose filing expired or was revoked → a finding against the vendor, once per state
  of its filing. A filing status not yet known (待核实) is never a finding: unknown is not unfiled.

Each rule runs for one record right after a status change, and for everything in the daily sweep
(a fixed number of queries plus one ``raise_finding`` per *new* finding).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from certificates import clauses
from certificates.models import (
    CACertificate,
    ChainStatus,
    RecognitionEvent,
    RecognitionRecord,
    RecognitionScope,
    RecognitionStatus,
    TrustListEntry,
)
from supervision import clauses as rules
from supervision import conf
from supervision.models import CAVendor, Finding, Obligation, Platform
from supervision.services import (
    dismiss_wrong_basis,
    ensure_obligation,
    fulfil_obligations,
    raise_finding,
    record_crypto_filing,
    resolve_cleared,
)

CLAIMED = (RecognitionStatus.DONE, RecognitionStatus.VERIFIED)
MESSAGE_LANGUAGE = "zh-hans"


def province_platforms(code: str | None = None):
    """The active public-resource trading platforms of the province (cities and counties included)."""
    code = code or conf.supervising_province()
    return Platform.objects.filter(active=True, kind=Platform.Kind.PUBLIC).filter(
        Q(region_id=code) | Q(region__parent_id=code) | Q(region__parent__parent_id=code)
    )


# --- obligations ---------------------------------------------------------------------------------
def same_vendor_complete(vendor) -> bool:
    platforms = province_platforms()
    verified = RecognitionRecord.objects.filter(
        vendor=vendor,
        scope=RecognitionScope.SAME_VENDOR,
        seals_included=True,
        status=RecognitionStatus.VERIFIED,
    ).values("platform_id")
    return platforms.exists() and not platforms.exclude(pk__in=verified).exists()


def cross_vendor_complete(vendor) -> bool:
    platform_count = province_platforms().count()
    others = CAVendor.objects.exclude(pk=vendor.pk).count()
    if not platform_count or not others:
        return False
    pairs = (
        RecognitionRecord.objects.filter(
            vendor=vendor,
            scope=RecognitionScope.CROSS_VENDOR,
            seals_included=True,
            status=RecognitionStatus.VERIFIED,
            platform__in=province_platforms(),
        )
        .values("platform_id", "other_vendor_id")
        .distinct()
        .count()
    )
    return pairs >= platform_count * others


def fulfil_recognition_obligations(vendor, *, by=None) -> int:
    """Fulfil the vendor's same-/cross-vendor recognition obligations when the work is complete."""
    changed = 0
    with override(MESSAGE_LANGUAGE):
        if same_vendor_complete(vendor):
            changed += fulfil_obligations(
                party=vendor,
                kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
                evidence=_(
                    "Same-vendor recognition (with seals) verified on every active public platform of the province "
                    "(recognition records in the certificates module)."
                ),
                by=by,
            )
        if cross_vendor_complete(vendor):
            changed += fulfil_obligations(
                party=vendor,
                kind=Obligation.Kind.CROSS_VENDOR_RECOGNITION,
                evidence=_(
                    "Cross-vendor recognition (with seals) verified with every other vendor on every active "
                    "public platform of the province."
                ),
                by=by,
            )
    return changed


# --- the platforms' own duty (23号 二) -------------------------------------------------------------
# "使用……提供数字证书的公共资源交易平台，要于2019年9月底前实现同一电子认证服务机构发放的……互认": the
# platform holds the duty for each vendor whose certificates it uses (a same-vendor recognition
# record), by that vendor's date, which is read from the vendor's own 23号 duty (written once).
VENDOR_DUTY_PREFIX = "2019-23:same_vendor_recognition:"


def platform_duty_key(platform_id: int, short_name: str) -> str:
    return f"2019-23:same_vendor_recognition:platform:{platform_id}:{short_name}"


def vendor_key(short_name: str) -> str:
    return f"vendor:{short_name}"


def ensure_platform_duties(records=None, *, by=None) -> int:
    """One duty per province platform × vendor it uses; a duty whose date had passed when the portal
    learned of the pair starts "to be confirmed" (no accusation on evidence the portal never had)."""
    records = RecognitionRecord.objects.all() if records is None else records
    vendor_duties = {
        duty.vendor_id: duty
        for duty in Obligation.objects.filter(
            kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
            dedup_key__startswith=VENDOR_DUTY_PREFIX,
            vendor__isnull=False,
        ).select_related("vendor", "directive")
    }
    pairs = (
        records.filter(scope=RecognitionScope.SAME_VENDOR, platform__in=province_platforms())
        .values_list("platform_id", "vendor_id")
        .distinct()
    )
    wanted = {
        platform_duty_key(platform_id, vendor_duties[vendor_id].vendor.short_name): (platform_id, vendor_id)
        for platform_id, vendor_id in pairs
        if vendor_id in vendor_duties
    }
    known = set(Obligation.objects.filter(dedup_key__in=list(wanted)).values_list("dedup_key", flat=True))
    missing = {key: pair for key, pair in wanted.items() if key not in known}
    platforms = Platform.objects.in_bulk({platform_id for platform_id, _vendor in missing.values()})
    created = 0
    for key, (platform_id, vendor_id) in sorted(missing.items()):
        duty, platform = vendor_duties[vendor_id], platforms[platform_id]
        _obligation, new = ensure_obligation(
            party=platform,
            kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
            title=f"{platform.name}：{duty.vendor.name}发放的数字证书（含签章）同一机构互认",
            description="本平台使用该机构发放的数字证书，须按时实现同一电子认证服务机构发放的数字证书（含签章）互认。",
            due_date=duty.due_date,
            dedup_key=key,
            directive=duty.directive,
            key=vendor_key(duty.vendor.short_name),
            created_by=by,
            past_is_to_confirm=True,
        )
        created += new
    return created


def fulfil_platform_duty(record, *, by=None) -> int:
    """A verified same-vendor record (with seals) fulfils its platform's duty for that vendor."""
    if not (
        record.scope == RecognitionScope.SAME_VENDOR
        and record.seals_included
        and record.status == RecognitionStatus.VERIFIED
    ):
        return 0
    with override(MESSAGE_LANGUAGE):
        evidence = _("Same-vendor recognition (with seals) verified on this platform (recognition record %(pk)s).") % {
            "pk": record.pk
        }
    return fulfil_obligations(
        party=record.platform,
        kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
        key=vendor_key(record.vendor.short_name),
        evidence=evidence,
        by=by,
    )


# --- discrepancy ---------------------------------------------------------------------------------
def trusted_vendor_chain():
    """Exists: the record's platform trusts a certificate whose valid chain ends at a root of the record's vendor."""
    return Exists(
        TrustListEntry.objects.filter(
            platform_id=OuterRef("platform_id"),
            certificate__chain_status=ChainStatus.VALID,
            certificate__root__vendor_id=OuterRef("vendor_id"),
        )
    )


def discrepant_pairs(records=None, *, on_record: bool = True) -> list[dict]:
    """(vendor_id, platform_id) of claimed records whose platform cannot chain to the vendor's roots.

    With ``on_record`` (raising a finding) only where the portal has the evidence: the platform's trust
    list is on record (an entry at least) and so is a root of the vendor with a valid chain. A platform
    that never uploaded its trust list, or a vendor whose roots are not stored, shows nothing missing:
    an absence of data accuses nobody. Without it (re-checking an open finding) a pair stays discrepant
    until the trust list chains to the vendor's roots or the claim is withdrawn."""
    records = RecognitionRecord.objects.all() if records is None else records
    records = records.filter(status__in=CLAIMED)
    if on_record:
        records = records.filter(
            Exists(TrustListEntry.objects.filter(platform_id=OuterRef("platform_id"))),
            Exists(
                CACertificate.objects.filter(
                    vendor_id=OuterRef("vendor_id"), role=CACertificate.Role.ROOT, chain_status=ChainStatus.VALID
                )
            ),
        )
    return list(
        records.filter(~trusted_vendor_chain())
        .values("vendor_id", "platform_id")
        .order_by("vendor_id", "platform_id")
        .distinct()
    )


def discrepancy_key(vendor_id: int, platform_id: int) -> str:
    return f"trust-list-discrepancy:{vendor_id}:{platform_id}"


def raise_discrepancies(pairs: list[dict], *, today: datetime.date, by=None) -> int:
    if not pairs:
        return 0
    keys = {discrepancy_key(p["vendor_id"], p["platform_id"]): p for p in pairs}
    known = set(Finding.objects.filter(dedup_key__in=list(keys)).values_list("dedup_key", flat=True))
    new = {key: pair for key, pair in keys.items() if key not in known}
    if not new:
        return 0
    vendors = CAVendor.objects.in_bulk({p["vendor_id"] for p in new.values()})
    platforms = Platform.objects.in_bulk({p["platform_id"] for p in new.values()})
    records = RecognitionRecord.objects.filter(
        vendor_id__in=list(vendors), platform_id__in=list(platforms), status__in=CLAIMED
    ).values("vendor_id", "platform_id", "status", "is_demo")
    # A claim the demonstration made up yields a demonstration finding (marked 示例), never a real one.
    demo = {(r["vendor_id"], r["platform_id"]) for r in records if r["is_demo"]}
    claimed = {(r["vendor_id"], r["platform_id"]): r["status"] for r in records}
    raised = 0
    with override(MESSAGE_LANGUAGE):
        for key, pair in new.items():
            vendor, platform = vendors[pair["vendor_id"]], platforms[pair["platform_id"]]
            status = claimed.get((vendor.pk, platform.pk), RecognitionStatus.DONE)
            trusted = list(
                TrustListEntry.objects.filter(platform=platform).values_list(
                    "certificate__sha256_fingerprint", flat=True
                )
            )
            _finding, created = raise_finding(
                kind=Finding.Kind.TRUST_LIST_DISCREPANCY,
                party=platform,
                dedup_key=key,
                summary=_(
                    "%(platform)s: recognition of %(vendor)s is claimed “%(status)s”, but the trust list has no "
                    "valid chain to any of the vendor's root certificates"
                )
                % {"platform": platform, "vendor": vendor.short_name, "status": RecognitionStatus(status).label},
                facts={
                    "vendor": vendor.pk,
                    "vendor_name": vendor.name,
                    "platform": platform.pk,
                    "claimed_status": status,
                    "trusted_certificates": trusted,
                    "vendor_roots": list(
                        CACertificate.objects.filter(vendor=vendor, role=CACertificate.Role.ROOT).values_list(
                            "sha256_fingerprint", flat=True
                        )
                    ),
                    "detected_on": today.isoformat(),
                }
                | clauses.RECOGNITION_ON_TIME.as_facts(),
                evidence=_("Trust list of the platform compared with the vendor's stored certificate chains."),
                raised_by=by,
                is_demo=(vendor.pk, platform.pk) in demo,
            )
            raised += created
    return raised


# --- unfiled vendor ------------------------------------------------------------------------------
def serving_vendors_q() -> Q:
    """Vendors whose certificates are in use on the supervising province's platforms (whose rules, 23号
    四, the unfiled-vendor finding applies): a claimed recognition record or a trust-list entry there."""
    return Q(
        Exists(
            RecognitionRecord.objects.filter(
                conf.supervising_province_q("platform__region__code"), vendor_id=OuterRef("pk"), status__in=CLAIMED
            )
        )
    ) | Q(
        Exists(
            TrustListEntry.objects.filter(
                conf.supervising_province_q("platform__region__code"), certificate__vendor_id=OuterRef("pk")
            )
        )
    )


def unfiled_key(vendor) -> str:
    expiry = vendor.crypto_filing_expiry.isoformat() if vendor.crypto_filing_expiry else "-"
    return f"unfiled-vendor:{vendor.pk}:{vendor.crypto_filing_status}:{expiry}"


UNFILED_QUOTE = "省密码管理局认定未备案的违规行为"


def raise_unfiled(vendors, *, today: datetime.date, by=None) -> int:
    basis = rules.UNFILED_VENDOR
    vendors = list(vendors.filter(serving_vendors_q()).filter(CAVendor.determined_unfiled_q()))
    if not vendors:
        return 0
    known = set(
        Finding.objects.filter(dedup_key__in=[unfiled_key(v) for v in vendors]).values_list("dedup_key", flat=True)
    )
    raised = 0
    with override(MESSAGE_LANGUAGE):
        for vendor in vendors:
            if unfiled_key(vendor) in known:
                continue
            platforms = (
                RecognitionRecord.objects.filter(vendor=vendor, status__in=CLAIMED)
                .values_list("platform_id", flat=True)
                .distinct()
                .count()
            )
            _finding, created = raise_finding(
                kind=Finding.Kind.UNFILED_VENDOR,
                party=vendor,
                dedup_key=unfiled_key(vendor),
                summary=_(
                    "%(vendor)s serves trading platforms without a valid filing with the cryptography "
                    "administration (%(status)s%(determination)s). Basis: %(directive)s %(clause)s “%(quote)s”"
                )
                % {
                    "vendor": vendor.name,
                    "status": vendor.get_crypto_filing_status_display(),
                    "determination": f" {vendor.crypto_determination_number}"
                    if vendor.crypto_filing_status == CAVendor.FilingStatus.NOT_FILED
                    else "",
                    "directive": basis.directive,
                    "clause": basis.clause,
                    "quote": UNFILED_QUOTE,
                },
                facts={
                    "vendor": vendor.pk,
                    "filing_status": vendor.crypto_filing_status,
                    "filing_expiry": vendor.crypto_filing_expiry.isoformat() if vendor.crypto_filing_expiry else None,
                    "determination": {
                        "document_number": vendor.crypto_determination_number,
                        "date": vendor.crypto_determination_date.isoformat()
                        if vendor.crypto_determination_date
                        else None,
                        "evidence": vendor.crypto_determination_evidence,
                    },
                    "platforms_with_claimed_recognition": platforms,
                    "detected_on": today.isoformat(),
                }
                | basis.as_facts(),
                evidence=_(
                    "Cryptography filing of the vendor in the registry; its recognition records and trust-list entries."
                ),
                raised_by=by,
            )
            raised += created
    return raised


# --- findings that clear -------------------------------------------------------------------------
def clear_discrepancies(records, findings, *, today: datetime.date, by=None) -> int:
    """Of ``findings`` (discrepancies within the records' scope), those whose pair is no longer
    discrepant — the trust list now chains to the vendor's roots, or the claim was withdrawn — resolve."""
    still = [discrepancy_key(p["vendor_id"], p["platform_id"]) for p in discrepant_pairs(records, on_record=False)]
    discrepancies = findings.filter(kind=Finding.Kind.TRUST_LIST_DISCREPANCY, status=Finding.Status.OPEN)
    # An earlier reading raised the finding with nothing to compare: no trust list or no root on record.
    unfounded = [
        pk
        for pk, facts in discrepancies.values_list("pk", "facts")
        if isinstance(facts, dict) and (not facts.get("trusted_certificates") or not facts.get("vendor_roots"))
    ]
    with override(MESSAGE_LANGUAGE):
        evidence = _("Re-checked: the platform's trust list now chains to the vendor's roots, or no claim remains.")
        reason = _(
            "Wrong basis: when it was raised the platform had no trust list on record or the vendor no root "
            "certificate on record, so nothing showed a missing chain."
        )
    dismissed = dismiss_wrong_basis(Finding.objects.filter(pk__in=unfounded), reason=reason, by=by)
    return dismissed + resolve_cleared(
        findings.filter(kind=Finding.Kind.TRUST_LIST_DISCREPANCY).exclude(dedup_key__in=still),
        evidence=evidence,
        today=today,
        by=by,
    )


def clear_unfiled(vendors, *, today: datetime.date, by=None) -> int:
    """Unfiled-vendor findings of ``vendors`` that now have a valid filing, or serve no platform, resolve.
    One an earlier reading raised on a filing that only expired (no determination, no revocation) is
    dismissed with that reason."""
    serving = vendors.filter(serving_vendors_q())
    still = serving.filter(CAVendor.determined_unfiled_q()).values("pk")
    lapsed = serving.filter(CAVendor.unfiled_q(today)).exclude(CAVendor.determined_unfiled_q()).values("pk")
    found = Finding.objects.filter(kind=Finding.Kind.UNFILED_VENDOR, vendor__in=vendors.values("pk"))
    with override(MESSAGE_LANGUAGE):
        evidence = _("Re-checked: a valid filing is recorded, or the vendor no longer serves the platforms.")
        reason = _(
            "Wrong basis: the filing only expired; 23号 四 acts on a determination of the cryptography "
            "administration (%(quote)s), to be confirmed with it."
        ) % {"quote": UNFILED_QUOTE}
    dismissed = dismiss_wrong_basis(found.filter(vendor__in=lapsed), reason=reason, by=by)
    return dismissed + resolve_cleared(
        found.exclude(vendor__in=still).exclude(vendor__in=lapsed), evidence=evidence, today=today, by=by
    )


# --- entry points --------------------------------------------------------------------------------
def after_transition(record, action: str, *, by=None, today: datetime.date | None = None) -> None:
    """Run the rules for one record right after its status changed (inside the same transaction)."""
    today = today or timezone.localdate()
    if record.status in CLAIMED:
        raise_discrepancies(discrepant_pairs(RecognitionRecord.objects.filter(pk=record.pk)), today=today, by=by)
        raise_unfiled(CAVendor.objects.filter(pk=record.vendor_id), today=today, by=by)
    if action == RecognitionEvent.Action.VERIFY:
        ensure_platform_duties(RecognitionRecord.objects.filter(pk=record.pk), by=by)
        fulfil_platform_duty(record, by=by)
        fulfil_recognition_obligations(record.vendor, by=by)


def after_trust_list_change(platform, *, by=None, today: datetime.date | None = None) -> int:
    """A platform's trust list changed: check its claimed records again."""
    today = today or timezone.localdate()
    records = RecognitionRecord.objects.filter(platform=platform)
    raised = raise_discrepancies(discrepant_pairs(records), today=today, by=by)
    clear_discrepancies(records, Finding.objects.filter(platform=platform), today=today, by=by)
    vendors = CAVendor.objects.filter(certificates__trusted_by__platform=platform).distinct()
    return raised + raise_unfiled(vendors, today=today, by=by)


def sweep(today: datetime.date | None = None) -> dict:
    """Every claimed record and every serving vendor, set-based."""
    today = today or timezone.localdate()
    discrepancies = raise_discrepancies(discrepant_pairs(), today=today)
    unfiled = raise_unfiled(CAVendor.objects.all(), today=today)
    ensure_platform_duties()
    for record in (
        RecognitionRecord.objects.filter(
            scope=RecognitionScope.SAME_VENDOR,
            seals_included=True,
            status=RecognitionStatus.VERIFIED,
            platform__obligations__kind=Obligation.Kind.SAME_VENDOR_RECOGNITION,
            platform__obligations__status__in=Obligation.UNSETTLED,
        )
        .select_related("platform", "vendor")
        .distinct()
    ):
        fulfil_platform_duty(record)
    cleared = clear_discrepancies(RecognitionRecord.objects.all(), Finding.objects.all(), today=today)
    cleared += clear_unfiled(CAVendor.objects.all(), today=today)
    fulfilled = 0
    for vendor in CAVendor.objects.filter(CAVendor.filing_valid_q(today)).filter(
        Exists(
            Obligation.objects.filter(
                vendor_id=OuterRef("pk"), kind=Obligation.Kind.CRYPTO_FILING, status__in=Obligation.PENDING
            )
        )
    ):
        fulfilled += record_crypto_filing(vendor, today=today)
    for vendor in CAVendor.objects.filter(
        Exists(
            Obligation.objects.filter(
                vendor_id=OuterRef("pk"),
                kind__in=[Obligation.Kind.SAME_VENDOR_RECOGNITION, Obligation.Kind.CROSS_VENDOR_RECOGNITION],
                status__in=Obligation.PENDING,
            )
        ),
        Exists(RecognitionRecord.objects.filter(vendor_id=OuterRef("pk"), status=RecognitionStatus.VERIFIED)),
    ):
        fulfilled += fulfil_recognition_obligations(vendor)
    return {
        "discrepancies": discrepancies,
        "unfiled_vendors": unfiled,
        "findings_cleared": cleared,
        "obligations_fulfilled": fulfilled,
    }
