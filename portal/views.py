"""Thin views of the self-service page (わたしの健診): each builds the actor, calls selectors/services, renders."""

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from checkups.standards import Band
from guidance.codes import ProgrammeLevel, ProgrammeStatus
from members.actors import ActorKind, actor_from_request
from members.fiscal import fiscal_year_of, fiscal_year_start

from . import selectors
from .access import SIGNED_IN_COOKIE, lang, no_store, person_view, safe_next
from .document import MEDICATION_FIELDS, YES, checkup_document
from .explain import CLOSED_STATUSES, LEVEL_MEANING, OFFERS, checkup_explanation, programme_notes
from .forms import LoginForm, Reference, RegisterForm, SelfMeasurementForm
from .goal import goal_numbers, main_goal, weight_change
from .report import date_label, program_name, referral_rows, report_rows, trend_data
from .services import (
    InvitationError,
    invitation_help_desk,
    invitation_redeem,
    self_measurement_add,
    self_measurement_delete,
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
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("登録しました。"))
            response = redirect("portal:me")
            response.set_cookie(SIGNED_IN_COOKIE, "1", httponly=True, samesite="Lax", secure=request.is_secure())
            return response
    context: dict[str, Any] = {"form": form}
    if help_desk is not None:
        context["help_desk"] = help_desk  # the expired code's insurer: whom to ask for a new letter
    return render(request, "portal/register.html", context)


def _referral_context(reports: list[tuple[Any, list]], *, fiscal_year: int, box: str) -> dict[str, Any] | None:
    """The values at the 受診勧奨判定値 (SPEC §8) of one year's checkups, with the calm 4th-period note said once;
    None when there are none."""
    groups = [{"checkup": c, "rows": found} for c, rows in reports if (found := referral_rows(rows))]
    if not groups:
        return None
    return {
        "id": box,
        "groups": groups,
        "document_url": reverse("portal:document", args=[fiscal_year]),
        "on_treatment": any(getattr(g["checkup"], f, None) == YES for g in groups for f in MEDICATION_FIELDS),
    }


