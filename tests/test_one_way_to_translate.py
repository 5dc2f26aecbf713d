"""One way to translate (issue #12): a message is one gettext source (Japanese) with its English in locale/en,
never a hand-written (Japanese, English) pair in the code.

The check is an AST scan: two string literals (or f-strings) side by side, in a call's arguments or a tuple/list,
the first with Japanese and the second with English words and no Japanese, are a hand-written pair. Modules
still to convert are listed in STILL_TO_CONVERT; the list only shrinks: a listed module that has no pair any
more fails too, so it must be taken off the list.
"""

import ast
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[a-zA-Z]{3}")

# Converted in issue #12 (gettext branch): these must stay free of hand-written pairs.
CONVERTED = [
    "checkups/questionnaire.py",
    "checkups/standards.py",
    "checkups/metabolic.py",
    "checkups/mhlw/cda.py",
    "checkups/mhlw/safe_xml.py",
    "checkups/mhlw/archive.py",
    "checkups/mhlw/archive_index.py",
    "employer_data/mapping.py",
    "employer_data/csv_import.py",
    "guidance/points.py",
    "guidance/completion.py",
    "guidance/mhlw/read.py",
    "portal/explain.py",
    "portal/report.py",
    # gettext2 branch
    "checkups/stratification/text.py",
    "checkups/stratification/result.py",
    "guidance/rules/contact_dates.py",
    "guidance/rules/contact_order.py",
    "guidance/rules/final_evaluation.py",
    "guidance/rules/initial_interview_form.py",
    "guidance/rules/programme_open.py",
    "guidance/rules/support_points.py",
    "guidance/services/closing.py",
    "guidance/services/level_choice.py",
    "checkups/mhlw/validation/header.py",
    "checkups/mhlw/validation/observations.py",
    "checkups/mhlw/validation/requirements.py",
    "checkups/mhlw/validation/consistency.py",
    "members/roster/reading.py",
    "members/roster/parsing.py",
    "members/hold_reasons.py",
    # converted on main by the lead
    "checkups/api.py",
    "intake/matching.py",
    "intake/records.py",
]
# Side-by-side literals that are data, not a message in two languages (a label and a field name, a CSS class or a
# unit): at most this many, so a real pair added next to them still fails.
NOT_MESSAGES: dict[str, int] = {
    "checkups/selectors.py": 19,  # (label, CSS class) and (label, standards field)
    "guidance/mhlw/items.py": 8,  # (item name, value type)
    "employer_data/units.py": 5,  # (conversion label, source unit)
    "demo/employer_data.py": 48,  # DEMO_LAYOUT: (a fictitious centre's CSV column, role key, item code, ...)
}
# Hand-written pairs still to convert (modules other helpers were reshaping when the rest was converted): at most
# this many per module. The list only shrinks: a module converted (no pair left) or gone must be taken off it.
STILL_TO_CONVERT: dict[str, int] = {}  # empty since the gettext2 branch: every message module is converted
SKIPPED_PARTS = {".venv", "migrations", "tests", "node_modules"}


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def hand_written_pairs(source: str) -> list[int]:
    """Line numbers of (Japanese, English) literal pairs in a module's source."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        sequences: list[list[ast.expr]] = []
        if isinstance(node, ast.Call):
            sequences.append(node.args)
        if isinstance(node, (ast.Tuple, ast.List)):
            sequences.append(node.elts)
        for items in sequences:
            for first, second in itertools.pairwise(items):
                ja, en = _text(first), _text(second)
                if ja and en and JAPANESE.search(ja) and not JAPANESE.search(en) and ENGLISH_WORD.search(en):
                    lines.append(first.lineno)
    return lines


def test_the_scan_finds_a_pair_and_ignores_gettext() -> None:
    assert hand_written_pairs('X = ("はい", "Yes")\nY = f(1, f"{n}件", f"{n} records")') == [1, 2]
    assert hand_written_pairs('X = _("はい")\nY = ("腹囲", "waist_cm")\nZ = ("腹囲", "cm")') == [2]


def _project_modules() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
    )


def _pairs_in(module: str) -> list[int]:
    return hand_written_pairs((ROOT / module).read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_module_has_no_hand_written_pair(module: str) -> None:
    assert _pairs_in(module) == [], f"{module}: one gettext message (English in locale/en), not a (ja, en) pair"


def test_no_new_module_with_hand_written_pairs() -> None:
    allowed = set(NOT_MESSAGES) | set(STILL_TO_CONVERT)
    found = {module: lines for module in _project_modules() if module not in allowed and (lines := _pairs_in(module))}
    assert found == {}, "use gettext (infra.i18n.message / bilingual), not (ja, en) pairs"


@pytest.mark.parametrize("module", sorted({**NOT_MESSAGES, **STILL_TO_CONVERT}))
def test_listed_modules_only_shrink(module: str) -> None:
    allowed = {**NOT_MESSAGES, **STILL_TO_CONVERT}[module]
    assert (ROOT / module).exists(), f"{module} is gone: take it off the list"
    count = len(_pairs_in(module))
    assert count > 0, f"{module} has no hand-written pair any more: take it off the list"
    assert count <= allowed, f"{module}: {count} (ja, en) pairs, more than the {allowed} listed; use gettext"


def test_no_overlap() -> None:
    assert not set(CONVERTED) & (set(NOT_MESSAGES) | set(STILL_TO_CONVERT))
