"""One way to translate: gettext everywhere, rendered in both languages where an answer must carry both.

Source strings are Japanese (LANGUAGE_CODE "ja"); `locale/en` maps them to English. A message with values is a
gettext template formatted lazily (`message(_("保険者番号 %(number)s …"), number=n)`), so the same message renders
in Japanese and in English from one definition. The API's error envelope fills `message_ja` and `message_en`
with `bilingual(...)`; pages render the message in the active language with `str(...)`.
"""

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, gettext, override, pgettext

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


# Lazy functions whose result depends only on their arguments and the active language: their renderings are
# cached per language, so rules evaluated for 100,000 programmes look each text up once, not twice per line.
_LANGUAGE_PURE: set[Callable[..., Any]] = {gettext, pgettext}


def language_pure_lazy(func: Callable[..., str]) -> Callable[..., StrPromise]:
    """`lazy(func, str)` for a function whose result depends only on its (hashable) arguments and the active
    language (e.g. a code's name in that language); `in_language`/`bilingual` cache its renderings."""
    _LANGUAGE_PURE.add(func)
    return lazy(func, str)  # type: ignore[return-value]  # lazy() is typed as returning func's own type; at run time it makes lazy proxies


@functools.lru_cache(maxsize=65536)
def _pure_pair(func: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, str]:
    with override("ja"):
        japanese = str(func(*args))
    with override("en"):
        return japanese, str(func(*args))


def _pair(text: Any) -> tuple[str, str]:
    """(Japanese, English) of `text` in one walk, without activating a language for the common lazy shapes (a
    gettext string, a `message(...)` template with values, a language-pure lazy function)."""
    if not isinstance(text, Promise):
        plain = str(text)
        return plain, plain
    reduced: Any = text.__reduce__()  # a lazy proxy pickles as (unpickle, (func, args, kw, *resultclasses))
    func, args, kw = reduced[1][:3]
    if func is _format and not kw:
        template, values = args
        template_ja, template_en = _pair(template)
        if not any(isinstance(value, Promise) for value in values.values()):
            return template_ja % values, template_en % values
        values_ja, values_en = dict(values), dict(values)
        for name, value in values.items():
            if isinstance(value, Promise):
                values_ja[name], values_en[name] = _pair(value)
        return template_ja % values_ja, template_en % values_en
    if func in _LANGUAGE_PURE and not kw:
        try:
            return _pure_pair(func, tuple(args))
        except TypeError:  # an unhashable argument: rendered uncached below
            pass
    return _in_language(text, "ja"), _in_language(text, "en")


def _in_language(text: Any, language: str) -> str:
    with override(language):
        return str(text)


def in_language(text: Message, language: str) -> str:
    if language == "ja":
        return _pair(text)[0]
    if language == "en":
        return _pair(text)[1]
    return _in_language(text, language)


def bilingual(text: Message) -> tuple[str, str]:
    """(Japanese, English) renderings of one message."""
    return _pair(text)


# "(SPEC §4.4)", " (SPEC §9.1, §9.5)", ", SPEC §9.5" inside a parenthesis: the rule book's section, which tells an
# integrator where a refusal comes from, and a staff member nothing (issue #16: no developer words in the staff UI)
_SPEC_ONLY = re.compile(r"\s*[(（]SPEC §[\d.]+(?:,\s*§[\d.]+)*[)）]")
_SPEC_TAIL = re.compile(r"[,、;]\s*SPEC §[\d.]+(?:,\s*§[\d.]+)*(?=[)）])")
# "9N736000000000011 (喫煙)": an MHLW item code (17 characters, SPEC §9.2) before its name; staff read the name
_CODED_ITEM = re.compile(r"\b[0-9A-Z]{17} \(([^()]+)\)")


def in_page_language(finding: Any, stem: str = "message") -> str:
    """`<stem>_ja` or `<stem>_en` of a finding (a dict or an object), whichever the active language reads: a staff page
    shows one language, without the rule's code, its SPEC section or the item codes before item names; the API
    answer carries both languages, the SPEC section and the codes, which integrators need."""
    key = f"{stem}_en" if (get_language() or "ja").startswith("en") else f"{stem}_ja"
    value = finding.get(key) if isinstance(finding, Mapping) else getattr(finding, key, None)
    return _CODED_ITEM.sub(r"\1", _SPEC_TAIL.sub("", _SPEC_ONLY.sub("", str(value or ""))))


class MessageTable[K](Mapping[K, Message]):
    """A constant mapping of messages (item names, level names …) that is also read rendered: `rendered("en")` is a
    plain {key: text} dict, built once per language, so an explanation of a million checkups, or of each contact,
    looks each word up with a dict access. Like the gettext caches above, it assumes the catalogues do not change
    while the process runs."""

    def __init__(self, messages: Mapping[K, Message]) -> None:
        self._messages = dict(messages)
        self._rendered: dict[str, dict[K, str]] = {}

    def __getitem__(self, key: K) -> Message:
        return self._messages[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def rendered(self, language: str) -> Mapping[K, str]:
        table = self._rendered.get(language)
        if table is None:
            table = self._rendered[language] = {
                key: in_language(text, language) for key, text in self._messages.items()
            }
        return table


class BilingualView[K](Mapping[K, tuple[str, str]]):
    """(Japanese, English) renderings of a `MessageTable`, read-only, for callers that still pick one by index."""

    def __init__(self, table: MessageTable[K]) -> None:
        self._table = table

    def __getitem__(self, key: K) -> tuple[str, str]:
        return self._table.rendered("ja")[key], self._table.rendered("en")[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