@person_view
def me(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    level_checkup = selectors.level_checkup(actor=actor)
    latest = selectors.latest_checkup(actor=actor)
    referral = None
    if latest is not None:
        rows = report_rows(latest, sex=person.sex, lang=lang())
        referral = _referral_context([(latest, rows)], fiscal_year=latest.fiscal_year, box="home")
    programme = selectors.programme_latest(actor=actor)
    this_year = fiscal_year_of(timezone.localdate())  # SPEC §1.1
    return render(
        request,
        "portal/me.html",
        {
            "person": person,
            "years": selectors.checkup_years(actor=actor),
            "level_checkup": level_checkup,
            "programme": programme,
            "programme_notes": _notes(programme, level_checkup),
            "referral": referral,
            "target_year": this_year,
            "target_notes": selectors.target_notes(person=person, fiscal_year=this_year),
        },
    )


@person_view
def checkups(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    rows = list(selectors.checkup_list(actor=actor))
    charts = trend_data(rows, sex=person.sex, lang=lang())
    return render(request, "portal/checkups.html", {"checkups": rows, "charts": charts})


def _reports(checkups: list, *, sex: int) -> list[dict[str, Any]]:
    return [{"checkup": c, "rows": report_rows(c, sex=sex, lang=lang())} for c in checkups]


@person_view
def checkup_year(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    reports = _reports(selectors.checkups_of_year(actor=actor, fiscal_year=fiscal_year), sex=person.sex)
    referral = _referral_context([(r["checkup"], r["rows"]) for r in reports], fiscal_year=fiscal_year, box="year")
    context = {
        "fiscal_year": fiscal_year,
        "reports": reports,
        "referral": referral,
        "target_notes": selectors.target_notes(person=person, fiscal_year=fiscal_year),
    }
    return render(request, "portal/checkup_year.html", context)


@person_view
def document(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """医療機関持参用文書 of one year's checkups, to print or to show on the phone."""
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    documents = [
        checkup_document(c, sex=person.sex, lang=lang())
        for c in selectors.checkups_of_year(actor=actor, fiscal_year=fiscal_year)
    ]
    others = [{"year": y, "url": reverse("portal:document", args=[y])}
              for y in selectors.checkup_years(actor=actor) if y != fiscal_year]  # fmt: skip
    context = {"person": person, "documents": documents, "fiscal_year": fiscal_year, "staff": False,
               "other_years": others, "back_url": reverse("portal:checkup_year", args=[fiscal_year]),
               "created_on": timezone.localdate()}  # fmt: skip
    return render(request, "portal/document.html", context)


def _notes(programme: Any, level_checkup: Any) -> list[str]:
    if programme is None:
        return []
    newest = level_checkup.fiscal_year if level_checkup is not None else None
    return programme_notes(programme.status, fiscal_year=programme.fiscal_year, newest_checkup_year=newest)


def _log_form(request: HttpRequest, data: Any = None) -> SelfMeasurementForm:
    """The weight-log form with the person's date window and last values (for the second look)."""
    actor = actor_from_request(request)
    first = selectors.first_checkup_date(actor=actor)
    earliest = fiscal_year_start(fiscal_year_of(first or timezone.localdate()))
    references: dict[str, Reference] = {}
    for entry in selectors.self_measurement_list(actor=actor).order_by("-measured_on", "-pk"):
        for name in ("weight_kg", "waist_cm"):
            value = getattr(entry, name)
            if value is not None and name not in references:
                references[name] = Reference(value=value, measured_on=entry.measured_on)
    for baseline in reversed(selectors.weight_baselines(actor=actor)):
        references.setdefault("weight_kg", Reference(value=baseline.weight_kg, measured_on=baseline.exam_date))
        if baseline.waist_cm is not None:
            references.setdefault("waist_cm", Reference(value=baseline.waist_cm, measured_on=baseline.exam_date))
    initial = None if data is not None else {"measured_on": timezone.localdate()}
    return SelfMeasurementForm(data, initial=initial, earliest=earliest, references=references)


def _log_chart(entries: list) -> list[dict[str, Any]]:
    """Weight (kg, left axis) and waist (cm, right axis) of the own log: two units, two axes."""
    series = (
        ("weight_kg", _("体重"), "kg", _("体重 (kg)"), "left"),
        ("waist_cm", _("腹囲"), "cm", _("腹囲 (cm)"), "right"),
    )
    datasets, axes = [], []
    for name, label, unit, title, position in series:
        data = [None if getattr(e, name) is None else float(getattr(e, name)) for e in entries]
        if any(v is not None for v in data):
            datasets.append({"label": f"{label} ({unit})", "data": data, "axis": unit})
            axes.append({"id": unit, "title": title, "position": position})
    if not datasets:
        return []
    labels = [date_label(e.measured_on) for e in entries]
    chart = {"id": "selflog", "title": _("わたしの記録"), "unit": "", "labels": labels, "datasets": datasets,
             "axes": axes, "guidance": None}  # fmt: skip
    return [chart]


def _guidance_context(request: HttpRequest, form: SelfMeasurementForm | None = None) -> dict[str, Any]:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    level_checkup = selectors.level_checkup(actor=actor)
    programmes = selectors.programme_list(actor=actor)
    programme = programmes[0] if programmes else None
    entries = list(selectors.self_measurement_list(actor=actor))
    change = weight_change(entries, selectors.weight_baselines(actor=actor))
    context: dict[str, Any] = {
        "level_checkup": level_checkup,
        "programme": programme,
        "past_programmes": programmes[1:],
        "entries": entries,
        "log_chart": _log_chart(entries),
        "form": form if form is not None else _log_form(request),
        "log_change": change,
    }
    i = 0 if lang() == "ja" else 1
    if level_checkup is not None:
        level = level_checkup.guidance_level
        context["level_meaning"] = LEVEL_MEANING.get(level, ("", ""))[i]
        context["offer"] = OFFERS.get(level, ("", ""))[i]
        context["why"] = checkup_explanation(level_checkup, sex=person.sex, lang=lang())
        rows = report_rows(level_checkup, sex=person.sex, lang=lang())
        context["referral"] = _referral_context([(level_checkup, rows)], fiscal_year=level_checkup.fiscal_year,
                                                box="guidance")  # fmt: skip
    if programme is not None:
        checkup = programme.checkup
        context["programme_notes"] = _notes(programme, level_checkup)
        context["contacts"] = list(selectors.contact_list(programme=programme))
        context["intensive"] = programme.level == ProgrammeLevel.INTENSIVE
        past = level_checkup is not None and programme.fiscal_year < level_checkup.fiscal_year
        open_now = programme.status not in CLOSED_STATUSES and not past
        goal = main_goal(checkup.weight_kg, checkup.waist_cm) if open_now else None
        never_started = past and programme.status == ProgrammeStatus.NOT_STARTED
        context["show_points"] = context["intensive"] and not never_started
        context["goal"] = goal
        context["goal_numbers"] = goal_numbers(goal) if goal is not None else None
        lines = programme.evaluation.get("lines") if isinstance(programme.evaluation, dict) else None
        key = "detail_ja" if i == 0 else "detail_en"
        context["point_lines"] = [
            {"points": line.get("points"), "text": line.get(key, "")}
            for line in (lines if isinstance(lines, list) else [])
            if isinstance(line, dict)
        ]
        if change is not None and change.baseline.checkup_id == programme.checkup_id and goal is not None:
            context["programme_change"] = change  # only against the programme's own checkup
    return context


@person_view
def guidance(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/guidance.html", _guidance_context(request))


@person_view
def self_log_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:guidance")
    form = _log_form(request, request.POST)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("measured_on", "weight_kg", "waist_cm")}
        person_id = actor_from_request(request).person_id
        if person_id is None:  # person_view lets only a person in
            raise Http404
        self_measurement_add(person_id=person_id, **data)
        messages.success(request, _("記録を追加しました。"))
        return redirect(reverse("portal:guidance") + "#log")
    # The error is shown at the form: the first field with an error has the focus (autofocus; forms.js also brings
    # the summary into view), the summary is announced (role="alert"), and what was typed stays.
    first = next((name for name in form.fields if name in form.errors), "measured_on")
    form.fields[first].widget.attrs["autofocus"] = True
    return render(request, "portal/guidance.html", _guidance_context(request, form), status=400)


@person_view
def self_log_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks (the entry's date and values); POST deletes. Another person's entry is a 404 either way."""
    entry = selectors.self_measurement_get(actor=actor_from_request(request), public_id=public_id)
    if request.method != "POST":
        return render(request, "portal/self_log_delete.html", {"entry": entry})
    self_measurement_delete(entry=entry)
    messages.success(request, _("%(date)sの記録を削除しました。") % {"date": date_label(entry.measured_on)})
    return redirect(reverse("portal:guidance") + "#log")


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
    return render(
        request, "portal/download.html", {"years": selectors.checkup_years(actor=actor_from_request(request))}
    )


@person_view
def download_print(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    reports = _reports(list(selectors.checkup_list(actor=actor)), sex=person.sex)
    context = {**_guidance_context(request), "person": person, "reports": reports, "printed_at": timezone.now()}
    return render(request, "portal/print.html", context)


CSV_HEADER = (
    gettext_lazy("年度"),
    gettext_lazy("健診日"),
    gettext_lazy("種類"),
    gettext_lazy("項目"),
    gettext_lazy("値"),
    gettext_lazy("単位"),
    gettext_lazy("判定"),
    gettext_lazy("保健指導判定値"),
    gettext_lazy("受診勧奨判定値"),
)
BAND_WORDS = {
    Band.NORMAL: gettext_lazy("基準内"),
    Band.GUIDANCE: gettext_lazy("保健指導判定値"),
    Band.REFERRAL: gettext_lazy("受診勧奨判定値"),
}


@person_view
def download_csv(request: HttpRequest) -> HttpResponse:
    """One row per value, headers and words in the page's language; UTF-8 with BOM so Excel opens it as is."""
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-health-data.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(h) for h in CSV_HEADER])
    for checkup in selectors.checkup_list(actor=actor).order_by("exam_date"):
        for row in report_rows(checkup, sex=person.sex, lang=lang()):
            band = str(BAND_WORDS[row.band]) if row.band else ""
            referral = "" if row.referral == "—" else row.referral
            guidance = "" if row.guidance == "—" else row.guidance
            writer.writerow(
                (checkup.fiscal_year, checkup.exam_date.isoformat(), program_name(checkup.program), row.label,
                 row.value, row.unit, band, guidance, referral)
            )  # fmt: skip
    own = _("本人記録")
    for entry in selectors.self_measurement_list(actor=actor):
        fiscal_year = fiscal_year_of(entry.measured_on)
        for label, value, unit in ((_("体重"), entry.weight_kg, "kg"), (_("腹囲"), entry.waist_cm, "cm")):
            if value is not None:
                writer.writerow((fiscal_year, entry.measured_on.isoformat(), own, label, value, unit, "", "", ""))
    return response
