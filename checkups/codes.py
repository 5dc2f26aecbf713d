"""Result codes of a checkup: guidance level (SPEC §2.7), metabolic judgment (SPEC §3.3), programme, source."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GuidanceLevel(models.IntegerChoices):
    """保健指導レベル, item 9N506000000000011, OID 1.2.392.200119.6.3001 (SPEC §2.7)."""

    INTENSIVE = 1, _("積極的支援")
    MOTIVATIONAL = 2, _("動機付け支援")
    INFORMATION = 3, _("なし(情報提供)")
    UNDETERMINED = 4, _("判定不能")


class MetabolicJudgment(models.IntegerChoices):
    """メタボリックシンドローム判定, item 9N501000000000011, OID 1.2.392.200119.6.1008 (SPEC §3.3)."""

    MEETS = 1, _("基準該当")
    PRE = 2, _("予備群該当")
    NOT_APPLICABLE = 3, _("非該当")
    UNDETERMINED = 4, _("判定不能")


class Program(models.TextChoices):
    """プログラム種別, OID 1.2.392.200119.6.1002 (SPEC §9, formats-notes §1.5)."""

    SPECIFIC_CHECKUP = "010", _("特定健診")
    EMPLOYER_CHECKUP = "030", _("事業者健診")


class Source(models.TextChoices):
    """How a checkup reached us."""

    CLINIC_API = "clinic_api", _("健診機関API")
    FILE_IMPORT = "file_import", _("ファイル取込")
    EMPLOYER = "employer", _("事業主健診")
    STAFF_ENTRY = "staff_entry", _("職員入力")


class MealTiming(models.IntegerChoices):
    """採血時間(食後), item 9N141000000000011, OID 1.2.392.200119.6.2202 (SPEC §2.1)."""

    FASTING = 2, _("食後10時間以上")
    RANDOM = 3, _("食後3.5時間以上10時間未満")
    AFTER_MEAL = 4, _("食後3.5時間未満")


class WaistMethod(models.IntegerChoices):
    """腹囲の測定方法, preferred in this order (SPEC §2.1)."""

    MEASURED = 1, _("実測")
    SELF_MEASURED = 2, _("自己測定")
    SELF_REPORTED = 3, _("自己申告")
