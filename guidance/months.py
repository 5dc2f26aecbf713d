"""Calendar months (SPEC §5.3 ◆): the same day some months later, a day the month lacks becoming its last day."""

import calendar
import datetime as dt


def add_months_clamped(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the month lacks becomes its last day (SPEC §5.3 ◆: Nov 30 → Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
