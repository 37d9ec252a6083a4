"""Load uploaded certificate files (PEM, PEM bundles, DER, PKCS#7) into ``ParsedCertificate`` records.

Everything that is not a readable certificate raises ``CertificateError`` whose ``code`` selects a
plain-English message in ``MESSAGES`` (the Django layer translates by code). No other exception
escapes ``load_certificates``. SM2 keys are recognised from the SubjectPublicKeyInfo with
pyasn1-modules because ``cryptography`` cannot load them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from pyasn1.codec.der import decoder as der_decoder
from pyasn1_modules import rfc8017

from ._sm2 import (
    ID_EC_PUBLIC_KEY,
    SM2_CURVE_OID,
    SM2_WITH_SM3_OID,
    is_sm2_spki,
    spki_algorithm,
)
from ._sm3 import sm3_digest

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MESSAGES",
    "CertificateError",
    "ParsedCertificate",
    "SubjectIdentity",
    "load_certificates",
    "parse_der_certificate",
    "subject_identity",
]

MAX_UPLOAD_BYTES = 1024 * 1024

#: Error code -> English message. The codes are stable; the Django layer translates by code.
MESSAGES: dict[str, str] = {
    "empty": "The file is empty.",
    "too_large": "The file is larger than 1 MB, which is far too big for a certificate file.",
    "malformed_der": "The certificate data is truncated or damaged and cannot be decoded.",
    "unrecognized_format": "The file is not a certificate: it is not PEM, DER or PKCS#7 data.",
    "bad_pem": "The PEM file is damaged: the base64 text between its BEGIN and END lines cannot be decoded.",
    "private_key": "The file contains a private key. Never upload private keys; upload only the certificate.",
    "pkcs12": "The file is a PKCS#12 (.pfx/.p12) container, which normally holds a private key. "
    "Upload only the certificate (PEM, DER or PKCS#7).",
    "csr": "The file is a certificate signing request (CSR), not a certificate.",
    "pkcs7_empty": "The PKCS#7 file contains no certificates.",
    "not_a_certificate": "The file contains no certificate, only another kind of object "
    "(for example a public key or a certificate revocation list).",
    "invalid_certificate": "The certificate has an invalid structure or a damaged field and cannot be read.",
    "unreadable": "The file could not be read as a certificate.",
}


class CertificateError(ValueError):
    """The uploaded data is not a usable certificate; ``code`` is a key of ``MESSAGES``."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in MESSAGES:
            code = "unreadable"
        self.code = code
        #: Technical detail for logs (never shown to users untranslated).
        self.detail = detail
        super().__init__(MESSAGES[code])


@dataclass(frozen=True)
class ParsedCertificate:
    """The facts about one certificate that the portal stores and displays."""

    der: bytes
    subject: str
    issuer: str
    subject_cn: str
    serial_hex: str
    not_before: datetime
    not_after: datetime
    key_algorithm: str
    key_size: int
    curve: str
    signature_algorithm: str
    signature_algorithm_oid: str
    sha256_fingerprint: str
    sm3_fingerprint: str
    is_ca: bool
    path_length: int | None
    key_usage: tuple[str, ...]
    subject_key_identifier: str
    authority_key_identifier: str
    is_self_issued: bool
    role: str
    version: int
    spki_der: bytes

    @property
    def is_sm2(self) -> bool:
        return self.key_algorithm == "SM2"


# --------------------------------------------------------------------------------------------------
# OID tables (names follow OpenSSL's long names so they match `openssl x509 -text`)

SIGNATURE_ALGORITHMS: dict[str, str] = {
    "1.2.840.113549.1.1.2": "md2WithRSAEncryption",
    "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
    "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
    "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
    "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
    "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
    "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
    "1.2.840.113549.1.1.10": "rsassaPss",
    "2.16.840.1.101.3.4.3.13": "RSA-SHA3-224",
    "2.16.840.1.101.3.4.3.14": "RSA-SHA3-256",
    "2.16.840.1.101.3.4.3.15": "RSA-SHA3-384",
    "2.16.840.1.101.3.4.3.16": "RSA-SHA3-512",
    "1.2.840.10045.4.1": "ecdsa-with-SHA1",
    "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
    "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
    "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
    "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
    "1.2.840.10040.4.3": "dsaWithSHA1",
    "2.16.840.1.101.3.4.3.1": "dsa_with_SHA224",
    "2.16.840.1.101.3.4.3.2": "dsa_with_SHA256",
    "1.3.101.112": "ED25519",
    "1.3.101.113": "ED448",
    SM2_WITH_SM3_OID: "SM2-with-SM3",
    "1.2.156.10197.1.502": "SM2-with-SHA1",
    "1.2.156.10197.1.503": "SM2-with-SHA256",
    "1.2.156.10197.1.504": "RSA-SM3",
}

