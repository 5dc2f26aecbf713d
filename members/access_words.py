"""The access log (閲覧記録) in words for staff: who (name and job title, never `user:1`) and what (never
`programme:658`). The stored row keeps its stable identifiers; only the page turns them into words."""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .audit import PROVIDER_ROLE

# The first part of AccessLog.target ("checkup:12", "rates:at-risk", …) → what was read
TARGET_KINDS: dict[str, Promise] = {
    "checkup": _("健診結果"),
    "incompleteemployercheckup": _("事業主健診(項目不足)"),
    "programme": _("保健指導プログラム"),
    "person": _("加入者情報"),
    "insuredperson": _("加入者情報"),
    "selfmeasurement": _("本人記録(体重・腹囲)"),
    "invitation": _("わたしの健診 招待状"),
    "doctor_document": _("医療機関持参用文書"),
    "rates": _("作業一覧"),
    "export": _("法定報告ファイルの出力"),
    "employer_under40": _("事業主健診(40歳未満)の出力"),
}


def staff_display_name(user: Any) -> str:
    """保健 花子: family name first as written in Japanese; the login name when no name is set."""
    if user is None:
        return ""
    full = " ".join(part for part in (user.last_name, user.first_name) if part)
    return full or user.get_username()


def who(log: Any) -> str:
    """花子(保健師): the staff member's name and job title; the system when no user."""
    user = getattr(log, "user", None)
    if user is None and log.actor_role == PROVIDER_ROLE:  # a guidance provider's read: its name
        return f"{log.actor_label}({_('保健指導機関')})"
    if user is None:
        return str(_("保険者のシステム"))
    name = staff_display_name(user)
    return f"{name}({log.actor_role})" if log.actor_role else name


def what(target: str, details: Mapping[str, str] | None = None) -> str:
    """健診結果(2026年10月27日): the kind of record and, when the caller knows it, which one."""
    if details and target in details:
        return details[target]
    kind = target.split(":", 1)[0]
    return str(TARGET_KINDS.get(kind, _("記録")))
