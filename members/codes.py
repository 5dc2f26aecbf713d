"""Code lists about people and insurers (SPEC §1.4, §1.5; issue #2 insurer types)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.IntegerChoices):
    """性別 (OID 1.2.392.200119.6.1104, SPEC §1.5)."""

    MALE = 1, _("男")
    FEMALE = 2, _("女")


class Relationship(models.TextChoices):
    """本人/家族 (SPEC §1.5)."""

    SELF = "self", _("本人")
    FAMILY = "family", _("家族")


class InsurerType(models.TextChoices):
    """保険者の種別; the targets of SPEC §6.4 are set per type."""

    MUNICIPAL_NHI = "municipal_nhi", _("市町村国保")
    NHI_SOCIETY = "nhi_society", _("国保組合")
    KYOKAI_KENPO = "kyokai_kenpo", _("協会けんぽ")
    SINGLE_KENPO = "single_kenpo", _("単一健保")
    JOINT_KENPO = "joint_kenpo", _("総合健保・私学共済")
    MUTUAL_AID = "mutual_aid", _("共済組合")


class ExclusionReason(models.TextChoices):
    """対象除外者 (SPEC §1.4)."""

    PREGNANCY = "pregnancy", _("妊産婦")
    DETENTION = "detention", _("刑事施設等")
    OVERSEAS = "overseas", _("海外在住")
    LONG_HOSPITALISATION = "long_hospitalisation", _("長期入院(6か月以上)")
    FACILITY = "facility", _("施設入所")
