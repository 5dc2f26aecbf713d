"""API shapes for clinic uploads. Serializers check shape only; the record rules live in mhlw.validation."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .codes import GuidanceLevel, MetabolicJudgment
from .mhlw.cda_codes import FOURTH_PERIOD_START
from .mhlw.document import SECTION_OPTIONAL, SECTION_SPECIFIC, CheckupDocument, Observation
from .mhlw.itemtable import author_parents, format_digits, item
from .models import Checkup, Upload
from .serializers_items import CheckupItemSerializer

MAX_ITEMS = 500  # ◆ more than every item of XMLhc24tab a single exam can carry


class CheckupInputSerializer(serializers.Serializer):
    insurer_number = serializers.CharField(max_length=8)
    card_symbol = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    card_number = serializers.CharField(max_length=20)
    card_branch = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    name_kana = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=[1, 2])
    birth_date = serializers.DateField()
    exam_date = serializers.DateField()
    program = serializers.ChoiceField(choices=["010", "030"])
    items = serializers.ListField(child=CheckupItemSerializer(), max_length=MAX_ITEMS)

    def to_document(self, *, clinic_number: str = "", clinic_name: str = "") -> CheckupDocument:
        """Units, value types, answer OIDs, series groups and sections come from the item table (SPEC §9.2)."""
        data = self.validated_data
        authors = author_parents()
        observations: dict[str, Observation] = {}
        author_names: dict[str, str] = {}
        for entry in data["items"]:
            code, value = entry["code"].strip(), entry["value"]
            if code in authors:  # a doctor's name travels on its judgement item (formats-notes §1.6)
                author_names[code] = value
                continue
            observations[code] = _observation(code, value, entry.get("method", ""), entry.get("unit", ""))
        for author_code, name in author_names.items():
            for parent in authors[author_code]:
                if parent in observations:
                    observations[parent].author_name = name
        return CheckupDocument(
            insurer_number=data["insurer_number"],
            card_symbol=data["card_symbol"],
            card_number=data["card_number"],
            card_branch=data["card_branch"],
            name_kana=data["name_kana"],
            sex=int(data["sex"]),
            birth_date=data["birth_date"],
            exam_date=data["exam_date"],
            program=data["program"],
            clinic_number=clinic_number,
            clinic_name=clinic_name,
            observations=list(observations.values()),
            period=4 if data["exam_date"] >= FOURTH_PERIOD_START else 3,  # SPEC §9.3
        )


def _observation(code: str, value: str, method: str, unit: str = "") -> Observation:
    """A unit or method code left out is the item table's; one sent is kept as sent, for validation to check."""
    definition = item(code)
    if definition is None:  # validation names the unknown code
        return Observation(code=code, value_type="", value=value, method_code=method, unit=unit)
    coded = definition.is_coded
    if definition.value_type == "PQ":
        value = _trim_zeros(value, definition.format)
    return Observation(
        code=code,
        value_type=definition.value_type,
        value=value,
        unit=unit.strip() or (definition.unit if definition.value_type == "PQ" else ""),
        method_code=method.strip() or definition.method_code,
        code_system=definition.answer_oid if coded else "",
        section=SECTION_OPTIONAL if definition.requirement_checkup in ("", "0") else SECTION_SPECIFIC,
        group_code=definition.group_id or None,
        relation=(definition.group_relation or "COMP") if definition.group_id else None,
    )


def _trim_zeros(value: str, fmt: str) -> str:
    """JSON 134.0 for a NNN item is 134: drop only zero digits beyond the format's fraction (never round)."""
    digits = format_digits(fmt)
    integer, dot, fraction = value.partition(".")
    if digits is None or not dot or len(fraction) <= digits[1] or fraction[digits[1] :].strip("0"):
        return value
    kept = fraction[: digits[1]]
    return f"{integer}.{kept}" if kept else integer


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.IntegerField(allow_null=True)
    label = serializers.CharField(allow_null=True)  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)


def code_label(choices: type[GuidanceLevel] | type[MetabolicJudgment], code: int | None) -> dict[str, Any]:
    return {"code": code, "label": str(choices(code).label) if code else None}


class RecordErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    value = serializers.CharField(allow_null=True, required=False)
    message_ja = serializers.CharField()
    message_en = serializers.CharField()


class RecordErrorsSerializer(serializers.Serializer):
    errors = RecordErrorSerializer(many=True)  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)


class ItemChangeSerializer(serializers.Serializer):
    """One item a re-send changed: its value before and after (null: the item is absent)."""

    code = serializers.CharField()
    to = serializers.CharField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # `from` is a Python keyword: added here, in the answer's order
        return {"code": fields["code"], "from": serializers.CharField(allow_null=True), "to": fields["to"]}


class CheckupCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    guidance_level = CodeLabelSerializer()
    metabolic_syndrome = CodeLabelSerializer()
    warnings = RecordErrorSerializer(many=True)
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    changes = ItemChangeSerializer(many=True)


class CheckupHeldSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    status = serializers.CharField()
    message_ja = serializers.CharField()
    message_en = serializers.CharField()


class CheckupSerializer(serializers.ModelSerializer):
    """A stored record as the sender sees it (GET /api/v1/checkups/{id}/)."""

    insurer_number = serializers.CharField(source="insurer.number")
    card_symbol = serializers.CharField(source="person.card_symbol")
    card_number = serializers.CharField(source="person.card_number")
    card_branch = serializers.CharField(source="person.card_branch")
    guidance_level = serializers.SerializerMethodField()
    metabolic_syndrome = serializers.SerializerMethodField()

    class Meta:
        model = Checkup
        fields = [
            "id",
            "insurer_number",
            "card_symbol",
            "card_number",
            "card_branch",
            "exam_date",
            "fiscal_year",
            "program",
            "source",
            "items",
            "guidance_level",
            "metabolic_syndrome",
            "is_complete",
            "missing_items",
            "counts_for_fiscal_year",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(CodeLabelSerializer)
    def get_guidance_level(self, obj: Checkup) -> dict[str, Any]:
        return code_label(GuidanceLevel, obj.guidance_level)

    @extend_schema_field(CodeLabelSerializer)
    def get_metabolic_syndrome(self, obj: Checkup) -> dict[str, Any]:
        return code_label(MetabolicJudgment, obj.metabolic_judgment)


class UploadFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="MHLW archive (ZIP, 3rd or 4th period) or one CDA XML (h…xml)")


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    held = serializers.IntegerField()


class UploadRecordSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    file = serializers.CharField()
    status = serializers.ChoiceField(choices=["accepted", "rejected", "held"])
    checkup = serializers.IntegerField(required=False)
    created = serializers.BooleanField(required=False)
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged"], required=False)  # accepted
    changes = ItemChangeSerializer(many=True, required=False)  # of an updated record (issue #13)
    held = serializers.IntegerField(required=False)
    # a guidance file (g…xml, SPEC §9.6): its programme, whether this file created it, and its contacts
    programme = serializers.IntegerField(required=False)
    contacts_recorded = serializers.IntegerField(required=False)
    contacts_unchanged = serializers.IntegerField(required=False, help_text="already stored from an earlier file")
    message_ja = serializers.CharField(required=False)
    message_en = serializers.CharField(required=False)
    errors = RecordErrorSerializer(many=True)  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)
    warnings = RecordErrorSerializer(many=True)


class UploadSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)
    records = UploadRecordSerializer(many=True, source="report_entries")  # so far, while processing

    class Meta:
        model = Upload
        fields = [
            "id",
            "status",
            "kind",
            "file_name",
            "sha256",
            "size",
            "created_at",
            "finished_at",
            "progress",
            "summary",
            "errors",
            "warnings",
            "records",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj: Upload) -> dict[str, int]:
        return {"done": obj.done, "total": obj.total}

    @extend_schema_field(SummarySerializer)
    def get_summary(self, obj: Upload) -> dict[str, int]:
        return {"accepted": obj.accepted, "rejected": obj.rejected, "held": obj.held}

    @extend_schema_field(RecordErrorSerializer(many=True))
    def get_errors(self, obj: Upload) -> list[dict[str, Any]]:
        if not obj.error:
            return []
        return [{"field": "file", "value": None, **obj.error}]
