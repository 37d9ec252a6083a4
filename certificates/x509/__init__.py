"""Pure-Python X.509 toolkit for the certificates app: parsing uploads and checking chains.

No Django imports here; the Django layer translates ``CertificateError.code`` via ``MESSAGES``.
"""

from .parse import (
    MAX_UPLOAD_BYTES,
    MESSAGES,
    CertificateError,
    ParsedCertificate,
    SubjectIdentity,
    load_certificates,
    subject_identity,
)
from .verify import ChainResult, build_chain, verify_signature

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MESSAGES",
    "CertificateError",
    "ChainResult",
    "ParsedCertificate",
    "SubjectIdentity",
    "build_chain",
    "load_certificates",
    "subject_identity",
    "verify_signature",
]
