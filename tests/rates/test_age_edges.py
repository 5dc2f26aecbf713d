"""Issue #14 end to end at every age edge (SPEC §1.2, §1.3, §2.5b, §6.5, §6.6), FY2024–FY2026.

People born March 31 / April 1 / April 2 at 40, 65 and 75 each get the same checkup (group A, two risks:
積極的支援 before the exceptions) through the real store path; then the stored age basis, the level (65 rule),
the guidance programme, and the rates' targets, receivers, guidance targets and 5-year bands (the SQL of
`rates.computation`, whole population) are checked against the table, and the SQL cells against the plain-Python
reference. Run on SQLite and on PostgreSQL (DATABASE_URL).
"""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from checkups.codes import GuidanceLevel, Source
from guidance.models import Programme
from intake.services import checkup_store
from members.codes import Sex
from rates.computation import fiscal_year_cells, target_persons
from rates.counting import checkup_counting, year_facts
from rates.figures import breakdown
from rates.reference import CheckupFacts, PersonFacts, reference_cells
from tests.checkups.documents import document
from tests.factories import InsurerFactory, PersonFactory

INTENSIVE, MOTIVATIONAL = GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL

# (age reached, month, day of birth) → (age basis, target, band low, level)
EDGES = [
    (40, 3, 31, 40, True, 40, INTENSIVE),
    (40, 4, 1, 40, True, 40, INTENSIVE),  # reaches 40 at the end of March 31 (民法143条): a target
    (40, 4, 2, 39, False, None, INTENSIVE),
    (65, 3, 31, 65, True, 65, MOTIVATIONAL),
    (65, 4, 1, 65, True, 65, MOTIVATIONAL),  # 65 in this year: 積極的支援 becomes 動機付け支援 (SPEC §2.5b)
    (65, 4, 2, 64, True, 60, INTENSIVE),
    (75, 3, 31, 75, False, None, MOTIVATIONAL),  # 75th birthday on March 31: 後期高齢者医療 within the year
    (75, 4, 1, 75, True, 70, MOTIVATIONAL),  # 75th birthday on the next year's first day: a target, band 70–74
    (75, 4, 2, 74, True, 70, MOTIVATIONAL),
]


def _born(fiscal_year: int, age: int, month: int, day: int) -> dt.date:
    return dt.date(fiscal_year + 1 - age, month, day)


@pytest.fixture
def edge_population(db, request):
    fiscal_year = request.param
    insurer = InsurerFactory()
    people = {}
    for age, month, day, *expected in EDGES:
        person = PersonFactory(insurer=insurer, sex=Sex.MALE, birth_date=_born(fiscal_year, age, month, day))
        doc = document(person, exam_date=dt.date(fiscal_year, 6, 10))
        checkup, _ = checkup_store(person=person, document=doc, source=Source.FILE_IMPORT)
        people[(age, month, day)] = (person, checkup, *expected)
    return insurer, fiscal_year, people


YEARS = pytest.mark.parametrize("edge_population", [2024, 2025, 2026], indirect=True)


@YEARS
def test_stored_age_basis_level_and_programme(edge_population) -> None:
    _, _fiscal_year, people = edge_population
    for key, (_person, checkup, basis, target, _band, level) in people.items():
        assert checkup.age_at_fy_end == basis, key
        assert checkup.guidance_level == level, key
        assert checkup.guidance_level_without_medication == level, key
        # SPEC §5.1: a programme for a target-age level 1/2 checkup only (not the one who leaves at 75)
        assert Programme.objects.filter(checkup=checkup).exists() is target, key
    assert Programme.objects.get(checkup=people[(65, 4, 1)][1]).level == MOTIVATIONAL
    assert Programme.objects.get(checkup=people[(75, 4, 1)][1]).level == MOTIVATIONAL


@YEARS
def test_targets_and_bands_in_the_rates(edge_population) -> None:
    insurer, fiscal_year, people = edge_population
    expected_targets = {p.pk for p, _c, _b, target, *_ in people.values() if target}
    found = set(target_persons(insurer_id=insurer.pk, fiscal_year=fiscal_year).values_list("pk", flat=True))
    assert found == expected_targets
    cells = fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=fiscal_year)
    by_band: Counter[int | None] = Counter()
    for cell in cells:
        by_band[cell.band] += cell.targets
        assert cell.targets == cell.receivers == cell.guidance_targets  # each target has a level 1/2 checkup
    expected_bands = Counter(band for _p, _c, _b, target, band, _l in people.values() if target)
    assert by_band == expected_bands
    assert by_band[70] == 2  # 74 (April 2) and 75 (April 1) are both in 70–74 (SPEC §6.6)


@YEARS
def test_breakdown_rows_by_band(edge_population) -> None:
    insurer, fiscal_year, _ = edge_population
    rows = breakdown(
        fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=fiscal_year),
        sex_labels={1: "男性", 2: "女性"},
        relationship_labels={"self": "本人", "family": "家族"},
        employer_labels={None: "—"},
    )
    bands = {row["label"]: row["checkup"] for row in rows if row["dimension"] == "age_band"}
    assert set(bands) == {"40–44歳", "60–64歳", "65–69歳", "70–74歳"}
    assert bands["40–44歳"]["denominator"] == 2
    assert bands["65–69歳"]["denominator"] == 2
    assert bands["70–74歳"]["denominator"] == 2


@YEARS
def test_sql_cells_equal_the_python_reference(edge_population) -> None:
    insurer, fiscal_year, people = edge_population
    facts = []
    for person, checkup, *_ in people.values():
        checkup.refresh_from_db()
        programme = Programme.objects.filter(checkup=checkup).first()
        facts.append(
            PersonFacts(
                insurer_id=insurer.pk,
                sex=person.sex,
                birth_date=person.birth_date,
                relationship=person.relationship,
                employer_id=person.employer_id,
                enrollments=tuple(person.enrollments.values_list("acquired_on", "lost_on")),
                checkups=(
                    CheckupFacts(
                        fiscal_year=checkup.fiscal_year,
                        insurer_id=checkup.insurer_id,
                        counts_for_fiscal_year=checkup.counts_for_fiscal_year,
                        is_complete=checkup.is_complete,
                        guidance_level=checkup.guidance_level,
                        medication_excluded=checkup.medication_excluded,
                        programme_status=programme.status if programme else None,
                    ),
                ),
            )
        )
    expected = reference_cells(facts, insurer_id=insurer.pk, fiscal_year=fiscal_year)
    assert fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=fiscal_year) == expected


@pytest.mark.parametrize("edge_population", [2024], indirect=True)
def test_one_grouped_query_whatever_the_population(edge_population) -> None:
    insurer, fiscal_year, _ = edge_population
    with CaptureQueriesContext(connection) as context:
        fiscal_year_cells(insurer_id=insurer.pk, fiscal_year=fiscal_year)
    selects = [q["sql"] for q in context.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # the rest are the savepoint and PostgreSQL's SET LOCAL


@YEARS
def test_person_page_reasons_at_75(edge_population) -> None:
    """The staff person page's counted-or-not reason (rates.counting) says why a 75-year-old is no target."""
    _, fiscal_year, people = edge_population
    with override("ja"):
        for key, expected in (((75, 3, 31), "75歳の誕生日("), ((75, 4, 1), "実施率に計上")):
            person, checkup, *_ = people[key]
            facts = year_facts(person=person, fiscal_years=[fiscal_year])
            counting = checkup_counting(person=person, checkups=[checkup], facts=facts)[checkup.pk]
            assert counting.reason.startswith(expected), (key, counting.reason)
            assert counting.target is (key == (75, 4, 1))
