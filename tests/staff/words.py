"""Latin-letter words a staff member sees or hears on an admin page, minus units and codes they know."""

import re

import lxml.html

from ..portal.test_japanese_text import ALLOWED as PORTAL_ALLOWED

ALLOWED = PORTAL_ALLOWED | frozenset(
    {
        "ZIP", "XML", "CDA", "API", "AI", "JSON", "MHLW", "SHA-256", "Idempotency-Key", "UTF-8", "Shift", "JIS", "A4",
        # units of the checkup items and the employer CSV conversions
        "mm", "Hg", "Hz", "mm3", "g/dL", "mg/dL", "kg/m2", "mmol/L", "mmol", "l",
    }
)  # fmt: skip
# Data staff know as codes: employer and item codes (E001, N701000000000011), Japanese-era dates (H12.4.1),
# e-mail addresses and web addresses
CODE = re.compile(r"^(?:[A-Z]+[0-9][A-Z0-9]*|[MTSHR][0-9]+(?:\.[0-9]+)*)$")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|/?api/v1/\S*")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*")
SPOKEN_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
SKIPPED = {"script", "style", "template", "option"}


def english_words(html: str) -> set[str]:
    root = lxml.html.fromstring(html)
    found: set[str] = set()

    def visit(element, foreign: bool) -> None:
        if not isinstance(element.tag, str) or element.tag in SKIPPED:
            return
        if element.tag == "details" and element.get("open") is None:
            summary = element.find("summary")
            if summary is not None:
                visit(summary, foreign)
            return
        if element.tag == "input" and element.get("type") == "hidden":
            return
        foreign = foreign or (element.get("lang") is not None and not element.get("lang", "").startswith("ja"))
        if not foreign:
            texts = [element.text or ""] + [element.get(a, "") for a in SPOKEN_ATTRIBUTES]
            if element.tag == "input" and element.get("type") in ("submit", "button"):
                texts.append(element.get("value", ""))
            for text in texts:
                found.update(_words(text))
        for child in element:
            visit(child, foreign)
            if not foreign:
                found.update(_words(child.tail or ""))

    visit(root, foreign=False)
    return found - ALLOWED


def _words(text: str) -> set[str]:
    return {word for word in LATIN.findall(ADDRESS.sub(" ", text)) if not CODE.match(word)}
