"""The portal's middleware: Chinese first (the pages are in Chinese until the user picks another language),
the Content-Security-Policy, and each scope's keys read once per read-only request."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from rest_framework.renderers import BrowsableAPIRenderer

from portal.accounts.scope import resolving

READ_ONLY = ("GET", "HEAD", "OPTIONS")


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that web pages ignore the browser's Accept-Language.

    The portal's users work in Chinese; an English-language browser still opens in Chinese and
    the language switch (``set_language``, which sets the language cookie) is one click away.
    API requests (``/api/``) keep Django's negotiation, so a client sending
    ``Accept-Language: en`` receives English error messages.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (the policy is ``CONTENT_SECURITY_POLICY`` in the settings), which lets
    the pages drawn by other projects' templates, Django's admin (with django-simple-history's history
    list) and Django REST framework's browsable API, use inline styles, never inline scripts. The
    portal's own pages allow neither (tests/production/test_csp.py, tests/e2e/test_csp_browser.py)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if self.draws_with_inline_styles(request, response):
            parts.replace = {**(parts.replace or {}), "style-src": [SELF, UNSAFE_INLINE]}
        return parts

    @staticmethod
    def draws_with_inline_styles(request, response) -> bool:
        if request.path_info.startswith("/admin/"):
            return True
        renderer = getattr(response, "accepted_renderer", None)
        return isinstance(renderer, BrowsableAPIRenderer)


class ScopeKeysMiddleware:
    """A read-only request reads the regions, platforms and authorities of each scope once, as lists
    its queries compare their rows' keys with (``portal.accounts.scope.resolving``); a request that
    writes keeps the subqueries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_ONLY:
            return self.get_response(request)
        with resolving():
            return self.get_response(request)
