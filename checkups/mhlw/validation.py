"""Record-level validation of one CheckupDocument (SPEC §9.4, §4.4, §2.1, §1.5).

Every finding names the field, a stable machine code, the value and a message in Japanese and English that
states the item code with its Japanese name, the value and the rule. Whether the insurer number is known is the
caller's business (it needs the database).
"""

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from checkups.bmi import bmi_differs, compute_bmi
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.findings import RecordError
from checkups.mhlw.item_checks import check_method_code, check_unit
from checkups.mhlw.itemtable import (
    PROGRAM_EMPLOYER_CHECKUP,
    PROGRAM_SPECIFIC_CHECKUP,
    ItemDef,
    author_parents,
    format_digits,
    item,
    required_groups,
    required_items,
)
from checkups.mhlw.validation_rules import (
    BMI,
    CARD_BRANCH_LENGTH,
    HEIGHT,
    INSURER_COMPUTED_ITEMS,
    INSURER_NUMBER_LENGTH,
    MAX_AGE,
    MEAL_TIMING,
    MEAL_TIMING_RULES,
    NOT_PERFORMED_REASON,
    PLAUSIBLE_RANGES,
    SUPPORTED_PROGRAMS,
    WEIGHT,
)
from members.fiscal import age_on


@dataclass(slots=True)
class ValidationReport:
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    # For 事業者健診 (030): 特定健診 (CASE01) requirements not met, so staff know what to complete (SPEC §7.1).
    missing_for_specific_checkup: list[RecordError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "errors": [asdict(e) for e in self.errors],
            "warnings": [asdict(w) for w in self.warnings],
            "missing_for_specific_checkup": [asdict(m) for m in self.missing_for_specific_checkup],
        }


def _label(code: str, definition: ItemDef | None) -> str:
    return f"{code} ({definition.name})" if definition else code


def _item_error(code: str, kind: str, value: str | None, ja: str, en: str) -> RecordError:
    return RecordError(f"items[{code}]", kind, value, ja, en)


@dataclass(slots=True)
class _Scan:
    """What the document-level checks read, gathered in the one pass that checks each observation."""

    present: set[str]  # codes counted as present (see _scan), author items included
    values: dict[str, str | None]  # code → value (the last observation of a code wins)
    timing: str | None  # 採血時間: the first observation's value
    timed: list[Observation]  # observations with a 採血時間 rule, in document order


def _scan(doc: CheckupDocument, period: int, report: ValidationReport) -> _Scan:
    """`_check_observation` for every observation, and in the same pass what the document-level checks read.

    Present: a value or an L/H flag counts; ◆ 未実施/測定不能 counts only when a 9N512 reason is given (anywhere in
    the document).
    """
    rules = MEAL_TIMING_RULES.get(period, {})
    present: set[str] = set()
    reasoned: set[str] = set()  # 未実施/測定不能: present only with a reason
    authored = False
    reason_given = False
    values: dict[str, str | None] = {}
    timing: str | None = None
    timing_seen = False
    timed: list[Observation] = []
    for observation in doc.observations:
        _check_observation(observation, period, report)
        code, value = observation.code, observation.value
        values[code] = value
        if observation.negated or observation.null_flavor:
            reasoned.add(code)
        elif value not in (None, "") or observation.out_of_range is not None:
            present.add(code)
        if code == NOT_PERFORMED_REASON and value:
            reason_given = True
        if observation.author_name:
            authored = True
        if code == MEAL_TIMING and not timing_seen:
            timing, timing_seen = value, True
        if code in rules:
            timed.append(observation)
    if reason_given:
        present |= reasoned
    if authored:
        present.update(_authored_items(doc))
    return _Scan(present, values, timing, timed)


def _authored_items(doc: CheckupDocument) -> list[str]:
    """Author items (doctor's names) present through observation/author on one of their parents."""
    authored = {o.code for o in doc.observations if o.author_name}
    return [code for code, parents in author_parents().items() if authored.intersection(parents)]


