"""The self-service page in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), at the
phone size (390 px). The fixtures `browser` and `page` are in conftest.py."""

import datetime as dt
from decimal import Decimal

import pytest

from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from members.actors import actor_for_user
from members.audit import access_log_record
from members.models import AccessLog
from portal.models import SelfMeasurement
from portal.services import invitation_issue

from ..factories import ContactFactory, ProgrammeFactory, staff_user
from .conftest import PASSWORD, make_checkup, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str, password: str):
    page.goto(f"{page.base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="ログイン").click()
    return navigation.value


def _wait_for_charts(page, count: int) -> None:
    """Polled from Python: wait_for_function would eval a string, which the page's CSP (rightly) forbids."""
    for _ in range(150):
        if page.evaluate("() => (window.portalCharts || []).length") >= count:
            return
        page.wait_for_timeout(100)
    pytest.fail("charts were not drawn")


def _history(world) -> None:
    """Three years of results, a guidance programme with a contact, and one staff read in the access log."""
    person = world.person_a
    make_checkup(person, dt.date(2023, 6, 5), weight_kg=Decimal("78.2"), waist_cm=Decimal("91.0"),
                 systolic_1=Decimal("138"), systolic_2=Decimal("136"), hba1c=Decimal("5.9"))  # fmt: skip
    make_checkup(person, dt.date(2024, 6, 3), weight_kg=Decimal("77.0"), waist_cm=Decimal("90.0"),
                 triglycerides_fasting=Decimal("210"), ldl=Decimal("150"))  # fmt: skip
    latest = make_checkup(person, dt.date(2025, 6, 2), hba1c=Decimal("6.6"), ldl=Decimal("162"))
    programme = ProgrammeFactory(
        checkup=latest, person=person, insurer=person.insurer, fiscal_year=2025, level=ProgrammeLevel.INTENSIVE,
        status=ProgrammeStatus.IN_PROGRESS, process_points=70, total_points=70, initial_on=dt.date(2025, 7, 1),
        target_weight_kg=Decimal("72.0"), target_waist_cm=Decimal("84.0"),
        behaviour_goals=["夕食後の間食をやめる", "1日8000歩歩く"],
    )  # fmt: skip
    ContactFactory(
        programme=programme,
        kind=ContactKind.INITIAL,
        form=ContactForm.INDIVIDUAL_IN_PERSON,
        date=dt.date(2025, 7, 1),
        minutes=30,
        weight_kg=Decimal("75.0"),
        waist_cm=Decimal("88.0"),
    )
    ContactFactory(programme=programme, kind=ContactKind.CONTINUOUS, form=ContactForm.INDIVIDUAL_REMOTE,
                   date=dt.date(2025, 8, 5), minutes=20)  # fmt: skip
    for day, weight in ((dt.date(2025, 7, 15), "74.6"), (dt.date(2025, 8, 15), "74.1")):
        SelfMeasurement.objects.create(person=person, measured_on=day, weight_kg=Decimal(weight))
    nurse = staff_user(world.insurer_a, "nurse", job_title="保健師")
    access_log_record(actor=actor_for_user(nurse), person_ids=[person.pk], action=AccessLog.Action.ADMIN_VIEW,
                      target="checkup:1")  # fmt: skip


def test_register_login_results_chart_log_access_logout(page, world) -> None:
    _history(world)
    code = invitation_issue(person=world.person_a, created_by=None).code

    page.goto(f"{page.base}/register/")
    page.get_by_label("招待コード").fill(code.lower().replace("-", " "))  # as a person might type it
    page.get_by_label("生年月日").fill("1970-01-01")
    page.get_by_label("ログインID").fill("hanako")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").click()
    assert page.url.endswith("/me/")

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/login/")
    _login(page, "hanako", PASSWORD)
    assert page.url.endswith("/me/")

    page.get_by_role("link", name="健診結果", exact=True).click()
    _wait_for_charts(page, 6)
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('canvas')].map(c => {
             const blank = document.createElement('canvas'); blank.width = c.width; blank.height = c.height;
             return c.width > 0 && c.height > 0 && c.toDataURL() !== blank.toDataURL(); })"""
    )
    assert drawn and all(drawn)

    page.get_by_role("link", name="2025年度", exact=False).first.click()
    page.wait_for_url("**/me/checkups/2025/")
    table = page.locator("table.results")
    assert "HbA1c" in table.inner_text() and "受診勧奨判定値" in table.inner_text()
    assert "診断ではありません" in page.content()

    page.get_by_role("link", name="保健指導").first.click()
    page.get_by_label("体重 (kg)").fill("73.4")
    with page.expect_navigation():
        page.get_by_role("button", name="記録する").click()
    assert "73.4" in page.locator("#log-table").inner_text()
    assert SelfMeasurement.objects.filter(person=world.person_a, weight_kg=Decimal("73.4")).exists()
    assert "1.8" in page.locator(".goal").inner_text()  # 75.0 kg × 0.024 (SPEC §5.5)

    page.get_by_role("link", name="閲覧記録").click()
    assert "保健師" in page.locator("#access-table").inner_text()
    assert "nurse" not in page.locator("#access-table").inner_text()  # names hidden unless the insurer opts in

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/login/")
    page.goto(f"{page.base}/me/checkups/")
    assert page.url.endswith("/login/?next=%2Fme%2Fcheckups%2F")
    assert "操作がなかったため" not in page.content()  # logged out on purpose: not called idle


def test_another_persons_record_answers_404(page, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 2))
    entry = SelfMeasurement.objects.create(person=world.person_a, measured_on=dt.date(2025, 9, 1), weight_kg=70)
    make_member(world.person_b, "jiro")
    _login(page, "jiro", PASSWORD)
    assert page.url.endswith("/me/")
    response = page.goto(f"{page.base}/me/checkups/2025/")
    assert response.status == 404
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{page.base}/me/guidance/log/{entry.public_id}/delete/",
        headers={"X-CSRFToken": token, "Referer": f"{page.base}/me/guidance/"},
    )
    assert response.status == 404
    assert SelfMeasurement.objects.filter(pk=entry.pk).exists()


def test_lockout_after_repeated_wrong_passwords(page, world) -> None:
    make_member(world.person_a, "hanako")
    statuses = []
    for _ in range(5):  # AXES_FAILURE_LIMIT
        statuses.append(_login(page, "hanako", "wrong-password-123").status)
    assert statuses[:4] == [200, 200, 200, 200]
    response = _login(page, "hanako", PASSWORD)  # the right password no longer helps
    assert response.status in (403, 429)
    page.goto(f"{page.base}/me/")
    assert page.url.endswith("/login/?next=%2Fme%2F")
