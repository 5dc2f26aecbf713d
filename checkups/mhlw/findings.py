"""One finding of an intake check: field, stable code, the value sent, and the message in Japanese and English."""

from dataclasses import dataclass

from infra.i18n import Message, bilingual


@dataclass(frozen=True, slots=True)
class RecordError:
    field: str  # "items[<item code>]", a header field such as "birth_date", or "file" / "archive"
    code: str  # stable machine code, e.g. "required_item_missing"
    value: str | None
    message_ja: str
    message_en: str


def finding(field: str, code: str, value: str | None, text: Message) -> RecordError:
    """A finding whose message is one gettext template rendered in both languages (locale/en)."""
    message_ja, message_en = bilingual(text)
    return RecordError(field, code, value, message_ja, message_en)
