"""Who is asking (the client's address behind the trusted proxies) and how often (fixed-window counters
in the shared cache). Used by the public forms' limits, django-axes' log-in lockout and the API's
throttles, so that all of them count the same address."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache

UNKNOWN = "0.0.0.0"  # an address the database's address columns accept (PostgreSQL's inet)


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the
    outermost trusted proxy received the request from.

    Each proxy appends the address it was reached from to ``X-Forwarded-For``, so with N proxies the
    N-th entry from the right was written by the outermost one; entries further left come from the
    client and are never trusted. This is Django REST framework's ``NUM_PROXIES`` rule (set to the
    same number). A request with a malformed entry counts under ``REMOTE_ADDR``, the proxy's address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    try:
        remote = str(ipaddress.ip_address(remote))
    except ValueError:
        remote = UNKNOWN  # no usable address (a test client, a misconfigured server): one shared bucket
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _key(bucket: str, request) -> str:
    # The cache holds no addresses in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    return f"ratelimit:{bucket}:{digest}"


def used(request, bucket: str) -> int:
    """How many times the client was counted in ``bucket`` in the current window (nothing is counted)."""
    return cache.get(_key(bucket, request), 0)


def hit(request, bucket: str, limit: int, period: int) -> bool:
    """Count one request; True while the client is within ``limit`` requests per ``period`` seconds.
    ``add`` and ``incr`` are atomic in Redis and in the local-memory cache; without Redis (see the
    ``portal.W001`` deployment check) each process counts alone."""
    key = _key(bucket, request)
    if cache.add(key, 1, timeout=period):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return True
    return count <= limit
