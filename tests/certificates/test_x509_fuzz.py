"""Property tests: whatever the bytes, load_certificates returns certificates or raises CertificateError.

verify_signature and build_chain must not raise either, whatever they are given.
"""

from __future__ import annotations

import base64
import functools
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from certificates.x509.parse import (
    CertificateError,
    ParsedCertificate,
    load_certificates,
)
from certificates.x509.verify import build_chain, verify_signature

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = {
    name: (FIXTURES / name).read_bytes()
    for name in [
        "rsa_root.cer",
        "ec_root.pem",
        "sm2_root.pem",
        "sm2_leaf.pem",
        "chain.p7b",
        "chain_pem.p7b",
        "bundle.pem",
        "csr.der",
        "private_key.der",
        "empty.p7b",
    ]
}
# DER versions of the PEM seeds too, so that mutations hit the binary structures
SEEDS.update(
    {
        f"{name}.der": base64.b64decode(b"".join(data.splitlines()[1:-1]))
        for name, data in SEEDS.items()
        if name in ("ec_root.pem", "sm2_root.pem", "sm2_leaf.pem")
    }
)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

pytestmark = pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")


def _load(data: bytes) -> list[ParsedCertificate] | None:
    """Run the parser; only CertificateError is allowed out (any other exception fails the test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            certs = load_certificates(data, "fuzz.bin")
        except CertificateError as exc:
            assert exc.code and str(exc)
            event(f"error: {exc.code}")
            return None
    event("parsed")
    assert certs, "success must mean at least one certificate"
    for cert in certs:
        assert isinstance(cert, ParsedCertificate)
        assert cert.role in ("root", "intermediate", "end-entity")
    return certs


_MUTATIONS = ["flip", "flip", "flip", "set", "set", "truncate", "insert", "delete"]


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[bytes, ...] = tuple(sorted(SEEDS.values())), gentle: bool = False) -> bytes:
    """A fixture with 1-4 random byte flips / overwrites / truncations / insertions / deletions.

    gentle=True only flips bits after the first quarter of the data (past the DER headers), so
    that most results still parse and reach the signature code.
    """
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 2 if gentle else 4))):
        kind = "flip" if gentle else draw(st.sampled_from(_MUTATIONS))
        if not data:
            break
        # positions spread evenly over the data instead of clustering at the start
        pos = int(draw(st.floats(0.25 if gentle else 0.0, 1.0, exclude_max=True)) * len(data))
        if kind == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[pos] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[pos : pos + draw(st.integers(1, 16))]
    return bytes(data)


_DER_CERTS = tuple(SEEDS[name] for name in ("rsa_root.cer", "ec_root.pem.der", "sm2_root.pem.der", "sm2_leaf.pem.der"))


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    _load(data)


@FUZZ
@given(st.binary(max_size=600).map(lambda b: b"\x30\x82" + b))
def test_der_looking_bytes(data: bytes) -> None:
    _load(data)


@FUZZ
@given(mutated())
def test_mutated_fixtures(data: bytes) -> None:
    _load(data)


_BASE64_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n \t-:", max_size=800
)
_LABELS = st.sampled_from(
    [
        "CERTIFICATE",
        "X509 CERTIFICATE",
        "TRUSTED CERTIFICATE",
        "PKCS7",
        "CMS",
        "CERTIFICATE REQUEST",
        "PUBLIC KEY",
        "X509 CRL",
        "RANDOM THING",
    ]
)


@FUZZ
@given(_LABELS, _BASE64_TEXT)
def test_pem_with_random_base64_text(label: str, body: str) -> None:
    _load(f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode())


@FUZZ
@given(_LABELS, st.binary(max_size=1200), st.booleans())
def test_pem_with_valid_base64_of_random_bytes(label: str, payload: bytes, der_like: bool) -> None:
    if der_like:
        payload = b"\x30\x82" + len(payload).to_bytes(2, "big") + payload
    body = base64.encodebytes(payload).decode()
    _load(f"-----BEGIN {label}-----\n{body}-----END {label}-----\n".encode())


@functools.cache
def _issuers() -> list[ParsedCertificate]:
    return load_certificates(SEEDS["bundle.pem"]) + load_certificates(SEEDS["ec_root.pem"])


@settings(FUZZ, max_examples=40)  # SM2 verification is pure Python (~25 ms), so fewer examples
@given(mutated(_DER_CERTS, gentle=True))
def test_verify_and_chain_never_raise_on_mutations(data: bytes) -> None:
    certs = _load(data)
    if not certs:
        return
    (cert,) = certs
    issuers = _issuers()
    assert verify_signature(cert, cert) in (True, False)
    assert verify_signature(cert, issuers[0]) in (True, False)
    result = build_chain(cert, [*issuers, cert])
    assert result.status in ("valid", "expired", "not_yet_valid", "broken_signature", "issuer_missing")
    assert result.chain and result.chain[0] == cert
