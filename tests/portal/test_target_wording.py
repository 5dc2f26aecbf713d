"""What the self-service page says about being a 特定健診 target, at every age edge (issue #14, SPEC §1.2, §1.3,
§2.5b): born March 31 / April 1 / April 2 at 40, 65 and 75, FY2024–FY2026; then the page itself (home page for
the current year, year page for a past one) and the level wording of a 65-year-old born on April 1."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from checkups.codes import GuidanceLevel
from members.auth_backend import BACKEND
from members.models import Enrollment, InsuredPerson, Insurer
from portal.explain import target_year_notes
from tests.factories import PersonFactory

from .conftest import make_checkup, make_member

TARGET = "年度は特定健診の対象です"
APRIL_1 = "4月1日生まれの方は、法律上、誕生日の前日(3月31日)の終わりに年齢が加わるため"
NEXT_YEAR_75 = "は次の年度の初日のため"
MOVES_AT_75 = "(75歳の誕生日)から後期高齢者医療制度に移るため"
SENIOR = "年度内に65歳以上になるため、特定保健指導は「積極的支援」ではなく「動機付け支援」になります。"
NOT_YET = "まだ特定健診の対象年齢ではありません"

# (age reached, month, day) → (sentence starts, extra notes expected, age shown)
EDGES = [
    (40, 3, 31, TARGET, (), 40),
    (40, 4, 1, TARGET, (APRIL_1,), 40),
    (40, 4, 2, NOT_YET, (), None),
    (65, 3, 31, TARGET, (SENIOR,), 65),
    (65, 4, 1, TARGET, (APRIL_1, SENIOR), 65),
    (65, 4, 2, TARGET, (), 64),
    (75, 3, 31, MOVES_AT_75, (), None),
    (75, 4, 1, TARGET, (NEXT_YEAR_75, SENIOR), 75),
    (75, 4, 2, TARGET, (SENIOR,), 74),
]


@pytest.mark.parametrize("fiscal_year", [2024, 2025, 2026])
@pytest.mark.parametrize(("age", "month", "day", "first", "extra", "shown"), EDGES)
def test_notes_at_the_edges(fiscal_year, age, month, day, first, extra, shown) -> None:
    birth = dt.date(fiscal_year + 1 - age, month, day)
    with override("ja"):
        notes = target_year_notes(birth_date=birth, fiscal_year=fiscal_year, enrolled_all_year=True, excluded=False)
    assert first in notes[0]
    if shown is not None:
        assert f"{fiscal_year}年度は特定健診の対象です(年度内に{shown}歳になります)。" == notes[0]
    for sentence in extra:
        assert any(sentence in note for note in notes[1:]), (sentence, notes)
    assert len(notes) == 1 + len(extra)


def test_the_dates_and_years_in_the_words() -> None:
    with override("ja"):
        under = target_year_notes(
            birth_date=dt.date(1985, 4, 2), fiscal_year=2024, enrolled_all_year=True, excluded=False
        )
        leaving = target_year_notes(
            birth_date=dt.date(1950, 3, 31), fiscal_year=2024, enrolled_all_year=True, excluded=False
        )
        staying = target_year_notes(
            birth_date=dt.date(1950, 4, 1), fiscal_year=2024, enrolled_all_year=True, excluded=False
        )
    assert "2025年度(年度内に40歳になる年度)から対象になります" in under[0]
    assert leaving == [
        "2025年3月31日(75歳の誕生日)から後期高齢者医療制度に移るため、2024年度の特定健診の対象ではありません。"
    ]
    assert "75歳の誕生日(2025年4月1日)は次の年度の初日のため、2024年度は最後まで対象です。" in staying


def test_enrollment_and_exclusion_come_after_the_age() -> None:
    birth = dt.date(1970, 4, 1)
    with override("ja"):
        joined = target_year_notes(birth_date=birth, fiscal_year=2025, enrolled_all_year=False, excluded=False)
        excluded = target_year_notes(birth_date=birth, fiscal_year=2025, enrolled_all_year=True, excluded=True)
        young = target_year_notes(
            birth_date=dt.date(1990, 1, 1), fiscal_year=2025, enrolled_all_year=False, excluded=True
        )
    assert "年度の途中で加入または資格を喪失したため" in joined[0]
    assert "対象除外の期間があるため" in excluded[0]
    assert NOT_YET in young[0]  # the age is said first: enrollment does not matter before 40


def test_english_wording() -> None:
    with override("en"):
        notes = target_year_notes(
            birth_date=dt.date(1960, 4, 1), fiscal_year=2024, enrolled_all_year=True, excluded=False
        )
    assert notes[0] == "You are a specific health checkup target in FY2024 (you reach 65 within the year)."
    assert notes[1].startswith("People born on 1 April legally reach their new age at the end of 31 March")
    assert notes[2].startswith("As you reach 65 or more within the year")


def _member_client(birth: dt.date, username: str, *, insurer: Insurer) -> tuple[Client, InsuredPerson]:
    person = PersonFactory(insurer=insurer, card_number=f"9{username}", birth_date=birth)
    client = Client()
    client.force_login(make_member(person, username), backend=BACKEND)
    return client, person


def test_home_page_says_this_year(world, monkeypatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 6, 1))  # FY2025
    client, _ = _member_client(dt.date(1961, 4, 1), "april1", insurer=world.insurer_a)
    text = client.get(reverse("portal:me")).content.decode()
    assert "2025年度の特定健診" in text
    assert "2025年度は特定健診の対象です(年度内に65歳になります)。" in text
    assert APRIL_1 in text and SENIOR in text


def test_home_page_for_someone_who_joined_this_year(world, monkeypatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 6, 1))
    client, person = _member_client(dt.date(1970, 6, 15), "joiner", insurer=world.insurer_a)
    Enrollment.objects.filter(person=person).update(acquired_on=dt.date(2025, 5, 1))
    text = client.get(reverse("portal:me")).content.decode()
    assert "2025年度は、年度の途中で加入または資格を喪失したため、特定健診の対象ではありません" in text


@pytest.mark.parametrize("fiscal_year", [2024, 2025, 2026])
def test_year_page_explains_the_level_of_a_65_year_old_born_on_april_1(world, fiscal_year) -> None:
    client, person = _member_client(dt.date(fiscal_year - 64, 4, 1), f"p{fiscal_year}", insurer=world.insurer_a)
    checkup = make_checkup(person, dt.date(fiscal_year, 6, 1), waist_cm=95, systolic_1=140, systolic_2=138,
                           glucose_fasting=110)  # fmt: skip
    assert (checkup.age_at_fy_end, checkup.guidance_level) == (65, GuidanceLevel.MOTIVATIONAL)
    year_page = client.get(reverse("portal:checkup_year", args=[fiscal_year])).content.decode()
    assert f"{fiscal_year}年度は特定健診の対象です(年度内に65歳になります)。" in year_page
    assert "年度末年齢 65歳" in year_page
    guidance = client.get(reverse("portal:guidance")).content.decode()
    assert "65歳以上のため、積極的支援ではなく動機付け支援になります。" in guidance
