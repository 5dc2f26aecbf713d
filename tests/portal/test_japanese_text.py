"""Every page of わたしの健診 and the CSV, read in Japanese: no English-only text a person would have to decode
(issue #18). Units and codes a person expects (LDL, HbA1c, BMI, mg/dl, …) are allowed, nothing else in Latin letters.

What is read: the text of every element and the attributes a screen reader speaks (alt, aria-label, title,
placeholder, button values); scripts and styles are skipped, and so is an element marked as another language
(the language switch's "English", lang="en").
"""

import csv
import io
import re

import lxml.html
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.auth_backend import BACKEND
from portal.models import SelfMeasurement

from .conftest import PASSWORD, rich_history

pytestmark = pytest.mark.django_db

ALLOWED = frozenset(
    {
        # units
        "kg", "cm", "m", "mmHg", "mg/dl", "g/dl", "U/L", "ml/min/1.73m",
        # checkup items as printed on every result sheet
        "BMI", "LDL", "HDL", "Non-HDL", "HbA1c", "NGSP", "AST", "ALT", "GOT", "GPT", "GT", "GTP", "eGFR",
        # words a person knows
        "CSV", "PDF", "ID", "QR", "Cookie",
        # the questionnaire's own lettering (「現在、aからcの薬の使用の有無 a. 血圧を下げる薬」)
        "a", "b", "c",
    }
)  # fmt: skip
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*")
SPOKEN_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
SKIPPED = {"script", "style", "template"}


def english_words(html: str) -> set[str]:
    """Latin-letter words a person sees or hears on the page, minus the allowlist."""
    root = lxml.html.fromstring(html)
    found: set[str] = set()

    def visit(element, foreign: bool) -> None:
        if not isinstance(element.tag, str) or element.tag in SKIPPED:
            return
        foreign = foreign or (element.get("lang") is not None and not element.get("lang", "").startswith("ja"))
        if not foreign:
            texts = [element.text or ""] + [element.get(a, "") for a in SPOKEN_ATTRIBUTES]
            if element.tag == "input" and element.get("type") in ("submit", "button"):
                texts.append(element.get("value", ""))
            for text in texts:
                found.update(LATIN.findall(text))
        for child in element:
            visit(child, foreign)
            if not foreign:
                found.update(LATIN.findall(child.tail or ""))

    visit(root, foreign=False)
    if root.tag == "html" and root.get("lang") != "ja":
        found.add(f"<html lang={root.get('lang')}>")
    return found - ALLOWED


@pytest.fixture
def rich(world, member_a) -> Client:
    rich_history(world)
    client = Client()
    client.force_login(member_a, backend=BACKEND)
    return client


def _assert_japanese(html: str, where: str) -> None:
    words = english_words(html)
    assert not words, f"English-only text on {where}: {sorted(words)}"


MEMBER_PAGES = [
    ("portal:me", []),
    ("portal:checkups", []),
    ("portal:checkup_year", [2025]),
    ("portal:checkup_year", [2024]),
    ("portal:document", [2025]),
    ("portal:guidance", []),
    ("portal:employer", []),
    ("portal:access_log", []),
    ("portal:download", []),
    ("portal:download_print", []),
]


@pytest.mark.parametrize(("name", "args"), MEMBER_PAGES)
def test_member_pages_are_japanese(rich: Client, name: str, args: list) -> None:
    response = rich.get(reverse(name, args=args))
    assert response.status_code == 200
    _assert_japanese(response.content.decode(), name)


def test_pages_in_their_error_and_question_states_are_japanese(rich: Client, world) -> None:
    refused = rich.post(reverse("portal:self_log_add"), {"measured_on": "1900-01-01", "weight_kg": "500"})
    _assert_japanese(refused.content.decode(), "refused weight entry")
    asked = rich.post(reverse("portal:self_log_add"), {"measured_on": "2025-09-02", "weight_kg": "30.0"})
    assert "大きく変わっています" in asked.content.decode()
    _assert_japanese(asked.content.decode(), "second look")
    entry = SelfMeasurement.objects.filter(person=world.person_a).first()
    _assert_japanese(rich.get(reverse("portal:self_log_delete", args=[entry.public_id])).content.decode(), "delete")
    _assert_japanese(rich.get("/me/no-such-page/").content.decode(), "404")


def test_pages_before_login_are_japanese(rich: Client, member_a) -> None:
    client = Client()
    _assert_japanese(client.get(reverse("portal:login")).content.decode(), "login")
    _assert_japanese(client.get(reverse("portal:register")).content.decode(), "register")
    bad = {"code": "AAAA-BBBB-CCCC", "birth_date": "1970-01-01", "password1": PASSWORD, "password2": PASSWORD}
    _assert_japanese(client.post(reverse("portal:register"), bad).content.decode(), "refused code")
    client.cookies["portal_signed_in"] = "1"
    idle = client.get(reverse("portal:login") + "?next=/me/guidance/").content.decode()
    assert "操作がなかったため" in idle
    _assert_japanese(idle, "idle logout")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(reverse("portal:login"), {"username": "hanako", "password": "wrong-password-1"})
    _assert_japanese(locked.content.decode(), "lockout")
    csrf = Client(enforce_csrf_checks=True).post(reverse("portal:login"), {"username": "x", "password": "y"})
    _assert_japanese(csrf.content.decode(), "CSRF failure")
    _assert_japanese(client.get("/no-such-page/").content.decode(), "404")


def test_the_letter_is_japanese(rich: Client, alice_client: Client, world) -> None:
    url = reverse("admin:portal_invitation_issue_for", args=[world.person_a.pk])
    letter = alice_client.post(url, {"person": world.person_a.pk}, follow=True).content.decode()
    body = lxml.html.fromstring(letter)
    for link in body.iter("a"):
        link.drop_tree()  # the admin's way back is for staff, not printed
    for code in body.find_class("code"):
        code.drop_tree()  # the invitation code itself is letters and digits
    for item in body.iter("li"):
        for text in item.itertext():
            if "http://" in text:
                item.text = ""  # the address to type is a URL by nature
    words = english_words(lxml.html.tostring(body, encoding="unicode")) - {"hanako"}  # the person's own login ID
    assert not words, f"English-only text on the invitation letter: {sorted(words)}"


def test_the_csv_is_japanese(rich: Client) -> None:
    response = rich.get(reverse("portal:download_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    words = {w for row in rows for cell in row for w in LATIN.findall(cell)} - ALLOWED
    assert not words, f"English-only text in the CSV: {sorted(words)}"


def test_the_reader_catches_english_and_spares_what_is_allowed() -> None:
    html = ('<html lang="ja"><body><h1>Not Found</h1><p>LDL 174 mg/dl</p><img alt="chart" src="x">'
            '<button lang="en">English</button><script>var normal = 1;</script></body></html>')  # fmt: skip
    assert english_words(html) == {"Not", "Found", "chart"}
