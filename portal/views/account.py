"""Signing in and out, registering with the invitation letter's code, and who viewed my record (閲覧記録)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.actors import ActorKind, actor_from_request
from members.auth_backend import BACKEND

from .. import selectors
from ..access import SIGNED_IN_COOKIE, no_store, person_view, safe_next
from ..forms import LoginForm, RegisterForm
from ..services import (
    InvitationError,
    invitation_help_desk,
    invitation_redeem,
)

REGISTER_FAILURE_LIMIT = 10  # wrong codes per client address within REGISTER_FAILURE_WINDOW
REGISTER_FAILURE_WINDOW = 30 * 60


@no_store
def home(request: HttpRequest) -> HttpResponse:
    if actor_from_request(request).kind == ActorKind.PERSON:
        return redirect("portal:me")
    return redirect("portal:login")


@no_store
def login_view(request: HttpRequest) -> HttpResponse:
    """Login; after an idle logout it says why and returns the person to the page they were on."""
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend=BACKEND)
        response = redirect(next_path or reverse("portal:me"))
        response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="Lax", secure=request.is_secure())
        return response
    timed_out = request.method == "GET" and request.COOKIES.get(SIGNED_IN_COOKIE) == "1"
    context = {"form": form, "next": next_path or "", "timed_out": timed_out,
               "idle_minutes": settings.SESSION_COOKIE_AGE // 60}  # fmt: skip
    page = render(request, "portal/login.html", context)
    if timed_out:
        page.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")  # said once
    return page


@require_POST
@no_store
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("ログアウトしました。"))
    response = redirect("portal:login")
    response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
    return response


def _failure_key(request: HttpRequest) -> str:
    return f"portal:register-failures:{request.META.get('REMOTE_ADDR', '')}"


@no_store
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    help_desk = None
    blocked = (cache.get(_failure_key(request)) or 0) >= REGISTER_FAILURE_LIMIT
    if request.method == "POST" and blocked:
        form.add_error(None, _("試行回数が多すぎます。しばらくしてからお試しください。"))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitation_redeem(
                code=data["code"], birth_date=data["birth_date"], username=data["username"], password=data["password1"]
            )
        except InvitationError as error:
            cache.set(_failure_key(request), (cache.get(_failure_key(request)) or 0) + 1, REGISTER_FAILURE_WINDOW)
            form.add_error(None, str(error))
            help_desk = invitation_help_desk(code=data["code"], birth_date=data["birth_date"])
        except ValidationError as error:  # the password validators (AUTH_PASSWORD_VALIDATORS)
            form.add_error("password1", error.messages)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("登録しました。"))
            response = redirect("portal:me")
            response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="Lax", secure=request.is_secure())
            return response
    context: dict[str, Any] = {"form": form}
    if help_desk is not None:
        context["help_desk"] = help_desk  # the expired code's insurer: whom to ask for a new letter
    return render(request, "portal/register.html", context)


@person_view
def access_log(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    rows = selectors.access_rows(actor=actor, person=person)
    return render(request, "portal/access_log.html", {"rows": rows, "person": person})
