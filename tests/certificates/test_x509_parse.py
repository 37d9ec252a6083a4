"""Tests for certificates.x509.parse: formats, error codes, and fields compared with OpenSSL."""

from __future__ import annotations

import base64
import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from certificates.x509.parse import (
    MAX_UPLOAD_BYTES,
    MESSAGES,
    CertificateError,
    ParsedCertificate,
    load_certificates,
    parse_der_certificate,
    sm3_hex,
)

CERT_FIXTURES = [
    "rsa_root.pem",
    "rsa_intermediate.pem",
    "rsa_leaf.pem",
    "sm2_root.pem",
    "sm2_intermediate.pem",
    "sm2_leaf.pem",
    "sm2_x04_root.pem",
    "ec_root.pem",
    "expired_root.pem",
]


def _error(data: bytes, filename: str = "") -> CertificateError:
    with pytest.raises(CertificateError) as info:
        load_certificates(data, filename)
    return info.value


# --------------------------------------------------------------------------------------------------
# formats


def test_pem_and_der_give_the_same_certificate(read_fixture) -> None:
    (from_pem,) = load_certificates(read_fixture("rsa_root.pem"), "rsa_root.pem")
    (from_der,) = load_certificates(read_fixture("rsa_root.cer"), "rsa_root.cer")
    assert from_pem == from_der
    assert from_pem.der == read_fixture("rsa_root.cer")


def test_pem_bundle_keeps_order(read_fixture, cert) -> None:
    certs = load_certificates(read_fixture("bundle.pem"))
    expected = ["rsa_root.pem", "rsa_intermediate.pem", "rsa_leaf.pem", "sm2_root.pem", "sm2_intermediate.pem"]
    assert [c.der for c in certs] == [cert(name).der for name in expected]


def test_pem_bundle_with_comments_and_crlf(read_fixture) -> None:
    crlf = read_fixture("bundle.pem").replace(b"\n", b"\r\n")
    text = b"Example bundle\r\n# comment\r\n" + crlf + b"\r\ntrailer"
    assert len(load_certificates(text)) == 5


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chain.p7b", ["rsa_root.pem", "rsa_intermediate.pem"]),
        ("chain_pem.p7b", ["sm2_root.pem", "sm2_intermediate.pem"]),
    ],
)
def test_pkcs7(read_fixture, cert, name: str, expected: list[str]) -> None:
    certs = load_certificates(read_fixture(name), name)
    assert [c.der for c in certs] == [cert(n).der for n in expected]


def test_pkcs7_with_indefinite_length_ber(read_fixture) -> None:
    der = read_fixture("chain.p7b")
    assert der[:2] == b"\x30\x82"
    ber = b"\x30\x80" + der[4:] + b"\x00\x00"  # same content, BER indefinite-length outer SEQUENCE
    assert [c.der for c in load_certificates(ber)] == [c.der for c in load_certificates(der)]
    assert _error(b"\x30\x80\x00\x00").code == "malformed_der"


def test_pkcs7_structural_fallback_matches_cryptography(read_fixture) -> None:
    from certificates.x509.parse import _pkcs7_certificate_ders

    ders = _pkcs7_certificate_ders(read_fixture("chain.p7b"))
    assert ders == [c.der for c in load_certificates(read_fixture("chain.p7b"))]
    assert _pkcs7_certificate_ders(read_fixture("empty.p7b")) == []


def test_str_and_bytearray_input(read_fixture) -> None:
    text = read_fixture("ec_root.pem")
    assert load_certificates(text.decode()) == load_certificates(text)
    assert len(load_certificates(bytearray(read_fixture("rsa_root.cer")))) == 1


def test_parse_der_certificate(read_fixture) -> None:
    assert parse_der_certificate(read_fixture("rsa_root.cer")).subject_cn == "Example RSA Root CA"
    with pytest.raises(CertificateError):
        parse_der_certificate(b"\x30\x03\x02\x01\x01")


# --------------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.cer", "empty"),
        ("truncated.der", "malformed_der"),
        ("random.bin", "unrecognized_format"),
        ("broken_base64.pem", "bad_pem"),
        ("private_key.pem", "private_key"),
        ("private_key.der", "private_key"),
        ("sm2_root.key", "private_key"),
        ("csr.pem", "csr"),
        ("csr.der", "csr"),
        ("empty.p7b", "pkcs7_empty"),
    ],
)
def test_bad_fixture_files(read_fixture, name: str, code: str) -> None:
    error = _error(read_fixture(name), name)
    assert error.code == code
    assert isinstance(error, ValueError)
    assert str(error) == MESSAGES[code]
    assert name in error.detail


