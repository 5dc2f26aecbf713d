"""Validating one record (SPEC §9.4, §4.4, §2.1, §1.5) or one item on its own, in the order the checks run.

Whether the insurer number is known is the caller's business (it needs the database).
"""

import datetime as dt

from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.itemtable import PROGRAM_EMPLOYER_CHECKUP, PROGRAM_SPECIFIC_CHECKUP

from .consistency import check_bmi, check_meal_timing
from .header import check_header
from .observations import check_observation
from .report import ValidationReport
from .requirements import missing_requirements
from .scan import scan_document


def validate_observation(observation: Observation, *, period: int = 4) -> ValidationReport:
    """One item on its own (a staff correction): known code, answer set, unit, plausible range, format."""
    report = ValidationReport()
    check_observation(observation, period, report)
    return report


def validate_document(doc: CheckupDocument, *, today: dt.date, period: int | None = None) -> ValidationReport:
    """Validate one record; `period` overrides doc.period (3rd-period answer sets for FY2018–2023 files)."""
    period = period or doc.period
    report = ValidationReport()
    check_header(doc, today, report)
    scan = scan_document(doc, period, report)
    present, values = scan.present, scan.values
    if doc.program == PROGRAM_EMPLOYER_CHECKUP:
        # ◆ 事業者健診 items may lawfully be omitted (労働安全衛生規則 §44 ②: e.g. ECG under 40 on a doctor's
        # judgment), and the insurer takes whatever the employer holds (SPEC §7.1): gaps are warnings. What the
        # 特定健診 needs is listed separately, so staff can complete it.
        report.warnings.extend(missing_requirements(PROGRAM_EMPLOYER_CHECKUP, present, values, period))
        report.missing_for_specific_checkup = missing_requirements(PROGRAM_SPECIFIC_CHECKUP, present, values, period)
    elif doc.program == PROGRAM_SPECIFIC_CHECKUP:
        report.errors.extend(missing_requirements(PROGRAM_SPECIFIC_CHECKUP, present, values, period))
    check_meal_timing(doc, period, scan, report)
    check_bmi(values, report)
    return report
