"""Issue #18 in a real browser at the phone size (390 px): each problem found on main, as a person meets it."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from portal.models import SelfMeasurement

from ..factories import ContactFactory, ProgrammeFactory, staff_user
from .conftest import PASSWORD, make_checkup, make_member, rich_history
from .test_browser_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visible_in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= page.viewport_size["height"]


def _kazoku(world):
    person = world.person_a
    last_year = make_checkup(person, dt.date(2025, 6, 2), weight_kg=Decimal("89.3"), waist_cm=Decimal("99.6"))
    ProgrammeFactory(checkup=last_year, person=person, insurer=person.insurer, fiscal_year=2025,
                     level=ProgrammeLevel.INTENSIVE)  # fmt: skip
    make_checkup(person, dt.date(2026, 6, 3), weight_kg=Decimal("62.2"), waist_cm=Decimal("78.0"), ldl=Decimal("174"),
                 triglycerides_fasting=Decimal("90"), hba1c=Decimal("5.2"), systolic_1=Decimal("118"),
                 systolic_2=Decimal("118"))  # fmt: skip
    for day, kg in ((dt.date(2026, 9, 9), "61.9"), (dt.date(2026, 11, 18), "60.4")):
        SelfMeasurement.objects.create(person=person, measured_on=day, weight_kg=Decimal(kg))
    return make_member(person, "kazoku")


def test_programme_year_change_and_referral_on_a_phone(page, world) -> None:
    sign_in(page.context, page.base, _kazoku(world))
    page.goto(f"{page.base}/me/")
    assert _visible_in_viewport(page, ".referral-box")  # the home page says first that a value needs a doctor
    assert "LDLコレステロール 174" in page.locator(".referral-box").inner_text()
    assert "すぐに薬による治療が始まるとは限りません" in page.locator(".referral-box").inner_text()
    page.goto(f"{page.base}/me/guidance/")
    text = page.locator("main").inner_text()
    assert "2025年度の保健指導" in text and "始まらないまま" in text
    assert "−28.9" not in text and "-28.9" not in text
    assert "2026年6月3日の特定健診の体重 62.2 kg から −1.8 kg" in text
    assert "医療機関での相談をおすすめする値があります" in text
    page.get_by_role("link", name="医療機関に持っていく用紙を開く").click()
    page.wait_for_url("**/me/checkups/2026/document/")
    assert "医療機関記入欄" in page.locator("main").inner_text()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)  # the browser's print of the sheet
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # one checkup: one A4 sheet


def test_goal_in_kg_and_cm_and_initial_incomplete_on_a_phone(page, world) -> None:
    checkup = make_checkup(world.person_a, dt.date(2025, 6, 2), weight_kg=Decimal("63.7"), waist_cm=Decimal("90.0"))
    programme = ProgrammeFactory(checkup=checkup, person=world.person_a, insurer=world.insurer_a,
                                 fiscal_year=2025, level=ProgrammeLevel.INTENSIVE,
                                 status=ProgrammeStatus.INITIAL_INCOMPLETE)  # fmt: skip
    ContactFactory(programme=programme, kind=ContactKind.INITIAL_PART1, form=ContactForm.INDIVIDUAL_IN_PERSON,
                   date=dt.date(2025, 6, 2), minutes=15)  # fmt: skip
    sign_in(page.context, page.base, make_member(world.person_a, "hanako"))
    page.goto(f"{page.base}/me/guidance/")
    text = page.locator("main").inner_text()
    assert "初回面接②" in text and "健診の結果がすべてそろってから" in text
    assert "63.7 kg × 0.024 = 1.5288" in text and "切り上げた 1.6 以上" in text
    assert "62.1 kg 以下" in text and "88.4 cm 以下" in text
    goal = page.locator("p.goal").inner_text()
    assert "ポイント" not in goal


def test_a_refused_entry_is_shown_at_the_form_focused_and_kept(page, world) -> None:
    rich_history(world)
    sign_in(page.context, page.base, make_member(world.person_a, "hanako"))
    page.goto(f"{page.base}/me/guidance/")
    page.locator("#id_measured_on").fill("1900-01-01")
    page.locator("#id_weight_kg").fill("500")
    with page.expect_navigation():
        page.get_by_role("button", name="記録する").click()
    assert page.url.endswith("/me/guidance/log/")
    assert page.evaluate("() => document.activeElement.id") == "id_measured_on"  # the first field with an error
    assert _visible_in_viewport(page, ".error-summary")  # where the person is looking, not two screens down
    assert page.locator(".error-summary").get_attribute("role") == "alert"
    assert page.locator("#id_weight_kg").input_value() == "500"
    assert page.locator("#id_measured_on").input_value() == "1900-01-01"
    assert "範囲で入力してください" in page.locator("#log-form").inner_text()


def test_two_axes_and_delete_with_confirmation_on_a_phone(page, world) -> None:
    rich_history(world)
    sign_in(page.context, page.base, make_member(world.person_a, "hanako"))
    page.goto(f"{page.base}/me/guidance/")
    for _ in range(100):
        if page.evaluate("() => (window.portalCharts || []).length") >= 1:
            break
        page.wait_for_timeout(100)
    axes = page.evaluate("() => Object.keys(window.portalCharts[0].options.scales).sort()")
    assert {"kg", "cm"} <= set(axes)  # two y axes (and Chart.js's x)
    positions = page.evaluate(
        "() => [window.portalCharts[0].scales.kg.position, window.portalCharts[0].scales.cm.position]"
    )
    assert positions == ["left", "right"]
    rows = page.locator("#log-table tbody tr").count()
    page.locator("#log-table a").first.click()
    page.wait_for_url("**/delete/")
    assert "この記録を削除しますか" in page.locator("main").inner_text()
    page.get_by_role("link", name="削除しないで戻る").click()
    page.wait_for_url("**/me/guidance/#log")
    assert page.locator("#log-table tbody tr").count() == rows  # nothing deleted by one click
    page.locator("#log-table a").first.click()
    page.get_by_role("button", name="削除する").click()
    page.wait_for_url("**/me/guidance/#log")
    assert page.locator("#log-table tbody tr").count() == rows - 1


def test_error_page_has_a_way_home_and_the_help_desk(page, world) -> None:
    rich_history(world)
    response = page.goto(f"{page.base}/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "ページが見つかりません"
    assert "03-1111-2222" in page.locator("main").inner_text()
    page.get_by_role("link", name="わたしの健診のトップへ").click()
    page.wait_for_url("**/login/")


def test_idle_logout_says_why_and_returns(page, world, settings) -> None:
    settings.SESSION_COOKIE_AGE = 3  # 30 minutes in production; the page leaves by itself when it is up
    make_checkup(world.person_a, dt.date(2025, 6, 2))
    make_member(world.person_a, "hanako")
    page.goto(f"{page.base}/login/")
    page.locator("#id_username").fill("hanako")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    session = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    assert session["expires"] == -1  # a browser-session cookie: closing the browser ends it
    page.goto(f"{page.base}/me/checkups/2025/")
    page.wait_for_url("**/login/?next=*", timeout=20_000)  # session.js leaves the page; the server says why
    assert "操作がなかったため、安全のためログアウトしました" in page.locator("main").inner_text()
    assert "2025年6月2日" not in page.content()  # the health data is off the screen
    page.locator("#id_username").fill("hanako")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert page.url.endswith("/me/checkups/2025/")


def test_csv_download_is_japanese_with_a_bom(page, world, tmp_path: Path) -> None:
    rich_history(world)
    sign_in(page.context, page.base, make_member(world.person_a, "hanako"))
    page.goto(f"{page.base}/me/download/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSVファイル(表計算ソフト用)").click()
    path = tmp_path / "data.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:4] == ["年度", "健診日", "種類", "項目"]


def test_the_letter_has_date_help_desk_and_a_qr_code(page, world) -> None:
    rich_history(world)
    sign_in(page.context, page.base, staff_user(world.insurer_a, "alice"))
    page.goto(f"{page.base}/{settings.ADMIN_URL}portal/invitation/issue/{world.person_a.pk}/")
    page.get_by_role("button", name="発行して招待状を表示").click()
    page.wait_for_url("**/letter/")
    text = page.locator("main").inner_text()
    today = timezone.localdate()
    assert "「わたしの健診」ご利用登録のご案内" in text and f"{today.year}年" in text
    assert "03-1111-2222" in text and "平日 9:00〜17:00" in text
    assert page.evaluate("() => document.querySelector('img.qr').naturalWidth") > 0
