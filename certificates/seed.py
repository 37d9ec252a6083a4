"""Demonstration data of the certificates app (all marked 示例): the 2019 Henan story.

* Each of the four vendors has a demo RSA root (generated here with ``cryptography``); BJCA and
  HNCA also an intermediate, HNCA's expiring within the year (an expiry obligation).
* Same-vendor recognition rows (with seals) of the four vendors on every active public platform of
  Henan: 华测CA and BJCA verified before 2019-09-30; SZCA late (verified in October on most
  platforms, still testing on two — its obligation goes overdue through the deadline engine);
  HNCA (due 2019-11-30) verified everywhere in November, but 开封's trust list lacks HNCA's root —
  a trust-list discrepancy.
* Trust lists: every Henan platform trusts the four roots, except 开封's (no HNCA root).
* A few cross-vendor rows, products and shared APPs.

Idempotent: rows are created once (certificates by subject, records by their unique identity).
"""

from __future__ import annotations

import datetime
import zoneinfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.utils import timezone

from certificates import expiry, findings
from certificates.chains import store_certificates
from certificates.models import (
    CACertificate,
    Product,
    RecognitionEvent,
    RecognitionRecord,
    RecognitionScope,
    RecognitionStatus,
    SharedApp,
    TrustListEntry,
)
from certificates.tasks import sweep_recognition
from certificates.x509 import load_certificates
from portal.seeding import DEMO_MARK, Log, ensure_schedules, upsert
from supervision.models import CAVendor, Platform

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
S = RecognitionStatus
DISCREPANCY_PLATFORM = "开封市公共资源交易中心交易平台"
LATE_OPEN_PLATFORMS = ("濮阳市公共资源交易中心交易平台", "洛阳市公共资源交易中心交易平台")
DEMO_FILINGS = {
    "华测CA": "豫密备〔2018〕001号（示例）",
    "BJCA": "豫密备〔2018〕002号（示例）",
    "HNCA": "豫密备〔2018〕003号（示例）",
}


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), SHANGHAI)


# --- certificates --------------------------------------------------------------------------------
def _name(common: str, vendor: CAVendor) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, vendor.name),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _certificate(subject, issuer, key, signer, *, not_before, not_after, ca_path=None) -> bytes:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=ca_path), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
    )
    return builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def demo_certificates(vendor: CAVendor, *, intermediate_expires: datetime.datetime | None) -> int:
    """A demo root (and optionally an intermediate) for the vendor, unless already stored."""
    root_cn = f"{vendor.short_name} RSA 根证书（{DEMO_MARK}）"
    if CACertificate.objects.filter(vendor=vendor, subject_cn=root_cn).exists():
        return 0
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name(root_cn, vendor)
    ders = [
        _certificate(
            root_name,
            root_name,
            root_key,
            root_key,
            not_before=at("2015-01-01"),
            not_after=at("2035-12-31"),
        )
    ]
    if intermediate_expires is not None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ders.append(
            _certificate(
                _name(f"{vendor.short_name} 机构证书签发 CA（{DEMO_MARK}）", vendor),
                root_name,
                key,
                root_key,
                not_before=at("2016-01-01"),
                not_after=intermediate_expires,
                ca_path=0,
            )
        )
    parsed = [item for der in ders for item in load_certificates(der, "demo.cer")]
    result = store_certificates(parsed, vendor=vendor, filename="demo.cer", is_demo=True)
    return len(result.created)


