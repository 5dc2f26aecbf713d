"""Why a received record is held for staff instead of stored (SPEC §1.5, §9.5): one code per reason.

The sender only ever sees one neutral "held for review" answer (issue #13); the reason is for the insurer's staff,
who see it in words (the choice labels) and, for records held before the codes existed, the stored texts.
"""

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from infra.i18n import BilingualView, MessageTable


class HoldReason(models.TextChoices):
    NO_PERSON_MATCH = "no_person_match", _("記号・番号・枝番に一致する加入者がいない")
    BIRTH_DATE_DIFFERS = "birth_date_differs", _("生年月日または性別が名簿と異なる")
    SEVERAL_PERSONS = "several_persons", _("複数の加入者に一致する")
    NOT_ENROLLED_ON_EXAM_DATE = "not_enrolled_on_exam_date", _("健診日に資格がない")
    NO_CONTRACT = "no_contract", _("契約のない健診機関からの送付")


# The texts stored with each held record (reason_ja, reason_en): what staff read on the record itself.
REASON_MESSAGES: MessageTable[str] = MessageTable(
    {
        HoldReason.NO_PERSON_MATCH: _("記号・番号・枝番に一致する加入者がいません"),
        HoldReason.BIRTH_DATE_DIFFERS: _("記号・番号は一致しますが生年月日または性別が一致しません"),
        HoldReason.SEVERAL_PERSONS: _("複数の加入者に一致します(枝番を確認してください)"),
        HoldReason.NOT_ENROLLED_ON_EXAM_DATE: _("健診日に保険者の資格がありません(資格の取得前または喪失後の受診)"),
        HoldReason.NO_CONTRACT: _("この健診機関とは契約がありません"),
    }
)
REASON_TEXTS: Mapping[str, tuple[str, str]] = BilingualView(REASON_MESSAGES)  # code → (reason_ja, reason_en)


def reason_from_text(reason_en: str) -> str:
    """The code of a stored English reason text (records held before the codes existed); unknown → no match."""
    for code, (_ja, en) in REASON_TEXTS.items():
        if en == reason_en:
            return code
    return HoldReason.NO_PERSON_MATCH
