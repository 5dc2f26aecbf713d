"""The statutory report page in the admin (法定報告, SPEC §6.6): figures, totals, charts against the targets, CSV.

Only the staff member's own insurers can be chosen (another insurer's number answers 404 and is never listed);
the page shows counts only, no person, so nothing goes to the access log.
"""

from decimal import Decimal

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from checkups.services import checkup_fiscal_years
from infra.i18n import StrOrPromise
from infra.jobs import job_state
from members.actors import actor_from_request
from members.audit import access_log_record
from members.fiscal import fiscal_year_of
from members.models import AccessLog, Insurer

from . import charts
from .computation import counted_checkups
from .models import StatutoryExport
from .selectors import Targets, targets_for
from .statutory_figures import StatutoryReport, band_label, percent_half_up
from .statutory_format import FIGURE_HEADERS, SEX_LABELS, csv_rows
from .statutory_report import statutory_report
from .tasks import statutory_export_request
from .views import csv_response, insurer_and_year, page_url


def _percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else (fraction * 100).quantize(Decimal("0.1"))


def _shown(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


def _markers(national: Decimal | None, own: Decimal | None, own_label: str) -> tuple[charts.Marker, ...]:
    found = []
    if national is not None:
        found.append(charts.Marker(x=charts.position(national, 0, 100), label=_("全国目標 %(p)s%%") % {"p": national}))
    if own is not None and own != national:
        found.append(charts.Marker(x=charts.position(own, 0, 100), label=f"{own_label} {own}%", kind="own"))
    return tuple(found)


def _bar(label: str, rate: Decimal | None, note: str, markers: tuple[charts.Marker, ...]) -> charts.Bar:
    x, width = charts.bar_span(rate, 0, 100)
    return charts.Bar(label=label, value_text=_shown(rate), x=x, width=width, markers=markers, note=note)


def report_charts(report: StatutoryReport, targets: Targets, own_label: str) -> list[charts.Chart]:
    """The two rates against their targets, then each rate by sex × band (SPEC §6.4, §6.6)."""
    checkup_targets = _markers(_percent(targets.national_checkup), _percent(targets.checkup), own_label)
    guidance_targets = _markers(_percent(targets.national_guidance), _percent(targets.guidance), own_label)
    totals = report.totals
    people = _("%(n)s / %(d)s 人")
    summary = charts.Chart(
        caption=_("実施率と目標(第4期の目標)"),
        bars=(
            _bar(
                _("特定健診実施率"),
                report.checkup_rate,
                people % {"n": f"{totals.checkup_examined:,}", "d": f"{totals.checkup_targets:,}"},
                checkup_targets,
            ),
            _bar(
                _("特定保健指導実施率"),
                report.guidance_rate,
                people % {"n": f"{totals.guidance_completed:,}", "d": f"{totals.guidance_targets:,}"},
                guidance_targets,
            ),
        ),
        scale=charts.percent_scale(),
    )

    def by_stratum(caption: str, numerator: str, denominator: str, markers: tuple[charts.Marker, ...]) -> charts.Chart:
        bars = []
        for row in report.rows:
            counts = row.counts
            num, den = getattr(counts, numerator), getattr(counts, denominator)
            label = f"{_(SEX_LABELS[row.sex])} {band_label(row.band)}"
            bars.append(_bar(label, percent_half_up(num, den), people % {"n": num, "d": den}, markers).unlabelled())
        return charts.Chart(
            caption=caption, bars=tuple(bars), scale=charts.percent_scale(), legend=charts.marker_legend(markers)
        )

    return [
        summary,
        by_stratum(_("性・年齢階級別 特定健診実施率"), "checkup_examined", "checkup_targets", checkup_targets),
        by_stratum(_("性・年齢階級別 特定保健指導実施率"), "guidance_completed", "guidance_targets", guidance_targets),
    ]


def report_years(*, insurer_id: int, selected: int, today_year: int) -> list[int]:
    return sorted({*checkup_fiscal_years(insurer_id=insurer_id), today_year - 1, today_year, selected}, reverse=True)


# The figures shown as three tables that fit the page (the CSV keeps one row of all of them, SPEC §6.6)
TABLE_GROUPS: tuple[tuple[StrOrPromise, tuple[str, ...], str], ...] = (
    (gettext_lazy("特定健診"), ("checkup_targets", "checkup_examined"), "checkup_rate"),
    (
        gettext_lazy("特定保健指導"),
        (
            "guidance_targets_intensive",
            "guidance_targets_motivational",
            "guidance_started_intensive",
            "guidance_started_motivational",
            "guidance_completed_intensive",
            "guidance_completed_motivational",
            "guidance_completed_equivalent",
        ),
        "guidance_rate",
    ),
    (
        gettext_lazy("メタボリックシンドローム・服薬"),
        ("metabolic_syndrome", "metabolic_reserve", "medication_bp", "medication_glucose", "medication_lipids"),
        "",
    ),
)
RATE_HEADERS = {"checkup_rate": gettext_lazy("特定健診実施率"), "guidance_rate": gettext_lazy("特定保健指導実施率")}
assert sorted(n for _t, names, _r in TABLE_GROUPS for n in names) == sorted(FIGURE_HEADERS)


def _tables(rows: list[dict], totals: dict, total_rates: dict) -> list[dict]:
    """Each group: its headers, and per row (sex, band, values) with the group's rate last."""
    tables = []
    for title, names, rate in TABLE_GROUPS:
        headers = [_(FIGURE_HEADERS[n]) for n in names] + ([RATE_HEADERS[rate]] if rate else [])

        def values(counts: dict, rates: dict, names: tuple[str, ...] = names, rate: str = rate) -> list[str]:
            return [f"{counts[n]:,}" for n in names] + ([rates[rate]] if rate else [])

        tables.append(
            {
                "title": title,
                "headers": headers,
                "rows": [(row["sex"], row["band"], values(row["by_name"], row)) for row in rows],
                "total": values(totals, total_rates),
            }
        )
    return tables


def statutory_page(request: HttpRequest, context: dict) -> TemplateResponse:
    insurer, fiscal_year, insurers = insurer_and_year(request, default_year_offset=-1)
    report = statutory_report(insurer=insurer, fiscal_year=fiscal_year)
    targets = targets_for(insurer=insurer)
    rows = [
        {
            "sex": _(SEX_LABELS[row.sex]),
            "band": band_label(row.band),
            "counts": list(row.counts.as_dict().values()),
            "by_name": row.counts.as_dict(),
            "checkup_rate": _shown(percent_half_up(row.counts.checkup_examined, row.counts.checkup_targets)),
            "guidance_rate": _shown(percent_half_up(row.counts.guidance_completed, row.counts.guidance_targets)),
        }
        for row in report.rows
    ]
    totals = report.totals
    context.update(
        title=_("法定報告(特定健診・特定保健指導の実施状況)"),
        insurer=insurer,
        insurers=insurers,
        fiscal_year=fiscal_year,
        years=report_years(
            insurer_id=insurer.pk, selected=fiscal_year, today_year=fiscal_year_of(timezone.localdate())
        ),
        report=report,
        totals=totals,
        total_counts=list(totals.as_dict().values()),
        checkup_rate=_shown(report.checkup_rate),
        guidance_rate=_shown(report.guidance_rate),
        headers=[_(header) for header in FIGURE_HEADERS.values()],  # the CSV keeps them in Japanese (interface)
        rows=rows,
        tables=_tables(
            rows,
            totals.as_dict(),
            {"checkup_rate": _shown(report.checkup_rate), "guidance_rate": _shown(report.guidance_rate)},
        ),
        charts=report_charts(report, targets, insurer.get_insurer_type_display()),
        national_checkup=_shown(_percent(targets.national_checkup)),
        national_guidance=_shown(_percent(targets.national_guidance)),
        csv_url=page_url("rates_statutory_csv", insurer, fiscal_year),
        **export_context(insurer, fiscal_year),
    )
    return TemplateResponse(request, "admin/rates/statutory_report.html", context)


def statutory_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The figures as CSV: UTF-8 with BOM, Japanese headers, 14 rows and the totals (SPEC §6.6)."""
    insurer, fiscal_year, _insurers = insurer_and_year(request, default_year_offset=-1)
    report = statutory_report(insurer=insurer, fiscal_year=fiscal_year)
    return csv_response(f"statutory_report_{insurer.number}_{fiscal_year}.csv", csv_rows(report))


# ---------------------------------------------------------------- the submission archive, built in the background


def latest_export(insurer: Insurer, fiscal_year: int) -> StatutoryExport | None:
    return StatutoryExport.objects.filter(insurer=insurer, fiscal_year=fiscal_year).order_by("-pk").first()


def export_context(insurer: Insurer, fiscal_year: int) -> dict:
    export = latest_export(insurer, fiscal_year)
    running = export is not None and export.status in (StatutoryExport.Status.PENDING, StatutoryExport.Status.RUNNING)
    return {
        "export": export,
        "export_running": running,
        "export_url": reverse("admin:rates_statutory_export"),
        "export_progress_url": reverse("admin:rates_statutory_export_progress", args=[export.pk]) if export else "",
        "export_download_url": reverse("admin:rates_statutory_export_download", args=[export.pk])
        if export and export.status == StatutoryExport.Status.DONE
        else "",
    }


@require_POST
def statutory_export_start(request: HttpRequest) -> HttpResponseRedirect:
    """The 提出用ファイルを作成 button: enqueue the build; the page then polls its progress."""
    insurer, fiscal_year, _insurers = insurer_and_year(request, default_year_offset=-1)
    statutory_export_request(insurer=insurer, fiscal_year=fiscal_year, requested_by=request.user)
    messages.info(request, _("%(year)s年度の提出用ファイルの作成を受け付けました。") % {"year": fiscal_year})
    return HttpResponseRedirect(page_url("rates_statutoryreportpage_changelist", insurer, fiscal_year))


def _own_export(request: HttpRequest, pk: int) -> StatutoryExport:
    return get_object_or_404(StatutoryExport.objects.visible_to(actor_from_request(request)), pk=pk)


def statutory_export_progress(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(job_state(_own_export(request, pk)))


def statutory_export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished archive, for the insurer's staff only; the download is in each person's access log."""
    export = _own_export(request, pk)
    if export.status != StatutoryExport.Status.DONE or not export.file:
        raise Http404
    person_ids = counted_checkups(insurer_id=export.insurer_id, fiscal_year=export.fiscal_year).values_list(
        "person_id", flat=True
    )
    access_log_record(
        actor=actor_from_request(request),
        person_ids=list(person_ids),
        action=AccessLog.Action.EXPORT,
        target=f"statutory-export-download:{export.pk}",
        request=request,
    )
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file_name)
