"""Guidance API for guidance providers and insurer staff (SPEC §5). Thin views: serializers, services, selectors."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from infra.api_errors import error_entry, validation_errors
from infra.i18n import message
from members.actors import ActorKind
from members.api_base import STAFF_KINDS, ActorKindPermission, ActorScopedMixin
from members.audit import access_log_record
from members.models import AccessLog

from .codes import ProgrammeStatus
from .facts import violation_dict
from .models import Programme
from .selectors import programme_list
from .serializers import (
    ContactInputSerializer,
    DropOutInputSerializer,
    ErrorsSerializer,
    LevelDecisionInputSerializer,
    MedicationRecheckInputSerializer,
    ProgrammeSerializer,
)
from .services import (
    GuidanceRefused,
    ProgrammeVersionConflict,
    contact_add,
    programme_decide_level,
    programme_drop_out,
    programme_record_medication_recheck,
)

GUIDANCE_KINDS = (ActorKind.STAFF, ActorKind.SUPERUSER, ActorKind.GUIDANCE_PROVIDER)

CONTACT_EXAMPLE = OpenApiExample(
    "最終評価 (final evaluation)",
    value={
        "kind": "final",
        "form": 1,
        "date": "2025-09-01",
        "minutes": 20,
        "automated": False,
        "weight_kg": "78.0",
        "waist_cm": "93.0",
        "behaviour_changes": [
            {"category": "diet", "since": "2025-06-20"},
            {"category": "exercise", "since": "2025-07-01"},
        ],
    },
    request_only=True,
)
REFUSED_EXAMPLE = OpenApiExample(
    "電話での初回面接は不可 (telephone initial interview refused)",
    value={
        "errors": [
            {
                "field": "form",
                "code": "initial_interview_form",
                "value": 5,
                "message_ja": "初回面接は電話・電子メール等では実施できません",
                "message_en": "The initial interview cannot be held by telephone or email/chat",
            }
        ]
    },
    response_only=True,
    status_codes=["400"],
)
PROGRAMME_EXAMPLE = OpenApiExample(
    "積極的支援 終了 (completed intensive programme)",
    value={
        "id": 12,
        "checkup": 345,
        "person": {"insurer_number": "06999999", "card_symbol": "10", "card_number": "1234", "card_branch": "00"},
        "fiscal_year": 2025,
        "level": 1,
        "status": "completed",
        "points": {"outcome": 180, "process": 10, "total": 190},
        "lines": [
            {"rule": "early_interview_within_week", "points": 10, "contact": 1, "detail_ja": "…", "detail_en": "…"},
            {"rule": "outcome_2cm_2kg", "points": 180, "contact": 2, "detail_ja": "…", "detail_en": "…"},
        ],
        "completed_on": "2025-09-01",
    },
    response_only=True,
)


MAX_ID_DIGITS = 9  # ids and years fit; a longer number would overflow the database's integer
DATE_FILTERS = ("next_action_due_before", "final_due_before")


def _date_filters(params: Any) -> tuple[dict[str, dt.date], list[dict[str, Any]]]:
    """The list's YYYY-MM-DD filters, and an envelope entry (parameter, value) for each that is not a date."""
    dates, errors = {}, []
    for name in DATE_FILTERS:
        raw = params.get(name) or ""
        if not raw:
            continue
        try:
            dates[name] = dt.date.fromisoformat(raw)
        except ValueError:
            text = message(_("%(field)s は日付(YYYY-MM-DD)で送ってください"), field=name)
            errors.append(error_entry(field=name, code="date", value=raw, text=text))
    return dates, errors


ENVELOPE_KEYS = ("field", "code", "value", "message_ja", "message_en")  # the project's error envelope


