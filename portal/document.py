"""医療機関持参用文書: one checkup's values with the standard values, the questionnaire's medication answers and room
for the doctor's reply (第4期の見直し, source briefing: 医療関係者への情報提供を目的とした医療機関持参用文書).

The same document for the person (self-service page) and for staff (admin, access-logged); built here once.
"""

from dataclasses import dataclass
from typing import Any

from checkups.questionnaire import question
from infra.i18n import in_language

from .report import ResultRow, program_name, referral_rows, report_rows

MEDICATION_FIELDS = ("med_blood_pressure", "med_glucose", "med_lipids")  # 質問票 Q1–Q3 (SPEC §4.1)
YES = 1  # OID .2003: 1 はい, 2 いいえ


@dataclass(frozen=True)
class Answer:
    number: int
    question: str
    answer: str  # "" when not answered
    yes: bool


@dataclass(frozen=True)
class CheckupDocument:
    checkup: Any
    program: str
    rows: list[ResultRow]
    referrals: list[ResultRow]
    medication: list[Answer]

    @property
    def on_medication(self) -> bool:
        return any(a.yes for a in self.medication)


def medication_answers(checkup: Any, lang: str = "ja") -> list[Answer]:
    """Q1–Q3 as asked in that checkup's fiscal year, with the person's answer in words."""
    language = "ja" if lang == "ja" else "en"
    answers = []
    for field in MEDICATION_FIELDS:
        asked = question(field, checkup.fiscal_year)
        code = getattr(checkup, field, None)
        words = asked.answers.get(code) if code is not None else None
        text = in_language(asked.text, language)
        answers.append(Answer(asked.number, text, in_language(words, language) if words else "", code == YES))
    return answers


def checkup_document(checkup: Any, *, sex: int, lang: str = "ja") -> CheckupDocument:
    rows = report_rows(checkup, sex=sex, lang=lang)
    return CheckupDocument(
        checkup=checkup,
        program=program_name(checkup.program),
        rows=rows,
        referrals=referral_rows(rows),
        medication=medication_answers(checkup, lang),
    )
