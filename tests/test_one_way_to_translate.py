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
    "portal/explain.py",
    "checkups/mhlw/cda.py",
    "checkups/mhlw/safe_xml.py",
    "checkups/mhlw/archive_index.py",
    "checkups/mhlw/archive.py",
    "employer_data/mapping.py",
    "employer_data/csv_import.py",
    "guidance/mhlw/read.py",
    "guidance/points.py",
    "guidance/completion.py",
    "portal/report.py",
    "checkups/metabolic.py",
]
# Hand-written pairs left (other helpers' modules, or not converted yet); shrink only.
STILL_TO_CONVERT: list[str] = []


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


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_module_has_no_hand_written_pair(module: str) -> None:
    assert hand_written_pairs((ROOT / module).read_text(encoding="utf-8")) == [], f"{module}: use gettext"


@pytest.mark.parametrize("module", STILL_TO_CONVERT)
def test_still_to_convert_list_is_not_stale(module: str) -> None:
    path = ROOT / module
    assert path.exists() and hand_written_pairs(path.read_text(encoding="utf-8")), (
        f"{module} has no hand-written pair any more: take it off STILL_TO_CONVERT"
    )


def test_no_overlap() -> None:
    assert not set(CONVERTED) & set(STILL_TO_CONVERT)
