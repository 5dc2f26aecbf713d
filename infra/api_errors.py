"""One error envelope for every 4xx/5xx answer of the API (issue #13).

    {"errors": [{"field": …, "code": …, "value": …, "message_ja": …, "message_en": …}]}

The views' own rule errors are already built in this shape; this module is the DRF exception handler
(`REST_FRAMEWORK["EXCEPTION_HANDLER"]`) that puts the framework's errors in it too: 401, 403, 404, 405, 406, 413,
415, 429, malformed JSON and serializer validation. Both languages are always filled from one gettext template per
error code (never DRF's message, which exists in one language only). Errors outside a DRF view under `/api/` (an
unknown URL, a 500) are answered in the same envelope by `config.errors`.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from infra.i18n import Message, bilingual, message

NON_FIELD = "non_field_errors"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# DRF error code → message template (%(field)s the field, %(limit)s the first number of DRF's own message)
VALIDATION_MESSAGES: dict[str, Message] = {
    "required": _("%(field)s は必須です"),
    "null": _("%(field)s に null は指定できません"),
    "blank": _("%(field)s を空にはできません"),
    "invalid": _("%(field)s の値の形式が正しくありません"),
    "invalid_choice": _("%(field)s の値は選べる値のどれでもありません"),
    "not_a_list": _("%(field)s はリスト(配列)で送ってください"),
    "not_a_dict": _("%(field)s はオブジェクトで送ってください"),
    "empty": _("%(field)s を空にはできません"),
    "max_length": _("%(field)s は %(limit)s 文字以内にしてください"),
    "min_length": _("%(field)s は %(limit)s 文字以上にしてください"),
    "max_value": _("%(field)s は %(limit)s 以下にしてください"),
    "min_value": _("%(field)s は %(limit)s 以上にしてください"),
    "max_digits": _("%(field)s の桁数は全体で %(limit)s 桁以内にしてください"),
    "max_decimal_places": _("%(field)s の小数部は %(limit)s 桁以内にしてください"),
    "max_whole_digits": _("%(field)s の整数部は %(limit)s 桁以内にしてください"),
    "max_string_length": _("%(field)s の値が大きすぎます"),
    "date": _("%(field)s は日付(YYYY-MM-DD)で送ってください"),
    "datetime": _("%(field)s は日時(ISO 8601)で送ってください"),
    "does_not_exist": _("%(field)s に指定されたものが見つかりません"),
    "incorrect_type": _("%(field)s の型が正しくありません"),
    "unique": _("%(field)s の値はすでに使われています"),
}
FALLBACK_VALIDATION: Message = _("%(field)s の値が正しくありません")

# DRF exception code → message (framework errors that are about the request as a whole)
REQUEST_MESSAGES: dict[str, Message] = {
    "not_authenticated": _("認証が必要です。Authorization: Api-Key <キー> を送ってください"),
    "authentication_failed": _("APIキーが無効、失効済み、または期限切れです"),
    "permission_denied": _("このAPIキーではこの操作はできません"),
    "not_found": _("指定されたものは見つかりません"),
    "method_not_allowed": _("このメソッドはこのURLでは使えません"),
    "not_acceptable": _("Accept ヘッダーの形式では答えられません"),
    "unsupported_media_type": _("この Content-Type は受け付けていません"),
    "parse_error": _("リクエストの本文を読めません(JSON の書式を確認してください)"),
    "throttled": _("リクエストが多すぎます。Retry-After の秒数だけ待ってから送り直してください"),
    "payload_too_large": _("アップロードが大きすぎます"),
    "error": _("リクエストを処理できませんでした"),
}


def error_entry(*, field: str | None, code: str, value: Any = None, text: Message) -> dict[str, Any]:
    """One entry of the envelope; `text` is a gettext message rendered in both languages."""
    message_ja, message_en = bilingual(text)
    return {"field": field, "code": code, "value": value, "message_ja": message_ja, "message_en": message_en}


def envelope(errors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {"errors": errors}


def _validation_entry(field: str, detail: exceptions.ErrorDetail, data: Any) -> dict[str, Any]:
    code = getattr(detail, "code", None) or "invalid"
    limit = _NUMBER.search(str(detail))
    template = VALIDATION_MESSAGES.get(code, FALLBACK_VALIDATION)
    text = message(template, field=field if field != NON_FIELD else _("リクエスト"), limit=limit[0] if limit else "")
    return error_entry(field=None if field == NON_FIELD else field, code=code, value=_value_at(data, field), text=text)


def _value_at(data: Any, field: str) -> Any:
    """The value the client sent for a dotted/indexed field name, when it is a plain value (never a whole body)."""
    current = data
    for part in re.findall(r"[^.\[\]]+", field):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current if isinstance(current, str | int | float | bool) else None


def validation_errors(detail: Any, *, data: Any = None, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested ValidationError detail flattened to envelope entries (`checkups[0].exam_date`)."""
    if isinstance(detail, dict):
        entries: list[dict[str, Any]] = []
        for key, value in detail.items():
            name = f"{prefix}[{key}]" if isinstance(key, int) else f"{prefix}.{key}" if prefix else str(key)
            entries.extend(validation_errors(value, data=data, prefix=name))
        return entries
    if isinstance(detail, list):
        entries = []
        for position, value in enumerate(detail):
            if isinstance(value, dict | list):
                entries.extend(validation_errors(value, data=data, prefix=f"{prefix}[{position}]"))
            else:
                entries.append(_validation_entry(prefix or NON_FIELD, value, data))
        return entries
    return [_validation_entry(prefix or NON_FIELD, detail, data)]


def _request_data(context: dict[str, Any]) -> Any:
    request = context.get("request")
    try:
        return request.data if request is not None else None
    except Exception:  # the body itself may be what failed (malformed JSON, too large)
        return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's `EXCEPTION_HANDLER`: every APIException (and Django's 404/403/too-large) in the one envelope.

    Returns None for anything else, so an unexpected exception still becomes a logged 500 (answered in the
    envelope by `config.errors.server_error`)."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = validation_errors(exc.detail, data=_request_data(context))
    else:
        code = _code_of(exc)
        errors = [error_entry(field=None, code=code, text=REQUEST_MESSAGES.get(code, REQUEST_MESSAGES["error"]))]
    response.data = envelope(errors)
    return response


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "payload too large"
    default_code = "payload_too_large"


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else str(exc.default_code)
