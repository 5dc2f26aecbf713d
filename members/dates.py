"""Dates and fiscal years as people read them (2026年11月10日, 2025年度), in the active language; never ISO."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def day(value: dt.date | dt.datetime | str | None) -> str:
    """2026年11月10日 (ja) / Nov. 10, 2026 (en); a datetime is read in the local time zone; "" for none."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value)


def fiscal_year_label(fiscal_year: int) -> str:
    """2025年度 (ja) / FY2025 (en)."""
    return _("%(year)s年度") % {"year": fiscal_year}
