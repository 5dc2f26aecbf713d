"""保険者再確認 of medication (再確認コード, OID .24020, SPEC §5.6): what each code does. Pure table.

Code 1 (質問票の記載違い: on medication at the checkup) corrects the checkup's medication answer to はい and the
checkup is re-judged (SPEC §2.5a: 情報提供, 服薬中): it leaves the guidance targets altogether; a programme that
exists is kept as 対象外 so its contacts stay as the trace. Code 2 (健診以後に服薬開始) makes the programme 対象外.
"""

from dataclasses import dataclass

from checkups.items import RECONFIRM_ITEMS
from guidance.codes import ExclusionCause, Medication, MedicationRecheck

MEDICATION_YES = "1"  # SPEC §2.5a, OID .2003: 1 はい


@dataclass(frozen=True)
class RecheckEffect:
    exclusion_cause: ExclusionCause
    corrects_checkup: bool  # the questionnaire answer becomes はい and the checkup is re-judged


RECHECK_EFFECTS: dict[MedicationRecheck, RecheckEffect] = {  # SPEC §5.6
    MedicationRecheck.ON_MEDICATION_AT_CHECKUP: RecheckEffect(ExclusionCause.MEDICATION_AT_CHECKUP, True),
    MedicationRecheck.STARTED_AFTER_CHECKUP: RecheckEffect(ExclusionCause.MEDICATION_AFTER_CHECKUP, False),
}
# Medication → (questionnaire column of the checkup, 保険者再確認 item 9N702/9N707/9N712, formats-notes §2)
RECHECK_ITEMS: dict[Medication, tuple[str, str]] = {
    Medication.BLOOD_PRESSURE: ("med_blood_pressure", RECONFIRM_ITEMS[0]),  # Q1, 保険者再確認 服薬1
    Medication.GLUCOSE: ("med_glucose", RECONFIRM_ITEMS[1]),  # Q2, 服薬2
    Medication.LIPIDS: ("med_lipids", RECONFIRM_ITEMS[2]),  # Q3, 服薬3
}
