"""System checks of a deployment (``python manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The log-in lockout counts in the database, but the API throttles and the public forms' limits
    count in the cache: a cache local to each process counts per worker, and forgets on restart."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Warning(
            "The cache is local to each process, so rate limits and throttles count per worker.",
            hint="Set REDIS_URL: production needs a shared cache (and Redis is the Celery broker too).",
            id="portal.W001",
        )
    ]
