"""Raw request bodies of the upload API: a ZIP or an XML file sent as the body (Content-Type application/zip,
application/xml or text/xml), bounded by UPLOAD_MAX_BYTES (413 above it)."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "アップロードが大きすぎます / upload too large"
    default_code = "payload_too_large"


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


class RawFile:
    """A file sent as the raw request body (Content-Type application/zip or application/xml)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data = name, data

    def read(self) -> bytes:
        return self.data


class RawZipParser(BaseParser):
    media_type = "application/zip"
    default_name = "upload.zip"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> dict:
        limit = max_upload_bytes()
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise PayloadTooLarge
        request = (parser_context or {}).get("request")
        disposition = request.META.get("HTTP_CONTENT_DISPOSITION", "") if request is not None else ""
        name = disposition.partition("filename=")[2].strip('"; ') or self.default_name
        return {"file": RawFile(name[:255], data)}


class RawXmlParser(RawZipParser):
    media_type = "application/xml"
    default_name = "upload.xml"


class TextXmlParser(RawXmlParser):
    media_type = "text/xml"
