"""The result of one stratification: the level and why (SPEC §2.7), as a stored record and as sentences."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from checkups.codes import GuidanceLevel
from infra.i18n import MessageTable

from .findings import Criterion, Finding, criterion_to_dict, finding_to_dict
from .levels import EXCEPTION_AGE
from .text import (
    FACT_LABEL,
    GROUP_LABEL,
    LEVEL_LABEL,
    RULES_VERSION_LABEL,
    WORDS,
    describe_criterion,
    describe_finding,
    explanation_language,
)

SENTENCES: MessageTable[str] = MessageTable(
    {
        "no_waist": _("腹囲・内臓脂肪面積なし"),
        "no_bmi": _("BMIなし(身長・体重なし)"),
        "smoking_counted": _("喫煙は他のリスクがあるため算入する"),
        "smoking_not_counted": _("喫煙は他のリスクがないため算入しない"),
        "additional_risks": _("追加リスク %(count)s 個 → %(level)s"),
        "age_exception": _("年度末年齢 %(age)s 歳 (65歳以上): 積極的支援は動機付け支援とする"),
        "on_medication": _("服薬中(質問1–3)のため特定保健指導の対象外 (規則上のレベル: %(level)s)"),
        "could_change": pgettext_lazy("stratification", "欠測により結果が変わりうる: %(names)s"),
        "cannot_change": _("欠測 (%(names)s) があっても結果は変わらない"),
        "level": _("保健指導レベル: %(level)s (%(version)s)"),
    }
)  # templates with values are formatted after rendering (`rendered(language)[key] % values`)


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
        """Plain sentences for staff, e.g. "腹囲 88.0 cm ≥ 85 cm (男性) → グループA" (rendered only when asked for)."""
        language = explanation_language(lang)
        said, sep = SENTENCES.rendered(language), WORDS.rendered(language)["separator"]
        group_parts = []
        if "waist" in self.missing:
            group_parts.append(said["no_waist"])
        group_parts += [describe_criterion(c, lang, self.sex) for c in self.group_criteria]
        if "bmi" in self.missing and self.group != "A":
            group_parts.append(said["no_bmi"])
        lines = [f"{sep.join(group_parts)} → {GROUP_LABEL.rendered(language)[self.group]}"]
        lines += [describe_finding(f, lang) for f in self.risks]
        return lines + self._level_reasons(language)

    def _level_reasons(self, language: str) -> list[str]:
        said, sep = SENTENCES.rendered(language), WORDS.rendered(language)["separator"]
        levels, facts = LEVEL_LABEL.rendered(language), FACT_LABEL.rendered(language)
        lines: list[str] = []
        if self.smoking_counted is not None and self.smoking.present:
            lines.append(said["smoking_counted" if self.smoking_counted else "smoking_not_counted"])
        if self.group in ("A", "B") and self.risk_count is not None and self.smoking_counted is not None:
            n = self.risk_count + int(self.smoking_counted)
            lines.append(said["additional_risks"] % {"count": n, "level": levels[self.level_before_exceptions]})
        if self.exception == EXCEPTION_AGE:
            lines.append(said["age_exception"] % {"age": self.age_at_fy_end})
        if self.medication_excluded:
            lines.append(said["on_medication"] % {"level": levels[self.level_without_medication]})
        if self.undetermined_reasons:
            lines.append(said["could_change"] % {"names": sep.join(facts[r] for r in self.undetermined_reasons)})
        elif self.missing:
            lines.append(said["cannot_change"] % {"names": sep.join(facts[r] for r in self.missing)})
        versions = RULES_VERSION_LABEL.rendered(language)
        version = versions.get(self.rules_version, versions["3rd"])
        lines.append(said["level"] % {"level": levels[self.level], "version": version})
        return lines
