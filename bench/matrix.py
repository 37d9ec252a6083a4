#!/usr/bin/env python
"""Benchmark of the recognition matrix and of certificate uploads.

    DATABASE_URL=postgres://root@127.0.0.1:5432/certs_bench .venv/bin/python bench/matrix.py

Builds a national-scale registry in the configured database with bulk inserts — 3,000 platforms
over the 31 provinces, 200 vendors, 600,000 recognition records (every vendor on every platform),
2,000 CA certificates (a root and nine intermediates per vendor, chains computed) — then times,
through the Django test client (middleware, scoping, templates, serializers included):

* the province matrix page (Henan: its platforms × 25 vendors per page),
* the national matrix page (vendors × provinces, share verified),
* the first page of the recognition API,

for a national superuser and for the provincial administrator of Henan: median of several runs
and the number of queries (which must be the same on every run). Finally it parses and verifies
1,000 uploaded certificates, half of them SM2 (SM2-with-SM3), first with the library alone, then
through the whole upload path (store, chain recompute, expiry check).

Targets on PostgreSQL (2 cores): each page < 300 ms median with a fixed query count; 1,000
certificates parsed and verified < 60 s. A second run reuses the data (``--rebuild`` starts over).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from bench.common import PROVINCES, ensure_database, step  # noqa: E402

MARK = "（基准）"
STATUS_WEIGHTS = {"not_started": 10, "in_progress": 20, "testing": 20, "done": 15, "verified": 35}


def ensure_postgres() -> None:
    """Create the PostgreSQL database named in DATABASE_URL when it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("warning: DATABASE_URL is not PostgreSQL; the targets are for PostgreSQL")
        return
    ensure_database(url)


def build_regions() -> list[str]:
    """Every province and (where the facts have none) twelve bench cities per province."""
    from supervision.models import Region

    existing = set(Region.objects.values_list("code", flat=True))
    new = []
    for prefix, name in PROVINCES.items():
        code = f"{prefix}0000"
        if code not in existing:
            new.append(Region(code=code, name=name, level=Region.Level.PROVINCE))
    Region.objects.bulk_create(new)
    cities = []
    for prefix, name in PROVINCES.items():
        have = Region.objects.filter(parent_id=f"{prefix}0000", level=Region.Level.CITY).count()
        for index in range(1, 13 - min(have, 12)):
            code = f"{prefix}{index + 50:02d}00"
            if code not in existing:
                cities.append(
                    Region(code=code, name=f"{name}基准市{index}", level=Region.Level.CITY, parent_id=f"{prefix}0000")
                )
    Region.objects.bulk_create(cities)
    return list(
        Region.objects.filter(level=Region.Level.CITY, parent__level=Region.Level.PROVINCE).values_list(
            "code", flat=True
        )
    )


