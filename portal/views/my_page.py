"""The home page (わたしの健診): the latest checkup, the guidance programme and this year's target notes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from members.actors import actor_from_request
from members.fiscal import fiscal_year_of

from .. import selectors
from ..access import lang, person_view
from ..report import report_rows
from .programme import programme_notes_of
from .results import referral_context


@person_view
def me(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    latest = selectors.latest_checkup(actor=actor)
    level_checkup = selectors.level_checkup(actor=actor, latest=latest)
    referral = None
    if latest is not None:
        rows = report_rows(latest, sex=person.sex, lang=lang())
        referral = referral_context([(latest, rows)], fiscal_year=latest.fiscal_year, box="home")
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
            "programme_notes": programme_notes_of(programme, level_checkup),
            "referral": referral,
            "target_year": this_year,
            "target_notes": selectors.target_notes(person=person, fiscal_year=this_year),
        },
    )
