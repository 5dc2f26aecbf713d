"""Every admin page a staff user can reach, in Chromium (issue #16 acceptance): at 1280 px nothing in the main
content scrolls sideways (wide tables included); at 390 px the page never scrolls sideways and no form control is
cut off or narrower than 44 px; axe-core finds no serious or critical violation. One seeded demo, one browser."""

import os
import re
from pathlib import Path

import lxml.html
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
KNOWN_REMAINDER: dict[str, str] = {}


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.removeprefix("/admin/").lower()).strip("-") or "index"


def _index(folder: Path, pages: dict[str, tuple[str, str]]) -> None:
    """docs/screenshots/staff-pages.md: every staff page the crawl reached, with its title, at both sizes."""
    lines = [
        "# Staff pages (admin, Japanese), 1280 px and 390 px",
        "",
        "Written by `make staff-screenshots` (the crawl of tests/staff/test_browser_admin_pages.py on the demo).",
        "",
        "| page | path | phone (390 px) | desktop (1280 px) |",
        "|---|---|---|---|",
    ]
    for key, (_url, html) in sorted(pages.items()):
        title = (lxml.html.fromstring(html).findtext(".//title") or "").split("|")[0].strip()
        slug = _slug(key)
        lines.append(
            f"| {title} | `{key}` | [phone](staff-page-{slug}-phone.png) | [desktop](staff-page-{slug}-desktop.png) |"
        )
    (folder / "staff-pages.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_staff_page_fits_and_passes_axe(browser, live_server) -> None:
    with translation.override("ja"):
        call_command("seed_demo", persons=150)
    user = get_user_model().objects.get(username=DEMO_STAFF_USERNAME)
    client = Client()
    client.force_login(user)
    pages = staff_pages(client)
    folder = Path(os.environ["STAFF_SCREENSHOTS"]) if os.environ.get("STAFF_SCREENSHOTS") else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
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
            if folder:
                page.screenshot(path=str(folder / f"staff-page-{_slug(key)}-{size}.png"))
        page.context.close()
    if folder:
        _index(folder, pages)
    unknown = {k: v for k, v in problems.items() if k.split(" at ")[0] not in KNOWN_REMAINDER}
    assert not unknown, "\n".join(f"{k}: {v}" for k, v in sorted(unknown.items()))
