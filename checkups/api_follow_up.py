"""A clinic follows up what it sent (issue #13): its uploads, its stored records, its held records.

    GET /api/v1/uploads/?created_from=&created_to=&status=     newest first (the upload list, no per-record report)
    GET /api/v1/checkups/?exam_date_from=&exam_date_to=         id, card, exam date, level, counted or not
    GET /api/v1/held/{id}/                                      held / linked / rejected (the reason is for staff)

Scoped like every API read (`visible_to`): a sender sees only what it sent, another's id answers 404.
"""

import django_filters
from rest_framework import serializers

from .codes import GuidanceLevel
from .models import Checkup, HeldRecord, Upload
from .serializers import code_label


class UploadFilter(django_filters.FilterSet):
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    status = django_filters.ChoiceFilter(choices=Upload.Status.choices)

    class Meta:
        model = Upload
        fields = ["created_from", "created_to", "status"]


class CheckupFilter(django_filters.FilterSet):
    exam_date_from = django_filters.DateFilter(field_name="exam_date", lookup_expr="gte")
    exam_date_to = django_filters.DateFilter(field_name="exam_date", lookup_expr="lte")

    class Meta:
        model = Checkup
        fields = ["exam_date_from", "exam_date_to"]


class UploadListSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = ["id", "status", "kind", "file_name", "size", "created_at", "finished_at", "summary"]

    def get_summary(self, obj: Upload) -> dict[str, int]:
        return {"accepted": obj.accepted, "rejected": obj.rejected, "held": obj.held}


class CheckupListSerializer(serializers.ModelSerializer):
    """One line per stored record: enough to reconcile with the clinic's own system, no results."""

    insurer_number = serializers.CharField(source="insurer.number")
    card_symbol = serializers.CharField(source="person.card_symbol")
    card_number = serializers.CharField(source="person.card_number")
    card_branch = serializers.CharField(source="person.card_branch")
    guidance_level = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Checkup
        fields = [
            "id",
            "insurer_number",
            "card_symbol",
            "card_number",
            "card_branch",
            "exam_date",
            "program",
            "guidance_level",
            "status",
        ]

    def get_guidance_level(self, obj: Checkup) -> dict:
        return code_label(GuidanceLevel, obj.guidance_level)

    def get_status(self, obj: Checkup) -> str:
        """counted: the checkup the fiscal year counts (SPEC §6.1); not_counted: another checkup of the year does."""
        return "counted" if obj.counts_for_fiscal_year else "not_counted"


class HeldStatusSerializer(serializers.ModelSerializer):
    """What the sender may know of a held record: its state, never the staff-only reason."""

    checkup = serializers.SerializerMethodField()

    class Meta:
        model = HeldRecord
        fields = ["id", "status", "exam_date", "created_at", "resolved_at", "checkup"]

    def get_checkup(self, obj: HeldRecord) -> int | None:
        """The stored record once staff linked it (the sender can then read it)."""
        return obj.checkup_id if obj.status == HeldRecord.Status.LINKED else None
