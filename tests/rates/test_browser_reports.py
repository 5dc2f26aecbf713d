"""The report pages in headless Chromium at 390 and 1280 px: axe-core 0 serious/critical, no sideways scroll,
the charts drawn (issue #17). With REPORT_SCREENSHOTS=docs/screenshots the run writes rates-<page>-<size>.png.
"""

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from members.auth_backend import BACKEND
from rates.models import RateTarget
from tests.factories import staff_user

from ..browser.axe import assert_no_serious_violations
from ..browser.chromium import SIZES, chromium
from .population import FY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's event loop runs in this thread

PAGES = [
    ("statutory-report", f"rates/statutoryreportpage/?insurer=06999999&fiscal_year={FY}", "法定報告"),
    ("outcomes", f"rates/outcomereportpage/?insurer=06999999&fiscal_year={FY}", "保健指導の成果"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        with chromium() as launched:
            yield launched
    except RuntimeError as missing:
        pytest.fail(str(missing))


@pytest.fixture(autouse=True)
def targets(db):
    """The 第4期 targets (a transactional test starts from an empty database, without the seeded rows)."""
    RateTarget.objects.get_or_create(
        scope="national", defaults={"checkup_percent": 70, "guidance_percent": 45, "metabolic_reduction_percent": 25}
    )
    RateTarget.objects.get_or_create(scope="single_kenpo", defaults={"checkup_percent": 90, "guidance_percent": 60})


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: dt.date(2026, 10, 1))


def _signed_in(browser, base: str, user, size: str):
    client = Client()
    client.force_login(user, backend=BACKEND)
    context = browser.new_context(viewport=SIZES[size], locale="ja-JP")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": base}]
    )  # fmt: skip
    return context


def look(page, name: str, size: str) -> None:
    page.wait_for_load_state("networkidle")
    assert_no_serious_violations(page, f"{name} at {size}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{name} scrolls sideways at {size}: {width} px"
    folder = os.environ.get("REPORT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/rates-{name}-{size}.png", full_page=True)
        if os.environ.get("REPORT_SCREENSHOT_PARTS"):  # slices at full resolution, for looking at details
            height = page.evaluate("() => document.documentElement.scrollHeight")
            step = SIZES[size]["height"]
            for part, top in enumerate(range(0, height, step)):
                clip = {"x": 0, "y": top, "width": SIZES[size]["width"], "height": min(step, height - top)}
                page.screenshot(path=f"{folder}/part-{name}-{size}-{part}.png", full_page=True, clip=clip)


@pytest.mark.parametrize("size", list(SIZES))
def test_report_pages_in_the_browser(browser, live_server, hand_built, outcomes, size):
    context = _signed_in(browser, live_server.url, staff_user(hand_built, "alice"), size)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        for name, path, heading in PAGES:
            page.goto(f"{live_server.url}/{settings.ADMIN_URL}{path}")
            assert heading in page.locator("h1").inner_text()
            bars = page.locator(".hbars-bar")
            assert bars.count() >= 2 and bars.first.bounding_box()["width"] > 0  # drawn, not just in the HTML
            look(page, name, size)
    finally:
        context.close()
