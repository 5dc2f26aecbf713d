"""Request-wide policies: Japanese unless the person chose otherwise; the idle logout without a write per page."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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


IDLE_REFRESHED_AT = "idle_refreshed_at"  # session key: when the session's expiry was last pushed forward (epoch s)


class IdleSessionMiddleware:
    """The idle logout (SESSION_COOKIE_AGE after the last request, issue #18) with one session write a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) cost each page an UPDATE and a commit. Here a
    signed-in session is saved again only when its last save is SESSION_REFRESH_SECONDS old: the session then ends
    between SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last request. A session
    the request did not read is left alone (an API call with a key reads none); an empty one is never created.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def stamp_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
        """`user_logged_in`: a new session is fresh (also one made by a test client's force_login)."""
        if request is not None and hasattr(request, "session"):
            request.session[IDLE_REFRESHED_AT] = int(time.time())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(IDLE_REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[IDLE_REFRESHED_AT] = now  # marks it modified: SessionMiddleware saves it, expiry pushed forward
        return response
