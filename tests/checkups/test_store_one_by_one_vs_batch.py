"""One store path (issue #12): records stored one by one (as the JSON API does, a batch of one each) and the same
records stored as one batch (as an archive chunk) give identical checkups, judgments and programmes (hypothesis).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from checkups.intake_types import Submitter
from checkups.models import Checkup
from guidance.models import Programme
from intake.records import prepare_document, records_receive
from tests.checkups.documents import document
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)
EXAM_DATES = (dt.date(2025, 5, 12), dt.date(2026, 1, 9), dt.date(2026, 6, 1))  # two in FY2025, one in FY2026
HEIGHT_M = Decimal("1.70")  # COMPLETE_ITEMS' height
SUBMITTER = Submitter(label="command")


class _RolledBack(Exception):
    pass


def _record(person, exam_date: dt.date, weight: int, waist: int, systolic: int, glucose: int, medication: str):
    bmi = (Decimal(weight) / (HEIGHT_M * HEIGHT_M)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return document(
        person,
        exam_date=exam_date,
        items={
            "9N006000000000001": f"{weight}.0",
            "9N011000000000001": str(bmi),
            "9N016160100000001": f"{waist}.0",
            "9A751000000000001": str(systolic),
            "9A752000000000001": str(systolic),
            "3D010000001926101": str(glucose),
            "9N701000000000011": medication,  # 服薬(血圧): 1 はい / 2 いいえ
        },
    )


def _snapshot() -> tuple[list[tuple], list[tuple]]:
    checkups = sorted(
        Checkup.objects.values_list(
            "person_id",
            "exam_date",
            "fiscal_year",
            "guidance_level",
            "guidance_level_without_medication",
            "consecutive_intensive_eligible",
            "medication_excluded",
            "metabolic_judgment",
            "counts_for_fiscal_year",
            "weight_kg",
            "waist_cm",
            "bmi",
        )
    )
    programmes = sorted(
        Programme.objects.values_list("person_id", "checkup__exam_date", "fiscal_year", "level", "status")
    )
    return checkups, programmes


def _stored(documents, *, one_by_one: bool) -> tuple[list[tuple], list[tuple]]:
    """Store, read what was stored, roll it all back."""
    prepared = [prepare_document(f"r{i}", doc, today=TODAY) for i, doc in enumerate(documents)]
    chunks = [[p] for p in prepared] if one_by_one else [prepared]
    try:
        with transaction.atomic():
            outcomes = [
                outcome
                for chunk in chunks
                for outcome in records_receive(chunk, submitter=SUBMITTER, source="file_import", employer_context=False)
            ]
            assert all(o.status == "accepted" for o in outcomes), [o.errors for o in outcomes]
            result = _snapshot()
            raise _RolledBack
    except _RolledBack:
        return result


records = st.lists(
    st.tuples(
        st.integers(0, 2),  # which person
        st.sampled_from(EXAM_DATES),
        st.integers(55, 100),  # weight kg
        st.integers(70, 105),  # waist cm: around the 85/90 cm limits (SPEC §2.2)
        st.integers(110, 150),  # systolic: around 130 (SPEC §2.3)
        st.integers(85, 130),  # fasting glucose: around 100 (SPEC §2.3)
        st.sampled_from(["1", "2"]),  # on blood-pressure medication (SPEC §2.5)
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda r: (r[0], r[1]),  # one exam per person and day (a second one is a re-send: see the intake tests)
)


@pytest.fixture
def persons(world):
    return [
        PersonFactory(insurer=world.insurer_a, birth_date=dt.date(1970, 5, 1), sex=1),
        PersonFactory(insurer=world.insurer_a, birth_date=dt.date(1962, 11, 3), sex=2),
        PersonFactory(insurer=world.insurer_a, birth_date=dt.date(1985, 4, 2), sex=1),
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=records)
def test_one_by_one_and_as_a_batch_store_the_same(persons, records) -> None:
    note(f"records={records!r}")
    documents = [_record(persons[who], *rest) for who, *rest in records]
    one_by_one = _stored(documents, one_by_one=True)
    batch = _stored(documents, one_by_one=False)
    assert one_by_one == batch
    assert len(batch[0]) == len(records)
