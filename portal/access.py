"""Every portal response is `Cache-Control: no-store`; member pages need a person's own session.

After an idle logout (SESSION_COOKIE_AGE without a request) a member page sends the person to the login page with
the page to return to (`?next=`, a path of this site only, no personal data); the login page says why, because the
browser still holds the SIGNED_IN_COOKIE hint (no personal data, gone when the browser closes or on logout).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language

from members.actors import Actor, ActorKind, actor_from_request

View = Callable[..., HttpResponse]


def no_store(view: View) -> View:
    """Health data must not stay in a shared browser's or proxy's cache (issue #8)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response

    return wrapped


def person_view(view: View) -> View:
    """Anonymous → login; a staff or other non-person session → a page that shows nothing (403)."""

    @no_store
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_from_request(request)
        if actor.kind == ActorKind.ANONYMOUS and not request.user.is_authenticated:
            return redirect_to_login(request)
        if actor.kind != ActorKind.PERSON:
            return render(request, "portal/not_a_member.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


SIGNED_IN_COOKIE = "portal_signed_in"  # "1" while a person was logged in in this browser session


def return_path(request: HttpRequest) -> str:
    """Where to come back to after logging in: the page itself, or for a POST the page that sent it."""
    if request.method == "GET":
        return request.get_full_path()
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc == request.get_host() and referer.path:
        return referer.path
    return reverse("portal:me")


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('portal:login')}?{urlencode({'next': return_path(request)})}")


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """A path of this site to return to, or None (never another host, never the login page itself)."""
    if not candidate or candidate.startswith(reverse("portal:login")):
        return None
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return candidate if candidate.startswith("/") else None


def person_actor(request: HttpRequest) -> Actor:
    return actor_from_request(request)


def lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"