def build(platform_count: int, vendor_count: int, certs_per_vendor: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from certificates.chains import recompute_all
    from certificates.models import CACertificate, RecognitionRecord
    from supervision.models import CAVendor, Platform

    with step("regions"):
        city_codes = build_regions()
    by_province: dict[str, list[str]] = {}
    for code in city_codes:
        by_province.setdefault(code[:2], []).append(code)
    provinces = sorted(by_province)
    with step(f"{platform_count} platforms"):
        Platform.objects.bulk_create(
            [
                Platform(
                    name=f"基准平台{index:05d}{MARK}",
                    kind=Platform.Kind.PUBLIC,
                    region_id=rng.choice(by_province[provinces[index % len(provinces)]]),
                    operator_company=f"基准运营单位{MARK}",
                    is_demo=True,
                )
                for index in range(platform_count)
            ],
            batch_size=1000,
        )
    with step(f"{vendor_count} vendors"):
        CAVendor.objects.bulk_create(
            [
                CAVendor(name=f"基准电子认证机构{index:03d}{MARK}", short_name=f"BENCH{index:03d}")
                for index in range(vendor_count)
            ]
        )
    platforms = list(Platform.objects.filter(name__startswith="基准平台").values_list("pk", flat=True))
    vendors = list(CAVendor.objects.filter(short_name__startswith="BENCH").values_list("pk", flat=True))
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    total = len(platforms) * len(vendors)
    with step(f"{total:,} recognition records"):
        now = datetime.datetime.now(datetime.UTC)
        for vendor in vendors:
            chosen = rng.choices(statuses, weights, k=len(platforms))
            rows = [
                RecognitionRecord(
                    vendor_id=vendor,
                    platform_id=platform,
                    scope="same_vendor",
                    status=status,
                    confirmed_by_platform=status == "verified",
                    status_changed_at=now,
                    verified_at=now if status == "verified" else None,
                    is_demo=True,
                )
                for platform, status in zip(platforms, chosen, strict=True)
            ]
            with transaction.atomic():
                RecognitionRecord.objects.bulk_create(rows, batch_size=5000)
    with step(f"{len(vendors) * certs_per_vendor:,} CA certificates"):
        certificates = list(generate_vendor_certificates(vendors, certs_per_vendor))
        CACertificate.objects.bulk_create(certificates, batch_size=500)
    with step("their chains"):
        recompute_all()
    if connection.vendor == "postgresql":
        with step("ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate_vendor_certificates(vendor_ids: list[int], per_vendor: int):
    """A P-256 root and intermediates per vendor (EC keys: fast to make; parsing and chains as for any)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from certificates.models import CACertificate
    from certificates.x509 import load_certificates

    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    for vendor in vendor_ids:
        root_key = ec.generate_private_key(ec.SECP256R1())
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"基准根证书 {vendor}")])
        for index in range(per_vendor):
            key = root_key if index == 0 else ec.generate_private_key(ec.SECP256R1())
            name = (
                root_name
                if index == 0
                else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"基准中级证书 {vendor}-{index}")])
            )
            der = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(root_name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(start)
                .not_valid_after(start + datetime.timedelta(days=7300))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None if index == 0 else 0), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
                )
                .sign(root_key, hashes.SHA256())
                .public_bytes(serialization.Encoding.DER)
            )
            (parsed,) = load_certificates(der)
            yield CACertificate(
                vendor_id=vendor,
                role="root" if index == 0 else "intermediate",
                is_demo=True,
                **CACertificate.fields_from(parsed),
            )


# --- timing the pages ----------------------------------------------------------------------------
def time_pages(runs: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    national, _ = User.objects.get_or_create(
        username="bench-national", defaults={"is_superuser": True, "is_staff": True}
    )
    province = User.objects.get_or_create(
        username="bench-henan", defaults={"role": "provincial_admin", "region_id": "410000", "is_staff": True}
    )[0]
    pages = [
        ("province matrix page", "/ca/matrix/?region=410000"),
        ("national matrix page", "/ca/matrix/national/"),
        ("recognition API, first page", "/api/v1/recognition-records/"),
    ]
    figures = []
    for user in (national, province):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, url in pages:
            response = client.get(url)  # warm-up (connection, templates, permissions)
            assert response.status_code == 200, (url, response.status_code)
            times, counts = [], set()
            for _ in range(runs):
                with CaptureQueriesContext(connection) as context:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                counts.add(len(context.captured_queries))
                assert response.status_code == 200
            figures.append(
                {
                    "user": user.username,
                    "page": label,
                    "median_ms": statistics.median(times),
                    "max_ms": max(times),
                    "queries": sorted(counts),
                    "bytes": len(response.content),
                }
            )
    return figures


# --- 1,000 uploads, half SM2 -----------------------------------------------------------------------
def upload_files(count: int) -> list[tuple[str, bytes]]:
    """(name, PEM) of a root of each kind and count - 2 intermediates, half RSA and half SM2."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyasn1.codec.der import decoder, encoder
    from pyasn1.type import univ
    from pyasn1_modules import rfc3279, rfc5280

    from certificates.x509._sm2 import make_crypt, sm2_public_point, sm2_z
    from certificates.x509._sm3 import sm3_digest
    from certificates.x509.parse import load_certificates

    fixtures = ROOT / "tests" / "certificates" / "fixtures"
    files = []
    # RSA: a root and intermediates (one subject key for all: keys are slow to make, not to verify).
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sub_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "基准上传 RSA 根证书")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

    def rsa_cert(name, key, ca_path):
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=7300))
            .add_extension(x509.BasicConstraints(ca=True, path_length=ca_path), critical=True)
            .sign(root_key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
        )

    files.append(("rsa-root.pem", rsa_cert(root_name, root_key, None)))
    for index in range(count // 2 - 1):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"基准上传 RSA 中级证书 {index}")])
        files.append((f"rsa-{index}.pem", rsa_cert(name, sub_key, 0)))
    # SM2: the fixture root (its key is in the fixtures) and re-signed copies of its intermediate.
    files.append(("sm2-root.pem", (fixtures / "sm2_root.pem").read_bytes()))
    root = load_certificates((fixtures / "sm2_root.pem").read_bytes())[0]
    x, y = sm2_public_point(root.spki_der)
    body = b"".join(line for line in (fixtures / "sm2_root.key").read_bytes().splitlines() if not line.startswith(b"-"))
    import base64

    from pyasn1_modules import rfc5208, rfc5915

    info, _ = decoder.decode(base64.b64decode(body), asn1Spec=rfc5208.PrivateKeyInfo())
    scalar = int.from_bytes(
        decoder.decode(info["privateKey"].asOctets(), asn1Spec=rfc5915.ECPrivateKey())[0]["privateKey"].asOctets(),
        "big",
    )
    crypt = make_crypt(f"{x:064x}{y:064x}", f"{scalar:064x}")
    z = sm2_z(crypt.public_key)
    template, _ = decoder.decode(
        load_certificates((fixtures / "sm2_intermediate.pem").read_bytes())[0].der, asn1Spec=rfc5280.Certificate()
    )
    rng = random.Random(7)
    for index in range(count - len(files)):
        cert = template
        cert["tbsCertificate"]["serialNumber"] = univ.Integer(10**12 + index)
        tbs = encoder.encode(cert["tbsCertificate"])
        signature = None
        while signature is None:
            signature = crypt.sign(sm3_digest(z + tbs), f"{rng.getrandbits(255) + 1:064x}")
        value = rfc3279.ECDSA_Sig_Value()
        value["r"], value["s"] = int(signature[:64], 16), int(signature[64:], 16)
        cert["signature"] = univ.BitString.fromOctetString(encoder.encode(value))
        der = encoder.encode(cert)
        pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
        files.append((f"sm2-{index}.pem", pem))
    return files


def time_uploads(files: list[tuple[str, bytes]], per_upload: int = 250) -> dict:
    """The library alone, then the upload path a vendor's user takes for the same certificates: bundle
    files of ``per_upload`` certificates (a file may hold 1 MB), each processed as the Celery worker
    does (``certificates.uploading.run``: parse, store with history, chains, claims), one transaction
    per file."""
    from django.core.files.base import ContentFile
    from django.db import connection

    from certificates import uploading
    from certificates.chains import MemoVerifier
    from certificates.models import CACertificate, CertificateClaim, CertificateUpload
    from certificates.x509 import build_chain, load_certificates, verify_signature
    from portal.accounts.models import User
    from supervision.models import CAVendor

    sm2 = sum(1 for name, _ in files if name.startswith("sm2"))
    sm2_verifies = count_sm2_verifies()
    # 1. The library alone: parse every file, verify every signature against its issuer once (a
    # root's self-signature once, not again for each certificate below it).
    start = time.perf_counter()
    parsed = [load_certificates(data, name)[0] for name, data in files]
    roots = {p.subject: p for p in parsed if p.is_self_issued}
    verify = MemoVerifier()
    valid = sum(build_chain(p, [roots[p.issuer]], verify=verify).is_valid for p in parsed if p.issuer in roots)
    library = time.perf_counter() - start
    library_sm2 = sm2_verifies()
    assert valid == len(files), f"only {valid} of {len(files)} chains valid"
    assert all(verify_signature(p, roots[p.issuer]) for p in parsed[:3])
    # 2. The upload path, by a vendor's user: bundles of certificates, roots first.
    vendor, _ = CAVendor.objects.get_or_create(name=f"基准上传机构{MARK}", defaults={"short_name": "BENCHUP"})
    user, _ = User.objects.get_or_create(
        username="bench-uploader", defaults={"role": "vendor_user", "vendor": vendor, "region_id": None}
    )
    clean_uploads(vendor)
    ordered = sorted(files, key=lambda item: not item[0].endswith("root.pem"))
    uploads = []
    for first in range(0, len(ordered), per_upload):
        bundle = b"".join(data for _name, data in ordered[first : first + per_upload])
        upload = CertificateUpload(vendor=vendor, created_by=user, original_name=f"bench-{first}.pem")
        upload.file.save(upload.original_name, ContentFile(bundle), save=False)
        upload.total = len(ordered[first : first + per_upload])
        upload.save()
        uploads.append(upload)
    if connection.vendor == "postgresql":  # what autovacuum does after the previous runs' deletions
        with connection.cursor() as cursor:
            for model in (CACertificate, CACertificate.history.model, CertificateClaim):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    queries = []
    start = time.perf_counter()
    with connection.execute_wrapper(lambda execute, sql, *args: (queries.append(sql), execute(sql, *args))[1]):
        outcomes = [uploading.run(upload.pk) for upload in uploads]
    stored = time.perf_counter() - start
    upload_sm2 = sm2_verifies()
    assert set(outcomes) == {"done"}, [
        u.error for u in CertificateUpload.objects.filter(pk__in=[u.pk for u in uploads])
    ]
    statuses: dict[str, int] = {}
    uploaded = CACertificate.objects.filter(claims__upload__in=uploads)
    for status in uploaded.values_list("chain_status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    claims = CertificateClaim.objects.filter(upload__in=uploads).count()
    history = CACertificate.history.filter(id__in=uploaded.values("pk"), history_type="+").count()
    clean_uploads(vendor)  # leave the registry at its stated size
    return {
        "files": len(files),
        "sm2": sm2,
        "uploads": len(uploads),
        "library_s": library,
        "upload_path_s": stored,
        "queries": len(queries),
        "sm2_verifies": (library_sm2, upload_sm2),
        "claims": claims,
        "history": history,
        "chain_statuses": statuses,
    }


def count_sm2_verifies():
    """Count the SM2 signature verifications (the costly part of checking an SM2 chain): returns a
    function answering how many were made since it was last asked."""
    from certificates.x509 import verify

    calls = [0]
    original = verify.sm2_verify

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    verify.sm2_verify = counted

    def since() -> int:
        made, calls[0] = calls[0], 0
        return made

    return since


def clean_uploads(vendor) -> None:
    """Remove the bench's uploads, their claims and certificates (and the certificates' history)."""
    from django.db import transaction

    from certificates.models import CACertificate, CertificateClaim, CertificateUpload

    with transaction.atomic():
        certificates = CACertificate.objects.filter(claims__vendor=vendor) | CACertificate.objects.filter(vendor=vendor)
        ids = list(certificates.values_list("pk", flat=True).distinct())
        CertificateClaim.objects.filter(vendor=vendor).delete()
        CertificateUpload.objects.filter(vendor=vendor).delete()
        CACertificate.objects.filter(pk__in=ids).update(issuer=None, root=None)
        CACertificate.objects.filter(pk__in=ids).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=3000)
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--certificates-per-vendor", type=int, default=10)
    parser.add_argument("--uploads", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-uploads", action="store_true", help="time the pages only")
    parser.add_argument("--skip-pages", action="store_true", help="time the uploads only")
    parser.add_argument("--rebuild", action="store_true", help="delete the bench data and build it again")
    args = parser.parse_args()

    ensure_postgres()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-matrix-")  # the uploaded bundles
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    with step("migrate"):
        call_command("migrate", verbosity=0)
    with step("seed facts"):
        call_command("seed", verbosity=0)

    from certificates.models import CACertificate, RecognitionRecord
    from supervision.models import CAVendor, Platform

    if args.rebuild:
        with step("delete previous bench data"):
            RecognitionRecord.objects.filter(vendor__short_name__startswith="BENCH").delete()
            CACertificate.objects.filter(vendor__short_name__startswith="BENCH").update(issuer=None, root=None)
            CACertificate.objects.filter(vendor__short_name__startswith="BENCH").delete()
            CAVendor.objects.filter(short_name__startswith="BENCH").delete()
            Platform.objects.filter(name__startswith="基准平台").delete()
    if not RecognitionRecord.objects.filter(vendor__short_name__startswith="BENCH").exists():
        print("building the registry:")
        build(args.platforms, args.vendors, args.certificates_per_vendor, random.Random(2019))
    print(
        f"registry: {Platform.objects.count():,} platforms, {CAVendor.objects.count():,} vendors, "
        f"{RecognitionRecord.objects.count():,} recognition records, {CACertificate.objects.count():,} certificates"
    )

    ok = True
    if not args.skip_pages:
        print(f"pages (median of {args.runs} runs, after one warm-up):")
    for figure in [] if args.skip_pages else time_pages(args.runs):
        fixed = len(figure["queries"]) == 1
        passed = figure["median_ms"] < 300 and fixed
        ok &= passed
        print(
            f"  {figure['user']:<15} {figure['page']:<30} median {figure['median_ms']:7.1f} ms  "
            f"max {figure['max_ms']:7.1f} ms  queries {figure['queries']}  {figure['bytes'] / 1024:6.0f} KiB"
            f"  {'ok' if passed else 'SLOW'}"
        )
    if args.skip_uploads:
        sys.exit(0 if ok else 1)
    with step(f"preparing {args.uploads} certificate files (half SM2)"):
        files = upload_files(args.uploads)
    result = time_uploads(files)
    passed = result["library_s"] < 60
    ok &= passed
    print(
        f"uploads: {result['files']} certificates ({result['sm2']} SM2): parsed and verified in "
        f"{result['library_s']:.1f} s (library), {result['upload_path_s']:.1f} s through the upload path "
        f"({result['uploads']} bundle files: parse, store with history, chains, claims; "
        f"{result['upload_path_s'] / result['library_s']:.2f}× the library, {result['queries']} queries); "
        f"SM2 verifications {result['sm2_verifies'][0]} (library) / {result['sm2_verifies'][1]} (upload path); "
        f"{result['claims']} claims, {result['history']} history rows; chain statuses {result['chain_statuses']}"
        f"  {'ok' if passed else 'SLOW'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
