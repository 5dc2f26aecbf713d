"""The statutory report as JSON, CSV rows and a text table (SPEC §6.6). Pure: a `StatutoryReport` in, text out.

The JSON shape and the CSV headers are interfaces (issue #17): never rename a key or a header.
"""

from decimal import Decimal
from typing import Any

from .statutory_figures import FIGURE_NAMES, StatutoryReport, band_label

# Japanese column headers of the CSV and the admin table, one per figure (SPEC §6.6)
FIGURE_HEADERS: dict[str, str] = {
    "checkup_targets": "特定健診対象者数",
    "checkup_examined": "特定健診受診者数",
    "guidance_targets_intensive": "積極的支援対象者数",
    "guidance_targets_motivational": "動機付け支援対象者数",
    "guidance_started_intensive": "積極的支援利用者数",
    "guidance_started_motivational": "動機付け支援利用者数",
    "guidance_completed_intensive": "積極的支援終了者数",
    "guidance_completed_motivational": "動機付け支援終了者数",
    "guidance_completed_equivalent": "うち動機付け支援相当終了者数",
    "metabolic_syndrome": "メタボリックシンドローム該当者数",
    "metabolic_reserve": "メタボリックシンドローム予備群者数",
    "medication_bp": "服薬者数(血圧)",
    "medication_glucose": "服薬者数(血糖)",
    "medication_lipids": "服薬者数(脂質)",
}
assert tuple(FIGURE_HEADERS) == FIGURE_NAMES
SEX_LABELS = {1: "男", 2: "女"}
TOTAL_LABEL = "合計"
CHECKUP_RATE_HEADER = "特定健診実施率(%)"
GUIDANCE_RATE_HEADER = "特定保健指導実施率(%)"
CSV_HEADER: tuple[str, ...] = ("性別", "年齢階級", *FIGURE_HEADERS.values(), CHECKUP_RATE_HEADER, GUIDANCE_RATE_HEADER)


def _number(rate: Decimal | None) -> float | None:
    return None if rate is None else float(rate)


def rate_text(rate: Decimal | None) -> str:
    """A rate for a table cell: "61.9", or "—" with nobody in the denominator."""
    return "—" if rate is None else f"{rate}"


def as_json(report: StatutoryReport) -> dict[str, Any]:
    """Exactly the structure of issue #17: insurer, fiscal_year, 14 rows, totals with the two rates."""
    return {
        "insurer": report.insurer_number,
        "fiscal_year": report.fiscal_year,
        "rows": [{"sex": row.sex, "band": band_label(row.band), **row.counts.as_dict()} for row in report.rows],
        "totals": {
            **report.totals.as_dict(),
            "checkup_rate": _number(report.checkup_rate),
            "guidance_rate": _number(report.guidance_rate),
        },
    }


def csv_rows(report: StatutoryReport) -> list[list[object]]:
    """Header, the 14 rows (rates left empty per row) and the totals row with both rates."""
    rows: list[list[object]] = [list(CSV_HEADER)]
    for row in report.rows:
        rows.append([SEX_LABELS[row.sex], band_label(row.band), *row.counts.as_dict().values(), "", ""])
    totals = report.totals
    rows.append(
        [
            TOTAL_LABEL,
            "",
            *totals.as_dict().values(),
            "" if report.checkup_rate is None else str(report.checkup_rate),
            "" if report.guidance_rate is None else str(report.guidance_rate),
        ]
    )
    return rows


def text_table(report: StatutoryReport) -> str:
    """A plain table for the terminal: one line per stratum, a totals line and the two rates."""
    names = ["性別", "年齢", *FIGURE_NAMES]
    lines = [[SEX_LABELS[r.sex], band_label(r.band), *map(str, r.counts.as_dict().values())] for r in report.rows]
    lines.append([TOTAL_LABEL, "", *map(str, report.totals.as_dict().values())])
    widths = [max(len(name), *(len(line[i]) for line in lines)) for i, name in enumerate(names)]
    out = [f"{report.insurer_number} {report.fiscal_year}年度 法定報告 (SPEC §6.6)"]
    out.append("  ".join(name.rjust(width) for name, width in zip(names, widths, strict=True)))
    out.extend("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) for line in lines)
    out.append(f"{CHECKUP_RATE_HEADER} {rate_text(report.checkup_rate)}")
    out.append(f"{GUIDANCE_RATE_HEADER} {rate_text(report.guidance_rate)}")
    return "\n".join(out)