def _check_header(doc: CheckupDocument, today: dt.date, report: ValidationReport) -> None:
    errors = report.errors
    if not (doc.insurer_number.isdigit() and len(doc.insurer_number) == INSURER_NUMBER_LENGTH):
        errors.append(
            RecordError(
                "insurer_number",
                "bad_insurer_number",
                doc.insurer_number,
                f"保険者番号 '{doc.insurer_number}' は8桁の数字でなければなりません (SPEC §1.5)。",
                f"Insurer number '{doc.insurer_number}' must be 8 digits (SPEC §1.5).",
            )
        )
    if doc.card_branch and not (doc.card_branch.isdigit() and len(doc.card_branch) == CARD_BRANCH_LENGTH):
        errors.append(
            RecordError(
                "card_branch",
                "bad_format",
                doc.card_branch,
                f"枝番 '{doc.card_branch}' は2桁の数字でなければなりません (SPEC §1.5)。",
                f"Card branch '{doc.card_branch}' must be 2 digits (SPEC §1.5).",
            )
        )
    if doc.sex not in (1, 2):
        errors.append(
            RecordError(
                "sex",
                "bad_sex",
                None if doc.sex is None else str(doc.sex),
                f"性別 '{doc.sex}' は 1(男) または 2(女) でなければなりません。",
                f"Sex '{doc.sex}' must be 1 (male) or 2 (female).",
            )
        )
    if doc.program not in SUPPORTED_PROGRAMS:
        errors.append(
            RecordError(
                "program",
                "unsupported_program",
                doc.program,
                f"プログラム種別 '{doc.program}' は取り込めません (010 特定健診, 030 事業者健診のみ)。",
                f"Programme '{doc.program}' is not accepted (only 010 特定健診 and 030 事業者健診).",
            )
        )
    _check_dates(doc, today, errors)


def _check_dates(doc: CheckupDocument, today: dt.date, errors: list[RecordError]) -> None:
    exam, birth = doc.exam_date, doc.birth_date
    if exam is None:
        errors.append(RecordError("exam_date", "exam_date_missing", None, "健診実施日がありません。", "No exam date."))
    elif exam > today:
        errors.append(
            RecordError(
                "exam_date",
                "exam_date_in_future",
                exam.isoformat(),
                f"健診実施日 {exam.isoformat()} が未来の日付です (本日 {today.isoformat()})。",
                f"Exam date {exam.isoformat()} is in the future (today is {today.isoformat()}).",
            )
        )
    if birth is None:
        errors.append(RecordError("birth_date", "birth_date_missing", None, "生年月日がありません。", "No birth date."))
    elif exam is not None and birth >= exam:
        errors.append(
            RecordError(
                "birth_date",
                "birth_date_not_before_exam",
                birth.isoformat(),
                f"生年月日 {birth.isoformat()} が健診実施日 {exam.isoformat()} 以降です。",
                f"Birth date {birth.isoformat()} is not before the exam date {exam.isoformat()}.",
            )
        )
    elif exam is not None and not 0 <= age_on(birth, exam) <= MAX_AGE:
        age = age_on(birth, exam)
        errors.append(
            RecordError(
                "birth_date",
                "age_out_of_range",
                birth.isoformat(),
                f"健診実施日時点の年齢 {age} 歳が 0〜{MAX_AGE} 歳の範囲外です (生年月日 {birth.isoformat()})。",
                f"Age {age} on the exam date is outside 0–{MAX_AGE} (birth date {birth.isoformat()}).",
            )
        )


def _check_observation(observation: Observation, period: int, report: ValidationReport) -> None:
    code = observation.code
    definition = item(code, period)
    if definition is None:
        report.errors.append(
            _item_error(
                code,
                "unknown_item_code",
                observation.value,
                f"項目コード {code} は特定健診項目表 (XMLhc24tab) にありません。",
                f"Item code {code} is not in the item table (XMLhc24tab).",
            )
        )
        return
    method_error = check_method_code(observation, definition)  # SPEC §9.5, also on a 未実施 item
    if method_error is not None:
        report.errors.append(method_error)
    if observation.negated or observation.null_flavor or observation.value in (None, ""):
        return
    if observation.value_type and observation.value_type != definition.value_type:
        label = _label(code, definition)
        report.errors.append(
            _item_error(
                code,
                "value_type_mismatch",
                observation.value,
                f"{label} のデータ型 {observation.value_type} は項目表の {definition.value_type} と異なります。",
                f"{label}: value type {observation.value_type} differs from the table's {definition.value_type}.",
            )
        )
        return
    unit_error = check_unit(observation, definition)  # SPEC §9.5
    if unit_error is not None:
        report.errors.append(unit_error)
    if definition.value_type == "PQ":
        _check_quantity(observation, definition, report)
    elif definition.answers and definition.is_coded:
        _check_answer(observation, definition, report)


