"""Errors raised while reading MHLW standard-format files (SPEC §9). Each carries a Japanese and an English text,
rendered from one gettext message (`MhlwFormatError.of`, English in locale/en)."""

from typing import Self

from infra.i18n import Message, bilingual


class MhlwFormatError(Exception):
    """Base class: a file cannot be read at all (as opposed to a record-level validation finding)."""

    code = "unreadable_file"  # the stable machine code of the refusal (SPEC §9.5 codes on the subclasses' uses)

    def __init__(self, message_ja: str, message_en: str, location: str = "", *, code: str = "") -> None:
        super().__init__(f"{message_en} ({location})" if location else message_en)
        self.message_ja = message_ja
        self.message_en = message_en
        self.location = location
        if code:
            self.code = code

    @classmethod
    def of(cls, text: Message, location: str = "", *, code: str = "") -> Self:
        """The error of one gettext message (a `message(...)` template or gettext_lazy text)."""
        message_ja, message_en = bilingual(text)
        return cls(message_ja, message_en, location, code=code)


class UnsafeXmlError(MhlwFormatError):
    """The XML is malformed or uses a construct we refuse (DOCTYPE, entities)."""


class CdaError(MhlwFormatError):
    """A 特定健診情報ファイル (CDA) is structurally unusable; `xpath` says where."""

    @property
    def xpath(self) -> str:
        return self.location


class ArchiveError(MhlwFormatError):
    """A 送付用アーカイブ (ZIP) is unsafe or does not follow SPEC §9.1."""
