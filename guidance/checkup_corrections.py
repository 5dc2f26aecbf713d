"""Checkup corrections made by guidance (a medication re-check, SPEC §5.6): the programmes follow the new
judgment through `guidance.checkup_link.PROGRAMMES`."""

from typing import Any

from checkups.corrections import checkup_correct_item as checkup_item_correct
from checkups.models import Checkup

from . import checkup_link  # the module: it reads guidance.services, which imports this one


def checkup_correct_item(*, checkup: Checkup, item_code: str, value: str | None, reason: str, user: Any) -> Checkup:
    """`checkups.corrections.checkup_correct_item` with the programmes following the corrected judgment."""
    return checkup_item_correct(
        checkup=checkup, item_code=item_code, value=value, reason=reason, user=user, programmes=checkup_link.PROGRAMMES
    )