def test_messages_are_plain_english_sentences() -> None:
    required = [
        "empty",
        "too_large",
        "malformed_der",
        "unrecognized_format",
        "bad_pem",
        "private_key",
        "csr",
        "pkcs7_empty",
        "unreadable",
    ]
    assert set(required) <= set(MESSAGES)
    for code, message in MESSAGES.items():
        assert message[0].isupper() and message.endswith("."), code
    assert CertificateError("no-such-code").code == "unreadable"


def test_pkcs12_is_refused() -> None:
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        pkcs12,
    )

    key = ec.generate_private_key(ec.SECP256R1())
    pfx = pkcs12.serialize_key_and_certificates(b"me", key, None, None, BestAvailableEncryption(b"pw"))
    assert _error(pfx, "me.pfx").code == "pkcs12"


def test_crl_is_not_a_certificate() -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime(2024, 1, 1, tzinfo=UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA")]))
        .last_update(now)
        .next_update(now + timedelta(days=7))
        .sign(key, hashes.SHA256())
    )
    assert _error(crl.public_bytes(Encoding.DER)).code == "not_a_certificate"
    assert _error(crl.public_bytes(Encoding.PEM)).code == "not_a_certificate"


def test_too_large(read_fixture) -> None:
    assert MAX_UPLOAD_BYTES == 1024 * 1024
    assert _error(b"\0" * (MAX_UPLOAD_BYTES + 1)).code == "too_large"
    padded = read_fixture("rsa_root.pem") + b"\n" * (MAX_UPLOAD_BYTES + 1 - len(read_fixture("rsa_root.pem")))
    assert _error(padded).code == "too_large"
    # exactly at the limit is fine
    at_limit = read_fixture("rsa_root.pem") + b"\n" * (MAX_UPLOAD_BYTES - len(read_fixture("rsa_root.pem")))
    assert len(load_certificates(at_limit)) == 1


def test_whitespace_only_is_empty() -> None:
    assert _error(b" \r\n\t\n").code == "empty"


def test_empty_pkcs7_as_pem(read_fixture) -> None:
    body = base64.encodebytes(read_fixture("empty.p7b"))
    assert _error(b"-----BEGIN PKCS7-----\n" + body + b"-----END PKCS7-----\n").code == "pkcs7_empty"


def test_private_key_in_a_bundle_is_refused(read_fixture) -> None:
    assert _error(read_fixture("bundle.pem") + read_fixture("private_key.pem")).code == "private_key"


@pytest.mark.parametrize(
    "label",
    [b"RSA PRIVATE KEY", b"EC PRIVATE KEY", b"ENCRYPTED PRIVATE KEY", b"PRIVATE KEY", b"OPENSSH PRIVATE KEY"],
)
def test_any_private_key_pem_block(label: bytes) -> None:
    # even with a broken body: the label alone is enough to refuse the file
    pem = b"-----BEGIN " + label + b"-----\nAAAA\n-----END " + label + b"-----\n"
    assert _error(pem).code == "private_key"


def test_other_der_private_key_formats() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        NoEncryption,
        PrivateFormat,
    )

    for fmt, enc in [
        (PrivateFormat.TraditionalOpenSSL, NoEncryption()),
        (PrivateFormat.PKCS8, BestAvailableEncryption(b"secret")),
    ]:
        assert _error(key.private_bytes(Encoding.DER, fmt, enc)).code == "private_key"


def test_pem_without_end_line(read_fixture) -> None:
    text = read_fixture("rsa_root.pem").replace(b"-----END CERTIFICATE-----", b"")
    assert _error(text).code == "bad_pem"


def test_public_key_is_not_a_certificate() -> None:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    for encoding in (Encoding.PEM, Encoding.DER):
        spki = public.public_bytes(encoding, PublicFormat.SubjectPublicKeyInfo)
        assert _error(spki).code == "not_a_certificate"


def test_valid_base64_of_garbage_in_certificate_block() -> None:
    body = base64.encodebytes(b"\x30\x03\x02\x01\x01")
    pem = b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"
    assert _error(pem).code == "malformed_der"


