"""Template tags of the self-service page: the help desk box (on every page where a person can get stuck)."""

import re
import unicodedata
from typing import Any

from django import template
from django.conf import settings
from django.db import DatabaseError

from checkups import feedback
from members.models import Insurer

from .. import report
from ..helpdesk import HelpDesk, help_desk_for_request, help_desk_of_insurer

register = template.Library()


@register.inclusion_tag("portal/_help_desk.html", takes_context=True)
def help_desk(context: template.Context, insurer: Insurer | None = None, variant: str = "box") -> dict[str, Any]:
    """`{% help_desk %}` for whoever is looking; `{% help_desk insurer=person.insurer %}` on a letter."""
    desk: HelpDesk | None
    if insurer is not None:
        desk = help_desk_of_insurer(insurer)
    elif "help_desk" in context:  # computed by the view (the error pages)
        desk = context["help_desk"]
    else:
        request = context.get("request")
        try:
            desk = help_desk_for_request(request) if request is not None else None
        except DatabaseError:
            desk = None
    return {"desk": desk if desk is not None and desk.configured else None, "variant": variant}


@register.filter
def tel_href(phone: str) -> str:
    """'03-1234-5678(代表)' → 'tel:0312345678' (digits and a leading + only)."""
    digits = re.sub(r"[^\d+]", "", re.split(r"[(]", unicodedata.normalize("NFKC", phone))[0])
    return f"tel:{digits}" if digits else ""


@register.filter
def program_name(code: str) -> str:
    """The one name of a kind of checkup on the site (特定健診 / 事業主健診)."""
    return report.program_name(code)


@register.simple_tag
def idle_seconds() -> int:
    """The idle logout time (SESSION_COOKIE_AGE after the last request: config.middleware.IdleSessionMiddleware)."""
    return int(settings.SESSION_COOKIE_AGE)


@register.simple_tag
def idle_minutes() -> int:
    return int(settings.SESSION_COOKIE_AGE) // 60


@register.simple_tag
def referral_note() -> str:
    """The 4th-period note: a referral-level value is a reason to see a doctor, not a diagnosis nor medication."""
    return str(feedback.REFERRAL_NOTE)


@register.simple_tag
def referral_action() -> str:
    return str(feedback.REFERRAL_ACTION)


@register.simple_tag
def on_treatment_note() -> str:
    return str(feedback.ON_TREATMENT_NOTE)
