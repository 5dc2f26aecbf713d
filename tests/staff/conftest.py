"""Browser helpers of the staff workspace tests (issue #16): one Chromium per module, sign-in without typing,
layout checks at 1280 and 390 px, and screenshots (STAFF_SCREENSHOTS=docs/screenshots writes staff-*.png)."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from members.auth_backend import BACKEND

from ..browser.axe import assert_no_serious_violations
from ..browser.chromium import DESKTOP, PHONE, SIZES, chromium

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's event loop runs in the test thread

# Elements of the main content that scroll sideways at 1280 px (a wide table included); the admin's own
# screen-reader-only text (.visually-hidden, 1 px wide by design) is not content, and the text inside a form control
# (a long value or placeholder) is the control's own business.
OVERFLOW_JS = """() => [...document.querySelectorAll('#content *')]
  .filter(e => !e.closest('.visually-hidden') && !e.matches('input, select, textarea')
               && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
               && getComputedStyle(e).overflowX !== 'visible' || (e.getBoundingClientRect().right >
               document.documentElement.clientWidth + 1 && !e.closest('.visually-hidden')))
  .slice(0, 8).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`
                        + ` ${e.scrollWidth}/${e.clientWidth}`)"""

# Form controls at 390 px: not cut off (inside the viewport unless in a box that scrolls) and at least 44 px wide;
# a checkbox or radio is measured by what one taps: its label (or the table cell it sits in).
CONTROLS_JS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('#content input, #content select, #content textarea, #content button')) {
    if (el.type === 'hidden' || el.closest('.visually-hidden') || el.closest('details:not([open])')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let box = el;
    if (el.type === 'checkbox' || el.type === 'radio') {  // what one taps: its label, else its table cell
      const byFor = el.id && document.querySelector(`label[for="${el.id}"]`);
      box = el.closest('label') || byFor || el.closest('td, th') || el;
    }
    const r = box.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let scroller = el.parentElement, inScroller = false;
    while (scroller && scroller !== document.body) {
      const ox = getComputedStyle(scroller).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && scroller.scrollWidth > scroller.clientWidth) {
        inScroller = true; break;
      }
      scroller = scroller.parentElement;
    }
    const name = `${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''}${el.id ? '#' + el.id : ''}`;
    if (!inScroller && (r.left < -1 || r.right > width + 1)) {
      found.push(`${name} cut off (${Math.round(r.left)}–${Math.round(r.right)})`);
    }
    if (r.width < 44) found.push(`${name} ${Math.round(r.width)} px wide`);
  }
  return found.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        with chromium() as launched:
            yield launched
    except RuntimeError as missing:
        pytest.fail(str(missing))


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def staff_page(browser: Any, base: str, user: Any, size: str = "desktop") -> Any:
    """A new browser page signed in as `user` (the login form itself is covered elsewhere)."""
    context = browser.new_context(viewport=SIZES[size], locale="ja-JP", accept_downloads=True)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = base
    return page


def layout_problems(page: Any, size: str) -> list[str]:
    """What is wrong with the page's width at this size (empty when nothing)."""
    problems = []
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    if page_width > SIZES[size]["width"]:
        problems.append(f"the page is {page_width} px wide")
    if size == "desktop":
        problems += page.evaluate(OVERFLOW_JS)
    else:
        problems += page.evaluate(CONTROLS_JS)
    return problems


def look(page: Any, name: str, size: str, *, axe: bool = True) -> None:
    """No sideways scroll, controls usable, axe-core clean; a screenshot when STAFF_SCREENSHOTS is set."""
    page.wait_for_load_state("networkidle")
    problems = layout_problems(page, size)
    assert not problems, f"{name} at {size}: {problems}"
    if axe:
        assert_no_serious_violations(page, f"{name} at {size}")
    folder = os.environ.get("STAFF_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/staff-{name}-{size}.png", full_page=True)


__all__ = ["DESKTOP", "PHONE", "browser", "layout_problems", "look", "staff_page"]
