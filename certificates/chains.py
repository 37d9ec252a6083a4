"""Storing uploaded certificates and keeping every stored chain up to date, set-based.

When certificates are added, only the certificates they can affect are recomputed: the new ones,
the stored ones that name them as issuer (by name or key identifier) and everything below those.
The pool of possible issuers is loaded in a few queries (one per chain level), each signature is
verified once per run, and the results are written with one UPDATE (``portal.bulk.update_rows``:
``UPDATE … FROM (VALUES …)`` on PostgreSQL; no history row, the chain being derived data). Validity in time is
refreshed daily by two conditional UPDATEs (``refresh_time_statuses``), without any signature work.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certificates.claims import record_owner
from certificates.models import CACertificate, ChainStatus
from certificates.x509 import ParsedCertificate, build_chain
from certificates.x509.verify import MAX_CHAIN_LENGTH, Check, check_signature
from portal.bulk import create_with_history, update_rows

CHAIN_FIELDS = (
    "issuer",
    "root",
    "chain_ids",
    "chain_status",
    "chain_problem_index",
    "chain_reason",
    "signature_warning",
    "chain_not_before",
    "chain_not_after",
    "chain_checked_at",
)


STRUCTURALLY_SOUND = (ChainStatus.VALID, ChainStatus.EXPIRED, ChainStatus.NOT_YET_VALID)


@dataclass
class StoreResult:
    created: list[CACertificate] = field(default_factory=list)
    existing: list[CACertificate] = field(default_factory=list)
    skipped_end_entity: list[ParsedCertificate] = field(default_factory=list)


def role_of(parsed: ParsedCertificate) -> str | None:
    """root / intermediate, or None for an end-entity certificate (not stored).

    A version 1 self-signed certificate has no basic constraints at all; old roots are like that.
    """
    if parsed.is_ca:
        return CACertificate.Role.ROOT if parsed.is_self_issued else CACertificate.Role.INTERMEDIATE
    if parsed.is_self_issued and parsed.version == 1:
        return CACertificate.Role.ROOT
    return None


def store_certificates(
    parsed: Iterable[ParsedCertificate],
    *,
    vendor=None,
    user=None,
    filename: str = "",
    is_demo: bool = False,
    notes: str = "",
    verifier: MemoVerifier | None = None,
) -> StoreResult:
    """Store the CA certificates of one upload (a certificate already stored is recognised by its
    SHA-256 fingerprint and not stored again), then recompute the chains they affect.

    Set-based: one query finds the stored fingerprints, the new certificates are inserted together with
    their history (``portal.bulk``), their chains computed together. A ``verifier`` shared by the
    batches of one upload verifies each signature (a root's self-signature) once for all of them.

    Uploads store them as nobody's (``vendor=None``) and claim them (``certificates.claims``); the
    portal's own facts (seed data) name their ``vendor``, recorded as its accepted claim."""
    result = StoreResult()
    unique: dict[str, tuple[ParsedCertificate, str]] = {}
    for item in parsed:
        role = role_of(item)
        if role is None:
            result.skipped_end_entity.append(item)
        else:
            unique.setdefault(item.sha256_fingerprint, (item, role))
    if not unique:
        return result
    with transaction.atomic():
        stored = CACertificate.objects.filter(sha256_fingerprint__in=list(unique)).order_by()
        known = {c.sha256_fingerprint: c for c in stored}
        result.existing = [known[fingerprint] for fingerprint in unique if fingerprint in known]  # in the file's order
        new = [
            CACertificate(
                vendor=vendor,
                role=role,
                original_filename=filename[:200],
                uploaded_by=user,
                is_demo=is_demo,
                notes=notes,
                **CACertificate.fields_from(item),
            )
            for fingerprint, (item, role) in unique.items()
            if fingerprint not in known
        ]
        result.created = create_with_history(new, user=user)
        if result.created:
            recompute_chains(result.created, verifier=verifier)
            if vendor is not None:
                record_owner(result.created, vendor, by=user)
    return result


class MemoVerifier:
    """``check_signature`` with a memory: in one run each (certificate, issuer) pair is checked once."""

    def __init__(self) -> None:
        self.results: dict[tuple[str, str], Check | bool] = {}

    def __call__(self, cert: ParsedCertificate, issuer: ParsedCertificate) -> Check | bool:
        key = (cert.sha256_fingerprint, issuer.sha256_fingerprint)
        if key not in self.results:
            self.results[key] = check_signature(cert, issuer)
        return self.results[key]


def _affected(seeds: list[CACertificate]) -> dict[int, CACertificate]:
    """The seeds, the stored certificates that may be issued by them, and everything below those."""
    affected = {c.pk: c for c in seeds}
    subjects = {c.subject for c in seeds}
    keys = {c.subject_key_identifier for c in seeds if c.subject_key_identifier}
    condition = Q(issuer_name__in=subjects)
    if keys:
        condition |= Q(authority_key_identifier__in=keys)
    frontier = list(CACertificate.objects.filter(condition).exclude(pk__in=list(affected)).order_by())
    for _level in range(MAX_CHAIN_LENGTH):
        for cert in frontier:
            affected[cert.pk] = cert
        below = (
            CACertificate.objects.filter(issuer_id__in=[c.pk for c in frontier] or [0])
            .exclude(pk__in=list(affected))
            .order_by()
        )
        frontier = list(below)
        if not frontier:
            break
    return affected


def affected_by(cert: CACertificate) -> dict[int, CACertificate]:
    """The certificate and every stored certificate whose chain may go through it."""
    return _affected([cert])


def _pool(certs: Iterable[CACertificate]) -> dict[int, CACertificate]:
    """Every stored certificate that can appear above ``certs`` (one query per chain level)."""
    pool = {c.pk: c for c in certs}
    frontier = list(pool.values())
    for _level in range(MAX_CHAIN_LENGTH):
        names = {c.issuer_name for c in frontier if not c.is_self_issued}
        keys = {c.authority_key_identifier for c in frontier if c.authority_key_identifier and not c.is_self_issued}
        if not names and not keys:
            break
        condition = Q(subject__in=names)
        if keys:
            condition |= Q(subject_key_identifier__in=keys)
        frontier = list(CACertificate.objects.filter(condition).exclude(pk__in=list(pool)).order_by())
        if not frontier:
            break
        pool.update((c.pk, c) for c in frontier)
    return pool


def _apply(cert: CACertificate, result, by_fingerprint: dict[str, CACertificate], now) -> None:
    members = [by_fingerprint[p.sha256_fingerprint] for p in result.chain]
    cert.chain_ids = [m.pk for m in members]
    cert.chain_status = result.status
    cert.chain_problem_index = result.problem_index
    cert.chain_reason = result.reason
    cert.signature_warning = result.warnings.get(0, "")
    cert.chain_checked_at = now
    structural = result.status not in (ChainStatus.BROKEN_SIGNATURE, ChainStatus.ISSUER_MISSING)
    # The issuer link: the next certificate of the chain, unless its signature on this one is broken.
    own_signature_broken = result.status == ChainStatus.BROKEN_SIGNATURE and result.problem_index == 0
    cert.issuer = members[1] if len(members) > 1 and not own_signature_broken else None
    last = members[-1]
    cert.root = last if structural and last.is_self_issued else None
    cert.chain_not_before = max(m.not_before for m in members) if structural else None
    cert.chain_not_after = min(m.not_after for m in members) if structural else None


def recompute_chains(
    seeds: Iterable[CACertificate], at: datetime.datetime | None = None, verifier: MemoVerifier | None = None
) -> int:
    """Rebuild and store the chain of every certificate the seeds can affect; returns how many.
    ``verifier`` may carry the signatures already verified by an earlier batch of the same upload."""
    seeds = list(seeds)
    if not seeds:
        return 0
    affected = _affected(seeds)
    pool = _pool(affected.values())
    parsed = {pk: cert.to_parsed() for pk, cert in pool.items()}
    pool_list = list(parsed.values())
    by_fingerprint = {cert.sha256_fingerprint: cert for cert in pool.values()}
    verifier = verifier if verifier is not None else MemoVerifier()
    # Signatures already verified when the unaffected certificates' chains were computed are not
    # verified again: a stored root's self-signature, a stored certificate's link to its issuer.
    for cert in pool.values():
        if cert.pk in affected or cert.chain_status not in STRUCTURALLY_SOUND:
            continue
        if cert.is_self_issued and cert.root_id == cert.pk:
            verifier.results[(cert.sha256_fingerprint, cert.sha256_fingerprint)] = True
        elif cert.issuer_id in pool:
            verifier.results[(cert.sha256_fingerprint, pool[cert.issuer_id].sha256_fingerprint)] = True
    now = at or timezone.now()
    for pk, cert in affected.items():
        result = build_chain(parsed[pk], pool_list, at=now, verify=verifier)
        _apply(cert, result, by_fingerprint, now)
    update_rows(list(affected.values()), CHAIN_FIELDS)
    return len(affected)


def recompute_all(batch: int = 500) -> int:
    """Recompute every stored chain (a maintenance command; uploads use ``recompute_chains``)."""
    done = 0
    last = 0
    while True:
        certs = list(CACertificate.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not certs:
            return done
        done += recompute_chains(certs)
        last = certs[-1].pk


def refresh_time_statuses(now: datetime.datetime | None = None) -> int:
    """Chains that expired or became valid since they were checked: two conditional UPDATEs."""
    now = now or timezone.now()
    in_time = (ChainStatus.VALID, ChainStatus.EXPIRED, ChainStatus.NOT_YET_VALID)
    changed = (
        CACertificate.objects.filter(chain_status__in=in_time, chain_not_after__lt=now)
        .exclude(chain_status=ChainStatus.EXPIRED)
        .update(chain_status=ChainStatus.EXPIRED, chain_checked_at=now)
    )
    changed += (
        CACertificate.objects.filter(chain_status=ChainStatus.NOT_YET_VALID, chain_not_before__lte=now)
        .filter(chain_not_after__gte=now)
        .update(chain_status=ChainStatus.VALID, chain_checked_at=now)
    )
    return changed
