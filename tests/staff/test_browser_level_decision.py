"""A 保健師's task in real Chromium (issue #16, SPEC §5.6): correct a checkup so that its level changes, see the
level change waiting on the home (今日の仕事), follow it to the programme, read both levels in words and decide —
switch (contacts kept) or keep — and the decision is recorded with who took it. Both pages fit 1280 and 390 px.

STAFF_SCREENSHOTS=docs/screenshots writes staff-level-decision-*.png."""

import datetime as dt

import pytest
from django.utils import timezone

from checkups.codes import Source
from checkups.models import Checkup
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel
from guidance.models import LevelDecisionRecord, Programme
from guidance.services import contact_add
from intake.services import checkup_correct_item, checkup_store
from members.actors import actor_for_user
from members.fiscal import fiscal_year_of
from tests.checkups.documents import document
from tests.factories import PersonFactory, staff_user

from .conftest import look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
# this fiscal year's exam (the home counts this year's programmes), at most 100 days ago
EXAM = max(dt.date(fiscal_year_of(TODAY), 4, 1), TODAY - dt.timedelta(days=100))
SYSTOLIC_1 = "9A751000000000001"  # 収縮期血圧(1回目): 134 and 128 average 131 ≥ 130, risk ① (SPEC §2.3)
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture
def nurse(world):
    user = staff_user(world.insurer_a, "nurse")
    user.last_name, user.first_name = "保健", "花子"
    user.save(update_fields=["last_name", "first_name"])
    return user


@pytest.fixture
def started(world, nurse) -> Programme:
    """積極的支援 after its initial interview: male, 55, waist 88, blood pressure 131 and glucose 104 (two risks)."""
    person = PersonFactory(
        insurer=world.insurer_a, name_kana="サトウ ジロウ", birth_date=dt.date(TODAY.year - 55, 1, 5)
    )
    checkup, _ = checkup_store(person=person, document=document(person, exam_date=EXAM), source=Source.CLINIC_API)
    programme = Programme.objects.get(checkup=checkup)
    assert (checkup.guidance_level, programme.level) == (1, ProgrammeLevel.INTENSIVE)
    plan = {"goals": ["毎日30分歩く"], "support_plan": "月2回の個別支援"}
    contact_add(
        programme=programme,
        data={"kind": ContactKind.INITIAL, "form": ContactForm.INDIVIDUAL_IN_PERSON, "date": EXAM, "minutes": 30,
              "action_plan": plan, "note": "初回面接"},
        actor=actor_for_user(nurse),
    )  # fmt: skip
    return programme


def _look_at_both_sizes(page, name: str) -> None:
    look(page, name, "desktop")
    page.set_viewport_size(PHONE_VIEWPORT)
    page.reload()
    look(page, name, "phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()


def _correct_the_checkup(page, programme: Programme) -> None:
    """The 1st systolic reading was 124, not 134: mean 126 < 130, one risk left → 動機付け支援 (SPEC §2.3–§2.4)."""
    page.goto(f"{page.base}/admin/checkups/checkup/{programme.checkup_id}/change/")
    assert "積極的支援" in page.locator("#our-level").inner_text()
    _look_at_both_sizes(page, "level-decision-checkup")
    form = page.locator("form", has=page.get_by_role("button", name="修正して再判定する"))
    form.get_by_label("項目").select_option(value=SYSTOLIC_1)
    form.get_by_label("新しい値").fill("124")
    form.get_by_label("修正理由").fill("1回目の転記誤り")
    with page.expect_navigation():
        form.get_by_role("button", name="修正して再判定する").click()
    assert "積極的支援 → 動機付け支援" in page.locator(".messagelist").inner_text()
    assert "動機付け支援" in page.locator("#our-level").inner_text()
    history = page.locator("table.corrections").inner_text()
    assert "収縮期血圧(1回目)" in history  # the item by name, not its code
    assert SYSTOLIC_1 not in history


def _follow_the_home_card(page) -> None:
    """今日の仕事: 区分変更の判断待ち 1 → its list (one row) → the programme."""
    page.goto(f"{page.base}/admin/")
    card = page.locator(".staff-home-item a", has_text="区分変更の判断待ち")
    assert card.locator(".staff-home-count").inner_text().rstrip("件") == "1"
    with page.expect_navigation():
        card.click()
    assert page.locator("#result_list tbody tr").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="サトウ ジロウ").first.click()


