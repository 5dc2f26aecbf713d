"""Downloads of the own data: the page, a printable summary and a CSV of every value."""

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checkups.standards import Band
from members.actors import actor_from_request
from members.fiscal import fiscal_year_of

from .. import selectors
from ..access import lang, person_view
from ..report import program_name, report_rows
from .programme import guidance_context
from .results import year_reports


@person_view
def download(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/download.html", {"years": selectors.checkup_years(actor=actor_from_request(request))}
    )


@person_view
def download_print(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    person = selectors.person_get(actor=actor)
    reports = year_reports(list(selectors.checkup_list(actor=actor)), sex=person.sex)
    context = {**guidance_context(request), "person": person, "reports": reports, "printed_at": timezone.now()}
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
