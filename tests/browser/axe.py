"""axe-core in a Playwright page: inject, run, and keep the violations that matter (serious and critical).

Generic: any browser test can call `serious_violations(page)` on any page, portal or admin. The script is evaluated
through the DevTools protocol (`page.evaluate`), so a strict Content-Security-Policy (script-src 'self') does not
need to be loosened for the test. axe-core is vendored in `vendor/` (see its README).

    from tests.browser.axe import assert_no_serious_violations
    assert_no_serious_violations(page, "portal home at 390 px")
"""

from functools import cache
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_RUN = """async (options) => {
  const result = await window.axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({ target: n.target.join(" "), summary: n.failureSummary || "" })),
  }));
}"""


@cache
def _source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def inject(page: Any) -> None:
    """Load axe-core into the page once (again after a navigation)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source() + "\n;undefined")


def run(page: Any, *, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """All violations of the current page (axe's default rule set unless `options` says otherwise)."""
    inject(page)
    return page.evaluate(_RUN, options or {"resultTypes": ["violations"]})


def serious_violations(page: Any, *, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The violations with impact serious or critical: these must be 0."""
    return [v for v in run(page, options=options) if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(n["target"] for n in v["nodes"][:5])
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Any, where: str = "") -> None:
    found = serious_violations(page)
    assert not found, f"axe-core {AXE_VERSION}: serious/critical violations {where or page.url}:\n{describe(found)}"
