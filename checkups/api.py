"""Clinic and employer upload API: one JSON record, MHLW archive / CDA files, and reading back what was sent.

Thin views: a serializer checks the shape, `intake.services` does the work, the answer is serialized.
"""

import json
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from infra.api_errors import envelope, error_entry
from infra.i18n import Message, message
from intake.services import SMALL_UPLOAD_RECORDS, IdempotencyKeyReused, checkup_submit, upload_receive
from members.actors import ActorKind
from members.api_auth import ApiKeyRateThrottle
from members.api_base import ActorKindPermission, ActorScopedMixin
from members.audit import access_log_record
from members.models import AccessLog

from .api_examples import CHECKUP_EXAMPLE
from .api_follow_up import (
    CheckupFilter,
    CheckupListSerializer,
    HeldStatusSerializer,
    UploadFilter,
    UploadListSerializer,
)
from .api_parsers import PayloadTooLarge, RawXmlParser, RawZipParser, TextXmlParser, max_upload_bytes
from .api_upload_examples import (
    CREATED_EXAMPLE,
    ERRORS_EXAMPLE,
    HELD_EXAMPLE,
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_PARAMETER,
    UPDATED_EXAMPLE,
    UPLOAD_EXAMPLE,
)
from .codes import GuidanceLevel, MetabolicJudgment
from .intake_types import Submitter
from .models import Checkup, HeldRecord, Upload
from .serializers import (
    CheckupCreatedSerializer,
    CheckupHeldSerializer,
    CheckupInputSerializer,
    CheckupSerializer,
    RecordErrorsSerializer,
    UploadFileSerializer,
    UploadSerializer,
    code_label,
)

IDEMPOTENCY_KEY_MAX = 200
READ_KINDS = (ActorKind.CLINIC, ActorKind.EMPLOYER, ActorKind.STAFF, ActorKind.SUPERUSER)
REPLAYED_HEADER = "Idempotent-Replayed"


def _error(field: str, code: str, ja: str, en: str, value: Any = None) -> dict[str, Any]:
    return {"field": field, "code": code, "value": value, "message_ja": ja, "message_en": en}


def _serializer_errors(errors: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested error dict flattened to the project's error list."""
    flat: list[dict[str, Any]] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}[{key}]" if isinstance(key, int) else f"{prefix}.{key}" if prefix else str(key)
            flat.extend(_serializer_errors(value, name))
    elif isinstance(errors, list):
        for position, value in enumerate(errors):
            if isinstance(value, dict | list) and value:
                flat.extend(_serializer_errors(value, f"{prefix}[{position}]"))
            elif not isinstance(value, dict | list):
                code = getattr(value, "code", "invalid")
                flat.append(_error(prefix or "body", code, f"{prefix}: {value}", f"{prefix}: {value}"))
    return flat


KEY_TOO_LONG: Message = _("Idempotency-Key が長すぎます。")
NO_FILE: Message = _("ファイル (file) がありません。")


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise exceptions.ValidationError(
            envelope([error_entry(field="Idempotency-Key", code="too_long", text=KEY_TOO_LONG)])
        )
    return key


IDEMPOTENCY_KEY_REUSED: Message = _(
    "Idempotency-Key '%(key)s' は別の内容の送信ですでに使われています。新しい送信には新しいキーを使ってください"
)


def _key_reused(exc: IdempotencyKeyReused) -> Response:
    """422: the key was used before with another body; nothing of this request is stored (issue #13)."""
    entry = error_entry(
        field=IDEMPOTENCY_HEADER,
        code="idempotency_key_reused",
        value=exc.idempotency_key,
        text=message(IDEMPOTENCY_KEY_REUSED, key=exc.idempotency_key),
    )
    return Response(envelope([entry]), status=status.HTTP_422_UNPROCESSABLE_ENTITY)


