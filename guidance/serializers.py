"""API shapes of guidance programmes and contacts. No rules here: the services and `guidance.rules` decide."""

from typing import Any

from rest_framework import serializers

from .codes import BehaviourCategory, ContactForm, ContactKind, DropoutReason
from .models import Contact, Programme


class PersonRefSerializer(serializers.Serializer):
    insurer_number = serializers.CharField(source="insurer.number")
    card_symbol = serializers.CharField()
    card_number = serializers.CharField()
    card_branch = serializers.CharField()


class PointsSerializer(serializers.Serializer):
    outcome = serializers.IntegerField(source="outcome_points")
    process = serializers.IntegerField(source="process_points")
    total = serializers.IntegerField(source="total_points")


class LineSerializer(serializers.Serializer):
    rule = serializers.CharField()
    points = serializers.IntegerField()
    contact = serializers.IntegerField(allow_null=True, help_text="Contact id the line came from")
    detail_ja = serializers.CharField()
    detail_en = serializers.CharField()
    spec = serializers.CharField()


class NextActionSerializer(serializers.Serializer):
    code = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    message_ja = serializers.CharField()
    message_en = serializers.CharField()


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "kind",
            "form",
            "date",
            "minutes",
            "automated",
            "has_guidance_content",
            "weight_kg",
            "waist_cm",
            "measurements_self_declared",
            "behaviour_changes",
            "behaviour_sustained_months",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    points = PointsSerializer(source="*")
    lines = serializers.SerializerMethodField()
    next_action = serializers.SerializerMethodField()
    provider = serializers.CharField(source="provider.number", default=None)
    contacts = ContactSerializer(many=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "checkup",
            "person",
            "fiscal_year",
            "level",
            "status",
            "points",
            "lines",
            "completed_on",
            "initial_on",
            "last_contact_on",
            "next_action",
            "dropped_out_on",
            "dropout_reason",
            "excluded_cause",
            "excluded_on",
            "provider",
            "contacts",
            "version",
        ]

    def get_lines(self, programme: Programme) -> list[dict[str, Any]]:
        return list(LineSerializer(programme.evaluation.get("lines", []), many=True).data)

    def get_next_action(self, programme: Programme) -> dict[str, Any] | None:
        action = programme.evaluation.get("next_action")
        return NextActionSerializer(action).data if action else None


class ContactInputSerializer(serializers.Serializer):
    """Body of POST …/contacts/ (SPEC §5.2). `version` optionally names the programme version the client read."""

    kind = serializers.ChoiceField(choices=ContactKind.values)
    form = serializers.ChoiceField(choices=ContactForm.values)
    date = serializers.DateField()
    minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1440)
    automated = serializers.BooleanField(required=False, default=False)
    has_guidance_content = serializers.BooleanField(required=False, default=True)
    weight_kg = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    waist_cm = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    measurements_self_declared = serializers.BooleanField(required=False, default=False)
    behaviour_changes = serializers.ListField(
        child=serializers.ChoiceField(choices=BehaviourCategory.values), required=False, default=list
    )
    behaviour_sustained_months = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=24), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class DropOutInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DropoutReason.values)
    date = serializers.DateField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField(help_text="The rule that refused the request (e.g. initial_interview_form)")
    message_ja = serializers.CharField()
    message_en = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)