# --- recognition ---------------------------------------------------------------------------------
def _record(vendor, platform, steps: list[tuple[str, str]], *, scope=RecognitionScope.SAME_VENDOR, other=None) -> int:
    """Create the record once with its history of steps: [(status, day), …] (done implies confirmed)."""
    identity = {
        "vendor": vendor,
        "platform": platform,
        "scope": scope,
        "other_vendor": other,
        "seals_included": True,
    }
    if RecognitionRecord.objects.filter(**identity).exists():
        return 0
    record = RecognitionRecord(**identity, is_demo=True, notes=f"{DEMO_MARK}")
    events = [
        RecognitionEvent(
            action=RecognitionEvent.Action.CREATE, to_status=S.NOT_STARTED, at=at("2019-07-20"), via="seed"
        )
    ]
    previous = S.NOT_STARTED
    for status, day in steps:
        moment = at(day)
        if status == "confirm":
            record.confirmed_by_platform, record.confirmed_at = True, moment
            events.append(
                RecognitionEvent(
                    action=RecognitionEvent.Action.CONFIRM,
                    from_status=previous,
                    to_status=previous,
                    at=moment,
                    via="seed",
                )
            )
            continue
        action = RecognitionEvent.Action.VERIFY if status == S.VERIFIED else RecognitionEvent.Action.ADVANCE
        events.append(RecognitionEvent(action=action, from_status=previous, to_status=status, at=moment, via="seed"))
        record.status, record.status_changed_at, previous = status, moment, status
        if status == S.DONE:
            record.done_at = moment
        if status == S.VERIFIED:
            record.verified_at = moment
    record.save()
    for event in events:
        event.record = record
    RecognitionEvent.objects.bulk_create(events)
    return 1


def full_story(done: str, confirmed: str, verified: str) -> list[tuple[str, str]]:
    return [
        (S.IN_PROGRESS, "2019-08-01"),
        (S.TESTING, "2019-08-20"),
        (S.DONE, done),
        ("confirm", confirmed),
        (S.VERIFIED, verified),
    ]


def load_recognition() -> int:
    written = 0
    vendors = {v.short_name: v for v in CAVendor.objects.filter(short_name__in=["华测CA", "BJCA", "SZCA", "HNCA"])}
    if len(vendors) < 4:
        return 0
    platforms = list(findings.province_platforms().order_by("region_id", "name"))
    for platform in platforms:
        written += _record(vendors["华测CA"], platform, full_story("2019-09-05", "2019-09-10", "2019-09-16"))
        written += _record(vendors["BJCA"], platform, full_story("2019-09-12", "2019-09-18", "2019-09-26"))
        if platform.name in LATE_OPEN_PLATFORMS:
            written += _record(vendors["SZCA"], platform, [(S.IN_PROGRESS, "2019-08-10"), (S.TESTING, "2019-10-08")])
        else:
            written += _record(vendors["SZCA"], platform, full_story("2019-10-09", "2019-10-14", "2019-10-21"))
        written += _record(vendors["HNCA"], platform, full_story("2019-11-01", "2019-11-08", "2019-11-20"))
    puyang = next((p for p in platforms if p.name == "濮阳市公共资源交易中心交易平台"), None)
    if puyang is not None:
        written += _record(
            vendors["BJCA"],
            puyang,
            [(S.IN_PROGRESS, "2019-10-15"), (S.TESTING, "2019-11-10")],
            scope=RecognitionScope.CROSS_VENDOR,
            other=vendors["SZCA"],
        )
        written += _record(
            vendors["SZCA"],
            puyang,
            [(S.IN_PROGRESS, "2019-10-15")],
            scope=RecognitionScope.CROSS_VENDOR,
            other=vendors["BJCA"],
        )
    # The 2023 national trial: a few rows on participating platforms outside Henan.
    trial = {p.name: p for p in Platform.objects.filter(name__in=[name for name, *_ in TRIAL_ROWS])}
    for name, short, steps in TRIAL_ROWS:
        if name in trial:
            written += _record(vendors[short], trial[name], steps)
    return written


TRIAL_ROWS = [
    ("北京市公共资源交易中心交易平台", "BJCA", full_story("2023-05-10", "2023-05-15", "2023-05-20")),
    ("上海市公共资源交易中心交易平台", "BJCA", [(S.IN_PROGRESS, "2023-05-01"), (S.TESTING, "2023-06-01")]),
    ("深圳市公共资源交易中心交易平台", "SZCA", full_story("2023-05-12", "2023-05-16", "2023-05-22")),
    ("中国华能集团有限公司招标采购平台", "BJCA", [(S.IN_PROGRESS, "2023-06-01")]),
]


