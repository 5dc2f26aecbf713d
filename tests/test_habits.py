"""Code habits of issue #12 that no linter checks: every `type: ignore` names its error code and says why."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", ".git", "migrations"}

# `# type: ignore[code]  # the reason`: a bare ignore, or one without a reason after it, is refused
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]+\])?(?P<rest>.*)$")
REASON = re.compile(r"^\s+#\s*\S")


def unexplained_ignores(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1]):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = IGNORE.search(line)
            if match and (not match["codes"] or not REASON.match(match["rest"])):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_every_type_ignore_names_its_code_and_its_reason() -> None:
    assert unexplained_ignores() == []


def test_the_check_refuses_a_bare_or_unexplained_ignore(tmp_path: Path) -> None:
    ignore = "# type" + ": ignore"  # spelled apart so that this file does not trip its own check
    (tmp_path / "m.py").write_text(
        f"a = 1  {ignore}\nb = 2  {ignore}[misc]\nc = 3  {ignore}[misc]  # the reason\n", encoding="utf-8"
    )
    assert [line.split(": ", 1)[0] for line in unexplained_ignores(tmp_path)] == ["m.py:1", "m.py:2"]
