"""Chinese first: the pages are in Chinese until the user picks another language."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