def load_trust_lists() -> int:
    written = 0
    roots = {
        c.vendor.short_name: c for c in CACertificate.objects.filter(is_demo=True, role="root").select_related("vendor")
    }
    for platform in findings.province_platforms():
        for short_name, root in roots.items():
            if platform.name == DISCREPANCY_PLATFORM and short_name == "HNCA":
                continue
            _entry, created = TrustListEntry.objects.get_or_create(
                platform=platform, certificate=root, defaults={"is_demo": True, "note": DEMO_MARK}
            )
            written += created
    for platform in Platform.objects.filter(name__in=[name for name, *_ in TRIAL_ROWS]):
        for name, short_name, _steps in TRIAL_ROWS:
            if name == platform.name and short_name in roots:
                written += TrustListEntry.objects.get_or_create(
                    platform=platform, certificate=roots[short_name], defaults={"is_demo": True, "note": DEMO_MARK}
                )[1]
    return written


# --- products ------------------------------------------------------------------------------------
PRODUCTS = [
    ("机构数字证书（USB Key）", Product.Kind.ORGANISATION, Product.Carrier.USB_KEY),
    ("个人数字证书（USB Key）", Product.Kind.PERSONAL, Product.Carrier.USB_KEY),
    ("电子签章", Product.Kind.SEAL, Product.Carrier.USB_KEY),
    ("移动证书（共享APP）", Product.Kind.ORGANISATION, Product.Carrier.MOBILE_APP),
]


def load_products() -> int:
    written = 0
    for vendor in CAVendor.objects.filter(short_name__in=["华测CA", "BJCA", "SZCA", "HNCA"]):
        for name, kind, carrier in PRODUCTS:
            written += upsert(
                Product,
                {"vendor_id": vendor.pk, "name": f"{vendor.short_name}{name}"},
                {"kind": kind, "carrier": carrier, "description": DEMO_MARK, "is_demo": True},
            )[1]
        written += upsert(
            SharedApp,
            {"vendor_id": vendor.pk, "name": f"{vendor.short_name}证书助手（{DEMO_MARK}）"},
            {"version": "3.2", "operating_systems": "Android, iOS, HarmonyOS", "is_demo": True},
        )[1]
    return written


def load_filings() -> int:
    """Demo cryptography filings for three vendors, only where nothing is recorded. SZCA's stays
    "to be confirmed" (待核实): the demo never invents a determination against a real company."""
    written = 0
    for short_name, number in DEMO_FILINGS.items():
        written += CAVendor.objects.filter(
            short_name=short_name, crypto_filing_status=CAVendor.FilingStatus.UNKNOWN, crypto_filing_number=""
        ).update(
            crypto_filing_status=CAVendor.FilingStatus.FILED,
            crypto_filing_number=number,
            crypto_filing_date=datetime.date(2018, 12, 1),
        )
    return written


def load_demo(log: Log, password: str) -> int:
    written = load_filings()
    today = timezone.localdate()
    expiring = datetime.datetime.combine(today + datetime.timedelta(days=200), datetime.time(12), SHANGHAI)
    for vendor in CAVendor.objects.filter(short_name__in=["华测CA", "BJCA", "SZCA", "HNCA"]).order_by("pk"):
        intermediate = {"BJCA": at("2034-12-31"), "HNCA": expiring}.get(vendor.short_name)
        written += demo_certificates(vendor, intermediate_expires=intermediate)
    written += load_trust_lists()
    written += load_recognition()
    written += load_products()
    for vendor in CAVendor.objects.filter(short_name__in=["华测CA", "BJCA", "SZCA", "HNCA"]):
        written += findings.fulfil_recognition_obligations(vendor)
    result = findings.sweep(today)
    written += result["discrepancies"] + result["unfiled_vendors"]

    for cert in CACertificate.objects.filter(is_demo=True).select_related("vendor"):
        written += expiry.ensure_expiry_obligation(cert, today)[1]  # the daily task sends the notices
    log(f"certificates demo data: {written} rows written")
    return written


# The daily recognition sweep (chain expiry, expiry obligations, discrepancies, unfiled vendors, fulfilment)
# runs after the deadline engine's sweep (07:30); name → (task, minute, hour, day of week).
SCHEDULES = {"certificates: daily recognition sweep": ("certificates.tasks.sweep_recognition", "45", "7", "*")}


def load_facts(log: Log) -> int:
    written = ensure_schedules(SCHEDULES)
    log(f"certificate facts: {written} rows written")
    return written


def sweep_demo(log: Log) -> None:
    """Today's recognition sweep (beat: 07:45)."""
    log(f"recognition sweep: {sweep_recognition()}")
