"""Limits of uploaded evidence (test reports, sample signed files) and of certificate files."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.x509 import MAX_UPLOAD_BYTES, CertificateError, ParsedCertificate, load_certificates
from portal.uploads import FileRule

# Test reports and sample signed files: OFD (GB/T 33190) is a ZIP package, signatures are DER or PEM.
EVIDENCE = FileRule(
    types=("pdf", "ofd", "docx", "xlsx", "zip", "png", "jpg", "jpeg", "p7s", "p7m", "sig", "xml"),
    max_bytes=10 * 1024 * 1024,
    size_setting="CERTIFICATES_EVIDENCE_MAX_BYTES",
    allow_empty=False,
)


def validate_evidence(upload) -> None:
    """Refuse evidence that is too big, empty, of a type not accepted, or whose content does not match its
    name (the validator named by the models' migrations)."""
    EVIDENCE.validate(upload)


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
