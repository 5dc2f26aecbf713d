"""The 見える化 page in the admin (SPEC §6.7): does guidance work? The year after first, then achievement by
fiscal year, provider, mode and level, each as a chart with its counts and a CSV.

Only the staff member's own insurers can be chosen (another insurer answers 404 and is never listed). The page
shows counts only, so nothing goes to the access log.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from checkups.services import checkup_fiscal_years
from members.fiscal import fiscal_year_of

from . import charts
from .outcome_figures import (
    FOLLOW_UP_GROUPS,
    OUTCOME_KEYS,
    OutcomeCounts,
    OutcomeReport,
    follow_up_dict,
    grouped,
)
from .outcome_format import (
    GROUP_LABELS,
    OUTCOME_HEADERS,
    breakdown_csv_rows,
    follow_up_csv_rows,
    level_rows,
    mode_rows,
    provider_rows,
)
from .outcome_report import outcome_cells, outcome_report
from .statutory_figures import percent_half_up
from .views import csv_response, insurer_and_year, page_url

TREND_YEARS = 6  # fiscal years shown in the trend, the selected one last
CSV_SECTIONS = ("next_year", "trend", "provider", "mode", "level")
TONES = {"completed": "primary", "not_started": "muted"}


def _shown(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


def _signed(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:+.1f}{unit}".replace("+0.0", "±0.0").replace("-0.0", "±0.0")


def follow_up_charts(report: OutcomeReport) -> list[charts.Chart]:
    """Completers against targets who never started, the year after (SPEC §6.7): four comparisons."""
    data = {group: follow_up_dict(report.follow_up.get(group)) for group in FOLLOW_UP_GROUPS}
    cells = {group: report.follow_up.get(group) for group in FOLLOW_UP_GROUPS}
    legend = tuple((TONES[group], _(GROUP_LABELS[group])) for group in FOLLOW_UP_GROUPS)
    result = []
    for key, unit, caption, pairs in (
        ("mean_waist_change_cm", "cm", _("腹囲の変化(翌年度の健診 − 当該年度の健診、平均)"), "waist_pairs"),
        ("mean_weight_change_kg", "kg", _("体重の変化(翌年度の健診 − 当該年度の健診、平均)"), "weight_pairs"),
    ):
        limit = charts.symmetric_limit([data[group][key] for group in FOLLOW_UP_GROUPS], minimum=1)
        zero = charts.Marker(x=charts.position(0, -limit, limit), label="", kind="zero")
        bars = []
        for group in FOLLOW_UP_GROUPS:
            value = data[group][key]
            x, width = charts.bar_span(value, -limit, limit)
            count = getattr(cells[group], pairs, 0) if cells[group] else 0
            bars.append(
                charts.Bar(
                    label=_(GROUP_LABELS[group]),
                    value_text=_signed(value, unit),
                    x=x,
                    width=width,
                    tone=TONES[group],
                    markers=(zero,),
                    note=_("%(n)s 人の平均") % {"n": f"{count:,}"},
                )
            )
        result.append(
            charts.Chart(caption=caption, bars=tuple(bars), scale=charts.signed_scale(limit, unit), legend=legend)
        )
    for key, caption in (
        ("level_improved", _("保健指導レベルが改善した人の割合")),
        ("left_targets", _("保健指導の対象でなくなった人の割合")),
    ):
        bars = []
        for group in FOLLOW_UP_GROUPS:
            people, count = data[group]["people"], data[group][key]
            rate = percent_half_up(count, people)
            x, width = charts.bar_span(rate, 0, 100)
            bars.append(
                charts.Bar(
                    label=_(GROUP_LABELS[group]),
                    value_text=_shown(rate),
                    x=x,
                    width=width,
                    tone=TONES[group],
                    note=_("%(n)s / %(d)s 人") % {"n": f"{count:,}", "d": f"{people:,}"},
                )
            )
        result.append(charts.Chart(caption=caption, bars=tuple(bars), scale=charts.percent_scale(), legend=legend))
    return result


def achievement_chart(caption: str, rows: Iterable[tuple[str, OutcomeCounts]], key: str = "2cm2kg") -> charts.Chart:
    """The share of final-evaluated programmes that met one outcome, per row (year, provider, mode, level)."""
    bars = []
    for label, counts in rows:
        rate = percent_half_up(counts.outcomes[key], counts.final_evaluated)
        x, width = charts.bar_span(rate, 0, 100)
        note = _("%(n)s / %(d)s 人") % {"n": f"{counts.outcomes[key]:,}", "d": f"{counts.final_evaluated:,}"}
        bars.append(charts.Bar(label=label, value_text=_shown(rate), x=x, width=width, note=note))
    return charts.Chart(caption=caption, bars=tuple(bars), scale=charts.percent_scale())


def table(title: str, rows: list[tuple[str, OutcomeCounts]]) -> dict:
    """A breakdown as a table: counts and the share of the final-evaluated for every outcome."""
    return {
        "title": title,
        "rows": [
            {
                "label": label,
                "final_evaluated": counts.final_evaluated,
                "completed": counts.completed,
                "outcomes": [
                    {
                        "count": counts.outcomes[key],
                        "rate": _shown(percent_half_up(counts.outcomes[key], counts.final_evaluated)),
                    }
                    for key in OUTCOME_KEYS
                ],
            }
            for label, counts in rows
        ],
    }


def _trend_years(insurer_id: int, fiscal_year: int) -> list[int]:
    known = [year for year in checkup_fiscal_years(insurer_id=insurer_id) if year <= fiscal_year]
    return sorted({*known[-TREND_YEARS:], fiscal_year})[-TREND_YEARS:]


def trend_rows(insurer_id: int, fiscal_year: int) -> list[tuple[str, OutcomeCounts]]:
    years = _trend_years(insurer_id, fiscal_year)
    by_year = grouped(outcome_cells(insurer_id=insurer_id, fiscal_years=years), "fiscal_year")
    return [(_("%(year)s年度") % {"year": year}, by_year.get(year, OutcomeCounts())) for year in years]


def _labelled(rows: list[tuple[str, OutcomeCounts]]) -> list[tuple[str, OutcomeCounts]]:
    return [(_(label), counts) for label, counts in rows]


def outcome_page(request: HttpRequest, context: dict) -> TemplateResponse:
    insurer, fiscal_year, insurers = insurer_and_year(request, default_year_offset=-1)
    report = outcome_report(insurer=insurer, fiscal_year=fiscal_year)
    trend = trend_rows(insurer.pk, fiscal_year)
    breakdowns = {
        "provider": (_("保健指導機関別"), _labelled(provider_rows(report, with_number=False))),
        "mode": (_("実施形態別(初回面接と継続的支援の形態)"), _labelled(mode_rows(report))),
        "level": (_("支援区分別"), _labelled(level_rows(report))),
    }
    follow_up = {group: follow_up_dict(report.follow_up.get(group)) for group in FOLLOW_UP_GROUPS}
    totals = report.totals
    today_year = fiscal_year_of(timezone.localdate())
    context.update(
        title=_("保健指導の成果(見える化)"),
        insurer=insurer,
        insurers=insurers,
        fiscal_year=fiscal_year,
        next_fiscal_year=fiscal_year + 1,
        years=sorted(
            {*checkup_fiscal_years(insurer_id=insurer.pk), today_year - 1, today_year, fiscal_year}, reverse=True
        ),
        totals=totals,
        count_2cm2kg=totals.outcomes["2cm2kg"],
        achieved_2cm2kg=_shown(percent_half_up(totals.outcomes["2cm2kg"], totals.final_evaluated)),
        completion=_shown(percent_half_up(totals.completed, totals.final_evaluated)),
        follow_up=[
            {
                "label": _(GROUP_LABELS[group]),
                **follow_up[group],
                "waist_text": _signed(follow_up[group]["mean_waist_change_cm"], " cm"),
                "weight_text": _signed(follow_up[group]["mean_weight_change_kg"], " kg"),
            }
            for group in FOLLOW_UP_GROUPS
        ],
        follow_up_charts=follow_up_charts(report),
        outcome_chart=achievement_table_chart(totals),
        trend_chart=achievement_chart(_("腹囲2cm・体重2kg減を達成した人の割合(年度推移)"), trend),
        trend_table=table(_("年度"), trend),
        breakdown_sections=[
            {
                "key": key,
                "chart": achievement_chart(_("%(title)s 腹囲2cm・体重2kg減の達成割合") % {"title": title}, rows),
                "table": table(title, rows),
                "csv_url": page_url("rates_outcome_csv", insurer, fiscal_year) + f"&section={key}",
            }
            for key, (title, rows) in breakdowns.items()
        ],
        outcome_headers=[_(header) for header in OUTCOME_HEADERS.values()],
        csv_urls={key: page_url("rates_outcome_csv", insurer, fiscal_year) + f"&section={key}" for key in CSV_SECTIONS},
    )
    return TemplateResponse(request, "admin/rates/outcome_report.html", context)


def achievement_table_chart(totals: OutcomeCounts) -> charts.Chart:
    """Each outcome category of the year: the share of the final-evaluated who met it (SPEC §6.7)."""
    rows = [
        (_(OUTCOME_HEADERS[key]), OutcomeCounts(final_evaluated=totals.final_evaluated, outcomes={**totals.outcomes}))
        for key in OUTCOME_KEYS
    ]
    bars = []
    for (label, counts), key in zip(rows, OUTCOME_KEYS, strict=True):
        rate = percent_half_up(counts.outcomes[key], counts.final_evaluated)
        x, width = charts.bar_span(rate, 0, 100)
        note = _("%(n)s / %(d)s 人") % {"n": f"{counts.outcomes[key]:,}", "d": f"{counts.final_evaluated:,}"}
        bars.append(charts.Bar(label=label, value_text=_shown(rate), x=x, width=width, note=note))
    return charts.Chart(
        caption=_("実績評価を受けた人のうち各成果を達成した割合"), bars=tuple(bars), scale=charts.percent_scale()
    )


def outcome_csv(request: HttpRequest) -> StreamingHttpResponse:
    """One section of the page as CSV (UTF-8 with BOM, Japanese headers): next_year, trend, provider, mode, level."""
    insurer, fiscal_year, _insurers = insurer_and_year(request, default_year_offset=-1)
    section = request.GET.get("section", "next_year")
    if section not in CSV_SECTIONS:
        raise Http404
    name = f"outcomes_{section}_{insurer.number}_{fiscal_year}.csv"
    if section == "trend":
        return csv_response(name, breakdown_csv_rows("年度", trend_rows(insurer.pk, fiscal_year)))
    report = outcome_report(insurer=insurer, fiscal_year=fiscal_year)
    if section == "next_year":
        return csv_response(name, follow_up_csv_rows(report))
    title, rows = {
        "provider": ("保健指導機関", provider_rows(report)),
        "mode": ("実施形態", mode_rows(report)),
        "level": ("支援区分", level_rows(report)),
    }[section]
    return csv_response(name, breakdown_csv_rows(title, rows))
