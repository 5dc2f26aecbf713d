"""The level decision on the programme page (issue #16, SPEC §5.6): both levels and the correction in words, the
keep/switch form only while a decision waits, refusals at the form, the decision recorded; constant queries."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from checkups.codes import Source
from checkups.models import Checkup
from guidance.codes import ContactForm, ContactKind
from guidance.models import LevelDecisionRecord, Programme
from guidance.services import contact_add
from intake.services import checkup_correct_item, checkup_store
from members.actors import actor_for_user
from tests.checkups.documents import document

from .test_programme_page import PROGRAMME_PAGE_QUERIES, visible

TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=100)
SYSTOLIC_1 = "9A751000000000001"
WAIST = "9N016160100000001"


@pytest.fixture
def started(world, alice) -> Programme:
    """積極的支援 (waist 88, blood pressure 131, glucose 104) after its initial interview."""
    checkup, _ = checkup_store(
        person=world.person_a, document=document(world.person_a, exam_date=EXAM), source=Source.CLINIC_API
    )
    programme = Programme.objects.get(checkup=checkup)
    contact_add(
        programme=programme,
        data={"kind": ContactKind.INITIAL, "form": ContactForm.INDIVIDUAL_IN_PERSON, "date": EXAM, "minutes": 30},
        actor=actor_for_user(alice),
    )
    return programme


def correct(programme: Programme, user, code: str = SYSTOLIC_1, value: str = "124") -> None:
    checkup = Checkup.objects.get(pk=programme.checkup_id)
    checkup_correct_item(checkup=checkup, item_code=code, value=value, reason="転記誤り", user=user)


def page(programme: Programme) -> str:
    return reverse("admin:guidance_programme_change", args=[programme.pk])


def decide(client, programme: Programme, decision: str, note: str = ""):
    programme.refresh_from_db()
    body = {"decision": decision, "note": note, "version": programme.version}
    return client.post(reverse("admin:guidance_programme_level", args=[programme.pk]), body)


def test_no_question_without_a_level_change(started, alice_client) -> None:
    content = alice_client.get(page(started)).content.decode()
    assert 'id="level"' not in content and "判断を記録" not in content


def test_the_page_names_both_levels_and_the_correction(started, alice, alice_client) -> None:
    correct(started, alice)
    text = visible(alice_client.get(page(started)).content.decode())
    assert "「積極的支援」から「動機付け支援」に変わりました" in text
    assert "収縮期血圧" in text and "134 → 124" in text and "転記誤り" in text
    assert "「積極的支援」のまま続ける" in text and "「動機付け支援」に切り替える(支援記録は引き継ぐ)" in text
    assert "level_decision_required" not in text and SYSTOLIC_1 not in text


def test_switch_is_recorded_and_the_contacts_kept(started, alice, alice_client) -> None:
    correct(started, alice)
    response = decide(alice_client, started, "switch", note="転記誤りのため")
    assert response.status_code == 302
    record = LevelDecisionRecord.objects.get()
    assert (record.decision, record.new_level, record.decided_by, record.note) == ("switch", 2, alice, "転記誤りのため")
    programme = Programme.objects.get(pk=started.pk)
    assert (programme.level, programme.contacts.count()) == (2, 1)
    text = visible(alice_client.get(page(started)).content.decode())
    assert "「積極的支援」から「動機付け支援」に切り替え(支援記録は引き継ぎ)" in text and "判断を記録" not in text


def test_a_decision_without_a_level_change_is_refused_softly(started, alice_client) -> None:
    response = decide(alice_client, started, "keep")
    assert response.status_code == 302 and not LevelDecisionRecord.objects.exists()


def test_no_level_to_switch_to_offers_keep_only(started, alice, alice_client) -> None:
    correct(started, alice, code=WAIST, value="80")  # waist 80, BMI 24.9: 情報提供 (SPEC §2.2, §2.4)
    text = visible(alice_client.get(page(started)).content.decode())
    assert "保健指導の対象となる区分ではありません" in text and "切り替える(" not in text
    assert "続けるか途中終了にするか" in text
    refused = decide(alice_client, started, "switch")
    assert refused.status_code == 400 and not LevelDecisionRecord.objects.exists()
    assert decide(alice_client, started, "keep").status_code == 302
    assert LevelDecisionRecord.objects.get().checkup_guidance_level == 3


def test_pending_page_queries_are_constant(started, alice, alice_client, django_assert_num_queries) -> None:
    correct(started, alice)
    alice_client.get(page(started))  # warm the session
    with django_assert_num_queries(PROGRAMME_PAGE_QUERIES + 1):  # the checkup's latest correction
        assert alice_client.get(page(started)).status_code == 200


def test_the_question_in_english(started, alice, alice_client) -> None:
    correct(started, alice)
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = alice_client.get(page(started)).content.decode()
    section = re.search(r'<section[^>]*id="level">(.*?)</section>', content, flags=re.S)
    assert section is not None
    text = visible(section[1])
    assert "Decide whether to keep the current level" in text and "Record the decision" in text
    assert "Switch to" in text and "(the contacts are kept)" in text