class CheckupViewSet(ActorScopedMixin, viewsets.GenericViewSet):
    """健診結果 1件の送信と、送信した記録の取得 (clinic API key)."""

    scoped_model = Checkup
    serializer_class = CheckupSerializer
    permission_classes = [ActorKindPermission]
    throttle_classes = [ApiKeyRateThrottle]
    filterset_class = CheckupFilter

    @property
    def allowed_actor_kinds(self) -> tuple[ActorKind, ...]:
        return (ActorKind.CLINIC,) if self.action == "create" else READ_KINDS

    def get_queryset(self):
        return self.scoped_queryset().select_related("insurer", "person").order_by("pk")

    @extend_schema(
        request=CheckupInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: CheckupCreatedSerializer,
            200: OpenApiResponse(
                CheckupCreatedSerializer,
                description="a re-send of a stored exam: `updated` (with its changes) or `unchanged`",
            ),
            202: OpenApiResponse(CheckupHeldSerializer, description="no matching insured person: held for review"),
            400: RecordErrorsSerializer,
            422: OpenApiResponse(
                RecordErrorsSerializer, description="idempotency_key_reused: the key was used with another body"
            ),
        },
        examples=[CHECKUP_EXAMPLE, CREATED_EXAMPLE, UPDATED_EXAMPLE, HELD_EXAMPLE, ERRORS_EXAMPLE],
        description=(
            "One checkup as JSON. Units, value types and answer OIDs come from the item table (XMLhc24tab). "
            "Validated per SPEC §9.4/§4.4; a person who cannot be matched (SPEC §1.5) is held for staff review "
            "(202) and processed once staff link it. Sending the same person, exam date and programme again is a "
            "correction: 200 with `result` `updated` and the `changes` (kept in the record's correction history), "
            "or `unchanged` when every item is the same; a new record answers 201 `created`."
        ),
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        serializer = CheckupInputSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"errors": _serializer_errors(serializer.errors)}, status=status.HTTP_400_BAD_REQUEST)
        submitter = Submitter.for_request(self.actor, self.request.auth)
        clinic = submitter.clinic
        document = serializer.to_document(
            clinic_number=clinic.number if clinic else "", clinic_name=clinic.name if clinic else ""
        )
        body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str).encode()
        try:
            result = checkup_submit(submitter=submitter, document=document, body=body, idempotency_key=key)
        except IdempotencyKeyReused as exc:
            return _key_reused(exc)
        headers = {REPLAYED_HEADER: "true"} if result.replayed else {}
        entry = result.entry
        if entry.get("status") == "accepted":
            level, metabolic = result.levels or Checkup.objects.values_list("guidance_level", "metabolic_judgment").get(
                pk=entry["checkup"]
            )
            # a re-send of a stored exam is a correction (issue #13); an answer stored before `result` was created
            outcome = entry.get("result") or ("created" if entry.get("created", True) else "updated")
            answer = {
                "id": entry["checkup"],
                "guidance_level": code_label(GuidanceLevel, level),
                "metabolic_syndrome": code_label(MetabolicJudgment, metabolic),
                "warnings": entry["warnings"],
                "result": outcome,
                "changes": entry.get("changes", []),
            }
            code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
            return Response(answer, status=code, headers=headers)
        if entry.get("status") == "held":
            answer = {
                "held": entry["held"],
                "status": "held_for_review",
                "message_ja": entry["message_ja"],
                "message_en": entry["message_en"],
            }
            return Response(answer, status=status.HTTP_202_ACCEPTED, headers=headers)
        return Response({"errors": entry.get("errors", [])}, status=status.HTTP_400_BAD_REQUEST)

    @extend_schema(responses={200: CheckupListSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """The records this clinic sent (newest exam first), for reconciliation: no results, only the level."""
        queryset = self.filter_queryset(self.get_queryset()).order_by("-exam_date", "-pk")
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        if rows:
            access_log_record(
                actor=self.actor,
                person_ids=sorted({c.person_id for c in rows}),
                action=AccessLog.Action.API_READ,
                target="checkup-list",
                request=request,
            )
        data = CheckupListSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(responses={200: CheckupSerializer, 404: OpenApiResponse(description="not yours or not found")})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        checkup = self.get_object()
        access_log_record(
            actor=self.actor,
            person_ids=[checkup.person_id],
            action=AccessLog.Action.API_READ,
            target=f"checkup:{checkup.pk}",
            request=request,
        )
        return Response(CheckupSerializer(checkup).data)


class UploadViewSet(ActorScopedMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """MHLW archive / CDA file uploads with progress and a per-record report (clinic, employer or guidance
    provider API key)."""

    scoped_model = Upload
    serializer_class = UploadSerializer
    permission_classes = [ActorKindPermission]
    throttle_classes = [ApiKeyRateThrottle]
    parser_classes = [MultiPartParser, RawZipParser, RawXmlParser, TextXmlParser]
    filterset_class = UploadFilter

    @property
    def allowed_actor_kinds(self) -> tuple[ActorKind, ...]:
        # a guidance provider sends guidance files (g…xml, SPEC §9.6) and follows up its own uploads
        if self.action == "create":
            return (ActorKind.CLINIC, ActorKind.EMPLOYER, ActorKind.GUIDANCE_PROVIDER)
        return (*READ_KINDS, ActorKind.GUIDANCE_PROVIDER)

    def get_queryset(self):
        if self.action == "list":  # newest first, no body and no per-record report
            return self.scoped_queryset().defer("content", "report").order_by("-created_at", "-pk")
        return self.scoped_queryset().defer("content").order_by("pk")

    def get_serializer_class(self):
        return UploadListSerializer if self.action == "list" else UploadSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_upload_bytes():  # refuse before reading the body
                raise PayloadTooLarge

    @extend_schema(
        request={
            "multipart/form-data": UploadFileSerializer,
            "application/zip": OpenApiTypes.BINARY,
            "application/xml": OpenApiTypes.BINARY,
        },
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(UploadSerializer, description="processed at once (small upload)"),
            202: OpenApiResponse(UploadSerializer, description="queued: poll GET /api/v1/uploads/{id}/"),
            200: OpenApiResponse(UploadSerializer, description="the same file or key was sent before: first result"),
            400: OpenApiResponse(UploadSerializer, description="unreadable or unsafe file (kept with its reason)"),
            413: OpenApiResponse(description="larger than UPLOAD_MAX_BYTES"),
            422: OpenApiResponse(
                UploadSerializer,
                description="every record refused (the report says why); or idempotency_key_reused (error envelope)",
            ),
        },
        examples=[UPLOAD_EXAMPLE],
        description=(
            "A 4th- or 3rd-period 送付用アーカイブ (ZIP: `<root>/ix08_V08.xml`, `<root>/DATA/h….xml`) or one "
            "特定健診情報ファイル (CDA XML). Send it as multipart field `file`, or as the raw body with "
            "`Content-Type: application/zip` or `application/xml` (optional `Content-Disposition: attachment; "
            f"filename=…`). Up to {SMALL_UPLOAD_RECORDS} records are processed at once (201); larger uploads are "
            "processed in the background (202) — poll the upload. An employer key stores 事業者健診 (program 030) "
            "records with the 特定健診 items they lack. A guidance provider key sends 特定保健指導情報ファイル "
            "(g…xml, hg08) or archives of them (SPEC §9.6): each record then names its `programme` and the "
            "`contacts_recorded`; a contact the rules refuse is in its `errors`, not stored."
        ),
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        uploaded = request.data.get("file") if hasattr(request.data, "get") else None
        if uploaded is None or not hasattr(uploaded, "read"):
            error = error_entry(field="file", code="required", text=NO_FILE)
            return Response({"errors": [error]}, status=status.HTTP_400_BAD_REQUEST)
        data = uploaded.read()
        if len(data) > max_upload_bytes():
            raise PayloadTooLarge
        try:
            intake = upload_receive(
                submitter=Submitter.for_request(self.actor, self.request.auth),
                data=data,
                file_name=getattr(uploaded, "name", "") or "",
                idempotency_key=key,
            )
        except IdempotencyKeyReused as exc:
            return _key_reused(exc)
        upload = intake.upload
        body = UploadSerializer(Upload.objects.defer("content").get(pk=upload.pk)).data
        headers = {"Location": f"/api/v1/uploads/{upload.pk}/"}
        code: int
        if upload.status == Upload.Status.FAILED:
            code = status.HTTP_400_BAD_REQUEST
        elif not intake.created:
            code, headers[REPLAYED_HEADER] = status.HTTP_200_OK, "true"
        elif upload.status == Upload.Status.DONE and upload.total and upload.rejected == upload.total:
            code = status.HTTP_422_UNPROCESSABLE_ENTITY  # every record refused: the report says why (issue #13)
        elif upload.status == Upload.Status.DONE:
            code = status.HTTP_201_CREATED
        else:
            code = status.HTTP_202_ACCEPTED
        return Response(body, status=code, headers=headers)


class HeldRecordViewSet(ActorScopedMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """照合保留の状態 (held / linked / rejected) for its sender; the reason stays with staff."""

    scoped_model = HeldRecord
    serializer_class = HeldStatusSerializer
    permission_classes = [ActorKindPermission]
    throttle_classes = [ApiKeyRateThrottle]
    allowed_actor_kinds = READ_KINDS
    filter_backends: list = []

    def get_queryset(self):
        return self.scoped_queryset().only("id", "status", "exam_date", "created_at", "resolved_at", "checkup_id")
