"""Submission status API: an employer key sees its own submissions only; staff see their insurers' (SPEC §7.3)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from members.actors import ActorKind
from members.api_base import ActorKindPermission, ActorScopedMixin

from .models import Submission
from .selectors import Counts, live_status, submission_counts


class BandCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)
    expected = serializers.IntegerField()
    received = serializers.IntegerField()
    owed = serializers.IntegerField()


class SubmissionSerializer(serializers.ModelSerializer):
    employer_code = serializers.CharField(source="employer.code")
    employer_name = serializers.CharField(source="employer.name")
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "employer_code",
            "employer_name",
            "fiscal_year",
            "status",
            "status_label",
            "requested_on",
            "due_on",
            "last_received_on",
            "counts",
        ]

    def _counts(self, submission: Submission) -> Counts:
        counts: dict[tuple[int, int], dict[int, Counts]] = self.context.get("counts", {})
        return counts.get((submission.insurer_id, submission.fiscal_year), {}).get(submission.employer_id, Counts())

    def get_status(self, submission: Submission) -> str:
        return live_status(submission, self._counts(submission)).value

    def get_status_label(self, submission: Submission) -> str:
        return str(live_status(submission, self._counts(submission)).label)

    @extend_schema_field(BandCountSerializer(many=True))
    def get_counts(self, submission: Submission) -> list[dict[str, object]]:
        return self._counts(submission).bands()


class SubmissionViewSet(ActorScopedMixin, viewsets.ReadOnlyModelViewSet):
    """GET /api/v1/employer-data/submissions/ (and /<id>/): another employer's submission answers 404."""

    scoped_model = Submission
    serializer_class = SubmissionSerializer
    permission_classes = [ActorKindPermission]
    allowed_actor_kinds = (ActorKind.STAFF, ActorKind.SUPERUSER, ActorKind.EMPLOYER)
    filterset_fields = ["fiscal_year", "status"]

    def get_queryset(self) -> QuerySet[Submission]:
        return self.scoped_queryset().select_related("employer").order_by("-fiscal_year", "employer__code")

    def _counts(self, submissions: list[Submission]) -> dict[tuple[int, int], dict[int, Counts]]:
        keys = {(s.insurer_id, s.fiscal_year) for s in submissions}
        return {key: submission_counts(insurer_id=key[0], fiscal_year=key[1]) for key in keys}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        serializer = self.get_serializer(
            rows, many=True, context={**self.get_serializer_context(), "counts": self._counts(rows)}
        )
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        submission = self.get_object()
        context = {**self.get_serializer_context(), "counts": self._counts([submission])}
        return Response(self.get_serializer(submission, context=context).data)
