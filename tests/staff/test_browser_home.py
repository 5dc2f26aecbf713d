"""今日の仕事 in Chromium (issue #16) on the demo: the cards fit 1280 px and a 390 px phone (no sideways scroll,
controls usable, axe-core clean), and a card opens the list of the rows it counts.

STAFF_SCREENSHOTS=docs/screenshots writes staff-home-desktop.png and staff-home-phone.png."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from demo.population import DEMO_STAFF_USERNAME

from .conftest import look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_home_fits_and_its_cards_open_their_lists(browser, live_server, size) -> None:
    with translation.override("ja"):
        call_command("seed_demo", persons=150)
    user = get_user_model().objects.get(username=DEMO_STAFF_USERNAME)
    page = staff_page(browser, live_server.url, user, size=size)
    page.goto(f"{live_server.url}/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "今日の仕事"
    assert page.get_by_role("heading", name="保険者職員メニュー").is_visible()  # the menu of models stays below
    look(page, "home", size)
    card = page.locator(".staff-home-item a", has_text="未開始の積極的支援")
    count = int(card.locator(".staff-home-count").inner_text().rstrip("件"))
    with page.expect_navigation():
        card.click()
    assert count > 0 and page.locator("#result_list tbody tr").count() == count  # one page (at most 100 rows)
    page.context.close()