def _check_answer(observation: Observation, definition: ItemDef, report: ValidationReport) -> None:
    value = observation.value or ""
    if value not in definition.answers:
        label = _label(definition.code, definition)
        allowed = "、".join(f"{k}:{v}" for k, v in definition.answers.items())
        report.errors.append(
            _item_error(
                definition.code,
                "answer_not_in_set",
                value,
                f"{label} の回答 '{value}' は回答範囲 ({allowed}) にありません (SPEC §4.4)。",
                f"{label}: answer '{value}' is not in the allowed set ({allowed}) (SPEC §4.4).",
            )
        )
    elif observation.code_system and observation.code_system != definition.answer_oid:
        label = _label(definition.code, definition)
        report.warnings.append(
            _item_error(
                definition.code,
                "answer_code_system_mismatch",
                observation.code_system,
                f"{label} の結果コードOID {observation.code_system} は {definition.answer_oid} と異なります。",
                f"{label}: answer OID {observation.code_system} differs from {definition.answer_oid}.",
            )
        )


def _check_quantity(observation: Observation, definition: ItemDef, report: ValidationReport) -> None:
    value = observation.value or ""
    label = None  # built only for a finding
    try:
        number = Decimal(value)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        label = _label(definition.code, definition)
        report.errors.append(
            _item_error(
                definition.code,
                "bad_format",
                value,
                f"{label} の値 '{value}' は数値ではありません。",
                f"{label}: value '{value}' is not a number.",
            )
        )
        return
    digits = format_digits(definition.format)
    if digits is not None:
        integer_part, _, fraction_part = value.lstrip("+-").partition(".")
        if len(integer_part.lstrip("0") or "0") > digits[0] or len(fraction_part) > digits[1]:
            label = label or _label(definition.code, definition)
            report.errors.append(
                _item_error(
                    definition.code,
                    "bad_format",
                    value,
                    f"{label} の値 '{value}' は形式 {definition.format} に合いません。",
                    f"{label}: value '{value}' does not fit the format {definition.format}.",
                )
            )
    bounds = PLAUSIBLE_RANGES.get(definition.code)
    if bounds and observation.out_of_range is None and not bounds[0] <= number <= bounds[1]:
        label = label or _label(definition.code, definition)
        report.errors.append(
            _item_error(
                definition.code,
                "out_of_plausible_range",
                value,
                f"{label} の値 {value} {definition.unit} は妥当範囲 {bounds[0]}〜{bounds[1]} の外です。",
                f"{label}: value {value} {definition.unit} is outside the plausible range {bounds[0]}–{bounds[1]}.",
            )
        )


def _applicable(definition: ItemDef, present: set[str], values: dict[str, str | None], period: int) -> bool:
    """A dependent item (e.g. 具体的な既往歴) is required only when its parent shows the finding (既往歴 = 1)."""
    parent = item(definition.depends_on, period) if definition.depends_on else None
    if parent is None:
        return True
    return parent.code in present and (not parent.abnormal_value or values.get(parent.code) == parent.abnormal_value)


def _missing_requirements(
    program: str, present: set[str], values: dict[str, str | None], period: int
) -> list[RecordError]:
    """Required items (1) and letter groups of a programme's column (SPEC §9.4)."""
    findings: list[RecordError] = []
    for definition in required_items(program):
        if definition.code in INSURER_COMPUTED_ITEMS:
            continue
        if definition.code in present or not _applicable(definition, present, values, period):
            continue
        label = _label(definition.code, definition)
        findings.append(
            _item_error(
                definition.code,
                "required_item_missing",
                None,
                f"必須項目 {label} がありません (プログラム種別 {program}, SPEC §9.4)。",
                f"Required item {label} is missing (programme {program}, SPEC §9.4).",
            )
        )
    for letter, codes in required_groups(program).items():
        if not present.isdisjoint(codes):  # a member is there: no need to ask whether the group applies
            continue
        if any(_applicable(d, present, values, period) for c in codes if (d := item(c, period))):
            names = sorted({d.name for c in codes if (d := item(c, period))})
            joined = "・".join(names)
            findings.append(
                RecordError(
                    f"groups[{letter}]",
                    "required_group_missing",
                    None,
                    f"グループ {letter} ({joined}) のいずれかが必要です (SPEC §9.4)。"
                    f"対象コード: {', '.join(sorted(codes))}",
                    f"At least one item of group {letter} ({joined}) is required (SPEC §9.4); codes: "
                    f"{', '.join(sorted(codes))}",
                )
            )
    return findings


