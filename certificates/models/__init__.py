"""The certificates app's models: vendors' CA certificates, products and shared APPs, platforms'
trust lists and the recognition (互认) records with their events and evidence."""

from certificates.models.certificates import CACertificate, ChainStatus, SignatureWarning
from certificates.models.claims import CertificateClaim, CertificateUpload, ClaimBasis, ClaimStatus
from certificates.models.products import Product, SharedApp
from certificates.models.recognition import (
    RecognitionEvent,
    RecognitionEvidence,
    RecognitionRecord,
    RecognitionScope,
    RecognitionStatus,
)
from certificates.models.trust import TrustListEntry

__all__ = [
    "CACertificate",
    "CertificateClaim",
    "CertificateUpload",
    "ChainStatus",
    "ClaimBasis",
    "ClaimStatus",
    "Product",
    "RecognitionEvent",
    "RecognitionEvidence",
    "RecognitionRecord",
    "RecognitionScope",
    "RecognitionStatus",
    "SharedApp",
    "SignatureWarning",
    "TrustListEntry",
]
