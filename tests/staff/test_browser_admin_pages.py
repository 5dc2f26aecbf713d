"""Every admin page a staff user can reach, in Chromium (issue #16 acceptance): at 1280 px nothing in the main
content scrolls sideways (wide tables included); at 390 px the page never scrolls sideways and no form control is
cut off or narrower than 44 px; axe-core finds no serious or critical violation. One seeded demo, one browser."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from demo.population import DEMO_STAFF_USERNAME
from tests.browser.axe import describe, serious_violations

from .conftest import layout_problems, staff_page
from .crawl import staff_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages with a known problem, and why: the remainder of issue #16 (each removed when fixed)
KNOWN_REMAINDER: dict[str, str] = {
    # the statutory report pages (issue #17, built in parallel): their tables are wider than 1280 px and the base
    # year's strata inline has inputs without labels (Django's tabular inline)
    "/admin/rates/statutoryreportpage/": "法定報告: the table scrolls sideways at 1280 px (issue #17)",
    "/admin/rates/outcomereportpage/": "保健指導の成果: the table scrolls sideways at 1280 px (issue #17)",
    "/admin/rates/reductionbase/add/": "基準年度: strata inline inputs without labels (axe critical, issue #17)",
    "/admin/rates/reductionbase/N/change/": "基準年度: strata inline inputs without labels (axe critical, issue #17)",
}


def test_every_staff_page_fits_and_passes_axe(browser, live_server) -> None:
    with translation.override("ja"):
        call_command("seed_demo", persons=150)
    user = get_user_model().objects.get(username=DEMO_STAFF_USERNAME)
    client = Client()
    client.force_login(user)
    pages = staff_pages(client)
    assert len(pages) > 30
    problems: dict[str, list[str]] = {}
    for size in ("desktop", "phone"):
        page = staff_page(browser, live_server.url, user, size=size)
        for key, (url, _html) in sorted(pages.items()):
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            found = layout_problems(page, size)
            if size == "desktop":
                found += [describe([v]) for v in serious_violations(page)]
            if found:
                problems[f"{key} at {size}"] = found
        page.context.close()
    unknown = {k: v for k, v in problems.items() if k.split(" at ")[0] not in KNOWN_REMAINDER}
    assert not unknown, "\n".join(f"{k}: {v}" for k, v in sorted(unknown.items()))
