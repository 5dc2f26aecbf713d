"""The English catalogue is complete, compiled and actually used (issue #2: English selectable).

Source strings are Japanese (LANGUAGE_CODE "ja"); locale/en maps them to English and
locale/ja is the identity catalogue. The .po files are parsed here with a tiny parser so
the test needs neither polib nor GNU gettext.
"""

import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from checkups.codes import GuidanceLevel, MetabolicJudgment
from employer_data.models import SubmissionStatus
from guidance.codes import ContactKind, ProgrammeStatus
from members.codes import Relationship
from rates.models import RateDashboard

LOCALE = Path(settings.BASE_DIR) / "locale"
PO_EN = LOCALE / "en" / "LC_MESSAGES" / "django.po"
# %(name)s / %(name)d, bare %s / %d and the escaped %% are what python-format checks compare.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|%%|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None


def parse_po(path: Path) -> list[Entry]:
    """Active entries of a .po file (header and obsolete #~ entries left out)."""
    entries: list[Entry] = []
    current = Entry()
    key: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current, key
        if key is not None and current.msgid:
            entries.append(current)
        current, key = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                flush()
            continue
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr["):
                key = ("msgstr", int(word[7:-1]))
            else:
                key = (word, 0)
                if word == "msgid" and current.msgid:
                    flush()
                    key = (word, 0)
        name, index = key  # type: ignore[misc]  # key is set on every branch above
        if name == "msgid":
            current.msgid += value
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        elif name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        else:
            current.msgstr[index] = current.msgstr.get(index, "") + value
    flush()
    return entries


def test_parser_reads_plural_and_continued_lines(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s 件"\nmsgid_plural "%(n)s 件"\n'
        'msgstr[0] "%(n)s record"\nmsgstr[1] ""\n"%(n)s records"\n\n'
        '#~ msgid "古い"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    (entry,) = parse_po(po)
    assert entry.msgid_plural == "%(n)s 件"
    assert entry.msgstr == {0: "%(n)s record", 1: "%(n)s records"}
    assert {"fuzzy", "python-format"} <= entry.flags


EN_ENTRIES = parse_po(PO_EN) if PO_EN.exists() else []


def test_english_catalogue_has_the_project_strings() -> None:
    # makemessages found ~565 strings in Nov 2026; a collapse means the catalogue was clobbered.
    assert len(EN_ENTRIES) > 500


@pytest.mark.parametrize("entry", EN_ENTRIES, ids=lambda e: e.msgid[:30])
def test_every_english_msgid_is_translated(entry: Entry) -> None:
    forms = 2 if entry.msgid_plural is not None else 1
    assert [entry.msgstr.get(i, "") != "" for i in range(forms)] == [True] * forms, entry.msgid
    assert "fuzzy" not in entry.flags, entry.msgid
    sources = [entry.msgid] if forms == 1 else [entry.msgid, entry.msgid_plural or ""]
    for i, source in enumerate(sources):
        assert Counter(PLACEHOLDER.findall(entry.msgstr[i])) == Counter(PLACEHOLDER.findall(source)), entry.msgid


@pytest.mark.parametrize("language", ["en", "ja"])
def test_compiled_catalogue_exists_and_is_current(language: str) -> None:
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"run compilemessages: {mo} is missing"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["language"] == language
    if language == "en":
        for entry in EN_ENTRIES:
            if entry.msgid_plural is None and entry.msgctxt is None:
                assert compiled.gettext(entry.msgid) == entry.msgstr[0], f".mo is stale for {entry.msgid!r}"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_compiled_catalogues_are_not_git_ignored() -> None:
    # English must work on machines without GNU gettext, so the .mo files are committed.
    for language in ("en", "ja"):
        path = f"locale/{language}/LC_MESSAGES/django.mo"
        result = subprocess.run(
            ["git", "check-ignore", "-q", path], cwd=settings.BASE_DIR, capture_output=True, check=False
        )
        assert result.returncode == 1, f"{path} is git-ignored"


REPRESENTATIVE = [
    (
        lambda: admin.site.site_header,
        "特定健診・特定保健指導 管理",
        "Specific Health Checkups & Guidance administration",
    ),
    (lambda: admin.site.index_title, "保険者職員メニュー", "Insurer staff menu"),
    (lambda: ProgrammeStatus.DROPPED_OUT.label, "途中終了", "Dropped out"),
    (lambda: ContactKind.FINAL.label, "実績評価", "Final evaluation"),
    (lambda: GuidanceLevel.INTENSIVE.label, "積極的支援", "Intensive support"),
    (lambda: GuidanceLevel.INFORMATION.label, "なし(情報提供)", "None (information only)"),
    (lambda: MetabolicJudgment.PRE.label, "予備群該当", "Pre-metabolic"),
    (lambda: RateDashboard._meta.verbose_name, "実施率ダッシュボード", "Implementation rate dashboard"),
    (lambda: SubmissionStatus.REQUESTED.label, "依頼済(未受領)", "Requested (not received)"),
    (lambda: Relationship.FAMILY.label, "家族", "Dependent"),
]


@pytest.mark.parametrize(("lazy", "japanese", "english"), REPRESENTATIVE, ids=lambda v: v if isinstance(v, str) else "")
def test_representative_strings_follow_the_active_language(lazy, japanese: str, english: str) -> None:
    with translation.override("en"):
        assert str(lazy()) == english
    with translation.override("ja"):
        assert str(lazy()) == japanese


def test_plural_forms_in_english() -> None:
    with translation.override("en"):
        assert translation.ngettext("%(n)s 件", "%(n)s 件", 1) % {"n": 1} == "1 record"
        assert translation.ngettext("%(n)s 件", "%(n)s 件", 3) % {"n": 3} == "3 records"


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("admin:index", ["Insurer staff menu", "Specific Health Guidance", "Implementation rate dashboard"]),
        ("admin:guidance_programme_changelist", ["Guidance programme", "Next action", "Assigned staff"]),
        ("admin:employer_data_submission_changelist", ["Employer checkup submission status"]),
    ],
)
def test_admin_pages_render_in_english(alice_client, url_name: str, expected: list[str]) -> None:
    alice_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = alice_client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    for text in expected:
        assert text in html
    assert "Specific Health Checkups &amp; Guidance administration" in html
    assert "保険者職員メニュー" not in html


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
PROJECT_SOURCES = ("checkups", "config", "employer_data", "guidance", "infra", "intake", "members", "portal", "rates")


def _marked_strings() -> list[tuple[str, str]]:
    """(msgid, where) of every literal string marked for translation in the project's Python code."""
    found = []
    for package in PROJECT_SOURCES:
        for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in GETTEXT_NAMES or not node.args:
                    continue
                args = node.args[1:] if node.func.id.startswith("pgettext") else node.args
                if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                    found.append((args[0].value, f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"))
    return found


def test_every_marked_string_is_in_the_english_catalogue() -> None:
    # A msgid that differs from the catalogue's by one character (a final 。) is shown untranslated: Japanese in
    # an English page or in an error's message_en.
    catalogues = [PO_EN, *sorted(Path(settings.BASE_DIR).glob("*/locale/en/LC_MESSAGES/django.po"))]
    known = {entry.msgid for catalogue in catalogues for entry in parse_po(catalogue)}
    marked = _marked_strings()
    assert len(marked) > 500
    missing = [f"{where}: {msgid!r}" for msgid, where in marked if msgid not in known]
    assert missing == []
