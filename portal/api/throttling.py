"""The API's limits: requests per anonymous client address and per user, and failed authentications
(a wrong token, a wrong password at the token endpoint) per client address. Every refusal is a 429
with a ``Retry-After`` header and a message in the user's language.

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``anon``, ``user``, ``failed_auth``), read
on each request; the counts are kept in the cache, shared by every worker when ``REDIS_URL`` is set.
"""

import math

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from portal.ratelimit import client_ip


class TooManyRequests(exceptions.Throttled):
    def __init__(self, wait: float | None, message: str = ""):
        self.wait = math.ceil(wait) if wait is not None else None
        if not message:
            message = (
                _("Too many requests. Please wait %(seconds)d s and try again.") % {"seconds": self.wait}
                if self.wait is not None
                else _("Too many requests. Please try again later.")
            )
        exceptions.APIException.__init__(self, message)


class RatesFromSettings:
    """The rate of ``scope`` as configured now (DRF binds the rates when it is imported), and the client
    address behind the trusted proxies (``portal.ratelimit.client_ip``)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class AnonThrottle(RatesFromSettings, AnonRateThrottle):
    pass


class UserThrottle(RatesFromSettings, UserRateThrottle):
    pass


class FailedAuthenticationThrottle(RatesFromSettings, SimpleRateThrottle):
    """Counts failed authentications per client address; while an address has ``rate`` of them in the
    window, its further attempts are refused before the credentials are looked at."""

    scope = "failed_auth"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def refuse_if_exceeded(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        if len(self.history) >= self.num_requests:
            raise TooManyRequests(
                self.wait(),
                _("Too many failed authentications from your address. Please wait %(seconds)d s and try again.")
                % {"seconds": math.ceil(self.wait())},
            )

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ThrottledTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …``; a wrong token counts as a failed authentication of the address."""

    def authenticate(self, request):
        if not get_authorization_header(request):
            return None
        throttle = FailedAuthenticationThrottle()
        throttle.refuse_if_exceeded(request)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
