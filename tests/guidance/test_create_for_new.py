"""The bulk import's shortcut creates exactly the programmes the general sync would create."""

import datetime as dt

from checkups.codes import Source
from checkups.models import Checkup
from guidance.models import Programme
from guidance.services import programmes_create_for_new_checkups, programmes_sync_for_checkups
from intake.services import checkup_store
from tests.checkups.documents import document
from tests.factories import PersonFactory

TODAY = dt.date(2025, 11, 26)
FIELDS = ("checkup_id", "person_id", "insurer_id", "fiscal_year", "level", "status", "total_points", "next_action")


def _programmes() -> list[tuple]:
    return list(Programme.objects.order_by("checkup_id").values_list(*FIELDS))


def test_shortcut_equals_the_sync(world) -> None:
    waists = ["80.0", "86.0", "88.0", "95.0", "84.0", "91.0"]
    for i, waist in enumerate(waists):
        person = PersonFactory(insurer=world.insurer_a, birth_date=dt.date(1955 + 3 * i, 5, 5))
        overrides = {"9N016160100000001": waist}
        if i == 4:
            overrides["9N701000000000011"] = "1"  # on medication: no programme
        checkup_store(person=person, document=document(person, items=overrides), source=Source.FILE_IMPORT)
    checkups = list(Checkup.objects.all())
    synced = _programmes()
    assert 2 <= len(synced) < len(checkups)  # some levels make a programme, some do not

    Programme.objects.all().delete()
    assert programmes_create_for_new_checkups(checkups=checkups, today=TODAY) == len(synced)
    shortcut = _programmes()

    Programme.objects.all().delete()
    programmes_sync_for_checkups(checkup_ids=[c.pk for c in checkups], today=TODAY)
    assert shortcut == _programmes()
