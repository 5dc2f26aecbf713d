"""Outcome visibility as JSON and CSV rows (SPEC §6.7). Pure. The JSON keys are the interface of issue #17."""

from typing import Any

from .outcome_figures import FOLLOW_UP_GROUPS, MODE_KEYS, OUTCOME_KEYS, OutcomeCounts, OutcomeReport, follow_up_dict

OUTCOME_HEADERS: dict[str, str] = {
    "2cm2kg": "腹囲2cm・体重2kg減",
    "1cm1kg": "腹囲1cm・体重1kg減",
    "diet": "食習慣の改善",
    "exercise": "運動習慣の改善",
    "smoking": "喫煙習慣の改善(禁煙)",
    "rest": "休養習慣の改善",
    "other": "その他の生活習慣の改善",
}
assert tuple(OUTCOME_HEADERS) == OUTCOME_KEYS
LEVEL_LABELS = {"intensive": "積極的支援", "motivational": "動機付け支援"}
MODE_LABELS = {"remote": "遠隔のみ", "face_to_face": "対面のみ", "mixed": "対面と遠隔の併用"}
GROUP_LABELS = {"completed": "保健指導終了者", "not_started": "未利用の対象者"}
COUNT_HEADERS = ("実績評価実施者数", "終了者数", *OUTCOME_HEADERS.values())
FOLLOW_UP_HEADERS = (
    "区分",
    "翌年度健診受診者数",
    "腹囲の変化の平均(cm)",
    "体重の変化の平均(kg)",
    "保健指導レベルが改善した人数",
    "保健指導対象でなくなった人数",
)


def as_json(report: OutcomeReport) -> dict[str, Any]:
    """Exactly the structure of issue #17."""
    return {
        "insurer": report.insurer_number,
        "fiscal_year": report.fiscal_year,
        **report.totals.as_dict(),
        "by_level": {key: counts.as_dict()["outcomes"] for key, counts in report.by_level().items()},
        "by_provider": [
            {"provider": provider.number, "name": provider.name, **counts.as_dict()}
            for provider, counts in report.by_provider()
        ],
        "by_mode": {key: counts.as_dict()["outcomes"] for key, counts in report.by_mode().items()},
        "next_year": {group: follow_up_dict(report.follow_up.get(group)) for group in FOLLOW_UP_GROUPS},
    }


def _counts_row(label: str, counts: OutcomeCounts) -> list[object]:
    return [label, counts.final_evaluated, counts.completed, *(counts.outcomes[key] for key in OUTCOME_KEYS)]


def breakdown_csv_rows(title: str, rows: list[tuple[str, OutcomeCounts]]) -> list[list[object]]:
    """One breakdown (level, provider, mode or fiscal year) with the counts of every outcome category."""
    return [[title, *COUNT_HEADERS], *(_counts_row(label, counts) for label, counts in rows)]


def follow_up_csv_rows(report: OutcomeReport) -> list[list[object]]:
    rows: list[list[object]] = [list(FOLLOW_UP_HEADERS)]
    for group in FOLLOW_UP_GROUPS:
        data = follow_up_dict(report.follow_up.get(group))
        rows.append(
            [
                GROUP_LABELS[group],
                data["people"],
                "" if data["mean_waist_change_cm"] is None else data["mean_waist_change_cm"],
                "" if data["mean_weight_change_kg"] is None else data["mean_weight_change_kg"],
                data["level_improved"],
                data["left_targets"],
            ]
        )
    return rows


def level_rows(report: OutcomeReport) -> list[tuple[str, OutcomeCounts]]:
    return [(LEVEL_LABELS[key], counts) for key, counts in report.by_level().items()]


def mode_rows(report: OutcomeReport) -> list[tuple[str, OutcomeCounts]]:
    found = report.by_mode()
    return [(MODE_LABELS[key], found[key]) for key in MODE_KEYS]


def provider_rows(report: OutcomeReport, *, with_number: bool = True) -> list[tuple[str, OutcomeCounts]]:
    """Providers by number (the CSV) or by name only (the page: words, not codes)."""
    return [
        (f"{provider.number} {provider.name}" if provider.number and with_number else provider.name, counts)
        for provider, counts in report.by_provider()
    ]
