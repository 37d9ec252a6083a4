"""Limits of uploaded evidence (test reports, sample signed files) and of certificate files."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.x509 import MAX_UPLOAD_BYTES, CertificateError, ParsedCertificate, load_certificates

EVIDENCE_MAX_BYTES_DEFAULT = 10 * 1024 * 1024

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# extension → test of the first bytes; OFD (GB/T 33190) is a ZIP package, signatures are DER or PEM.
EVIDENCE_SIGNATURES = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "ofd": lambda head: head.startswith(_ZIP),
    "docx": lambda head: head.startswith(_ZIP),
    "xlsx": lambda head: head.startswith(_ZIP),
    "zip": lambda head: head.startswith(_ZIP),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "p7s": lambda head: head[:1] == b"\x30" or head.startswith(b"-----BEGIN"),
    "p7m": lambda head: head[:1] == b"\x30" or head.startswith(b"-----BEGIN"),
    "sig": lambda head: head[:1] == b"\x30" or head.startswith(b"-----BEGIN") or head[:1].isalnum(),
    "xml": lambda head: head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"),
}


def evidence_max_bytes() -> int:
    return getattr(settings, "CERTIFICATES_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES_DEFAULT)


def validate_evidence(upload) -> None:
    """Refuse evidence that is too big, of a type not accepted, or whose content does not match its name."""
    name = PurePath(getattr(upload, "name", "") or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in EVIDENCE_SIGNATURES:
        raise ValidationError(
            _("“%(name)s”: files of type “%(ext)s” are not accepted as evidence (allowed: %(allowed)s).")
            % {"name": name, "ext": extension or "?", "allowed": ", ".join(EVIDENCE_SIGNATURES)},
            code="file_type",
        )
    limit = evidence_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"name": name, "size": upload.size / 1048576, "limit": limit / 1048576},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not EVIDENCE_SIGNATURES[extension](head):
        raise ValidationError(
            _("“%(name)s”: the content is not a valid %(ext)s file.") % {"name": name, "ext": extension},
            code="file_content",
        )


# The library's error codes, each with the message users read (translated by the catalog).
CERTIFICATE_ERRORS = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than 1 MB, far too big for a certificate file."),
    "malformed_der": gettext_lazy("The certificate data is truncated or damaged and cannot be decoded."),
    "unrecognized_format": gettext_lazy(
        "The file is not a certificate: it is neither PEM, nor DER (.cer/.crt), nor PKCS#7 (.p7b)."
    ),
    "bad_pem": gettext_lazy(
        "The PEM file is damaged: the base64 text between its BEGIN and END lines cannot be decoded."
    ),
    "private_key": gettext_lazy(
        "The file contains a private key. Never upload private keys; upload only the certificate."
    ),
    "pkcs12": gettext_lazy(
        "The file is a PKCS#12 (.pfx/.p12) container, which normally holds a private key. "
        "Upload only the certificate (PEM, DER or PKCS#7)."
    ),
    "csr": gettext_lazy("The file is a certificate signing request (CSR), not a certificate."),
    "pkcs7_empty": gettext_lazy("The PKCS#7 file contains no certificates."),
    "not_a_certificate": gettext_lazy(
        "The file contains no certificate, only another kind of object (for example a public key or a revocation list)."
    ),
    "invalid_certificate": gettext_lazy(
        "The certificate has an invalid structure or a damaged field and cannot be read."
    ),
    "unreadable": gettext_lazy("The file could not be read as a certificate."),
    "no_ca_certificate": gettext_lazy(
        "The file holds only end-entity certificates; upload the vendor's root and intermediate (CA) certificates."
    ),
}


def certificate_error_message(code: str, filename: str = "") -> str:
    message = str(CERTIFICATE_ERRORS.get(code, CERTIFICATE_ERRORS["unreadable"]))
    return _("“%(name)s”: %(problem)s") % {"name": filename, "problem": message} if filename else message


def read_certificate_upload(upload) -> list[ParsedCertificate]:
    """Parse an uploaded certificate file; every problem becomes a ``ValidationError`` with a clear message."""
    name = PurePath(getattr(upload, "name", "") or "").name
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(certificate_error_message("too_large", name), code="too_large")
    upload.seek(0)
    data = upload.read()
    try:
        return load_certificates(data, name)
    except CertificateError as exc:
        raise ValidationError(certificate_error_message(exc.code, name), code=exc.code) from exc