CURVES: dict[str, tuple[str, int]] = {
    "1.2.840.10045.3.1.7": ("secp256r1", 256),
    "1.3.132.0.34": ("secp384r1", 384),
    "1.3.132.0.35": ("secp521r1", 521),
    "1.3.132.0.33": ("secp224r1", 224),
    "1.2.840.10045.3.1.1": ("prime192v1", 192),
    "1.3.132.0.10": ("secp256k1", 256),
    "1.3.36.3.3.2.8.1.1.7": ("brainpoolP256r1", 256),
    "1.3.36.3.3.2.8.1.1.11": ("brainpoolP384r1", 384),
    "1.3.36.3.3.2.8.1.1.13": ("brainpoolP512r1", 512),
    SM2_CURVE_OID: ("SM2", 256),
}

NAME_ATTRIBUTES: dict[str, str] = {
    "2.5.4.3": "CN",
    "2.5.4.4": "SN",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "street",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.12": "title",
    "2.5.4.13": "description",
    "2.5.4.15": "businessCategory",
    "2.5.4.17": "postalCode",
    "2.5.4.41": "name",
    "2.5.4.42": "GN",
    "2.5.4.43": "initials",
    "2.5.4.44": "generationQualifier",
    "2.5.4.46": "dnQualifier",
    "2.5.4.65": "pseudonym",
    "2.5.4.97": "organizationIdentifier",
    "0.9.2342.19200300.100.1.1": "UID",
    "0.9.2342.19200300.100.1.25": "DC",
    "1.2.840.113549.1.9.1": "emailAddress",
    "1.2.840.113549.1.9.2": "unstructuredName",
    "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
    "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
}

_KEY_USAGE_FIELDS = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
)

