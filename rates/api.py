"""GET /api/v1/rates/?insurer=NUMBER&fiscal_year=YEAR: the latest snapshot (staff key or staff session)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from members.actors import actor_from_request
from members.api_base import STAFF_KINDS, ActorKindPermission

from .selectors import insurers_for, snapshot_latest, snapshot_payload, targets_for


class RateQuerySerializer(serializers.Serializer):
    insurer = serializers.RegexField(r"^\d{8}$")  # 保険者番号, SPEC §1.5
    fiscal_year = serializers.IntegerField(min_value=2008, max_value=2100)


class RateView(APIView):
    permission_classes = [ActorKindPermission]
    allowed_actor_kinds = STAFF_KINDS

    @extend_schema(
        parameters=[
            OpenApiParameter("insurer", str, required=True, description="保険者番号"),
            OpenApiParameter("fiscal_year", int, required=True, description="年度"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        query = RateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # Another insurer's number answers 404, exactly like an unknown one
        insurer = insurers_for(actor=actor_from_request(request)).filter(number=query.validated_data["insurer"]).first()
        if insurer is None:
            raise Http404
        snapshot = snapshot_latest(insurer=insurer, fiscal_year=query.validated_data["fiscal_year"])
        if snapshot is None:
            raise Http404
        return Response(snapshot_payload(snapshot=snapshot, targets=targets_for(insurer=insurer)))
