"""Warnings with a stored record (issue #13): another checkup counts for the year; the clinic's level differs."""

import datetime as dt

from checkups.models import Checkup
from checkups.store_warnings import StoredFacts, stored_warnings
from tests.checkups.test_api_checkups import URL, _body, _items
from tests.conftest import key_client
from tests.test_api_envelope import JAPANESE

CLINIC_LEVEL = "9N506000000000011"  # 保健指導レベル as the clinic judged it (SPEC §2.9)


def _facts(**fields) -> StoredFacts:
    values = {
        "counted": True,
        "counted_exam_date": None,
        "guidance_level": 1,
        "clinic_guidance_level": None,
        "metabolic_judgment": 2,
        "clinic_metabolic_judgment": None,
    }
    return StoredFacts(**{**values, **fields})


def test_no_warning_when_counted_and_the_clinic_agrees_or_sent_nothing() -> None:
    assert stored_warnings(_facts()) == []
    assert stored_warnings(_facts(clinic_guidance_level=1, clinic_metabolic_judgment=2)) == []


def test_each_difference_is_one_warning_naming_both_values() -> None:
    (level,) = stored_warnings(_facts(clinic_guidance_level=3))
    assert (level.field, level.code, level.value) == ("clinic_guidance_level", "clinic_level_differs", "3→1")
    assert "情報提供" in level.message_ja and "積極的支援" in level.message_ja
    (metabolic,) = stored_warnings(_facts(clinic_metabolic_judgment=1))
    assert (metabolic.field, metabolic.code) == ("clinic_metabolic_judgment", "clinic_level_differs")
    for warning in (level, metabolic):  # both languages filled, each in its own (no Japanese in message_en)
        assert JAPANESE.search(warning.message_ja) and not JAPANESE.search(warning.message_en), warning
    assert "Pre-metabolic" in metabolic.message_en and "differs" in metabolic.message_en
    (other,) = stored_warnings(_facts(counted=False, counted_exam_date=dt.date(2025, 5, 1)))
    assert (other.code, other.value) == ("another_checkup_counts", "2025-05-01")
    assert "2025-05-01" in other.message_en and "counts" in other.message_en


def test_the_clinic_is_told_when_its_level_differs(world, clinic_x_key) -> None:
    items = [*_items(), {"code": CLINIC_LEVEL, "value": "3"}]  # the clinic says 情報提供; ours is 積極的支援
    response = key_client(clinic_x_key).post(URL, _body(world.person_a, items=items), format="json")

    assert response.status_code == 201, response.json()
    (warning,) = response.json()["warnings"]
    assert (warning["code"], warning["field"], warning["value"]) == (
        "clinic_level_differs",
        "clinic_guidance_level",
        "3→1",
    )
    assert JAPANESE.search(warning["message_ja"]) and not JAPANESE.search(warning["message_en"]), warning
    checkup = Checkup.objects.get(pk=response.json()["id"])
    assert (checkup.clinic_guidance_level, checkup.guidance_level) == (3, 1)  # both kept, ours used


def test_a_second_checkup_of_the_year_is_stored_with_a_warning(world, clinic_x_key) -> None:
    api = key_client(clinic_x_key)
    first = api.post(URL, _body(world.person_a, exam_date="2025-06-10"), format="json")
    assert first.status_code == 201 and first.json()["warnings"] == []
    second = api.post(URL, _body(world.person_a, exam_date="2025-09-01"), format="json")

    assert second.status_code == 201, second.json()
    (warning,) = second.json()["warnings"]
    assert (warning["code"], warning["value"]) == ("another_checkup_counts", "2025-06-10")
    assert not Checkup.objects.get(pk=second.json()["id"]).counts_for_fiscal_year
