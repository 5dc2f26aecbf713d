"""A 保健師's task in real Chromium (issue #16): open a 積極的支援 programme that has not started, record the initial
interview (a refused first try keeps what was typed), two support contacts and the final evaluation → 終了 with
its points. The page fits 1280 px and a 390 px phone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guidance.models import Programme
from tests.factories import PersonFactory, staff_user
from tests.guidance.conftest import make_programme

from .conftest import look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
EXAM = TODAY - dt.timedelta(days=200)


def _record(page, *, kind: str, form: str, day: dt.date, minutes: str = "", weight: str = "", waist: str = "",
            note: str = "", goals: str = "", support: str = "") -> None:  # fmt: skip
    section = page.locator("#contact")
    section.get_by_label("実施内容").select_option(label=kind)
    section.get_by_label("支援形態").select_option(label=form)
    section.get_by_label("実施日").fill(day.isoformat())
    section.get_by_label("実施時間(分)").fill(minutes)
    section.get_by_label("体重 (kg)").fill(weight)
    section.get_by_label("腹囲 (cm)").fill(waist)
    section.get_by_label("記録").fill(note)
    if goals or support:  # the action plan of the initial interview (SPEC §5.2)
        section.get_by_label("行動目標(初回面接、1行に1つ)").fill(goals)
        section.get_by_label("支援計画(積極的支援)").fill(support)
    with page.expect_navigation():
        section.get_by_role("button", name="登録").click()


@pytest.fixture
def intensive(world) -> Programme:
    person = PersonFactory(insurer=world.insurer_a, name_kana="ヤマダ タロウ")
    return make_programme(person, exam_date=EXAM, today=TODAY, weight_kg=Decimal("80.0"), waist_cm=Decimal("95.0"))


def test_from_not_started_to_completed_with_points(browser, live_server, world, intensive) -> None:
    nurse = staff_user(world.insurer_a, "nurse")
    page = staff_page(browser, live_server.url, nurse)
    page.goto(f"{live_server.url}/admin/guidance/programme/?status=not_started&level=1&fiscal_year__exact=all")
    page.get_by_role("link", name="ヤマダ タロウ").first.click()
    assert "初回面接を行ってください" in page.locator("#programme-summary").locator("..").inner_text()
    look(page, "programme", "desktop")

    # An initial interview by telephone is refused (SPEC §5.2): the page says why, at the field, and keeps the input
    interview = EXAM + dt.timedelta(days=10)
    _record(page, kind="初回面接", form="電話", day=interview, minutes="30", note="食事の記録を一緒に確認")
    assert page.locator("#contact .errornote").is_visible()
    assert "初回面接は電話・電子メール等では実施できません" in page.locator("#contact").inner_text()
    assert page.locator("#contact").get_by_label("記録").input_value() == "食事の記録を一緒に確認"
    assert page.locator("#contact").get_by_label("実施時間(分)").input_value() == "30"
    assert page.locator("#contact").get_by_label("実施日").input_value() == interview.isoformat()
    look(page, "programme-refused", "desktop")

    _record(page, kind="初回面接", form="個別支援(対面)", day=interview, minutes="30", note="食事の記録を一緒に確認",
            goals="毎日30分歩く", support="月2回の個別支援")  # fmt: skip
    assert "支援記録を登録しました" in page.content()
    for days in (40, 70):
        _record(page, kind="継続的支援", form="個別支援(対面)", day=EXAM + dt.timedelta(days=days), minutes="20",
                note=f"{days}日目: 歩数の確認")  # fmt: skip
    timeline = page.locator("#programme-timeline").locator("..").inner_text()
    assert "40日目: 歩数の確認" in timeline and "70日目: 歩数の確認" in timeline
    _record(page, kind="実績評価", form="個別支援(対面)", day=interview + dt.timedelta(days=100), minutes="20",
            weight="77.5", waist="92.5", note="目標達成")  # fmt: skip

    summary = page.locator("#programme-summary").locator("..").inner_text()
    assert "終了" in summary and "対応は不要" in summary
    programme = Programme.objects.get(pk=intensive.pk)
    assert programme.status == "completed" and programme.total_points >= 180
    assert f"{programme.total_points} / 180" in summary
    points = page.locator("#programme-points").locator("..").inner_text()
    assert "腹囲2.0cm以上かつ体重2.0kg以上減少" in points and "outcome_2cm_2kg" not in points
    look(page, "programme-completed", "desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    look(page, "programme-completed", "phone")
    page.context.close()


def test_phone_contact_form_fits(browser, live_server, world, intensive) -> None:
    page = staff_page(browser, live_server.url, staff_user(world.insurer_a, "nurse"), size="phone")
    page.goto(f"{live_server.url}/admin/guidance/programme/{intensive.pk}/change/")
    look(page, "programme", "phone")
    page.context.close()
