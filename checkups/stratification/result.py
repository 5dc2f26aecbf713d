"""The result of one stratification: the level and why (SPEC §2.7), as a stored record and as sentences."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from checkups.codes import GuidanceLevel

from .findings import Criterion, Finding, criterion_to_dict, finding_to_dict
from .levels import EXCEPTION_AGE
from .text import FACT_TEXT, GROUP_TEXT, LEVEL_TEXT, describe_criterion, describe_finding, lang_index


@dataclass(frozen=True, slots=True)
class StratificationResult:
    """Why a checkup got its level (SPEC §2.7): rule set, group, each risk with its values, exceptions."""

    rules_version: str
    level: GuidanceLevel
    level_before_exceptions: GuidanceLevel  # steps 1–3 only
    level_without_medication: GuidanceLevel  # SPEC §2.5a: the level kept for analysis (age exception applied)
    group: str | None  # "A", "B", None (neither) or GROUP_UNDETERMINED
    group_criteria: tuple[Criterion, ...]
    bmi: Decimal | None
    blood_pressure: Finding
    lipids: Finding
    glucose: Finding
    smoking: Finding
    risk_count: int | None  # ①–③ present, when all three are known
    smoking_counted: bool | None
    medication: bool | None
    medication_excluded: bool
    exception: str | None  # EXCEPTION_MEDICATION, EXCEPTION_AGE or None
    missing: tuple[str, ...]  # facts that could not be judged (FACTS names)
    undetermined_reasons: tuple[str, ...]  # the missing facts that could change the level
    sex: int
    age_at_fy_end: int

    @property
    def risks(self) -> tuple[Finding, ...]:
        return (self.blood_pressure, self.lipids, self.glucose, self.smoking)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable record for storage; Decimals as strings so nothing is rounded."""
        return {
            "rules_version": self.rules_version,
            "level": int(self.level),
            "level_before_exceptions": int(self.level_before_exceptions),
            "level_without_medication": int(self.level_without_medication),
            "group": self.group,
            "group_criteria": [criterion_to_dict(c) for c in self.group_criteria],
            "bmi": None if self.bmi is None else str(self.bmi),
            "risks": {f.name: finding_to_dict(f) for f in self.risks},
            "risk_count": self.risk_count,
            "smoking_counted": self.smoking_counted,
            "medication": self.medication,
            "medication_excluded": self.medication_excluded,
            "exception": self.exception,
            "missing": list(self.missing),
            "undetermined_reasons": list(self.undetermined_reasons),
            "age_at_fy_end": self.age_at_fy_end,
        }

    def explanation(self, lang: str = "ja") -> list[str]:
        """Plain sentences for staff, e.g. "腹囲 88.0 cm ≥ 85 cm (男性) → グループA"."""
        i = lang_index(lang)
        sep = "、" if i == 0 else "; "
        group_parts = []
        if "waist" in self.missing:
            group_parts.append(("腹囲・内臓脂肪面積なし", "no waist or visceral fat area")[i])
        group_parts += [describe_criterion(c, lang, self.sex) for c in self.group_criteria]
        if "bmi" in self.missing and self.group != "A":
            group_parts.append(("BMIなし(身長・体重なし)", "no BMI (height or weight missing)")[i])
        lines = [f"{sep.join(group_parts)} → {GROUP_TEXT[self.group][i]}"]
        lines += [describe_finding(f, lang) for f in self.risks]
        if self.smoking_counted is not None and self.smoking.present:
            lines.append(
                (
                    ("喫煙は他のリスクがあるため算入する", "smoking counts because another risk is present"),
                    ("喫煙は他のリスクがないため算入しない", "smoking does not count without another risk"),
                )[0 if self.smoking_counted else 1][i]
            )
        if self.group in ("A", "B") and self.risk_count is not None and self.smoking_counted is not None:
            n = self.risk_count + int(self.smoking_counted)
            level = LEVEL_TEXT[self.level_before_exceptions][i]
            lines.append((f"追加リスク {n} 個 → {level}", f"{n} additional risk(s) → {level}")[i])
        if self.exception == EXCEPTION_AGE:
            lines.append(
                (
                    f"年度末年齢 {self.age_at_fy_end} 歳 (65歳以上): 積極的支援は動機付け支援とする",
                    f"age basis {self.age_at_fy_end} (65 or more): intensive becomes motivational support",
                )[i]
            )
        if self.medication_excluded:
            kept = LEVEL_TEXT[self.level_without_medication][i]
            lines.append(
                (
                    f"服薬中(質問1–3)のため特定保健指導の対象外 (規則上のレベル: {kept})",
                    f"on medication (Q1–3): not a guidance target (level by the rules: {kept})",
                )[i]
            )
        if self.undetermined_reasons:
            names = sep.join(FACT_TEXT[r][i] for r in self.undetermined_reasons)
            lines.append((f"欠測により結果が変わりうる: {names}", f"missing data could change the level: {names}")[i])
        elif self.missing:
            names = sep.join(FACT_TEXT[r][i] for r in self.missing)
            lines.append(
                (f"欠測 ({names}) があっても結果は変わらない", f"missing ({names}) cannot change the level")[i]
            )
        version = ("第4期" if self.rules_version == "4th" else "第3期", f"{self.rules_version}-period rules")[i]
        lines.append(
            (
                f"保健指導レベル: {LEVEL_TEXT[self.level][0]} ({version})",
                f"level: {LEVEL_TEXT[self.level][1]} ({version})",
            )[i]
        )
        return lines
