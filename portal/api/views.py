"""The API's own views (the token, the cached OpenAPI schema) and its exception handler."""

import functools
import hashlib
import math
import os

import drf_spectacular
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, views
from rest_framework.authtoken.views import ObtainAuthToken

from portal.api.throttling import AnonThrottle, FailedAuthenticationThrottle, TooManyRequests
from portal.seeding import SEED_APPS


def exception_handler(exc, context):
    """DRF's handler, with a throttled request's message in the user's language."""
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, TooManyRequests):
        exc = TooManyRequests(exc.wait)
    return views.exception_handler(exc, context)


class ObtainToken(ObtainAuthToken):
    """``POST username, password`` → a token. A wrong password counts as a failed authentication of the
    address, and django-axes locks the username for that address after ``AXES_FAILURE_LIMIT`` of them."""

    throttle_classes = [AnonThrottle]

    def post(self, request, *args, **kwargs):
        throttle = FailedAuthenticationThrottle()
        throttle.refuse_if_exceeded(request)
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            throttle.record_failure(request)
            if getattr(request, "axes_locked_out", False):
                cool_off = settings.AXES_COOLOFF_TIME.total_seconds()
                raise TooManyRequests(
                    cool_off,
                    _(
                        "Too many failed log-in attempts: this account is locked for your address for %(minutes)d "
                        "minutes."
                    )
                    % {"minutes": math.ceil(cool_off / 60)},
                ) from None
            raise


@functools.cache
def code_release() -> str:
    """A key that changes with every release of the code: ``PORTAL_RELEASE`` when the deployment sets it
    (a commit), else the names, sizes and modification times of the project's Python files. Read once
    per process."""
    digest = hashlib.sha256(f"{settings.SPECTACULAR_SETTINGS.get('VERSION')}:{drf_spectacular.__version__}".encode())
    release = os.environ.get("PORTAL_RELEASE", "")
    if release:
        digest.update(release.encode())
    else:
        for app in [*SEED_APPS, "portal"]:
            for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
                stat = path.stat()
                digest.update(f"{path.relative_to(settings.BASE_DIR)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def schema_audience(user) -> str:
    """Whom the schema is built for: it differs by role (a vendor's or platform's user may not write the
    fields the administrators attest, a vendor's filing names its vendor itself), never by person."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "superuser" if user.is_superuser else user.role or "none"


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML or JSON), built once per language, role and release and then served from
    the cache: drf-spectacular builds it anew on every request, seconds each time."""

    cache_seconds = 24 * 3600

    def _get_schema_response(self, request):
        renderer, media_type = self.perform_content_negotiation(request)
        key = ":".join(
            ("openapi", code_release(), get_language(), schema_audience(request.user), renderer.format, media_type)
        )
        cached = cache.get(key)
        if cached is None:
            response = super()._get_schema_response(request)
            self.finalize_response(request, response)
            response.render()
            cached = (response.content, response["Content-Type"], response["Content-Disposition"])
            cache.set(key, cached, self.cache_seconds)
        content, content_type, disposition = cached
        return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": disposition})
