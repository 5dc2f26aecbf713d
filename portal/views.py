"""Thin views of the self-service page: each builds the actor, calls selectors/services, renders."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guidance.codes import ProgrammeLevel
from members.actors import ActorKind, actor_from_request

from . import selectors
from .access import lang, no_store, person_view
from .explain import LEVEL_MEANING, OFFERS, checkup_explanation
from .forms import LoginForm, RegisterForm, SelfMeasurementForm
from .goal import FACTOR, main_goal
from .report import report_rows, trend_data
from .services import InvitationError, invitation_redeem, self_measurement_add, self_measurement_delete

REGISTER_FAILURE_LIMIT = 10  # wrong codes per client address within REGISTER_FAILURE_WINDOW
REGISTER_FAILURE_WINDOW = 30 * 60


@no_store
def home(request: HttpRequest) -> HttpResponse:
    if actor_from_request(request).kind == ActorKind.PERSON:
        return redirect("portal:me")
    return redirect("portal:login")


@no_store
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("portal:me")
    return render(request, "portal/login.html", {"form": form})


@require_POST
@no_store
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("ログアウトしました。"))
    return redirect("portal:login")


def _failure_key(request: HttpRequest) -> str:
    return f"portal:register-failures:{request.META.get('REMOTE_ADDR', '')}"


@no_store
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
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
        except ValidationError as error:  # the password validators (AUTH_PASSWORD_VALIDATORS)
            form.add_error("password1", error.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("登録しました。"))
            return redirect("portal:me")
    return render(request, "portal/register.html", {"form": form})


@person_view
def me(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    level_checkup = selectors.level_checkup(actor=actor)
    return render(
        request,
        "portal/me.html",
        {
            "person": person,
            "years": selectors.checkup_years(actor=actor),
            "level_checkup": level_checkup,
            "programme": selectors.programme_latest(actor=actor),
        },
    )


@person_view
def checkups(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    rows = list(selectors.checkup_list(actor=actor))
    charts = trend_data(rows, sex=person.sex, lang=lang())
    return render(request, "portal/checkups.html", {"checkups": rows, "charts": charts})


@person_view
def checkup_year(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    reports = [
        {"checkup": c, "rows": report_rows(c, sex=person.sex, lang=lang())}
        for c in selectors.checkups_of_year(actor=actor, fiscal_year=fiscal_year)
    ]
    return render(request, "portal/checkup_year.html", {"fiscal_year": fiscal_year, "reports": reports})


def _guidance_context(request: HttpRequest) -> dict[str, Any]:
    actor = actor_from_request(request)
    level_checkup = selectors.level_checkup(actor=actor)
    programme = selectors.programme_latest(actor=actor)
    entries = list(selectors.self_measurement_list(actor=actor))
    context: dict[str, Any] = {"level_checkup": level_checkup, "programme": programme, "entries": entries}
    i = 0 if lang() == "ja" else 1
    if level_checkup is not None:
        level = level_checkup.guidance_level
        context["level_meaning"] = LEVEL_MEANING.get(level, ("", ""))[i]
        context["offer"] = OFFERS.get(level, ("", ""))[i]
        sex = selectors.person_get(actor=actor).sex
        context["why"] = checkup_explanation(level_checkup, sex=sex, lang=lang())
    if programme is not None:
        context["contacts"] = list(selectors.contact_list(programme=programme))
        context["intensive"] = programme.level == ProgrammeLevel.INTENSIVE
        checkup = programme.checkup
        context["goal"] = main_goal(checkup.weight_kg, checkup.waist_cm)
        context["factor"] = FACTOR
        lines = programme.evaluation.get("lines") if isinstance(programme.evaluation, dict) else None
        key = "detail_ja" if i == 0 else "detail_en"
        context["point_lines"] = [
            {"points": line.get("points"), "text": line.get(key, "")}
            for line in (lines if isinstance(lines, list) else [])
            if isinstance(line, dict)
        ]
        latest = next((e for e in reversed(entries) if e.weight_kg is not None), None)
        if latest is not None and checkup.weight_kg is not None:
            context["weight_change"] = latest.weight_kg - checkup.weight_kg
    context["log_chart"] = (
        [
            {
                "id": "selflog",
                "title": _("わたしの記録"),
                "unit": "kg / cm",
                "labels": [e.measured_on.isoformat() for e in entries],
                "datasets": [
                    {
                        "label": _("体重 (kg)"),
                        "data": [None if e.weight_kg is None else float(e.weight_kg) for e in entries],
                    },
                    {
                        "label": _("腹囲 (cm)"),
                        "data": [None if e.waist_cm is None else float(e.waist_cm) for e in entries],
                    },
                ],
                "guidance": None,
            }
        ]
        if entries
        else []
    )
    return context


@person_view
def guidance(request: HttpRequest) -> HttpResponse:
    context = _guidance_context(request)
    context["form"] = SelfMeasurementForm(initial={"measured_on": timezone.localdate()})
    return render(request, "portal/guidance.html", context)


@person_view
def self_log_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:guidance")
    form = SelfMeasurementForm(request.POST)
    if form.is_valid():
        self_measurement_add(person_id=actor_from_request(request).person_id, **form.cleaned_data)
        messages.success(request, _("記録を追加しました。"))
        return redirect(reverse("portal:guidance") + "#log")
    context = _guidance_context(request)
    context["form"] = form
    return render(request, "portal/guidance.html", context, status=400)


@require_POST
@person_view
def self_log_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    entry = selectors.self_measurement_get(actor=actor_from_request(request), public_id=public_id)
    self_measurement_delete(entry=entry)
    messages.success(request, _("記録を削除しました。"))
    return redirect("portal:guidance")


@person_view
def employer_checkups(request: HttpRequest) -> HttpResponse:
    rows = selectors.checkup_list(actor=actor_from_request(request), program=selectors.EMPLOYER_PROGRAM)
    return render(request, "portal/employer.html", {"checkups": rows})


@person_view
def access_log(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    rows = selectors.access_rows(actor=actor, person=person)
    return render(request, "portal/access_log.html", {"rows": rows, "person": person})


@person_view
def download(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/download.html")


@person_view
def download_print(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    reports = [
        {"checkup": c, "rows": report_rows(c, sex=person.sex, lang=lang())} for c in selectors.checkup_list(actor=actor)
    ]
    context = {"person": person, "reports": reports, **_guidance_context(request), "printed_at": timezone.now()}
    return render(request, "portal/print.html", context)


CSV_HEADER = ("fiscal_year", "exam_date", "program", "item", "label", "value", "unit", "band", "guidance", "referral")


@person_view
def download_csv(request: HttpRequest) -> HttpResponse:
    """One row per value: a layout any spreadsheet opens (UTF-8 with BOM for Excel)."""
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-health-data.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for checkup in selectors.checkup_list(actor=actor).order_by("exam_date"):
        for row in report_rows(checkup, sex=person.sex, lang=lang()):
            writer.writerow(
                (checkup.fiscal_year, checkup.exam_date.isoformat(), checkup.program, row.key, row.label, row.value,
                 row.unit, row.band or "", row.guidance, row.referral)
            )  # fmt: skip
    for entry in selectors.self_measurement_list(actor=actor):
        for key, value, unit in (("self_weight_kg", entry.weight_kg, "kg"), ("self_waist_cm", entry.waist_cm, "cm")):
            if value is not None:
                writer.writerow(("", entry.measured_on.isoformat(), "self", key, "", value, unit, "", "", ""))
    return response
