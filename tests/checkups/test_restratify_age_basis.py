"""Re-judging a past year after the age-basis revision (issue #14, SPEC §1.2, §2.5b): the `restratify` command
and `checkups_restratify` recompute the stored age basis from the birth date, the level, and the not-started
programmes; started programmes keep theirs; a second run changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from checkups.codes import GuidanceLevel, Source
from checkups.models import Checkup
from guidance.codes import ProgrammeLevel, ProgrammeStatus
from guidance.models import Programme
from intake.services import checkup_store, checkups_restratify
from tests.checkups.documents import document
from tests.factories import PersonFactory

FY = 2024
INTENSIVE, MOTIVATIONAL = GuidanceLevel.INTENSIVE, GuidanceLevel.MOTIVATIONAL


def _stored_by_the_old_rule(birth: dt.date, old_age: int, *, insurer) -> Checkup:
    """A FY2024 checkup (group A, two risks) as the old rule (age on March 31) left it: stale age and level."""
    person = PersonFactory(insurer=insurer, birth_date=birth)
    checkup, _ = checkup_store(
        person=person, document=document(person, exam_date=dt.date(FY, 6, 10)), source=Source.FILE_IMPORT
    )
    old_level = INTENSIVE if old_age < 65 else MOTIVATIONAL
    Checkup.objects.filter(pk=checkup.pk).update(age_at_fy_end=old_age, guidance_level=old_level)
    if 40 <= old_age <= 74:
        Programme.objects.filter(checkup=checkup).update(level=ProgrammeLevel(old_level))
    else:
        Programme.objects.filter(checkup=checkup).delete()
    return checkup


@pytest.fixture
def old_data(world):
    insurer = world.insurer_a
    return {
        "65 on March 31 (April 1 birth)": _stored_by_the_old_rule(dt.date(1960, 4, 1), 64, insurer=insurer),
        "40 on March 31 (April 1 birth)": _stored_by_the_old_rule(dt.date(1985, 4, 1), 39, insurer=insurer),
        "75, still a target (April 1 birth)": _stored_by_the_old_rule(dt.date(1950, 4, 1), 74, insurer=insurer),
        "unchanged (April 2 birth)": _stored_by_the_old_rule(dt.date(1960, 4, 2), 64, insurer=insurer),
    }


def _state(checkup: Checkup) -> tuple:
    checkup.refresh_from_db()
    programme = Programme.objects.filter(checkup=checkup).first()
    return checkup.age_at_fy_end, checkup.guidance_level, programme.level if programme else None


def test_restratify_command_rejudges_a_past_year(old_data) -> None:
    out = StringIO()
    call_command("restratify", "--fiscal-year", str(FY), stdout=out)
    assert _state(old_data["65 on March 31 (April 1 birth)"]) == (65, MOTIVATIONAL, ProgrammeLevel.MOTIVATIONAL)
    assert _state(old_data["40 on March 31 (April 1 birth)"]) == (40, INTENSIVE, ProgrammeLevel.INTENSIVE)
    assert _state(old_data["75, still a target (April 1 birth)"]) == (75, MOTIVATIONAL, ProgrammeLevel.MOTIVATIONAL)
    assert _state(old_data["unchanged (April 2 birth)"]) == (64, INTENSIVE, ProgrammeLevel.INTENSIVE)
    text = out.getvalue()
    assert "2024年度: 4件を再階層化しました" in text
    assert "積極的支援 3, 動機付け支援 1 → 積極的支援 2, 動機付け支援 2" in text


def test_a_second_run_changes_nothing(old_data) -> None:
    checkups_restratify(fiscal_year=FY)
    before = {c.pk: (c.age_at_fy_end, c.guidance_level, c.stratified_at) for c in Checkup.objects.all()}
    checkups_restratify(fiscal_year=FY)
    after = {c.pk: (c.age_at_fy_end, c.guidance_level, c.stratified_at) for c in Checkup.objects.all()}
    assert after == before


def test_a_started_programme_keeps_its_level(old_data) -> None:
    checkup = old_data["65 on March 31 (April 1 birth)"]
    Programme.objects.filter(checkup=checkup).update(status=ProgrammeStatus.IN_PROGRESS, initial_on=dt.date(FY, 9, 1))
    checkups_restratify(fiscal_year=FY)
    assert _state(checkup) == (65, MOTIVATIONAL, ProgrammeLevel.INTENSIVE)  # the work under way is not re-levelled


def test_restratify_other_years_and_insurers_untouched(old_data, world) -> None:
    call_command("restratify", "--fiscal-year", "2023", "--insurer", world.insurer_b.number, stdout=StringIO())
    assert _state(old_data["65 on March 31 (April 1 birth)"])[:2] == (64, INTENSIVE)


def test_restratify_unknown_insurer(db) -> None:
    with pytest.raises(CommandError, match="no insurer 00000000"):
        call_command("restratify", "--fiscal-year", "2024", "--insurer", "00000000")