def _check_meal_timing(doc: CheckupDocument, period: int, scan: _Scan, report: ValidationReport) -> None:
    rules = MEAL_TIMING_RULES.get(period, {})
    timing = scan.timing
    # ◆ employer checkups (030) may be completed by the insurer (SPEC §7.1): warn instead of rejecting.
    target = report.errors if doc.program != PROGRAM_EMPLOYER_CHECKUP else report.warnings
    for observation in scan.timed:
        allowed = rules[observation.code]
        if observation.negated or observation.value in (None, "") or timing in allowed:
            continue
        label = _label(observation.code, item(observation.code, period))
        codes = " / ".join(sorted(allowed))
        target.append(
            _item_error(
                observation.code,
                "meal_timing_required",
                timing,
                f"{label} (値 {observation.value}) には採血時間(食後) {MEAL_TIMING} = {codes} が必要です"
                f" (送信値: {timing or 'なし'}, SPEC §9.4)。",
                f"{label} (value {observation.value}) requires 採血時間 {MEAL_TIMING} = {codes}"
                f" (sent: {timing or 'none'}, SPEC §9.4).",
            )
        )


def _check_bmi(values: dict[str, str | None], report: ValidationReport) -> None:
    try:
        height, weight, sent = (Decimal(values[c] or "") for c in (HEIGHT, WEIGHT, BMI))
        if not (height.is_finite() and weight.is_finite() and sent.is_finite()) or height <= 0:
            return
        computed = compute_bmi(height, weight)
    except (KeyError, InvalidOperation, ZeroDivisionError):
        return
    if bmi_differs(sent, computed):
        report.warnings.append(
            _item_error(
                BMI,
                "bmi_mismatch",
                str(sent),
                f"{BMI} (BMI) の送信値 {sent} が身長・体重からの計算値 {computed} と"
                " 0.1 を超えて異なります (SPEC §2.1)。",
                f"{BMI} (BMI): sent {sent} differs from {computed} computed from height and weight by more than "
                "0.1 (SPEC §2.1).",
            )
        )


def validate_observation(observation: Observation, *, period: int = 4) -> ValidationReport:
    """One item on its own (a staff correction): known code, answer set, unit, plausible range, format."""
    report = ValidationReport()
    _check_observation(observation, period, report)
    return report


def validate_document(doc: CheckupDocument, *, today: dt.date, period: int | None = None) -> ValidationReport:
    """Validate one record; `period` overrides doc.period (3rd-period answer sets for FY2018–2023 files)."""
    period = period or doc.period
    report = ValidationReport()
    _check_header(doc, today, report)
    scan = _scan(doc, period, report)
    present, values = scan.present, scan.values
    if doc.program == PROGRAM_EMPLOYER_CHECKUP:
        # ◆ 事業者健診 items may lawfully be omitted (労働安全衛生規則 §44 ②: e.g. ECG under 40 on a doctor's
        # judgment), and the insurer takes whatever the employer holds (SPEC §7.1): gaps are warnings. What the
        # 特定健診 needs is listed separately, so staff can complete it.
        report.warnings.extend(_missing_requirements(PROGRAM_EMPLOYER_CHECKUP, present, values, period))
        report.missing_for_specific_checkup = _missing_requirements(PROGRAM_SPECIFIC_CHECKUP, present, values, period)
    elif doc.program == PROGRAM_SPECIFIC_CHECKUP:
        report.errors.extend(_missing_requirements(PROGRAM_SPECIFIC_CHECKUP, present, values, period))
    _check_meal_timing(doc, period, scan, report)
    _check_bmi(values, report)
    return report
