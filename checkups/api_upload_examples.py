"""OpenAPI examples of the upload API's answers (created, updated, held, refused, an upload's report) and the
Idempotency-Key parameter."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

IDEMPOTENCY_HEADER = "Idempotency-Key"

ERRORS_EXAMPLE = OpenApiExample(
    "回答範囲外 (answer outside its set)",
    value={
        "errors": [
            {
                "field": "items[9N736000000000011]",
                "code": "answer_not_in_set",
                "value": "9",
                "message_ja": "9N736000000000011 (喫煙) の回答 '9' は回答範囲 (1:はい、…) にありません (SPEC §4.4)。",
                "message_en": "9N736000000000011 (喫煙): answer '9' is not in the allowed set (…) (SPEC §4.4).",
            }
        ]
    },
    response_only=True,
    status_codes=["400"],
)
CREATED_EXAMPLE = OpenApiExample(
    "取込済 (stored)",
    value={
        "id": 123,
        "guidance_level": {"code": 1, "label": "積極的支援"},
        "metabolic_syndrome": {"code": 2, "label": "予備群該当"},
        "warnings": [],
        "result": "created",
        "changes": [],
    },
    response_only=True,
    status_codes=["201"],
)
UPDATED_EXAMPLE = OpenApiExample(
    "再送信による修正 (a re-send of the same person, exam date and programme with other values)",
    value={
        "id": 123,
        "guidance_level": {"code": 2, "label": "動機付け支援"},
        "metabolic_syndrome": {"code": 2, "label": "予備群該当"},
        "warnings": [],
        "result": "updated",
        "changes": [{"code": "9N016160100000001", "from": "88.0", "to": "84.0"}],
    },
    response_only=True,
    status_codes=["200"],
)
HELD_EXAMPLE = OpenApiExample(
    "照合保留 (no matching insured person: held for staff review)",
    value={
        "held": 45,
        "status": "held_for_review",
        "message_ja": "記号・番号・枝番に一致する加入者がいません",
        "message_en": "no insured person with this card",
    },
    response_only=True,
    status_codes=["202"],
)
UPLOAD_EXAMPLE = OpenApiExample(
    "処理結果 (report)",
    value={
        "id": 7,
        "status": "done",
        "kind": "archive",
        "file_name": "9999999999_06999999_202604010_1.zip",
        "sha256": "…",
        "size": 48213,
        "created_at": "2026-04-01T10:00:00+09:00",
        "finished_at": "2026-04-01T10:00:01+09:00",
        "progress": {"done": 3, "total": 3},
        "summary": {"accepted": 1, "rejected": 1, "held": 1},
        "errors": [],
        "warnings": [],
        "records": [
            {"index": 0, "file": "…/DATA/h…0.xml", "status": "accepted", "checkup": 123, "created": True,
             "result": "created", "changes": [], "errors": [], "warnings": []},
            {"index": 1, "file": "…/DATA/h…1.xml", "status": "rejected", "errors": [
                {"field": "items[3F015000002327101]", "code": "meal_timing_required", "value": None,
                 "message_ja": "… 採血時間(食後) 9N141000000000011 = 2 が必要です …",
                 "message_en": "… requires 採血時間 9N141000000000011 = 2 …"}], "warnings": []},
            {"index": 2, "file": "…/DATA/h…2.xml", "status": "held", "held": 45,
             "message_ja": "記号・番号・枝番に一致する加入者がいません",
             "message_en": "no insured person with this card",
             "errors": [], "warnings": []},
        ],
    },
    response_only=True,
)  # fmt: skip
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Sent twice (same key, same sender), the request is processed once and answers the first result.",
)
