"""The guidance page: the programme, its contacts and points, and the own weight log (add, delete)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guidance.codes import ProgrammeLevel, ProgrammeStatus
from members.actors import actor_from_request
from members.fiscal import fiscal_year_of, fiscal_year_start

from .. import selectors
from ..access import lang, person_view
from ..explain import CLOSED_STATUSES, LEVEL_MEANING, OFFERS, checkup_explanation, programme_notes
from ..forms import Reference, SelfMeasurementForm
from ..goal import Baseline, goal_numbers, main_goal, weight_change
from ..models import SelfMeasurement
from ..report import date_label, report_rows
from ..services import (
    self_measurement_add,
    self_measurement_delete,
)
from .results import referral_context


def programme_notes_of(programme: Any, level_checkup: Any) -> list[str]:
    """What the programme's state means for the person now (none without a programme)."""
    if programme is None:
        return []
    newest = level_checkup.fiscal_year if level_checkup is not None else None
    return programme_notes(programme.status, fiscal_year=programme.fiscal_year, newest_checkup_year=newest)


def log_form(
    request: HttpRequest,
    data: Any = None,
    *,
    entries: list[SelfMeasurement] | None = None,
    baselines: list[Baseline] | None = None,
) -> SelfMeasurementForm:
    """The weight-log form with the person's date window and last values (for the second look).

    `entries` (the log, oldest first) and `baselines` when the page has read them already."""
    actor = actor_from_request(request)
    first = selectors.first_checkup_date(actor=actor)
    earliest = fiscal_year_start(fiscal_year_of(first or timezone.localdate()))
    if entries is None:
        entries = list(selectors.self_measurement_list(actor=actor))
    if baselines is None:
        baselines = selectors.weight_baselines(actor=actor)
    references: dict[str, Reference] = {}
    for entry in reversed(entries):  # the newest value of each first
        for name in ("weight_kg", "waist_cm"):
            value = getattr(entry, name)
            if value is not None and name not in references:
                references[name] = Reference(value=value, measured_on=entry.measured_on)
    for baseline in reversed(baselines):
        references.setdefault("weight_kg", Reference(value=baseline.weight_kg, measured_on=baseline.exam_date))
        if baseline.waist_cm is not None:
            references.setdefault("waist_cm", Reference(value=baseline.waist_cm, measured_on=baseline.exam_date))
    initial = None if data is not None else {"measured_on": timezone.localdate()}
    return SelfMeasurementForm(data, initial=initial, earliest=earliest, references=references)


def log_chart(entries: list) -> list[dict[str, Any]]:
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


def guidance_context(request: HttpRequest, form: SelfMeasurementForm | None = None) -> dict[str, Any]:
    """The guidance page's context (also the printable summary's): programme, log, goal and points."""
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    level_checkup = selectors.level_checkup(actor=actor)
    programmes = selectors.programme_list(actor=actor)
    programme = programmes[0] if programmes else None
    entries = list(selectors.self_measurement_list(actor=actor))
    baselines = selectors.weight_baselines(actor=actor)
    change = weight_change(entries, baselines)
    context: dict[str, Any] = {
        "level_checkup": level_checkup,
        "programme": programme,
        "past_programmes": programmes[1:],
        "entries": entries,
        "log_chart": log_chart(entries),
        "form": form if form is not None else log_form(request, entries=entries, baselines=baselines),
        "log_change": change,
    }
    i = 0 if lang() == "ja" else 1
    if level_checkup is not None:
        level = level_checkup.guidance_level
        context["level_meaning"] = LEVEL_MEANING.get(level, ("", ""))[i]
        context["offer"] = OFFERS.get(level, ("", ""))[i]
        context["why"] = checkup_explanation(level_checkup, sex=person.sex, lang=lang())
        rows = report_rows(level_checkup, sex=person.sex, lang=lang())
        context["referral"] = referral_context([(level_checkup, rows)], fiscal_year=level_checkup.fiscal_year,
                                                box="guidance")  # fmt: skip
    if programme is not None:
        checkup = programme.checkup
        context["programme_notes"] = programme_notes_of(programme, level_checkup)
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
    return render(request, "portal/guidance.html", guidance_context(request))


@person_view
def self_log_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:guidance")
    form = log_form(request, request.POST)
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
    return render(request, "portal/guidance.html", guidance_context(request, form), status=400)


@person_view
def self_log_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET asks (the entry's date and values); POST deletes. Another person's entry is a 404 either way."""
    entry = selectors.self_measurement_get(actor=actor_from_request(request), public_id=public_id)
    if request.method != "POST":
        return render(request, "portal/self_log_delete.html", {"entry": entry})
    self_measurement_delete(entry=entry)
    messages.success(request, _("%(date)sの記録を削除しました。") % {"date": date_label(entry.measured_on)})
    return redirect(reverse("portal:guidance") + "#log")
