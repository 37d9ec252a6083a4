"""Shared fixtures for the pure-Python X.509 tests (no Django needed).

The test files live in ``fixtures/`` and are regenerated with ``fixtures/make_fixtures.sh``.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from certificates.x509.parse import ParsedCertificate

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # make `certificates` importable without a settings module
    sys.path.insert(0, str(REPO_ROOT))

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixture_path() -> Callable[[str], Path]:
    def _path(name: str) -> Path:
        return FIXTURES / name

    return _path


@pytest.fixture(scope="session")
def read_fixture() -> Callable[[str], bytes]:
    def _read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return _read


@pytest.fixture(scope="session")
def cert() -> Callable[[str], ParsedCertificate]:
    """Load the single certificate of a fixture file."""

    from certificates.x509.parse import load_certificates

    cache: dict[str, ParsedCertificate] = {}  # parsing is cheap, but the pure-Python SM3 is not

    def _cert(name: str) -> ParsedCertificate:
        if name not in cache:
            (cache[name],) = load_certificates((FIXTURES / name).read_bytes(), name)
        return cache[name]

    return _cert


@pytest.fixture(scope="session")
def openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.skip("openssl is not installed")
    return path


# --------------------------------------------------------------------------------------------------
# SM2 helpers for building certificates that OpenSSL cannot produce


def sm2_private_scalar(pem: bytes) -> int:
    """The private scalar d of an SM2 key in PKCS#8 PEM (what `openssl genpkey` writes)."""
    import base64

    from pyasn1.codec.der import decoder
    from pyasn1_modules import rfc5208, rfc5915

    body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
    info, _ = decoder.decode(base64.b64decode(body), asn1Spec=rfc5208.PrivateKeyInfo())
    key, _ = decoder.decode(info["privateKey"].asOctets(), asn1Spec=rfc5915.ECPrivateKey())
    return int.from_bytes(key["privateKey"].asOctets(), "big")


def _sm2_resign(cert_der: bytes, private_scalar: int, signer_point: tuple[int, int], spki_layout: str = "") -> bytes:
    """Re-sign a certificate's TBS with gmssl (SM2-with-SM3, default ID), optionally changing the SPKI
    to the layout whose AlgorithmIdentifier is the SM2 OID itself.

    spki_layout: "" keeps the SPKI; "sm2-oid" = algorithm 1.2.156.10197.1.301 without parameters;
    "sm2-oid-null" = the same with NULL parameters; "sm2-oid-curve" = with the SM2 OID as parameter.
    """
    from pyasn1.codec.der import decoder, encoder
    from pyasn1.type import univ
    from pyasn1_modules import rfc3279, rfc5280

    from certificates.x509._sm2 import SM2_CURVE_OID, gmssl_public_key_hex, make_crypt

    cert, _ = decoder.decode(cert_der, asn1Spec=rfc5280.Certificate())
    tbs = cert["tbsCertificate"]
    if spki_layout:
        algorithm = rfc5280.AlgorithmIdentifier()
        algorithm["algorithm"] = univ.ObjectIdentifier(SM2_CURVE_OID)
        if spki_layout == "sm2-oid-null":
            algorithm["parameters"] = encoder.encode(univ.Null(""))
        elif spki_layout == "sm2-oid-curve":
            algorithm["parameters"] = encoder.encode(univ.ObjectIdentifier(SM2_CURVE_OID))
        elif spki_layout != "sm2-oid":  # "sm2-oid": no parameters at all
            raise ValueError(spki_layout)
        tbs["subjectPublicKeyInfo"]["algorithm"] = algorithm
    tbs_der = encoder.encode(tbs)
    crypt = make_crypt(gmssl_public_key_hex(*signer_point), f"{private_scalar:064x}")
    signature_hex = crypt.sign_with_sm3(tbs_der)
    sig = rfc3279.ECDSA_Sig_Value()
    sig["r"] = int(signature_hex[:64], 16)
    sig["s"] = int(signature_hex[64:], 16)
    cert["signature"] = univ.BitString.fromOctetString(encoder.encode(sig))
    return encoder.encode(cert)


@pytest.fixture(scope="session")
def sm2_root_key(read_fixture: Callable[[str], bytes]) -> int:
    return sm2_private_scalar(read_fixture("sm2_root.key"))


@pytest.fixture(scope="session")
def sm2_resign() -> Callable[..., bytes]:
    """``sm2_resign(cert_der, private_scalar, signer_point, spki_layout="") -> der`` (see ``_sm2_resign``)."""
    return _sm2_resign


# --------------------------------------------------------------------------------------------------
# Django-level helpers of the certificates app


@pytest.fixture
def upload(read_fixture: Callable[[str], bytes]):
    """upload("rsa_root.pem") → an uploaded file with that fixture's bytes (or upload(name, data))."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name: str, data: bytes | None = None) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, read_fixture(name) if data is None else data)

    return make


@pytest.fixture
def vendors(registry) -> dict:
    """short name → CAVendor for the four vendors of the 2019 notice."""
    from supervision.models import CAVendor

    return {v.short_name: v for v in CAVendor.objects.all()}


@pytest.fixture
def henan_platforms(registry) -> list:
    from certificates.findings import province_platforms

    return list(province_platforms().select_related("region").order_by("region_id", "name"))


@pytest.fixture
def store(read_fixture):
    """store("rsa_root.pem", vendor) → the CACertificate rows stored from that fixture."""
    from certificates.chains import store_certificates
    from certificates.x509 import load_certificates

    def run(name: str, vendor, user=None):
        result = store_certificates(
            load_certificates(read_fixture(name), name), vendor=vendor, user=user, filename=name
        )
        return result.created + result.existing

    return run
