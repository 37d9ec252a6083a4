"""A small cache-based rate limit per client address for the public forms."""

from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, bucket: str, limit: int, period: int) -> bool:
    """Count one request; True while the client is within ``limit`` requests per ``period`` seconds."""
    key = f"fees:ratelimit:{bucket}:{client_address(request)}"
    if cache.add(key, 1, timeout=period):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return True
    return count <= limit