def errors_response(errors: list[dict[str, Any]], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": [{k: e.get(k) for k in ENVELOPE_KEYS} for e in errors]}, code)


def invalid_input(serializer_errors: dict[str, Any], data: Any = None) -> Response:
    """DRF field errors in the project's envelope, both languages from gettext (infra.api_errors)."""
    return errors_response(validation_errors(serializer_errors, data=data))


def refused(exc: GuidanceRefused) -> Response:
    return errors_response([violation_dict(v) for v in exc.violations])


def conflict() -> Response:
    text = _("他の利用者が更新しました。再読み込みしてください")
    return errors_response([error_entry(field="version", code="version_conflict", text=text)], status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("checkup", OpenApiTypes.INT, description="健診結果ID"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ProgrammeStatus.values),
            OpenApiParameter("fiscal_year", OpenApiTypes.INT, description="年度 (SPEC §1.1)"),
            OpenApiParameter("card_number", OpenApiTypes.STR, description="被保険者証番号"),
            OpenApiParameter(
                "next_action_due_before", OpenApiTypes.DATE, description="次の対応の期限がこの日以前 (inclusive)"
            ),
            OpenApiParameter(
                "final_due_before",
                OpenApiTypes.DATE,
                description="実績評価が可能になる日(初回面接の3か月後, SPEC §5.3)がこの日以前で、実績評価前のもの",
            ),
        ],
        examples=[PROGRAMME_EXAMPLE],
    ),
    retrieve=extend_schema(examples=[PROGRAMME_EXAMPLE]),
)
class ProgrammeViewSet(ActorScopedMixin, viewsets.ReadOnlyModelViewSet):
    """保健指導プログラム: a provider sees those assigned to it, staff those of their insurers (others: 404)."""

    scoped_model = Programme
    serializer_class = ProgrammeSerializer
    permission_classes = [ActorKindPermission]
    allowed_actor_kinds = GUIDANCE_KINDS
    filter_backends: list = []  # filters are the selector's keyword arguments

    def get_queryset(self):
        params = self.request.query_params

        def integer(name: str) -> int | None:
            value = params.get(name, "")
            if not value.isdigit():
                return None
            return int(value) if len(value) <= MAX_ID_DIGITS else 0  # beyond any id or year: matches nothing

        return programme_list(
            actor=self.actor,
            checkup_id=integer("checkup"),
            status=params.get("status") or None,
            fiscal_year=integer("fiscal_year"),
            card_number=params.get("card_number") or None,
            **getattr(self, "date_filters", {}),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page of programmes, each person's read in their access log (staff and providers)."""
        self.date_filters, errors = _date_filters(request.query_params)
        if errors:
            return errors_response(errors)
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates (REST_FRAMEWORK PAGE_SIZE)
        access_log_record(
            actor=self.actor,
            person_ids=[programme.person_id for programme in page],
            action=AccessLog.Action.API_READ,
            target="programme:list",
            request=request,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        access_log_record(
            actor=self.actor,
            person_ids=[programme.person_id],
            action=AccessLog.Action.API_READ,
            target=f"programme:{programme.pk}",
            request=request,
        )
        return Response(self.get_serializer(programme).data)

    def _respond(self, programme: Programme, code: int = status.HTTP_200_OK, **extra: Any) -> Response:
        """A write answers with the programme as it now is: a read of the person's data, so it is logged too."""
        fresh = self.get_queryset().get(pk=programme.pk)
        access_log_record(
            actor=self.actor,
            person_ids=[fresh.person_id],
            action=AccessLog.Action.API_READ,
            target=f"programme:{fresh.pk}",
            request=self.request,
        )
        return Response({**self.get_serializer(fresh).data, **extra}, code)

    @extend_schema(
        request=ContactInputSerializer,
        responses={201: ProgrammeSerializer, 400: ErrorsSerializer, 409: ErrorsSerializer},
        examples=[CONTACT_EXAMPLE, REFUSED_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request: Request, pk: str | None = None) -> Response:
        """Add a contact (SPEC §5.2); 400 names the rule that refused it."""
        programme = self.get_object()
        serializer = ContactInputSerializer(data=request.data)
        if not serializer.is_valid():
            return invalid_input(serializer.errors, request.data)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("behaviour_sustained_months", None)  # deprecated: start dates decide (SPEC §5.5)
        try:
            contact = contact_add(programme=programme, data=data, actor=self.actor, expected_version=version)
        except GuidanceRefused as exc:
            return refused(exc)
        except ProgrammeVersionConflict:
            return conflict()
        warnings = [{k: violation_dict(w)[k] for k in ENVELOPE_KEYS} for w in contact.rule_warnings]
        return self._respond(programme, status.HTTP_201_CREATED, contact_id=contact.pk, warnings=warnings)

    @extend_schema(
        request=DropOutInputSerializer,
        responses={200: ProgrammeSerializer, 400: ErrorsSerializer, 409: ErrorsSerializer},
        examples=[OpenApiExample("連絡不通", value={"reason": "unreachable", "date": "2025-10-01"}, request_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="drop-out")
    def drop_out(self, request: Request, pk: str | None = None) -> Response:
        """途中終了 with a reason (SPEC §5.6)."""
        programme = self.get_object()
        serializer = DropOutInputSerializer(data=request.data)
        if not serializer.is_valid():
            return invalid_input(serializer.errors, request.data)
        data = serializer.validated_data
        try:
            programme_drop_out(
                programme=programme,
                reason=data["reason"],
                date=data["date"],
                actor=self.actor,
                expected_version=data["version"],
            )
        except GuidanceRefused as exc:
            return refused(exc)
        except ProgrammeVersionConflict:
            return conflict()
        return self._respond(programme)

    def _staff_only(self) -> Response | None:
        if self.actor.kind in STAFF_KINDS:
            return None
        text = _("保険者の職員のみが記録できます")
        return errors_response([error_entry(field="actor", code="staff_only", text=text)], status.HTTP_403_FORBIDDEN)

    @extend_schema(
        request=MedicationRecheckInputSerializer,
        responses={200: ProgrammeSerializer, 400: ErrorsSerializer, 403: ErrorsSerializer, 409: ErrorsSerializer},
        examples=[
            OpenApiExample(
                "再確認コード2 (medication started after the checkup)",
                value={"code": 2, "medication": "blood_pressure", "date": "2025-07-01"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="medication-recheck")
    def medication_recheck(self, request: Request, pk: str | None = None) -> Response:
        """保険者再確認 of medication (SPEC §5.6): code 1 re-judges the checkup (服薬中), code 2 → 対象外. Staff."""
        programme = self.get_object()
        if (forbidden := self._staff_only()) is not None:
            return forbidden
        serializer = MedicationRecheckInputSerializer(data=request.data)
        if not serializer.is_valid():
            return invalid_input(serializer.errors, request.data)
        data = serializer.validated_data
        try:
            programme_record_medication_recheck(
                programme=programme,
                code=int(data["code"]),
                medication=data["medication"],
                date=data["date"],
                note=data["note"],
                actor=self.actor,
                user=request.user if getattr(request.user, "pk", None) else None,
                expected_version=data["version"],
            )
        except GuidanceRefused as exc:
            return refused(exc)
        except ProgrammeVersionConflict:
            return conflict()
        return self._respond(programme)

    @extend_schema(
        request=LevelDecisionInputSerializer,
        responses={200: ProgrammeSerializer, 400: ErrorsSerializer, 403: ErrorsSerializer, 409: ErrorsSerializer},
    )
    @action(detail=True, methods=["post"], url_path="level-decision")
    def level_decision(self, request: Request, pk: str | None = None) -> Response:
        """Keep or switch the level after a checkup correction changed it (SPEC §5.6); contacts kept. Staff."""
        programme = self.get_object()
        if (forbidden := self._staff_only()) is not None:
            return forbidden
        serializer = LevelDecisionInputSerializer(data=request.data)
        if not serializer.is_valid():
            return invalid_input(serializer.errors, request.data)
        data = serializer.validated_data
        try:
            programme_decide_level(
                programme=programme,
                decision=data["decision"],
                note=data["note"],
                actor=self.actor,
                user=request.user if getattr(request.user, "pk", None) else None,
                expected_version=data["version"],
            )
        except GuidanceRefused as exc:
            return refused(exc)
        except ProgrammeVersionConflict:
            return conflict()
        return self._respond(programme)
