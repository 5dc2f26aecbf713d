"""Normalisation of card identifiers before storing and matching (SPEC §1.5).

Full-width and half-width forms are folded with NFKC and every kind of space is removed, so that
"ＡＢ １２" on a roster and "AB12" from a clinic name the same card.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_card_part(value: str | None) -> str:
    """記号 or 番号: NFKC, no spaces, Latin letters upper-case."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value)
    return _SPACES.sub("", folded).upper()


def normalize_branch(value: str | None) -> str:
    """枝番: two digits; a single digit is zero-padded ("1" → "01")."""
    folded = normalize_card_part(value)
    if folded.isdigit() and len(folded) == 1:
        return folded.zfill(2)
    return folded


def normalize_kana(value: str | None) -> str:
    """カナ氏名: NFKC turns half-width katakana into full-width; spaces are dropped."""
    return normalize_card_part(value)
