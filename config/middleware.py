"""Japanese unless the person chose otherwise: the browser's Accept-Language does not switch the UI."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like LocaleMiddleware, but only the language cookie set by the language switch (/i18n/setlang/) counts.

    Staff and insured persons get Japanese (LANGUAGE_CODE) by default, whatever their browser says; English is one
    click away in the header.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
