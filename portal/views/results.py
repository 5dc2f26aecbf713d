"""Checkup results: the list with trends, one year's reports, the document for a doctor, employer checkups."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from members.actors import actor_from_request

from .. import selectors
from ..access import lang, person_view
from ..document import MEDICATION_FIELDS, YES, checkup_document
from ..report import referral_rows, report_rows, trend_data


def referral_context(reports: list[tuple[Any, list]], *, fiscal_year: int, box: str) -> dict[str, Any] | None:
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
def checkups(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    rows = list(selectors.checkup_list(actor=actor))
    charts = trend_data(rows, sex=person.sex, lang=lang())
    return render(request, "portal/checkups.html", {"checkups": rows, "charts": charts})


def year_reports(checkups: list, *, sex: int) -> list[dict[str, Any]]:
    """Each checkup with its report rows in the page's language."""
    return [{"checkup": c, "rows": report_rows(c, sex=sex, lang=lang())} for c in checkups]


@person_view
def checkup_year(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    reports = year_reports(selectors.checkups_of_year(actor=actor, fiscal_year=fiscal_year), sex=person.sex)
    referral = referral_context([(r["checkup"], r["rows"]) for r in reports], fiscal_year=fiscal_year, box="year")
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


@person_view
def employer_checkups(request: HttpRequest) -> HttpResponse:
    rows = selectors.checkup_list(actor=actor_from_request(request), program=selectors.EMPLOYER_PROGRAM)
    return render(request, "portal/employer.html", {"checkups": rows})
