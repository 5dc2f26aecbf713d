"""Why a received record is held for staff instead of stored (SPEC §1.5, §9.5): one code per reason.

The sender only ever sees one neutral "held for review" answer (issue #13); the reason is for the insurer's staff,
who see it in words (the choice labels) and, for records held before the codes existed, the stored texts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HoldReason(models.TextChoices):
    NO_PERSON_MATCH = "no_person_match", _("記号・番号・枝番に一致する加入者がいない")
    BIRTH_DATE_DIFFERS = "birth_date_differs", _("生年月日または性別が名簿と異なる")
    SEVERAL_PERSONS = "several_persons", _("複数の加入者に一致する")
    NOT_ENROLLED_ON_EXAM_DATE = "not_enrolled_on_exam_date", _("健診日に資格がない")
    NO_CONTRACT = "no_contract", _("契約のない健診機関からの送付")


# The texts stored with each held record (reason_ja, reason_en): what staff read on the record itself.
REASON_TEXTS: dict[str, tuple[str, str]] = {
    HoldReason.NO_PERSON_MATCH: ("記号・番号・枝番に一致する加入者がいません", "no insured person with this card"),
    HoldReason.BIRTH_DATE_DIFFERS: (
        "記号・番号は一致しますが生年月日または性別が一致しません",
        "the card matches but the birth date or sex does not",
    ),
    HoldReason.SEVERAL_PERSONS: (
        "複数の加入者に一致します(枝番を確認してください)",
        "several persons match (check the branch)",
    ),
    HoldReason.NOT_ENROLLED_ON_EXAM_DATE: (
        "健診日に保険者の資格がありません(資格の取得前または喪失後の受診)",
        "the person was not enrolled with the insurer on the exam date",
    ),
    HoldReason.NO_CONTRACT: (
        "この健診機関とは契約がありません",
        "the insurer has no contract with this clinic",
    ),
}


def reason_from_text(reason_en: str) -> str:
    """The code of a stored English reason text (records held before the codes existed); unknown → no match."""
    for code, (_ja, en) in REASON_TEXTS.items():
        if en == reason_en:
            return code
    return HoldReason.NO_PERSON_MATCH
