"""メタボリックシンドローム判定 (metabolic syndrome judgment, item 9N501): SPEC §3. Pure, versioned by fiscal year.

Thresholds live in the period's `RuleSet` (checkups/stratification/rules.py); the value selection (which glucose, which
triglycerides, the blood-pressure mean) is the stratification's, so both judgments read a checkup the same way.
"""

from dataclasses import dataclass
from itertools import product
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from checkups.codes import MetabolicJudgment
from checkups.stratification import (
    FACT_LABEL,
    Criterion,
    Finding,
    RuleSet,
    StratificationInputs,
    StratificationResult,
    criterion_to_dict,
    describe_criterion,
    describe_finding,
    explanation_language,
    finding_to_dict,
    judge_blood_pressure,
    judge_glucose,
    judge_lipids,
    judge_visceral_fat,
    rules_for,
    stratify_judged,
)
from infra.i18n import Message, MessageTable, StrPromise, in_language, message

_MEETS, _PRE, _NOT = MetabolicJudgment.MEETS, MetabolicJudgment.PRE, MetabolicJudgment.NOT_APPLICABLE
# SPEC §3.3: with the required item met, the result by number of items met (0–3).
JUDGMENT_BY_ITEM_COUNT: tuple[MetabolicJudgment, ...] = (_NOT, _PRE, _MEETS, _MEETS)
# SPEC §3.2: the questionnaire answer that meets each item by itself (Q2 glucose, Q3 lipids, Q1 blood pressure).
MEDICATION_FIELD_BY_ITEM = {"glucose": "med_glucose", "lipids": "med_lipids", "blood_pressure": "med_blood_pressure"}
METABOLIC_FACTS = ("waist", "glucose", "lipids", "blood_pressure")

# The explanation's words (English in locale/en; contexts keep them apart from the choice labels' wording).
_ITEM = "metabolic item"
_ITEM_OUTCOME_TEXT: MessageTable[bool | None] = MessageTable(
    {
        True: pgettext_lazy(_ITEM, "該当"),
        False: pgettext_lazy(_ITEM, "非該当"),
        None: pgettext_lazy(_ITEM, "判定できない"),
    }
)
_REQUIRED_TEXT: dict[bool | None, StrPromise] = {
    True: _("必須項目(腹囲・内臓脂肪面積)を満たす"),
    False: _("必須項目(腹囲・内臓脂肪面積)を満たさない"),
    None: _("腹囲・内臓脂肪面積なし: 必須項目を判定できない"),
}
_JUDGMENT = "metabolic judgment"
_JUDGMENT_TEXT: dict[int, StrPromise] = {
    1: pgettext_lazy(_JUDGMENT, "基準該当"),
    2: pgettext_lazy(_JUDGMENT, "予備群該当"),
    3: pgettext_lazy(_JUDGMENT, "非該当"),
    4: pgettext_lazy(_JUDGMENT, "判定不能"),
}
_VERSION_TEXT: dict[str, StrPromise] = {
    "4th": pgettext_lazy("rules version", "第4期"),
    "3rd": pgettext_lazy("rules version", "第3期"),
}
_LIST_SEPARATOR = _("、")


def _with_medication(finding: Finding, inputs: StratificationInputs, rules: RuleSet) -> Finding:
    """SPEC §3.2: taking the item's medicine (answer 1) meets the item whatever the values show."""
    name = finding.name
    field = MEDICATION_FIELD_BY_ITEM[name]
    code = getattr(inputs, field)
    present = finding.present
    if code == rules.medication_yes:
        present = True
        criterion = Criterion(field, code, "==", rules.medication_yes, True)
    elif code == rules.medication_no:
        criterion = Criterion(field, code, "==", rules.medication_yes, False)
    else:  # unknown medication can only turn a "not met" into "cannot be judged"
        return finding if present else Finding(name, None, finding.criteria, finding.note)
    return Finding(name, present, (*finding.criteria, criterion), finding.note)


def _judgment(required: bool, count: int) -> MetabolicJudgment:
    return JUDGMENT_BY_ITEM_COUNT[count] if required else _NOT


