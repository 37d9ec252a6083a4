"""Tests for certificates.x509.verify: RSA/ECDSA/SM2 signatures and chain building."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from gmssl import sm2 as gmssl_sm2

from certificates.x509._sm2 import (
    gmssl_public_key_hex,
    sm2_public_point,
    spki_algorithm,
)
from certificates.x509.parse import (
    ParsedCertificate,
    load_certificates,
    parse_der_certificate,
)
from certificates.x509.verify import (
    LOOP,
    NO_ISSUER,
    STATUS_BROKEN_SIGNATURE,
    STATUS_EXPIRED,
    STATUS_ISSUER_MISSING,
    STATUS_NOT_YET_VALID,
    STATUS_VALID,
    WARNING_SM2_EMPTY_SIGNER_ID,
    build_chain,
    check_signature,
    verify_signature,
)


def _flip(der: bytes, index: int) -> ParsedCertificate:
    data = bytearray(der)
    data[index] ^= 0x01
    return parse_der_certificate(bytes(data))


def _inside_validity(*certs: ParsedCertificate) -> datetime:
    return max(c.not_before for c in certs) + timedelta(days=1)


# --------------------------------------------------------------------------------------------------
# verify_signature


@pytest.mark.parametrize(
    ("child", "issuer"),
    [
        ("rsa_root.pem", "rsa_root.pem"),
        ("rsa_intermediate.pem", "rsa_root.pem"),
        ("rsa_leaf.pem", "rsa_intermediate.pem"),
        ("ec_root.pem", "ec_root.pem"),
        ("expired_root.pem", "expired_root.pem"),
        ("sm2_root.pem", "sm2_root.pem"),
        ("sm2_intermediate.pem", "sm2_root.pem"),
        ("sm2_leaf.pem", "sm2_intermediate.pem"),
        ("sm2_x04_root.pem", "sm2_x04_root.pem"),
        ("sm2_x00_root.pem", "sm2_x00_root.pem"),
    ],
)
def test_signature_verifies(cert, child: str, issuer: str) -> None:
    assert verify_signature(cert(child), cert(issuer)) is True


@pytest.mark.parametrize(
    ("child", "issuer"),
    [
        ("rsa_leaf.pem", "rsa_root.pem"),  # wrong RSA key
        ("rsa_intermediate.pem", "sm2_root.pem"),  # RSA signature, SM2 key
        ("sm2_intermediate.pem", "rsa_root.pem"),  # SM2 signature, RSA key
        ("sm2_intermediate.pem", "ec_root.pem"),  # SM2 signature, P-256 key
        ("sm2_leaf.pem", "sm2_root.pem"),  # wrong SM2 key
        ("ec_root.pem", "rsa_root.pem"),
    ],
)
def test_signature_does_not_verify(cert, child: str, issuer: str) -> None:
    assert verify_signature(cert(child), cert(issuer)) is False


@pytest.mark.parametrize("name", ["rsa_root.pem", "ec_root.pem", "sm2_root.pem", "sm2_x04_root.pem"])
def test_tampered_certificates_fail(cert, name: str) -> None:
    original = cert(name)
    signature_byte = _flip(original.der, len(original.der) - 1)  # last byte of the signature value
    assert verify_signature(signature_byte, original) is False
    cn_at = original.der.rfind(original.subject_cn.encode())  # a byte of the signed subject CN
    tbs_byte = _flip(original.der, cn_at)
    assert verify_signature(tbs_byte, original) is False


def test_verify_never_raises_on_nonsense(cert) -> None:
    root = cert("sm2_root.pem")
    broken_key = dataclasses.replace(root, spki_der=b"\x30\x00")
    assert verify_signature(root, broken_key) is False
    assert verify_signature(dataclasses.replace(root, der=b"junk"), root) is False
    assert verify_signature(root, dataclasses.replace(cert("rsa_root.pem"), spki_der=b"")) is False


def test_sm2_signature_values_out_of_range_are_rejected() -> None:
    from certificates.x509._sm2 import _N, sm2_verify

    point = (1, 2)  # not even on the curve
    assert sm2_verify(point, b"x", b"\x30\x06\x02\x01\x01\x02\x01\x01") is False
    from pyasn1.codec.der import encoder
    from pyasn1_modules import rfc3279

    for r, s in [(0, 1), (1, 0), (_N, 1), (1, _N)]:
        sig = rfc3279.ECDSA_Sig_Value()
        sig["r"], sig["s"] = r, s
        assert sm2_verify(point, b"x", encoder.encode(sig)) is False


def test_gmssl_public_key_workaround(cert) -> None:
    """gmssl mangles keys whose x starts with the byte 04 or 00; our wrapper keeps them intact."""
    x04 = sm2_public_point(cert("sm2_x04_root.pem").spki_der)
    x00 = sm2_public_point(cert("sm2_x00_root.pem").spki_der)
    assert x04 is not None and x00 is not None
    hex04, hex00 = gmssl_public_key_hex(*x04), gmssl_public_key_hex(*x00)
    assert hex04.startswith("04") and hex00.startswith("00") and len(hex04) == len(hex00) == 128
    # what naive use of gmssl does with these keys (lstrip("04") strips characters, not a prefix)
    assert gmssl_sm2.CryptSM2(None, "04" + hex04).public_key != hex04
    assert gmssl_sm2.CryptSM2(None, hex04).public_key != hex04
    assert gmssl_sm2.CryptSM2(None, "04" + hex00).public_key != hex00
    # ... and the certificates still verify through verify_signature
    assert verify_signature(cert("sm2_x04_root.pem"), cert("sm2_x04_root.pem"))
    assert verify_signature(cert("sm2_x00_root.pem"), cert("sm2_x00_root.pem"))


@pytest.mark.parametrize("layout", ["sm2-oid", "sm2-oid-null", "sm2-oid-curve"])
def test_sm2_spki_with_sm2_algorithm_oid(cert, sm2_root_key: int, sm2_resign, layout: str) -> None:
    """SPKI whose AlgorithmIdentifier is 1.2.156.10197.1.301 itself (OpenSSL cannot write this)."""
    root = cert("sm2_root.pem")
    point = sm2_public_point(root.spki_der)
    (alt,) = load_certificates(sm2_resign(root.der, sm2_root_key, point, layout))
    assert spki_algorithm(alt.spki_der)[0] == "1.2.156.10197.1.301"
    assert (alt.key_algorithm, alt.key_size, alt.curve, alt.role) == ("SM2", 256, "SM2", "root")
    assert sm2_public_point(alt.spki_der) == point
    assert verify_signature(alt, alt)
    # the intermediate, signed by OpenSSL, verifies with the key taken from the alternative layout
    assert verify_signature(cert("sm2_intermediate.pem"), alt)
    assert build_chain(cert("sm2_intermediate.pem"), [alt], at=_inside_validity(alt)).status == STATUS_VALID
    assert verify_signature(_flip(alt.der, len(alt.der) - 1), alt) is False


def test_gmssl_signatures_are_accepted_by_openssl(
    openssl: str, cert, sm2_root_key: int, sm2_resign, tmp_path: Path, fixture_path
) -> None:
    """Cross-check the other way round: gmssl signs, OpenSSL verifies (default ID on both sides)."""
    root = cert("sm2_root.pem")
    der = sm2_resign(cert("sm2_intermediate.pem").der, sm2_root_key, sm2_public_point(root.spki_der))
    assert der != cert("sm2_intermediate.pem").der
    path = tmp_path / "resigned.der"
    path.write_bytes(der)
    at = str(int(_inside_validity(root).timestamp()))
    result = subprocess.run(
        [
            openssl,
            "verify",
            "-vfyopt",
            "distid:1234567812345678",
            "-partial_chain",
            "-CAfile",
            str(fixture_path("sm2_root.pem")),
            "-attime",
            at,
            str(path),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("OK"), result.stdout + result.stderr


def _system_roots_sample() -> bytes | None:
    for candidate in [
        Path(__file__).parents[2] / ".venv/lib/python3.11/site-packages/certifi/cacert.pem",
        Path("/work/main/.venv/lib/python3.11/site-packages/certifi/cacert.pem"),
        Path("/etc/ssl/certs/ca-certificates.crt"),
    ]:
        if candidate.is_file():
            blocks = re.findall(
                rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", candidate.read_bytes(), re.DOTALL
            )
            # every 6th root keeps the test fast (SM3 fingerprints are pure Python)
            return b"".join(blocks[::6])
    return None


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
def test_real_public_roots() -> None:
    data = _system_roots_sample()
    if data is None:
        pytest.skip("no certifi or system CA bundle")
    roots = load_certificates(data)
    assert len(roots) >= 10
    algorithms = set()
    for root in roots:
        assert root.role == "root" and root.is_self_issued, root.subject
        assert verify_signature(root, root), root.subject
        algorithms.add(root.key_algorithm)
        assert build_chain(root, [], at=root.not_before + timedelta(days=1)).status == STATUS_VALID
    assert "RSA" in algorithms


# --------------------------------------------------------------------------------------------------
# build_chain


def test_valid_rsa_chain(cert) -> None:
    leaf, intermediate, root = cert("rsa_leaf.pem"), cert("rsa_intermediate.pem"), cert("rsa_root.pem")
    result = build_chain(leaf, [root, cert("ec_root.pem"), intermediate], at=_inside_validity(leaf))
    assert result.status == STATUS_VALID and result.is_valid
    assert result.chain == [leaf, intermediate, root]
    assert result.problem_index is None


def test_valid_sm2_chain(cert) -> None:
    leaf, intermediate, root = cert("sm2_leaf.pem"), cert("sm2_intermediate.pem"), cert("sm2_root.pem")
    result = build_chain(leaf, [root, intermediate, cert("rsa_root.pem")], at=_inside_validity(leaf))
    assert result.status == STATUS_VALID
    assert result.chain == [leaf, intermediate, root]


def test_chain_from_a_bundle_with_default_time(read_fixture, cert) -> None:
    pool = load_certificates(read_fixture("bundle.pem"))
    result = build_chain(cert("rsa_leaf.pem"), pool)  # the fixtures are valid for ~50 years from creation
    assert result.status == STATUS_VALID
    assert [c.subject_cn for c in result.chain] == [
        "www.example.cn",
        "Example RSA Intermediate CA",
        "Example RSA Root CA",
    ]


def test_root_alone(cert) -> None:
    root = cert("sm2_root.pem")
    assert build_chain(root, [], at=_inside_validity(root)).chain == [root]


def test_expired_root(cert) -> None:
    expired = cert("expired_root.pem")
    result = build_chain(expired, [])
    assert result.status == STATUS_EXPIRED and result.problem_index == 0
    assert build_chain(expired, [], at=datetime(2012, 6, 1, tzinfo=UTC)).status == STATUS_VALID
    assert build_chain(expired, [], at=datetime(2012, 6, 1)).status == STATUS_VALID  # naive = UTC
    assert build_chain(expired, [], at=datetime(2009, 6, 1, tzinfo=UTC)).status == STATUS_NOT_YET_VALID


def test_not_yet_valid_chain(cert) -> None:
    result = build_chain(
        cert("rsa_leaf.pem"), [cert("rsa_root.pem"), cert("rsa_intermediate.pem")], at=datetime(2000, 1, 1, tzinfo=UTC)
    )
    assert result.status == STATUS_NOT_YET_VALID and result.problem_index == 0 and len(result.chain) == 3


def test_expired_somewhere_in_the_chain(cert) -> None:
    leaf = cert("rsa_leaf.pem")
    result = build_chain(
        leaf, [cert("rsa_root.pem"), cert("rsa_intermediate.pem")], at=leaf.not_after + timedelta(days=1)
    )
    assert result.status == STATUS_EXPIRED


@pytest.mark.parametrize("family", ["rsa", "sm2"])
def test_tampered_signature_is_broken(cert, family: str) -> None:
    leaf, intermediate, root = (cert(f"{family}_{n}.pem") for n in ("leaf", "intermediate", "root"))
    at = _inside_validity(leaf)
    tampered_leaf = _flip(leaf.der, len(leaf.der) - 1)
    result = build_chain(tampered_leaf, [root, intermediate], at=at)
    assert result.status == STATUS_BROKEN_SIGNATURE and result.problem_index == 0
    tampered_intermediate = _flip(intermediate.der, len(intermediate.der) - 1)
    # the leaf's signature is still fine; the intermediate's own signature is not
    result = build_chain(leaf, [root, tampered_intermediate], at=at)
    assert result.status == STATUS_BROKEN_SIGNATURE and result.problem_index == 1
    tampered_root = _flip(root.der, len(root.der) - 1)
    result = build_chain(leaf, [tampered_root, intermediate], at=at)
    assert result.status == STATUS_BROKEN_SIGNATURE and result.problem_index == 2


def test_issuer_missing(cert) -> None:
    leaf = cert("rsa_leaf.pem")
    pool = [cert("rsa_root.pem"), cert("sm2_intermediate.pem")]
    result = build_chain(leaf, pool, at=_inside_validity(leaf))
    assert result.status == STATUS_ISSUER_MISSING
    assert result.chain == [leaf] and result.problem_index == 0 and result.reason == NO_ISSUER
    assert build_chain(cert("sm2_leaf.pem"), []).status == STATUS_ISSUER_MISSING


# -- chains built with cryptography for the corner cases ------------------------------------------------


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _make(subject: str, issuer: str, key, signer, *, ca: bool = True, key_ids: bool = True) -> ParsedCertificate:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if key_ids:
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key())
        builder = builder.add_extension(ski, critical=False).add_extension(aki, critical=False)
    signed = builder.sign(signer, hashes.SHA256())
    return parse_der_certificate(signed.public_bytes(Encoding.DER))


AT = datetime(2024, 6, 1, tzinfo=UTC)


def test_loop_is_reported_as_issuer_missing() -> None:
    a, b = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    a_by_b = _make("A", "B", a, b)
    b_by_a = _make("B", "A", b, a)
    result = build_chain(a_by_b, [a_by_b, b_by_a], at=AT)
    assert result.status == STATUS_ISSUER_MISSING
    assert result.chain == [a_by_b, b_by_a]
    assert "loop" in result.detail and result.reason == LOOP


def test_matching_by_name_without_key_identifiers() -> None:
    root_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = _make("Root", "Root", root_key, root_key, key_ids=False)
    leaf = _make("Leaf", "Root", leaf_key, root_key, ca=False, key_ids=False)
    assert root.subject_key_identifier == leaf.authority_key_identifier == ""
    result = build_chain(leaf, [root], at=AT)
    assert result.status == STATUS_VALID and result.chain == [leaf, root]


def test_key_identifier_beats_a_same_name_impostor() -> None:
    real_key, fake_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    real = _make("Root", "Root", real_key, real_key)
    impostor = _make("Root", "Root", fake_key, fake_key)
    impostor_without_ski = _make("Root", "Root", fake_key, fake_key, key_ids=False)
    leaf = _make("Leaf", "Root", leaf_key, real_key, ca=False)
    result = build_chain(leaf, [impostor, impostor_without_ski, real], at=AT)
    assert result.status == STATUS_VALID and result.chain == [leaf, real]
    # only impostors: a same-name certificate without SKI is tried, and its key does not verify
    assert build_chain(leaf, [impostor_without_ski], at=AT).status == STATUS_BROKEN_SIGNATURE
    # an impostor whose SKI differs from the leaf's AKI is not a candidate at all
    assert build_chain(leaf, [impostor], at=AT).status == STATUS_ISSUER_MISSING


def test_rsa_pss_signatures() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("PSS Root"))
        .issuer_name(_name("PSS Root"))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256(), rsa_padding=padding.PSS(padding.MGF1(hashes.SHA256()), 32))
    )
    parsed = parse_der_certificate(cert.public_bytes(Encoding.DER))
    assert parsed.signature_algorithm == "rsassaPss" and parsed.key_algorithm == "RSA"
    assert verify_signature(parsed, parsed)
    assert not verify_signature(_flip(parsed.der, len(parsed.der) - 1), parsed)


# --------------------------------------------------------------------------------------------------
# SM2 chains made by the openssl CLI, with the GM/T 0009 signer ID and with OpenSSL 3's empty default


def _openssl_sm2_chain(openssl: str, tmp_path: Path, distid: bool) -> tuple[ParsedCertificate, ParsedCertificate]:
    """(root, intermediate) signed by ``openssl`` with ``-sigopt distid:1234567812345678`` or without."""
    sigopt = ["-sigopt", "distid:1234567812345678"] if distid else []

    def run(*args: str) -> None:
        result = subprocess.run([openssl, *args], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr

    for name in ("root", "int"):
        run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", f"{name}.key")
    ca = "basicConstraints=critical,CA:TRUE"
    run(
        "req", "-x509", "-new", "-key", "root.key", "-sm3", *sigopt, "-subj", "/CN=SM2 Root", "-days", "3650",
        "-addext", ca, "-out", "root.pem",
    )  # fmt: skip
    # The request's own signature is not under test (and `x509 -req` checks it with the empty ID).
    run("req", "-new", "-key", "int.key", "-sm3", "-subj", "/CN=SM2 Intermediate", "-out", "int.csr")
    (tmp_path / "ext.cnf").write_text(ca + "\n")
    run(
        "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-sm3", *sigopt,
        "-days", "365", "-set_serial", "2", "-extfile", "ext.cnf", "-out", "int.pem",
    )  # fmt: skip
    verify = [openssl, "verify", *(["-vfyopt", "distid:1234567812345678"] if distid else [])]
    checked = subprocess.run([*verify, "-CAfile", "root.pem", "int.pem"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # OpenSSL itself accepts the chain
    root = load_certificates((tmp_path / "root.pem").read_bytes(), "root.pem")[0]
    intermediate = load_certificates((tmp_path / "int.pem").read_bytes(), "int.pem")[0]
    return root, intermediate


def test_openssl_sm2_chain_with_the_gmt_0009_signer_id(openssl: str, tmp_path: Path) -> None:
    root, intermediate = _openssl_sm2_chain(openssl, tmp_path, distid=True)
    assert check_signature(intermediate, root) == "" and check_signature(root, root) == ""
    result = build_chain(intermediate, [root], at=_inside_validity(root, intermediate))
    assert (result.status, result.warnings) == (STATUS_VALID, {})


def test_openssl_sm2_chain_with_the_empty_signer_id_is_valid_with_a_warning(openssl: str, tmp_path: Path) -> None:
    """Issue 9, point 6: OpenSSL 3's default (empty) signer ID used to make the chain "broken"."""
    root, intermediate = _openssl_sm2_chain(openssl, tmp_path, distid=False)
    assert check_signature(intermediate, root) == WARNING_SM2_EMPTY_SIGNER_ID
    assert verify_signature(intermediate, root) is True
    result = build_chain(intermediate, [root], at=_inside_validity(root, intermediate))
    assert result.status == STATUS_VALID
    assert result.warnings == {0: WARNING_SM2_EMPTY_SIGNER_ID, 1: WARNING_SM2_EMPTY_SIGNER_ID}


@pytest.mark.parametrize("distid", [True, False], ids=["gmt0009-id", "empty-id"])
def test_tampered_openssl_sm2_certificate_does_not_verify(openssl: str, tmp_path: Path, distid: bool) -> None:
    root, intermediate = _openssl_sm2_chain(openssl, tmp_path, distid=distid)
    tampered = _flip(intermediate.der, len(intermediate.der) - 1)  # inside the signature
    assert check_signature(tampered, root) is None
    result = build_chain(tampered, [root], at=_inside_validity(root, intermediate))
    assert result.status == STATUS_BROKEN_SIGNATURE
    subject = intermediate.der.index(b"SM2 Intermediate")  # inside the signed part
    assert check_signature(_flip(intermediate.der, subject), root) is None
