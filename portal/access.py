"""Every portal response is `Cache-Control: no-store`; member pages need a person's own session."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
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
            return redirect("portal:login")
        if actor.kind != ActorKind.PERSON:
            return render(request, "portal/not_a_member.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def person_actor(request: HttpRequest) -> Actor:
    return actor_from_request(request)


def lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"