def test_trailing_garbage_after_der(read_fixture) -> None:
    assert _error(read_fixture("rsa_root.cer") + b"garbage").code == "malformed_der"
    assert len(load_certificates(read_fixture("rsa_root.cer") + b"\r\n\0")) == 1


@pytest.mark.parametrize("value", [None, 42, object()])
def test_wrong_types_raise_certificate_error(value) -> None:
    with pytest.raises(CertificateError) as info:
        load_certificates(value)  # type: ignore[arg-type]
    assert info.value.code == "unreadable"


# --------------------------------------------------------------------------------------------------
# fields


def test_chinese_subject_kept_as_characters(cert) -> None:
    root = cert("sm2_root.pem")
    assert root.subject == "CN=华测CA根证书,O=华测电子认证有限责任公司,C=CN"
    assert root.issuer == root.subject
    assert root.subject_cn == "华测CA根证书"
    assert cert("sm2_leaf.pem").subject == "CN=签名证书 张三,O=示例科技有限公司,ST=上海,C=CN"


def test_sm2_fields(cert) -> None:
    names = ["sm2_root.pem", "sm2_intermediate.pem", "sm2_leaf.pem", "sm2_x04_root.pem", "sm2_x00_root.pem"]
    for name in names:
        parsed = cert(name)
        assert (parsed.key_algorithm, parsed.key_size, parsed.curve) == ("SM2", 256, "SM2"), name
        assert parsed.signature_algorithm == "SM2-with-SM3"
        assert parsed.signature_algorithm_oid == "1.2.156.10197.1.501"
        assert parsed.is_sm2


def test_roles(cert) -> None:
    assert [cert(n).role for n in ["rsa_root.pem", "rsa_intermediate.pem", "rsa_leaf.pem"]] == [
        "root",
        "intermediate",
        "end-entity",
    ]
    assert [cert(n).role for n in ["sm2_root.pem", "sm2_intermediate.pem", "sm2_leaf.pem"]] == [
        "root",
        "intermediate",
        "end-entity",
    ]
    assert cert("rsa_root.pem").is_self_issued and not cert("rsa_intermediate.pem").is_self_issued
    assert cert("rsa_intermediate.pem").path_length == 0 and cert("rsa_root.pem").path_length is None


def test_datetimes_are_aware_utc(cert) -> None:
    expired = cert("expired_root.pem")
    assert expired.not_before == datetime(2010, 1, 1, tzinfo=UTC)
    assert expired.not_after == datetime(2015, 1, 1, tzinfo=UTC)
    assert expired.not_before.utcoffset() == timedelta(0)


def test_fingerprints(cert, read_fixture) -> None:
    root = cert("rsa_root.pem")
    digest = hashes.Hash(hashes.SHA256())
    digest.update(read_fixture("rsa_root.cer"))
    assert root.sha256_fingerprint == digest.finalize().hex().upper()
    assert re.fullmatch(r"[0-9A-F]{64}", root.sm3_fingerprint)
    # gmssl's SM3 against the GB/T 32905 test vector and OpenSSL's SM3 (via cryptography)
    assert sm3_hex(b"abc") == "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0"
    sm3 = hashes.Hash(hashes.SM3())
    sm3.update(root.der)
    assert root.sm3_fingerprint == sm3.finalize().hex().upper()


def test_parsed_certificate_is_frozen_and_hashable(cert) -> None:
    root = cert("rsa_root.pem")
    with pytest.raises(AttributeError):
        root.subject = "x"  # type: ignore[misc]
    assert isinstance(hash(root), int)
    assert isinstance(root, ParsedCertificate)


# --------------------------------------------------------------------------------------------------
# compared with `openssl x509 -text`

_KEY_USAGE_TEXT = {
    "Digital Signature": "digitalSignature",
    "Non Repudiation": "nonRepudiation",
    "Key Encipherment": "keyEncipherment",
    "Data Encipherment": "dataEncipherment",
    "Key Agreement": "keyAgreement",
    "Certificate Sign": "keyCertSign",
    "CRL Sign": "cRLSign",
    "Encipher Only": "encipherOnly",
    "Decipher Only": "decipherOnly",
}
_OPENSSL_CURVES = {"prime256v1": "secp256r1", "SM2": "SM2"}


