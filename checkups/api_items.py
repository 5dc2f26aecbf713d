"""`GET /api/v1/items/?program=010`: the item catalogue for integrators (issue #13), from the item table."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from infra.api_errors import envelope, error_entry
from infra.i18n import message
from members.api_auth import ApiKeyRateThrottle

from .item_catalogue import catalogue
from .mhlw.itemtable import PROGRAM_SPECIFIC_CHECKUP
from .mhlw.validation_rules import SUPPORTED_PROGRAMS

ITEM_EXAMPLE = OpenApiExample(
    "腹囲(実測) (waist, measured)",
    value={
        "program": "010",
        "items": [
            {
                "code": "9N016160100000001",
                "name": "腹囲(実測)",
                "type": "PQ",
                "unit": "cm",
                "format": "NNN.N",
                "plausible_range": {"min": "40", "max": "250"},
                "answers": None,
                "answer_oid": None,
                "method_codes": ["9N01610000"],
                "requirement": {"kind": "group", "group": "A"},
            }
        ],
    },
    response_only=True,
)


class ItemCatalogueView(APIView):
    """項目一覧: 17桁コード、名称、型、単位、書式、妥当範囲、回答の選択肢、方法コード、必須区分 (any API key)."""

    throttle_classes = [ApiKeyRateThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("program", OpenApiTypes.STR, description="010 特定健診 (default), 030 事業者健診")
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[ITEM_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        program = request.query_params.get("program", PROGRAM_SPECIFIC_CHECKUP)
        if program not in SUPPORTED_PROGRAMS:
            text = message(_("program は %(allowed)s のどれかにしてください"), allowed=", ".join(SUPPORTED_PROGRAMS))
            error = error_entry(field="program", code="unknown_program", value=program, text=text)
            return Response(envelope([error]), status=status.HTTP_400_BAD_REQUEST)
        return Response({"program": program, "items": catalogue(program)})