# DER contents of a few OIDs used when sniffing the file type
_OID_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2 (PKCS#7 signedData)

_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 #._/]{1,64})-----")
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}
_PKCS7_LABELS = {b"PKCS7", b"PKCS #7 SIGNED DATA", b"CMS"}
_CSR_LABELS = {b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST"}


# --------------------------------------------------------------------------------------------------
# public API


def load_certificates(data: bytes, filename: str = "") -> list[ParsedCertificate]:
    """Parse every certificate in an uploaded file (PEM / PEM bundle / DER / PKCS#7 DER or PEM).

    Raises ``CertificateError`` (and nothing else) when the file holds no readable certificate.
    ``filename`` is only used in the error's technical ``detail``.
    """
    try:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise CertificateError("unreadable", f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
        return _load(data)
    except CertificateError as exc:
        if filename and not exc.detail.startswith(filename):
            exc.detail = f"{filename}: {exc.detail}" if exc.detail else filename
        raise
    except Exception as exc:  # the boundary: nothing but CertificateError may escape
        raise CertificateError("unreadable", f"{filename}: {type(exc).__name__}: {exc}") from exc


def parse_der_certificate(der: bytes) -> ParsedCertificate:
    """Parse exactly one DER certificate (raises ``CertificateError``)."""
    try:
        return _certificate_from_der(bytes(der))
    except CertificateError:
        raise
    except Exception as exc:
        raise CertificateError("unreadable", f"{type(exc).__name__}: {exc}") from exc


# --------------------------------------------------------------------------------------------------
# file-level dispatch


def _load(data: bytes) -> list[ParsedCertificate]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise CertificateError("too_large", f"{len(data)} bytes > {MAX_UPLOAD_BYTES}")
    if not data.strip():
        raise CertificateError("empty")
    if b"-----BEGIN" in data:
        return _load_pem(data)
    return _load_der(data)


def _load_pem(data: bytes) -> list[ParsedCertificate]:
    blocks: list[tuple[bytes, bytes]] = []
    pos = 0
    while (match := _PEM_BEGIN.search(data, pos)) is not None:
        label = match.group(1).strip()
        end_marker = b"-----END " + label + b"-----"
        end = data.find(end_marker, match.end())
        if end < 0:
            if b"PRIVATE KEY" in label:
                raise CertificateError("private_key", "truncated PEM private key block")
            raise CertificateError("bad_pem", f"no END line for {label.decode('ascii')}")
        blocks.append((label, data[match.end() : end]))
        pos = end + len(end_marker)
    if not blocks:
        raise CertificateError("bad_pem", "no complete BEGIN line")
    # A private key anywhere in the file is refused outright, before anything is decoded.
    for label, _ in blocks:
        if b"PRIVATE KEY" in label:
            raise CertificateError("private_key", label.decode("ascii"))

    result: list[ParsedCertificate] = []
    other: list[str] = []
    for label, body in blocks:
        if label in _CERT_LABELS:
            der = _pem_body(body)
            if label == b"TRUSTED CERTIFICATE":  # OpenSSL's cert + trust settings: keep the cert
                der = der[: _element_end(der)]
            result.append(_certificate_from_der(_exact_der(der)))
        elif label in _PKCS7_LABELS:
            result.extend(_certificates_from_pkcs7(_exact_der(_pem_body(body))))
        elif label in _CSR_LABELS:
            other.append("csr")
        else:
            other.append("not_a_certificate")
    if not result:
        raise CertificateError(other[0] if other else "not_a_certificate", "no certificate block")
    return result


def _pem_body(body: bytes) -> bytes:
    # Drop RFC 1421 header lines ("Proc-Type: ..."), then all whitespace.
    lines = [line for line in body.splitlines() if b":" not in line]
    text = re.sub(rb"\s+", b"", b"".join(lines))
    if not text:
        raise CertificateError("bad_pem", "empty PEM body")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CertificateError("bad_pem", str(exc)) from exc


def _load_der(data: bytes) -> list[ParsedCertificate]:
    if data[0] != 0x30:
        raise CertificateError("unrecognized_format", f"first byte 0x{data[0]:02X} is not a DER SEQUENCE")
    if len(data) > 1 and data[1] == 0x80:
        # indefinite length: not DER but BER, which only PKCS#7 files from some Windows tools use
        return _certificates_from_pkcs7(data)
    end = _element_end(data)
    if data[end:].strip(b"\x00 \t\r\n"):
        raise CertificateError("malformed_der", "unexpected data after the DER structure")
    der = data[:end]
    kind = _sniff_der(der)
    if kind == "pkcs7":
        return _certificates_from_pkcs7(der)
    if kind in ("private_key", "pkcs12", "csr", "not_a_certificate"):
        raise CertificateError(kind, "DER structure")
    return [_certificate_from_der(der)]


# --------------------------------------------------------------------------------------------------
# minimal DER reader used to sniff the file type and to cut out the SubjectPublicKeyInfo


def _read_tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """Return (tag, content start, content end) of the DER element at ``pos``."""
    if pos + 2 > len(data):
        raise CertificateError("malformed_der", "truncated DER header")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise CertificateError("malformed_der", "high-number DER tag")
    first = data[pos + 1]
    if first < 0x80:
        start, length = pos + 2, first
    elif first == 0x80 or first > 0x84:
        raise CertificateError("malformed_der", "indefinite or oversized DER length")
    else:
        count = first & 0x7F
        start = pos + 2 + count
        if start > len(data):
            raise CertificateError("malformed_der", "truncated DER length")
        length = int.from_bytes(data[pos + 2 : start], "big")
    end = start + length
    if end > len(data):
        raise CertificateError("malformed_der", f"DER element needs {end} bytes, only {len(data)} present")
    return tag, start, end


def _element_end(data: bytes, pos: int = 0) -> int:
    return _read_tlv(data, pos)[2]


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, element start, content start, content end) of each element inside [start, end)."""
    out = []
    pos = start
    while pos < end:
        tag, cstart, cend = _read_tlv(data, pos)
        if cend > end:
            raise CertificateError("malformed_der", "DER element overruns its parent")
        out.append((tag, pos, cstart, cend))
        pos = cend
    return out


def _exact_der(der: bytes) -> bytes:
    if not der or der[0] != 0x30:
        raise CertificateError("malformed_der", "decoded data is not a DER SEQUENCE")
    if _element_end(der) != len(der):
        raise CertificateError("malformed_der", "unexpected data after the DER structure")
    return der


def _sniff_der(der: bytes) -> str:
    """Guess what kind of DER object this is: certificate, pkcs7, private_key, pkcs12, csr, ..."""
    try:
        top = _children(der, *_read_tlv(der, 0)[1:])
    except CertificateError:
        return "unknown"
    if not top:
        return "unknown"
    tags = [child[0] for child in top]
    first_tag, _, fstart, fend = top[0]
    if first_tag == 0x06:  # ContentInfo
        return "pkcs7" if der[fstart:fend] == _OID_SIGNED_DATA else "unknown"
    if first_tag == 0x02:  # versioned structures: keys and PFX
        if der[fstart:fend] == b"\x03" and tags[1:2] == [0x30]:
            return "pkcs12"
        if tags[1:3] == [0x30, 0x04] or tags[1:2] == [0x04] or (len(tags) >= 6 and set(tags) == {0x02}):
            return "private_key"  # PKCS#8, ECPrivateKey, RSA/DSA private key
        return "unknown"
    if first_tag == 0x30 and tags == [0x30, 0x04]:
        return "private_key"  # EncryptedPrivateKeyInfo
    if first_tag == 0x30 and tags == [0x30, 0x03]:
        return "not_a_certificate"  # SubjectPublicKeyInfo
    if first_tag == 0x30 and tags == [0x30, 0x30, 0x03]:  # a signed object
        try:
            inner = [child[0] for child in _children(der, fstart, fend)]
        except CertificateError:
            return "unknown"
        if inner[:1] == [0xA0]:
            return "certificate"
        if len(inner) == 4 and inner[0] == 0x02 and inner[1:3] == [0x30, 0x30] and inner[3] == 0xA0:
            return "csr"
        if any(tag in (0x17, 0x18) for tag in inner[2:4]):
            return "not_a_certificate"  # CRL: thisUpdate follows the issuer name
        return "certificate"
    return "unknown"


def _spki_der(tbs: bytes) -> bytes:
    fields = _children(tbs, *_read_tlv(tbs, 0)[1:])
    if fields and fields[0][0] == 0xA0:  # explicit version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    tag, start, _, end = fields[5]
    if tag != 0x30:
        raise CertificateError("invalid_certificate", "no SubjectPublicKeyInfo")
    return tbs[start:end]


# --------------------------------------------------------------------------------------------------
# certificates


def _certificate_from_der(der: bytes) -> ParsedCertificate:
    try:
        cert = x509.load_der_x509_certificate(der)
    except Exception as exc:
        raise CertificateError("malformed_der", f"not a valid certificate: {exc}") from exc
    return _describe(cert, der)


def _certificates_from_pkcs7(der: bytes) -> list[ParsedCertificate]:
    try:
        with warnings.catch_warnings(record=True):
            # cryptography warns (and falls back to BER) when the certificates SET is not in DER
            # order, which is exactly what `openssl crl2pkcs7` writes.
            certs = pkcs7.load_der_pkcs7_certificates(der)
        ders = [cert.public_bytes(serialization.Encoding.DER) for cert in certs]
    except Exception as exc:
        # Should cryptography ever refuse such a file outright, cut the certificates out ourselves.
        try:
            ders = _pkcs7_certificate_ders(der)
        except CertificateError:
            raise CertificateError("malformed_der", f"unreadable PKCS#7: {exc}") from exc
        if not ders:
            raise CertificateError("pkcs7_empty") from exc
        return [_certificate_from_der(item) for item in ders]
    if not ders:
        raise CertificateError("pkcs7_empty")
    return [_describe(cert, item) for cert, item in zip(certs, ders, strict=True)]


def _pkcs7_certificate_ders(der: bytes) -> list[bytes]:
    """The exact DER of each certificate in a PKCS#7 SignedData (RFC 2315), read structurally."""
    content_info = _children(der, *_read_tlv(der, 0)[1:])
    if len(content_info) < 2 or der[content_info[0][2] : content_info[0][3]] != _OID_SIGNED_DATA:
        raise CertificateError("malformed_der", "not a PKCS#7 SignedData")
    tag, _, start, _ = content_info[1]
    if tag != 0xA0:
        raise CertificateError("malformed_der", "PKCS#7 content missing")
    signed_data = _children(der, *_read_tlv(der, start)[1:])
    # version, digestAlgorithms, contentInfo, [0] IMPLICIT certificates OPTIONAL, ...
    for tag, _, cstart, cend in signed_data[3:]:
        if tag == 0xA0:
            return [der[pos:cend_] for tag_, pos, _, cend_ in _children(der, cstart, cend) if tag_ == 0x30]
    return []


def _describe(cert: x509.Certificate, der: bytes) -> ParsedCertificate:
    try:
        return _build(cert, der)
    except CertificateError:
        raise
    except Exception as exc:
        raise CertificateError("invalid_certificate", f"{type(exc).__name__}: {exc}") from exc


def _build(cert: x509.Certificate, der: bytes) -> ParsedCertificate:
    spki = _spki_der(cert.tbs_certificate_bytes)
    key_algorithm, key_size, curve = _key_info(spki)
    sig_oid = cert.signature_algorithm_oid.dotted_string

    is_ca, path_length = False, None
    key_usage: tuple[str, ...] = ()
    ski = aki = ""
    extensions = cert.extensions
    for ext in extensions:
        value = ext.value
        if isinstance(value, x509.BasicConstraints):
            is_ca, path_length = value.ca, value.path_length
        elif isinstance(value, x509.KeyUsage):
            key_usage = _key_usage_names(value)
        elif isinstance(value, x509.SubjectKeyIdentifier):
            ski = value.digest.hex().upper()
        elif isinstance(value, x509.AuthorityKeyIdentifier):
            aki = value.key_identifier.hex().upper() if value.key_identifier else ""

    self_issued = cert.subject == cert.issuer
    if is_ca:
        role = "root" if self_issued else "intermediate"
    else:
        role = "end-entity"

    serial = cert.serial_number
    serial_hex = format(abs(serial), "X")
    serial_hex = ("-" if serial < 0 else "") + ("0" * (len(serial_hex) % 2)) + serial_hex

    return ParsedCertificate(
        der=der,
        subject=format_name(cert.subject),
        issuer=format_name(cert.issuer),
        subject_cn=_first_cn(cert.subject),
        serial_hex=serial_hex,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_algorithm=key_algorithm,
        key_size=key_size,
        curve=curve,
        signature_algorithm=SIGNATURE_ALGORITHMS.get(sig_oid, sig_oid),
        signature_algorithm_oid=sig_oid,
        sha256_fingerprint=hashlib.sha256(der).hexdigest().upper(),
        sm3_fingerprint=sm3_hex(der),
        is_ca=is_ca,
        path_length=path_length,
        key_usage=key_usage,
        subject_key_identifier=ski,
        authority_key_identifier=aki,
        is_self_issued=self_issued,
        role=role,
        version=cert.version.value + 1,
        spki_der=spki,
    )


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as uppercase hex: OpenSSL's SM3 through ``cryptography`` when the
    build has it (a hundred times faster), otherwise gmssl's pure-Python SM3 (the same digest)."""
    return sm3_digest(data).hex().upper()


def _key_usage_names(ku: x509.KeyUsage) -> tuple[str, ...]:
    names = [name for attr, name in _KEY_USAGE_FIELDS if getattr(ku, attr)]
    if ku.key_agreement:  # encipher_only/decipher_only are only defined with keyAgreement
        if ku.encipher_only:
            names.append("encipherOnly")
        if ku.decipher_only:
            names.append("decipherOnly")
    return tuple(names)


def _key_info(spki: bytes) -> tuple[str, int, str]:
    """(key algorithm, key size in bits, curve) from a SubjectPublicKeyInfo, SM2 included."""
    oid, param_oid, key = spki_algorithm(spki)
    if is_sm2_spki(oid, param_oid):
        return "SM2", 256, "SM2"
    if oid in ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"):  # rsaEncryption, RSASSA-PSS
        rsa_key, _ = der_decoder.decode(key, asn1Spec=rfc8017.RSAPublicKey())
        return "RSA", int(rsa_key["modulus"]).bit_length(), ""
    if oid == ID_EC_PUBLIC_KEY:
        name, size = CURVES.get(param_oid, (param_oid or "explicit", 0))
        if not size and key[:1] == b"\x04":
            size = (len(key) - 1) // 2 * 8
        return "EC", size, name
    if oid == "1.3.101.112":
        return "Ed25519", 256, ""
    if oid == "1.3.101.113":
        return "Ed448", 456, ""
    if oid == "1.2.840.10040.4.1":
        try:
            return "DSA", serialization.load_der_public_key(spki).key_size, ""  # type: ignore[union-attr]
        except Exception:
            return "DSA", 0, ""
    return oid, 0, ""


# --------------------------------------------------------------------------------------------------
# names


def format_name(name: x509.Name) -> str:
    """RFC 4514 style, most specific RDN first, non-ASCII characters kept as they are.

    e.g. ``CN=华测CA根证书,O=华测电子认证有限责任公司,C=CN`` (what ``openssl x509 -nameopt
    RFC2253,-esc_msb`` prints for the same name).
    """
    rdns = []
    for rdn in reversed(name.rdns):
        parts = []
        for attr in rdn:
            key = NAME_ATTRIBUTES.get(attr.oid.dotted_string, attr.oid.dotted_string)
            value = attr.value
            text = "#" + value.hex().upper() if isinstance(value, bytes) else _escape_value(value)
            parts.append(f"{key}={text}")
        rdns.append("+".join(parts))
    return ",".join(rdns)


def _escape_value(value: str) -> str:
    out = "".join("\\" + ch if ch in ',+"\\<>;' else ("\\00" if ch == "\x00" else ch) for ch in value)
    if out.startswith(("#", " ")):
        out = "\\" + out
    if len(out) > 1 and out.endswith(" ") and not out.endswith("\\ "):
        out = out[:-1] + "\\ "
    return out


def _first_cn(name: x509.Name) -> str:
    for attr in name.get_attributes_for_oid(x509.NameOID.COMMON_NAME):
        return attr.value if isinstance(attr.value, str) else attr.value.hex().upper()
    return ""


# --------------------------------------------------------------------------------------------------
# whose certificate it says it is

# A unified social credit code (GB 32100): 18 characters, the letters I, O, Z, S and V never used.
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
# Where Chinese CAs put the holder's credit code: serialNumber, OU, organizationIdentifier (2.5.4.97,
# often "NTRCN-<code>"), and now and then the organisation name itself.
_IDENTIFIER_OIDS = ("2.5.4.5", "2.5.4.11", "2.5.4.97", "2.5.4.10")
_ORGANIZATION_OID = "2.5.4.10"


def normalise_name(text: str) -> str:
    """An organisation name as compared: full-width forms folded (（）→ ()), case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class SubjectIdentity:
    """Who a certificate's subject names: its organisations (O) and the credit codes it carries."""

    organisations: tuple[str, ...]
    credit_codes: tuple[str, ...]

    def match(self, *, name: str, credit_code: str = "") -> str:
        """How the subject names the organisation: "credit_code", "name" or "" (it does not)."""
        if credit_code and credit_code.strip().upper() in self.credit_codes:
            return "credit_code"
        wanted = normalise_name(name or "")
        if wanted and any(normalise_name(organisation) == wanted for organisation in self.organisations):
            return "name"
        return ""


def subject_identity(der: bytes) -> SubjectIdentity:
    """The organisations and credit codes in a certificate's subject (an unreadable one names nobody)."""
    try:
        subject = x509.load_der_x509_certificate(bytes(der)).subject
        attributes = [(attr.oid.dotted_string, attr.value) for attr in subject]
    except Exception:
        return SubjectIdentity((), ())
    organisations, codes = [], []
    for oid, value in attributes:
        if not isinstance(value, str):
            continue
        if oid == _ORGANIZATION_OID:
            organisations.append(value)
        if oid in _IDENTIFIER_OIDS:
            codes.extend(code for code in _CREDIT_CODE.findall(value.upper()) if code not in codes)
    return SubjectIdentity(tuple(organisations), tuple(codes))
