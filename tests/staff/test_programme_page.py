"""The programme page as staff use it (issue #16): header in words, goals in kg/cm at 0.1, points explained in staff
language (rule codes only inside a details element), a refused contact keeps what was typed, constant queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guidance.codes import ContactForm, ContactKind
from guidance.services import contact_add, programme_set_goals
from members.actors import actor_for_user
from tests.factories import PersonFactory
from tests.guidance.conftest import make_programme

TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=200)


def page_url(programme) -> str:
    return reverse("admin:guidance_programme_change", args=[programme.pk])


def visible(html: str) -> str:
    """The page text outside <details> (what staff read without opening the rule details)."""
    html = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def programme(world):
    person = PersonFactory(insurer=world.insurer_a, name_kana="ヤマダ タロウ", birth_date=dt.date(1970, 6, 15))
    return make_programme(person, exam_date=EXAM, today=TODAY, weight_kg=Decimal("71.6"), waist_cm=Decimal("92.0"))


def test_header_says_who_where_and_what_next_in_words(programme, alice_client) -> None:
    content = alice_client.get(page_url(programme)).content.decode()
    text = visible(content)
    assert "ヤマダ タロウ" in text and "55歳" in text and "積極的支援" in text and "未開始" in text
    assert "0 / 180" in text
    assert "初回面接を行ってください" in text  # the next action as a sentence, not a code
    assert f"{programme.fiscal_year}年度" in text
    assert reverse("admin:members_insuredperson_change", args=[programme.person_id]) in content
    assert reverse("admin:checkups_checkup_change", args=[programme.checkup_id]) in content
    assert f"{EXAM.year}年{EXAM.month}月{EXAM.day}日" in text  # dates in words, never ISO
    assert EXAM.isoformat() not in text


def test_goal_in_kg_and_cm_at_one_decimal(programme, alice_client) -> None:
    text = visible(alice_client.get(page_url(programme)).content.decode())
    # 71.6 × 0.024 = 1.7184: recorded to 0.1 the goal is a loss of 1.8 (rounded up), never "1.7184kg"
    assert "体重 69.8 kg 以下・腹囲 90.2 cm 以下" in text
    assert "1.7184kg" not in text and "1.7184 kg" not in text


def test_action_plan_is_text_and_codes_stay_in_details(programme, alice, alice_client) -> None:
    programme_set_goals(programme=programme, actor=actor_for_user(alice), behaviour_goals=["夕食後の間食をやめる"])
    contact_add(
        programme=programme,
        data={"kind": ContactKind.INITIAL, "form": ContactForm.INDIVIDUAL_IN_PERSON, "date": EXAM, "minutes": 30},
        actor=actor_for_user(alice),
        today=TODAY,
    )
    content = alice_client.get(page_url(programme)).content.decode()
    text = visible(content)
    assert "夕食後の間食をやめる" in text and "[]" not in text
    assert "early_interview_exam_day" in content  # in the details element …
    assert "early_interview_exam_day" not in text and "SPEC" not in text  # … not in what staff read
    assert "初回面接が健診日から0日後: +20" in text


def test_refused_contact_keeps_what_was_typed(programme, alice_client) -> None:
    body = {
        "kind": "initial",
        "form": "5",  # telephone: an initial interview cannot be held by phone (SPEC §5.2)
        "date": EXAM.isoformat(),
        "minutes": "25",
        "weight_kg": "70.4",
        "note": "電話で生活状況を聞き取り",
        "behaviour_changes": ["diet"],
        "version": str(programme.version),
    }
    response = alice_client.post(reverse("admin:guidance_programme_contact", args=[programme.pk]), body)
    assert response.status_code == 400
    content = response.content.decode()
    text = visible(content)
    assert "初回面接は電話・電子メール等では実施できません" in text  # at the field, in staff language
    assert "initial_interview_form" not in text and "initial_interview_form" in content  # the code in details
    assert 'value="25"' in content and 'value="70.4"' in content and "電話で生活状況を聞き取り" in content
    assert re.search(r'<option value="5" selected>', content)
    assert re.search(r'value="diet"[^>]*checked', content)
    assert not programme.contacts.exists()


def test_programme_page_queries_are_constant(programme, alice, alice_client, django_assert_num_queries) -> None:
    alice_client.get(page_url(programme))  # warm the session
    actor = actor_for_user(alice)
    for offset in (0, 20, 40):
        contact_add(
            programme=programme,
            data={"kind": ContactKind.INITIAL if offset == 0 else ContactKind.CONTINUOUS,
                  "form": ContactForm.INDIVIDUAL_IN_PERSON, "date": EXAM + dt.timedelta(days=offset), "minutes": 30,
                  "note": "記録"},
            actor=actor,
            today=TODAY,
        )  # fmt: skip
        with django_assert_num_queries(PROGRAMME_PAGE_QUERIES):
            assert alice_client.get(page_url(programme)).status_code == 200


PROGRAMME_PAGE_QUERIES = 12  # whatever the number of contacts (the level decisions read with one)