def _read_the_question(page) -> None:
    """Both levels, why nothing changed by itself, the correction with who made it: in words, no codes."""
    text = page.locator("#level").inner_text()
    assert "「積極的支援」から「動機付け支援」に変わりました" in text
    assert "区分は自動では変えていません" in text
    assert "支援記録はそのまま引き継ぎます" in text
    assert "収縮期血圧" in text
    assert "134 → 124" in text
    assert "1回目の転記誤り" in text
    assert "保健 花子" in text
    assert "level_decision_required" not in page.locator("#content").inner_text()


def _switch(page) -> None:
    section = page.locator("#level")
    section.get_by_label("「動機付け支援」に切り替える(支援記録は引き継ぐ)").check()
    section.get_by_label("判断の理由(任意)").fill("血圧の転記誤りのため")
    with page.expect_navigation():
        section.get_by_role("button", name="判断を記録").click()
    assert "「動機付け支援」に切り替えました" in page.locator(".messagelist").inner_text()
    decisions = page.locator("#level-decisions").inner_text()
    assert "「積極的支援」から「動機付け支援」に切り替え" in decisions
    assert "血圧の転記誤りのため" in decisions
    assert "保健 花子" in decisions
    assert page.get_by_role("button", name="判断を記録").count() == 0  # nothing waits any more
    summary = page.locator("#programme-summary").locator("..").inner_text()
    assert "動機付け支援" in summary
    assert "区分変更" not in summary
    assert "初回面接" in page.locator("#programme-timeline").locator("..").inner_text()  # contacts kept


def test_correct_a_checkup_then_switch_the_programme(browser, live_server, nurse, started) -> None:
    page = staff_page(browser, live_server.url, nurse)
    _correct_the_checkup(page, started)
    assert Programme.objects.get(pk=started.pk).level == ProgrammeLevel.INTENSIVE  # never changed silently
    _follow_the_home_card(page)
    _read_the_question(page)
    _look_at_both_sizes(page, "level-decision-programme")
    _switch(page)
    look(page, "level-decision-switched", "desktop")
    page.context.close()

    record = LevelDecisionRecord.objects.get(programme=started)
    assert (record.decision, record.previous_level, record.new_level, record.decided_by) == ("switch", 1, 2, nurse)
    assert record.note == "血圧の転記誤りのため"
    programme = Programme.objects.get(pk=started.pk)
    assert (programme.level, programme.contacts.count()) == (ProgrammeLevel.MOTIVATIONAL, 1)
    assert programme.next_action != "level_decision_required"


def test_keep_the_level_after_a_correction(browser, live_server, nurse, started) -> None:
    checkup = Checkup.objects.get(pk=started.checkup_id)
    checkup_correct_item(checkup=checkup, item_code=SYSTOLIC_1, value="124", reason="転記誤り", user=nurse)
    page = staff_page(browser, live_server.url, nurse)
    page.goto(f"{live_server.url}/admin/guidance/programme/{started.pk}/change/")
    assert "区分変更を判断する" in page.locator("#programme-summary").locator("..").inner_text()
    section = page.locator("#level")
    section.get_by_label("「積極的支援」のまま続ける").check()
    with page.expect_navigation():
        section.get_by_role("button", name="判断を記録").click()
    assert "「積極的支援」のまま続けることを記録しました" in page.locator(".messagelist").inner_text()
    kept = page.locator("#level-decisions").inner_text()
    assert "「積極的支援」のまま継続" in kept
    assert "修正後の健診結果による区分は「動機付け支援」" in kept
    look(page, "level-decision-kept", "desktop")
    page.context.close()

    record = LevelDecisionRecord.objects.get(programme=started)
    assert (record.decision, record.previous_level, record.new_level, record.decided_by) == ("keep", 1, 1, nurse)
    assert record.checkup_guidance_level == 2  # the decision answers for the corrected checkup's 動機付け支援
    programme = Programme.objects.get(pk=started.pk)
    assert (programme.level, programme.contacts.count()) == (ProgrammeLevel.INTENSIVE, 1)
    assert programme.next_action != "level_decision_required"
