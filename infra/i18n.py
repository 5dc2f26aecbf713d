"""One way to translate: gettext everywhere, rendered in both languages where an answer must carry both.

Source strings are Japanese (LANGUAGE_CODE "ja"); `locale/en` maps them to English. A message with values is a
gettext template formatted lazily (`message(_("保険者番号 %(number)s …"), number=n)`), so the same message renders
in Japanese and in English from one definition. The API's error envelope fills `message_ja` and `message_en`
with `bilingual(...)`; pages render the message in the active language with `str(...)`.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, override

if TYPE_CHECKING:  # django-stubs' names for a lazy gettext string (the stubs package is not needed at run time)
    from django_stubs_ext import StrOrPromise, StrPromise
else:
    StrPromise = Promise
    StrOrPromise = str | Promise

Message = StrOrPromise  # a gettext_lazy string or a `message(...)`; plain str only for values with no words


def _format(template: Message, values: dict[str, Any]) -> str:
    return str(template) % {name: str(value) if isinstance(value, Promise) else value for name, value in values.items()}


_format_lazy = lazy(_format, str)


def message(template: Message, /, **values: Any) -> StrPromise:
    """A translatable message with `%(name)s` placeholders, formatted in whatever language renders it (values
    that are themselves lazy, e.g. a choice label, render in that language too)."""
    promise: StrPromise = _format_lazy(template, values)  # type: ignore[assignment]  # lazy() is typed as returning its function's str; at run time it is the lazy proxy
    return promise


def in_language(text: Message, language: str) -> str:
    with override(language):
        return str(text)


def bilingual(text: Message) -> tuple[str, str]:
    """(Japanese, English) renderings of one message."""
    return in_language(text, "ja"), in_language(text, "en")


def in_page_language(finding: Any, stem: str = "message") -> str:
    """`<stem>_ja` or `<stem>_en` of a finding (a dict or an object), whichever the active language reads: a staff page
    shows one language, without the rule's code; the API answer carries both."""
    key = f"{stem}_en" if (get_language() or "ja").startswith("en") else f"{stem}_ja"
    value = finding.get(key) if isinstance(finding, Mapping) else getattr(finding, key, None)
    return str(value or "")
