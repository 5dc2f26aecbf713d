"""Code lists of 特定保健指導 (SPEC §5): contact kinds and forms, programme level and status, outcomes."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrPromise, language_pure_lazy


class ContactKind(models.TextChoices):
    """実施内容 (OID .18150, SPEC §5.2). Interim evaluation counts as a continuous-support contact."""

    INITIAL = "initial", _("初回面接")
    INITIAL_PART1 = "initial_part1", _("初回面接①")
    INITIAL_PART2 = "initial_part2", _("初回面接②")
    CONTINUOUS = "continuous", _("継続的支援")
    INTERIM = "interim", _("中間評価")
    FINAL = "final", _("実績評価")


class ContactForm(models.IntegerChoices):
    """支援形態 (OID .24010, SPEC §5.2). Remote counts the same as face-to-face."""

    INDIVIDUAL_IN_PERSON = 1, _("個別支援(対面)")
    INDIVIDUAL_REMOTE = 2, _("個別支援(遠隔)")
    GROUP_IN_PERSON = 3, _("グループ支援(対面)")
    GROUP_REMOTE = 4, _("グループ支援(遠隔)")
    TELEPHONE = 5, _("電話")
    EMAIL_CHAT = 6, _("電子メール・チャット等")


class ProgrammeLevel(models.IntegerChoices):
    """保健指導区分 (OID .1112, SPEC §2.8, §5.1)."""

    INTENSIVE = 1, _("積極的支援")
    MOTIVATIONAL = 2, _("動機付け支援")
    MOTIVATIONAL_EQUIVALENT = 3, _("動機付け支援相当")


class ProgrammeStatus(models.TextChoices):
    """Programme states (SPEC §5.6)."""

    NOT_STARTED = "not_started", _("未開始")
    IN_PROGRESS = "in_progress", _("実施中")
    COMPLETED = "completed", _("終了")
    DROPPED_OUT = "dropped_out", _("途中終了")
    INITIAL_INCOMPLETE = "initial_incomplete", _("初回未完了")
    EXCLUDED = "excluded", _("対象外")


# The states of a programme still to be finished (SPEC §5.6): the work lists, the reminders, the level decisions
OPEN_STATUSES = (ProgrammeStatus.NOT_STARTED, ProgrammeStatus.INITIAL_INCOMPLETE, ProgrammeStatus.IN_PROGRESS)


class BehaviourCategory(models.TextChoices):
    """行動変容 outcome categories (SPEC §5.5); drinking goals belong to OTHER."""

    DIET = "diet", _("食習慣の改善")
    EXERCISE = "exercise", _("運動習慣の改善")
    SMOKING = "smoking", _("喫煙習慣の改善(禁煙)")
    REST = "rest", _("休養習慣の改善")
    OTHER = "other", _("その他の生活習慣の改善")


class DropoutReason(models.TextChoices):
    """途中終了の理由 (SPEC §5.6)."""

    LOST_ELIGIBILITY = "lost_eligibility", _("資格喪失")
    DECLINED = "declined", _("本人辞退")
    UNREACHABLE = "unreachable", _("連絡不通")
    OTHER = "other", _("その他")


class ExclusionCause(models.TextChoices):
    """Why a programme left the guidance denominator (対象外, SPEC §5.6)."""

    # 再確認コード OID .24020 code 1: on medication at the checkup (the questionnaire was wrong); the checkup is
    # re-judged (SPEC §2.5a) and leaves the guidance targets. A started programme is kept, excluded, as the trace.
    MEDICATION_AT_CHECKUP = "medication_at_checkup", _("質問票の記載違い(健診時服薬中)")
    # 再確認コード OID .24020 code 2: medication started after the checkup
    MEDICATION_AFTER_CHECKUP = "medication_after_checkup", _("健診後に服薬開始")
    # 保健指導時服薬確認 OID .24030 code 1: medication started after guidance began
    MEDICATION_AFTER_GUIDANCE_START = "medication_after_guidance_start", _("保健指導開始後に服薬開始")


class MedicationRecheck(models.IntegerChoices):
    """保険者再確認 of medication (再確認コード, OID .24020; items 9N702/9N707/9N712…, SPEC §5.6)."""

    ON_MEDICATION_AT_CHECKUP = 1, _("質問票の記載違い(服薬中)を確認")
    STARTED_AFTER_CHECKUP = 2, _("健診以後に服薬開始を確認")


class Medication(models.TextChoices):
    """The three medication questions (SPEC §2.5a, §4): Q1 blood pressure, Q2 glucose, Q3 lipids."""

    BLOOD_PRESSURE = "blood_pressure", _("血圧を下げる薬")
    GLUCOSE = "glucose", _("血糖を下げる薬・インスリン注射")
    LIPIDS = "lipids", _("コレステロール・中性脂肪を下げる薬")


class LevelDecision(models.TextChoices):
    """Staff decision when a checkup correction changes the level of a started programme (SPEC §5.6)."""

    KEEP = "keep", _("現在の区分で継続")
    SWITCH = "switch", _("新しい区分に切り替え(支援記録は引き継ぐ)")


# Plain Japanese names for rule explanations (SPEC §5.7). The rules stay pure and must not depend on Django
# settings or the active language, so they cannot use the lazy labels above; a test keeps the two in step.
# Keyed by enum class first: IntegerChoices/TextChoices members of different enums compare equal (1 == 1).
_JA_NAMES: dict[type, dict[str | int, str]] = {
    ContactKind: {
        "initial": "初回面接",
        "initial_part1": "初回面接①",
        "initial_part2": "初回面接②",
        "continuous": "継続的支援",
        "interim": "中間評価",
        "final": "実績評価",
    },
    ContactForm: {
        1: "個別支援(対面)",
        2: "個別支援(遠隔)",
        3: "グループ支援(対面)",
        4: "グループ支援(遠隔)",
        5: "電話",
        6: "電子メール・チャット等",
    },
    ProgrammeLevel: {1: "積極的支援", 2: "動機付け支援", 3: "動機付け支援相当"},
    ProgrammeStatus: {
        "not_started": "未開始",
        "in_progress": "実施中",
        "completed": "終了",
        "dropped_out": "途中終了",
        "initial_incomplete": "初回未完了",
        "excluded": "対象外",
    },
    BehaviourCategory: {
        "diet": "食習慣の改善",
        "exercise": "運動習慣の改善",
        "smoking": "喫煙習慣の改善(禁煙)",
        "rest": "休養習慣の改善",
        "other": "その他の生活習慣の改善",
    },
    DropoutReason: {
        "lost_eligibility": "資格喪失",
        "declined": "本人辞退",
        "unreachable": "連絡不通",
        "other": "その他",
    },
    ExclusionCause: {
        "medication_at_checkup": "質問票の記載違い(健診時服薬中)",
        "medication_after_checkup": "健診後に服薬開始",
        "medication_after_guidance_start": "保健指導開始後に服薬開始",
    },
}


def ja_name(choice: models.Choices) -> str:
    """The Japanese name of a code, independent of Django settings and the active language."""
    return _JA_NAMES[type(choice)][choice.value]


def _code_name(choice: models.Choices, english: str) -> str:
    language = get_language() or "ja"
    return english if language.startswith("en") else ja_name(choice)


_code_name_lazy = language_pure_lazy(_code_name)


def code_name(choice: models.Choices, english: str) -> StrPromise:
    """A code as a value in a message: its Japanese name (`ja_name`) in Japanese, `english` (the code itself, as
    the English texts of the evaluation have always shown it) in English."""
    return _code_name_lazy(choice, english)