def _after(label: str, text: str) -> str | None:
    """The line following an extension header line such as 'X509v3 Key Usage: critical'."""
    match = re.search(rf"{re.escape(label)}:.*\n\s*(.+)", text)
    return match.group(1).strip() if match else None


def _openssl_date(value: str) -> datetime:
    return datetime.strptime(value.strip(), "%b %d %H:%M:%S %Y GMT").replace(tzinfo=UTC)


@pytest.mark.parametrize("name", CERT_FIXTURES)
def test_fields_match_openssl(openssl: str, fixture_path, cert, name: str) -> None:
    text = subprocess.run(
        [
            openssl,
            "x509",
            "-in",
            str(fixture_path(name)),
            "-noout",
            "-text",
            "-fingerprint",
            "-sha256",
            "-nameopt",
            "RFC2253,-esc_msb",
        ],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    ).stdout
    parsed = cert(name)

    serial = re.search(r"Serial Number:\s*(?:(\d+) \(0x[0-9a-f]+\)|\n\s*([0-9a-f:]+))", text)
    assert serial is not None
    expected_serial = int(serial.group(1)) if serial.group(1) else int(serial.group(2).replace(":", ""), 16)
    assert int(parsed.serial_hex, 16) == expected_serial

    assert parsed.version == int(re.search(r"Version: (\d)", text).group(1))
    assert parsed.not_before == _openssl_date(re.search(r"Not Before: (.+)", text).group(1))
    assert parsed.not_after == _openssl_date(re.search(r"Not After : (.+)", text).group(1))
    assert parsed.subject == re.search(r"Subject: (.+)", text).group(1).strip()
    assert parsed.issuer == re.search(r"Issuer: (.+)", text).group(1).strip()
    cn = re.search(r"Subject: .*?CN=([^,\n]+)", text).group(1)
    assert parsed.subject_cn == cn
    assert parsed.signature_algorithm == re.search(r"Signature Algorithm: (.+)", text).group(1).strip()
    assert parsed.key_size == int(re.search(r"Public-Key: \((\d+) bit\)", text).group(1))
    curve = re.search(r"ASN1 OID: (\S+)", text)
    assert parsed.curve == (_OPENSSL_CURVES[curve.group(1)] if curve else "")
    algorithm = re.search(r"Public Key Algorithm: (\S+)", text).group(1)
    expected_algorithm = {"rsaEncryption": "RSA", "id-ecPublicKey": "SM2" if parsed.curve == "SM2" else "EC"}
    assert parsed.key_algorithm == expected_algorithm[algorithm]

    usage = _after("X509v3 Key Usage", text)
    assert list(parsed.key_usage) == ([_KEY_USAGE_TEXT[u.strip()] for u in usage.split(",")] if usage else [])
    ski = _after("X509v3 Subject Key Identifier", text)
    assert parsed.subject_key_identifier == (ski.replace(":", "") if ski else "")
    aki = _after("X509v3 Authority Key Identifier", text)
    assert parsed.authority_key_identifier == (aki.removeprefix("keyid:").replace(":", "") if aki else "")
    constraints = _after("X509v3 Basic Constraints", text) or "CA:FALSE"
    assert parsed.is_ca == ("CA:TRUE" in constraints)
    pathlen = re.search(r"pathlen:(\d+)", constraints)
    assert parsed.path_length == (int(pathlen.group(1)) if pathlen else None)

    fingerprint = re.search(r"(?i)sha256 Fingerprint=([0-9A-F:]+)", text).group(1)
    assert parsed.sha256_fingerprint == fingerprint.replace(":", "")


def test_sm3_fingerprint_matches_openssl(openssl: str, fixture_path, cert) -> None:
    out = subprocess.run(
        [openssl, "x509", "-in", str(fixture_path("sm2_root.pem")), "-noout", "-fingerprint", "-sm3"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert cert("sm2_root.pem").sm3_fingerprint == out.split("=", 1)[1].strip().replace(":", "")


def test_name_escaping() -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from certificates.x509.parse import format_name

    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "上海, 某某 + 公司"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ca@example.cn"),
            x509.NameAttribute(NameOID.COMMON_NAME, "#1 root "),
        ]
    )
    assert format_name(name) == "CN=\\#1 root\\ ,emailAddress=ca@example.cn,O=上海\\, 某某 \\+ 公司,C=CN"