@dataclass(frozen=True, slots=True)
class MetabolicResult:
    rules_version: str
    code: MetabolicJudgment
    required_met: bool | None
    required_criteria: tuple[Criterion, ...]
    glucose: Finding
    lipids: Finding
    blood_pressure: Finding
    items_met: int | None  # when all three items are known
    missing: tuple[str, ...]
    undetermined_reasons: tuple[str, ...]  # missing facts that could change the code
    sex: int

    @property
    def items(self) -> tuple[Finding, ...]:
        return (self.glucose, self.lipids, self.blood_pressure)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "code": int(self.code),
            "required_met": self.required_met,
            "required_criteria": [criterion_to_dict(c) for c in self.required_criteria],
            "items": {f.name: finding_to_dict(f) for f in self.items},
            "items_met": self.items_met,
            "missing": list(self.missing),
            "undetermined_reasons": list(self.undetermined_reasons),
        }

    def explanation(self, lang: str = "ja") -> list[str]:
        language = explanation_language(lang)
        sep = in_language(_LIST_SEPARATOR, language)
        parts = [describe_criterion(c, lang, self.sex) for c in self.required_criteria]
        required = in_language(_REQUIRED_TEXT[self.required_met], language)
        lines = [f"{sep.join(parts)} → {required}" if parts else required]
        lines += [describe_finding(f, lang, _ITEM_OUTCOME_TEXT) for f in self.items]
        texts: list[Message] = []
        if self.required_met and self.items_met is not None:
            texts.append(message(_("該当項目 %(count)s 個"), count=self.items_met))
        if self.undetermined_reasons:
            names = sep.join(FACT_LABEL.rendered(language)[r] for r in self.undetermined_reasons)
            texts.append(message(_("欠測により結果が変わりうる: %(names)s"), names=names))
        version = _VERSION_TEXT.get(self.rules_version, _VERSION_TEXT["3rd"])
        texts.append(
            message(_("メタボ判定: %(label)s (%(version)s)"), label=_JUDGMENT_TEXT[self.code], version=version)
        )
        return lines + [in_language(text, language) for text in texts]


def judge_metabolic(inputs: StratificationInputs, *, fiscal_year: int) -> MetabolicResult:
    """メタボ判定 of one checkup (SPEC §3): required waist criterion plus glucose, lipids, blood pressure."""
    rules = rules_for(fiscal_year)
    visceral = judge_visceral_fat(inputs, rules)
    return _judge(inputs, rules, visceral, judge_blood_pressure(inputs, rules), judge_lipids(inputs, rules))


def judge_checkup(
    inputs: StratificationInputs, *, age_at_fy_end: int, fiscal_year: int
) -> tuple[StratificationResult, MetabolicResult]:
    """`stratify` and `judge_metabolic` of one checkup, reading waist, blood pressure and lipids once (bulk jobs)."""
    rules = rules_for(fiscal_year)
    visceral = judge_visceral_fat(inputs, rules)
    bp = judge_blood_pressure(inputs, rules)
    lip = judge_lipids(inputs, rules)
    return (
        stratify_judged(inputs, rules, visceral, bp, lip, age_at_fy_end=age_at_fy_end),
        _judge(inputs, rules, visceral, bp, lip),
    )


def _judge(
    inputs: StratificationInputs,
    rules: RuleSet,
    visceral: tuple[bool | None, tuple[Criterion, ...]],
    bp: Finding,
    lip: Finding,
) -> MetabolicResult:
    required, required_criteria = visceral  # SPEC §3.1: BMI is not used
    glu = _with_medication(judge_glucose(inputs, rules, rules.metabolic_glucose), inputs, rules)
    lip = _with_medication(lip, inputs, rules)
    bp = _with_medication(bp, inputs, rules)
    facts = (required, glu.present, lip.present, bp.present)
    items_met = None
    if glu.present is not None and lip.present is not None and bp.present is not None:
        items_met = glu.present + lip.present + bp.present
    if required is not None and items_met is not None:  # i.e. None not in facts
        code = _judgment(required, items_met)
        return MetabolicResult(
            rules.version, code, required, required_criteria, glu, lip, bp, items_met, (), (), inputs.sex
        )
    code, reasons = _enumerate(facts)
    missing = tuple(name for name, fact in zip(METABOLIC_FACTS, facts, strict=True) if fact is None)
    return MetabolicResult(
        rules.version, code, required, required_criteria, glu, lip, bp, items_met, missing, reasons, inputs.sex
    )


def _enumerate(facts: tuple[bool | None, ...]) -> tuple[MetabolicJudgment, tuple[str, ...]]:
    """SPEC §3.3 (as §2.6 ◆): 判定不能 only when some value of the unknown facts changes the result."""
    unknown = [i for i, fact in enumerate(facts) if fact is None]
    outcomes: dict[tuple[bool, ...], MetabolicJudgment] = {}
    for combo in product((False, True), repeat=len(unknown)):
        values = list(facts)
        for i, value in zip(unknown, combo, strict=True):
            values[i] = value
        outcomes[combo] = _judgment(bool(values[0]), sum(bool(v) for v in values[1:]))
    seen = set(outcomes.values())
    if len(seen) == 1:
        return seen.pop(), ()
    reasons = []
    for pos, fact_index in enumerate(unknown):
        if any(
            not combo[pos] and outcomes[(*combo[:pos], True, *combo[pos + 1 :])] != outcome
            for combo, outcome in outcomes.items()
        ):
            reasons.append(METABOLIC_FACTS[fact_index])
    return MetabolicJudgment.UNDETERMINED, tuple(reasons)


__all__ = ["JUDGMENT_BY_ITEM_COUNT", "MetabolicResult", "judge_checkup", "judge_metabolic"]
