"""Whether one person's checkups count for the 特定健診実施率 of their fiscal year, and why not (SPEC §1.3, §1.4, §6.1).

For the person page: the same conditions as `rates.computation.counted_checkups` (target of the year: age basis,
enrolled all year, no exclusion; the year's counted record; complete), read for one person in one query and
worded for staff.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.age_basis import age_basis, is_target_age, latter_stage_birthday, reaches_75_within_year
from members.models import InsuredPerson

from .computation import enrolled_all_year, excluded_in_year


@dataclass(frozen=True)
class YearFacts:
    """The three parts of 特定健診対象者 of one fiscal year for one person (SPEC §1.3, §1.4)."""

    target_age: bool
    enrolled_all_year: bool
    excluded: bool

    @property
    def target(self) -> bool:
        return self.target_age and self.enrolled_all_year and not self.excluded


@dataclass(frozen=True)
class Counting:
    counted: bool
    reason: str
    target: bool


def year_facts(*, person: InsuredPerson, fiscal_years: Iterable[int]) -> dict[int, YearFacts]:
    """Target facts for each fiscal year, in one query (the enrollment and exclusion parts as in the rates)."""
    years = sorted(set(fiscal_years))
    if not years:
        return {}
    annotations: dict[str, Any] = {}
    for year in years:
        annotations[f"enrolled_{year}"] = enrolled_all_year(year)
        annotations[f"excluded_{year}"] = excluded_in_year(year)
    row = InsuredPerson.objects.filter(Q(pk=person.pk)).annotate(**annotations).values(*annotations).first() or {}
    return {
        year: YearFacts(
            target_age=is_target_age(person.birth_date, year),
            enrolled_all_year=bool(row.get(f"enrolled_{year}")),
            excluded=bool(row.get(f"excluded_{year}")),
        )
        for year in years
    }


def _not_target_reason(facts: YearFacts, birth_date: dt.date, fiscal_year: int) -> str:
    if not facts.target_age:
        if reaches_75_within_year(birth_date, fiscal_year):  # SPEC §1.3: 後期高齢者医療 from the 75th birthday
            return _("75歳の誕生日(%(day)s)が年度内のため対象外(後期高齢者医療へ移行)") % {
                "day": _day(latter_stage_birthday(birth_date))
            }
        return _("対象年齢外(年度末年齢 %(age)s歳。40〜74歳が対象)") % {"age": age_basis(birth_date, fiscal_year)}
    if not facts.enrolled_all_year:
        return _("年度の途中で加入または資格喪失(年度を通じて加入している人が対象)")
    return _("対象除外の期間がある年度")


def checkup_counting(
    *, person: InsuredPerson, checkups: Sequence[Any], facts: dict[int, YearFacts]
) -> dict[int, Counting]:
    """For each checkup: counted for its fiscal year's rate or not, and why, in staff words."""
    counted_on = {c.fiscal_year: c.exam_date for c in checkups if c.counts_for_fiscal_year}
    result: dict[int, Counting] = {}
    for checkup in checkups:
        year = facts.get(checkup.fiscal_year, YearFacts(False, False, False))
        if not year.target:
            counting = Counting(False, _not_target_reason(year, person.birth_date, checkup.fiscal_year), False)
        elif not checkup.counts_for_fiscal_year:
            other = counted_on.get(checkup.fiscal_year)
            reason = (
                _("同じ年度の別の健診(%(day)s)を計上") % {"day": _day(other)}
                if other
                else _("この年度に計上する健診に選ばれていません")
            )
            counting = Counting(False, reason, True)
        elif not checkup.is_complete:
            counting = Counting(False, _("特定健診の項目が不足しているため計上されません"), True)
        else:
            counting = Counting(True, _("実施率に計上"), True)
        result[checkup.pk] = counting
    return result


def _day(value: dt.date) -> str:
    return date_format(value)
