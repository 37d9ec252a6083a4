"""Signature checks and issuer-chain building for ``ParsedCertificate`` records.

RSA (PKCS#1 v1.5 and PSS), ECDSA and EdDSA are verified with ``cryptography``; SM2-with-SM3
(OID 1.2.156.10197.1.501) with gmssl, first with the GM/T 0009 default signer ID "1234567812345678",
then with the empty ID that OpenSSL 3 signs with by default (``openssl req -x509 -sm3`` without
``-sigopt distid:…``). A signature that verifies only with the empty ID is valid, with the warning
``WARNING_SM2_EMPTY_SIGNER_ID`` ("非标准签名者标识（空）"), never broken.
All functions are pure: no caches, no global state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import (
    dsa,
    ec,
    ed448,
    ed25519,
    padding,
    rsa,
)

from ._sm2 import DEFAULT_SM2_USER_ID, EMPTY_SM2_USER_ID, SM2_WITH_SM3_OID, sm2_public_point, sm2_verify
from .parse import ParsedCertificate

__all__ = [
    "STATUS_BROKEN_SIGNATURE",
    "STATUS_EXPIRED",
    "STATUS_ISSUER_MISSING",
    "STATUS_NOT_YET_VALID",
    "STATUS_VALID",
    "WARNING_SM2_EMPTY_SIGNER_ID",
    "ChainResult",
    "build_chain",
    "check_signature",
    "verify_signature",
]

STATUS_VALID = "valid"
STATUS_EXPIRED = "expired"
STATUS_NOT_YET_VALID = "not_yet_valid"
STATUS_BROKEN_SIGNATURE = "broken_signature"
STATUS_ISSUER_MISSING = "issuer_missing"

#: The signature verifies only with the empty SM2 signer ID (OpenSSL 3's default), not GM/T 0009's.
WARNING_SM2_EMPTY_SIGNER_ID = "sm2_empty_signer_id"

#: Longest chain followed before giving up (a guard against pathological pools).
MAX_CHAIN_LENGTH = 16

#: What is wrong with a chain (``ChainResult.reason``), about its certificate at ``problem_index``.
SIGNATURE = "signature"  # its signature does not verify with the next certificate's key
SELF_SIGNATURE = "self_signature"  # a self-issued certificate whose own signature does not verify
LOOP = "loop"  # the issuer links come back to a certificate of the chain
NO_ISSUER = "no_issuer"  # no certificate of its issuer is known
TOO_LONG = "too_long"  # longer than MAX_CHAIN_LENGTH
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
REASONS = (SIGNATURE, SELF_SIGNATURE, LOOP, NO_ISSUER, TOO_LONG, EXPIRED, NOT_YET_VALID)

#: A signature check: None when it does not verify, "" when it does, a warning code when it
#: verifies with a reservation (``WARNING_SM2_EMPTY_SIGNER_ID``).
Check = str | None


def check_signature(cert: ParsedCertificate, issuer: ParsedCertificate) -> Check:
    """Whether ``cert``'s signature verifies with ``issuer``'s public key: None (no), "" (yes) or a
    warning code (yes, with a reservation). Never raises.

    Only the signature is checked, not names, validity or CA flags.
    """
    try:
        return _verify(cert, issuer)
    except Exception:
        return None


def verify_signature(cert: ParsedCertificate, issuer: ParsedCertificate) -> bool:
    """True if ``cert``'s signature verifies with ``issuer``'s public key (warnings or not). Never raises."""
    return check_signature(cert, issuer) is not None


def _verify(cert: ParsedCertificate, issuer: ParsedCertificate) -> Check:
    parsed = x509.load_der_x509_certificate(cert.der)
    tbs = parsed.tbs_certificate_bytes
    signature = parsed.signature

    if parsed.signature_algorithm_oid.dotted_string == SM2_WITH_SM3_OID:
        point = sm2_public_point(issuer.spki_der)  # both SPKI layouts, see _sm2.py
        if point is None:
            return None
        if sm2_verify(point, tbs, signature, DEFAULT_SM2_USER_ID):
            return ""
        if sm2_verify(point, tbs, signature, EMPTY_SM2_USER_ID):
            return WARNING_SM2_EMPTY_SIGNER_ID
        return None

    key = serialization.load_der_public_key(issuer.spki_der)  # raises for SM2 keys -> False
    params = parsed.signature_algorithm_parameters
    if isinstance(key, rsa.RSAPublicKey):
        if not isinstance(params, (padding.PKCS1v15, padding.PSS)):
            return None
        hash_algorithm = parsed.signature_hash_algorithm
        if hash_algorithm is None:
            return None
        key.verify(signature, tbs, params, hash_algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(params, ec.ECDSA):
            return None
        key.verify(signature, tbs, params)
    elif isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        key.verify(signature, tbs)
    elif isinstance(key, dsa.DSAPublicKey):
        hash_algorithm = parsed.signature_hash_algorithm
        if hash_algorithm is None:
            return None
        key.verify(signature, tbs, hash_algorithm)
    else:
        return None
    return ""  # every verify() above raises InvalidSignature on failure


@dataclass(frozen=True)
class ChainResult:
    """Outcome of ``build_chain``.

    ``chain`` runs leaf first; it ends at the root when one was reached, otherwise at the last
    certificate found. ``problem_index`` points into ``chain`` at the certificate the status is
    about (None when valid); ``reason`` says what is wrong with it as a code (one of ``REASONS``),
    which pages translate; ``detail`` is an English explanation for logs. ``warnings`` maps an
    index of ``chain`` to the warning code of that certificate's signature (it verified, with a
    reservation such as ``WARNING_SM2_EMPTY_SIGNER_ID``).
    """

    chain: list[ParsedCertificate] = field(default_factory=list)
    status: str = STATUS_VALID
    problem_index: int | None = None
    detail: str = ""
    warnings: dict[int, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def is_valid(self) -> bool:
        return self.status == STATUS_VALID


def _issuer_candidates(
    cert: ParsedCertificate, pool: list[ParsedCertificate], used: set[str]
) -> list[ParsedCertificate]:
    """Possible issuers of ``cert``: by authority key identifier -> subject key identifier when
    ``cert`` has an AKI (plus same-name certificates that have no SKI), otherwise by name."""
    aki = cert.authority_key_identifier
    out = []
    for candidate in pool:
        if candidate.sha256_fingerprint in used:
            continue
        if aki and candidate.subject_key_identifier:
            match = candidate.subject_key_identifier == aki
        else:
            match = candidate.subject == cert.issuer
        if match:
            out.append(candidate)
    # Same-name candidates first: the right key is found by verifying the signature anyway.
    out.sort(key=lambda c: c.subject != cert.issuer)
    return out


def _utc(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def build_chain(
    cert: ParsedCertificate,
    pool: list[ParsedCertificate],
    at: datetime | None = None,
    verify: Callable[[ParsedCertificate, ParsedCertificate], Check | bool] = check_signature,
) -> ChainResult:
    """Walk from ``cert`` up through ``pool`` to a self-signed root, verifying every signature.

    ``verify`` checks one signature (default ``check_signature``; a plain bool is accepted too); a
    caller building many chains over the same pool may pass a memoising wrapper so that a shared
    issuer is verified once. Signature warnings are collected in ``ChainResult.warnings``.

    Status precedence: ``broken_signature`` and ``issuer_missing`` (structural problems) win over
    ``expired`` / ``not_yet_valid``, which are checked for every certificate of a complete chain
    against ``at`` (default: now, UTC; a naive ``at`` is taken as UTC).
    """
    moment = _utc(at)
    chain = [cert]
    used = {cert.sha256_fingerprint}
    warnings: dict[int, str] = {}
    current = cert

    def verified(child: ParsedCertificate, parent: ParsedCertificate) -> bool:
        outcome = verify(child, parent)
        if outcome is None or outcome is False:
            return False
        if isinstance(outcome, str) and outcome:
            warnings[len(chain) - 1] = outcome
        return True

    while True:
        if current.is_self_issued and verified(current, current):
            break  # reached a self-signed root
        if len(chain) >= MAX_CHAIN_LENGTH:
            return ChainResult(chain, STATUS_ISSUER_MISSING, len(chain) - 1, "chain too long", reason=TOO_LONG)
        candidates = _issuer_candidates(current, pool, used)
        issuer = next((c for c in candidates if verified(current, c)), None)
        if issuer is None:
            index = len(chain) - 1
            if candidates:
                chain.append(candidates[0])
                return ChainResult(
                    chain,
                    STATUS_BROKEN_SIGNATURE,
                    index,
                    f"the signature of {current.subject!r} does not verify with {candidates[0].subject!r}",
                    reason=SIGNATURE,
                )
            if current.is_self_issued:
                return ChainResult(
                    chain,
                    STATUS_BROKEN_SIGNATURE,
                    index,
                    f"the self-signature of {current.subject!r} does not verify",
                    reason=SELF_SIGNATURE,
                )
            if any(c.sha256_fingerprint in used for c in _issuer_candidates(current, pool, set())):
                detail, reason = f"issuer links of {current.subject!r} form a loop without a root", LOOP
            else:
                detail, reason = f"no issuer for {current.issuer!r} in the pool", NO_ISSUER
            return ChainResult(chain, STATUS_ISSUER_MISSING, index, detail, reason=reason)
        chain.append(issuer)
        used.add(issuer.sha256_fingerprint)
        current = issuer

    for index, member in enumerate(chain):
        if moment > member.not_after:
            return ChainResult(
                chain,
                STATUS_EXPIRED,
                index,
                f"{member.subject!r} expired on {member.not_after.isoformat()}",
                warnings,
                reason=EXPIRED,
            )
        if moment < member.not_before:
            return ChainResult(
                chain,
                STATUS_NOT_YET_VALID,
                index,
                f"{member.subject!r} is valid only from {member.not_before.isoformat()}",
                warnings,
                reason=NOT_YET_VALID,
            )
    return ChainResult(chain, STATUS_VALID, None, "", warnings)
