"""Under-40 employer checkups as a 4th-period archive (formats-notes §3; SPEC §7.1, §9.1, §9.3).

◆ The insurer → 支払基金 route for 40歳未満 data is UNCONFIRMED (formats-notes §3): which 種別 and 実施区分 codes the
archive must carry and the 支払基金's receiver number are unknown. They are named constants here, to be changed
in one place once the MHLW/支払基金 documents are at hand.
"""

import datetime as dt

from django.db.models import QuerySet

from checkups.mhlw.archive import build_archive
from checkups.mhlw.document import CheckupDocument
from checkups.models import Checkup
from members.age_basis import TARGET_AGE_MIN
from members.models import Insurer

from .services import document_from_checkup

REPORT_CATEGORY_EMPLOYER = "41"  # 報告区分 41 事業者健診 (formats-notes §3)
SERVICE_EVENT_TYPE_OTHER_CHECKUP = 4  # 実施区分 4 他の健診結果の受領分 (formats-notes §1.2, §3) ◆
INTERACTION_INSURER_TO_FUND = 10  # 種別 10 保険者→国(支払基金) (formats-notes §1.3) ◆
PAYMENT_FUND_RECEIVER = "00000000"  # ◆ UNCONFIRMED receiver number of the 支払基金 (formats-notes §3)
# ◆ A record typed from paper or a CSV without the institution names no clinic; the CDA needs an organisation
# id, so it carries the employers' common sender number (formats-notes §1.2, §3).
EMPLOYER_SENDER_NUMBER = "6631111116"


def under_40_checkups(*, insurer: Insurer, fiscal_year: int) -> QuerySet[Checkup]:
    """Employer checkups (030) of people under 40 on the age basis (SPEC §1.2, §7.1)."""
    return (
        Checkup.objects.filter(
            insurer=insurer, fiscal_year=fiscal_year, program="030", age_at_fy_end__lt=TARGET_AGE_MIN
        )
        .select_related("person", "clinic", "insurer")
        .order_by("exam_date", "pk")
    )


def under_40_documents(*, insurer: Insurer, fiscal_year: int) -> list[CheckupDocument]:
    documents = []
    for checkup in under_40_checkups(insurer=insurer, fiscal_year=fiscal_year):
        document = document_from_checkup(checkup)
        document.report_category = REPORT_CATEGORY_EMPLOYER
        document.period = 4  # written as a 4th-period file (SPEC §9.3)
        if not document.clinic_number:
            document.clinic_number = EMPLOYER_SENDER_NUMBER
            document.clinic_name = document.clinic_name or "事業主"
        documents.append(document)
    return documents


def export_under_40(
    *, insurer: Insurer, fiscal_year: int, created: dt.date, receiver: str = PAYMENT_FUND_RECEIVER, serial: int = 0
) -> tuple[str, bytes, list[int]]:
    """(zip name, bytes, exported person ids) of the fiscal year's under-40 employer checkups."""
    checkups = list(under_40_checkups(insurer=insurer, fiscal_year=fiscal_year))
    documents = under_40_documents(insurer=insurer, fiscal_year=fiscal_year)
    name, data = build_archive(
        insurer.number,
        receiver,
        created,
        SERVICE_EVENT_TYPE_OTHER_CHECKUP,
        documents,
        serial=serial,
        interaction_type=INTERACTION_INSURER_TO_FUND,
    )
    return name, data, [c.person_id for c in checkups]
