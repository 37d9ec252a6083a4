"""The API's own views and its exception handler."""

import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, views
from rest_framework.authtoken.views import ObtainAuthToken

from portal.api.throttling import AnonThrottle, FailedAuthenticationThrottle, TooManyRequests


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
