"""The record's header: insurer number, card branch, sex, programme and the exam and birth dates (SPEC §1.5)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from checkups.mhlw.document import CheckupDocument
from checkups.mhlw.findings import RecordError, finding
from checkups.mhlw.validation_rules import CARD_BRANCH_LENGTH, INSURER_NUMBER_LENGTH, MAX_AGE, SUPPORTED_PROGRAMS
from infra.i18n import message
from members.fiscal import age_on

from .report import ValidationReport


def check_header(doc: CheckupDocument, today: dt.date, report: ValidationReport) -> None:
    errors = report.errors
    if not (doc.insurer_number.isdigit() and len(doc.insurer_number) == INSURER_NUMBER_LENGTH):
        errors.append(
            finding(
                "insurer_number",
                "bad_insurer_number",
                doc.insurer_number,
                message(
                    _("保険者番号 '%(insurer_number)s' は8桁の数字でなければなりません (SPEC §1.5)。"),
                    insurer_number=doc.insurer_number,
                ),
            )
        )
    if doc.card_branch and not (doc.card_branch.isdigit() and len(doc.card_branch) == CARD_BRANCH_LENGTH):
        errors.append(
            finding(
                "card_branch",
                "bad_format",
                doc.card_branch,
                message(
                    _("枝番 '%(card_branch)s' は2桁の数字でなければなりません (SPEC §1.5)。"),
                    card_branch=doc.card_branch,
                ),
            )
        )
    if doc.sex not in (1, 2):
        errors.append(
            finding(
                "sex",
                "bad_sex",
                None if doc.sex is None else str(doc.sex),
                message(_("性別 '%(sex)s' は 1(男) または 2(女) でなければなりません。"), sex=doc.sex),
            )
        )
    if doc.program not in SUPPORTED_PROGRAMS:
        errors.append(
            finding(
                "program",
                "unsupported_program",
                doc.program,
                message(
                    _("プログラム種別 '%(program)s' は取り込めません (010 特定健診, 030 事業者健診のみ)。"),
                    program=doc.program,
                ),
            )
        )
    check_dates(doc, today, errors)


def check_dates(doc: CheckupDocument, today: dt.date, errors: list[RecordError]) -> None:
    exam, birth = doc.exam_date, doc.birth_date
    if exam is None:
        errors.append(
            finding(
                "exam_date", "exam_date_missing", None, pgettext_lazy("mhlw validation", "健診実施日がありません。")
            )
        )
    elif exam > today:
        errors.append(
            finding(
                "exam_date",
                "exam_date_in_future",
                exam.isoformat(),
                message(
                    _("健診実施日 %(exam)s が未来の日付です (本日 %(today)s)。"),
                    exam=exam.isoformat(),
                    today=today.isoformat(),
                ),
            )
        )
    if birth is None:
        errors.append(finding("birth_date", "birth_date_missing", None, _("生年月日がありません。")))
    elif exam is not None and birth >= exam:
        errors.append(
            finding(
                "birth_date",
                "birth_date_not_before_exam",
                birth.isoformat(),
                message(
                    _("生年月日 %(birth)s が健診実施日 %(exam)s 以降です。"),
                    birth=birth.isoformat(),
                    exam=exam.isoformat(),
                ),
            )
        )
    elif exam is not None and not 0 <= age_on(birth, exam) <= MAX_AGE:
        age = age_on(birth, exam)
        errors.append(
            finding(
                "birth_date",
                "age_out_of_range",
                birth.isoformat(),
                message(
                    _("健診実施日時点の年齢 %(age)s 歳が 0〜%(max_age)s 歳の範囲外です (生年月日 %(birth)s)。"),
                    age=age,
                    max_age=MAX_AGE,
                    birth=birth.isoformat(),
                ),
            )
        )
