"""API shapes of guidance programmes and contacts. No rules here: the services and `guidance.rules` decide."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checkups.serializers import CodeLabelSerializer

from .codes import ContactForm, ContactKind, DropoutReason, LevelDecision, Medication
from .models import Contact, Programme
from .selectors import programme_baseline, programme_targets


class PersonRefSerializer(serializers.Serializer):
    """The person a provider guides (read from the programme): card, kana name, sex, birth date, age basis."""

    insurer_number = serializers.CharField(source="insurer.number")
    card_symbol = serializers.CharField(source="person.card_symbol")
    card_number = serializers.CharField(source="person.card_number")
    card_branch = serializers.CharField(source="person.card_branch")
    name_kana = serializers.CharField(source="person.name_kana")
    sex = serializers.IntegerField(source="person.sex", help_text="1 男, 2 女 (OID .1104)")
    birth_date = serializers.DateField(source="person.birth_date")
    age_basis = serializers.IntegerField(
        source="checkup.age_at_fy_end", help_text="年度末年齢: the age basis of the programme's fiscal year (SPEC §1.2)"
    )


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, **kwargs)


class MedicationAnswersSerializer(serializers.Serializer):
    blood_pressure = serializers.IntegerField(allow_null=True, help_text="Q1: 1 はい, 2 いいえ")
    glucose = serializers.IntegerField(allow_null=True, help_text="Q2")
    lipids = serializers.IntegerField(allow_null=True, help_text="Q3")
    reconfirmed = serializers.IntegerField(allow_null=True, help_text="保険者再確認 (.24020): 1 or 2")


class BaselineSerializer(serializers.Serializer):
    """The exam the programme came from (SPEC §2, §5.5): the baseline of every outcome."""

    exam_date = serializers.DateField()
    weight_kg = _decimal()
    waist_cm = _decimal()
    bmi = _decimal()
    level = CodeLabelSerializer(allow_null=True)
    group = serializers.CharField(allow_null=True, help_text="A (waist / visceral fat), B (BMI) or none")
    risks = serializers.DictField(child=serializers.BooleanField(), help_text="each risk of SPEC §2.3, present")
    exception = serializers.CharField(allow_null=True)
    explanation_ja = serializers.ListField(child=serializers.CharField())
    explanation_en = serializers.ListField(child=serializers.CharField())
    medication = MedicationAnswersSerializer()


class TargetRowSerializer(serializers.Serializer):
    change = serializers.CharField(help_text="kg and cm alike")
    weight_kg = _decimal()
    waist_cm = _decimal()


class Row0024Serializer(TargetRowSerializer):
    exam_weight_x_0024 = serializers.CharField()


class WeightWaistSerializer(serializers.Serializer):
    weight_kg = _decimal()
    waist_cm = _decimal()


class TargetsSerializer(serializers.Serializer):
    """What reaches the 180-point outcome (SPEC §5.5): the 2 cm・2 kg row, the 0.024 row, which applies."""

    two_cm_two_kg = TargetRowSerializer()
    row_0024 = Row0024Serializer()
    factor = serializers.CharField()
    applies = serializers.ChoiceField(choices=["two_cm_two_kg", "row_0024"])
    reach_180 = WeightWaistSerializer()
    one_cm_one_kg = WeightWaistSerializer(help_text="20 points when the 180 row is not met")
    planned_outcome = serializers.IntegerField(help_text="腹囲・体重の計画 (.24110): 0 なし, 1 1cm・1kg, 2 2cm・2kg")
    target_weight_kg = _decimal()
    target_waist_cm = _decimal()


class ActionPlanOutSerializer(serializers.Serializer):
    goals = serializers.ListField(child=serializers.CharField(), source="behaviour_goals")
    support_plan = serializers.CharField()
    set_on = serializers.DateField(source="action_plan_on", allow_null=True)


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
    """A recorded contact with its points and the lines that gave them (SPEC §5.7)."""

    points = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    def _lines(self, contact: Contact) -> list[dict[str, Any]]:
        return self.context.get("lines_by_contact", {}).get(contact.pk, [])

    def get_points(self, contact: Contact) -> int:
        return sum(int(line.get("points") or 0) for line in self._lines(contact))

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, contact: Contact) -> list[dict[str, Any]]:
        return list(LineSerializer(self._lines(contact), many=True).data)

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
            "systolic_mmhg",
            "diastolic_mmhg",
            "participants",
            "measurements_self_declared",
            "behaviour_changes",
            "action_plan",
            "points",
            "lines",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    """A programme with what a provider needs to work on it (issue #15): the person, the baseline, the targets,
    the action plan, every contact with its points, the earliest final evaluation and the next action."""

    person = PersonRefSerializer(source="*")
    points = PointsSerializer(source="*")
    lines = serializers.SerializerMethodField()
    next_action = serializers.SerializerMethodField()
    provider = serializers.CharField(source="provider.number", default=None)
    contacts = serializers.SerializerMethodField()
    baseline = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()
    action_plan = ActionPlanOutSerializer(source="*")

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
            "baseline",
            "targets",
            "action_plan",
            "final_evaluation_earliest",
            "final_evaluation_on",
            "next_action_due",
            "contacts",
            "version",
        ]

    @extend_schema_field(BaselineSerializer)
    def get_baseline(self, programme: Programme) -> dict[str, Any]:
        return dict(BaselineSerializer(programme_baseline(programme)).data)

    @extend_schema_field(TargetsSerializer(allow_null=True))
    def get_targets(self, programme: Programme) -> dict[str, Any] | None:
        targets = programme_targets(programme)
        return dict(TargetsSerializer(targets).data) if targets else None

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, programme: Programme) -> list[dict[str, Any]]:
        lines_by_contact: dict[int, list[dict[str, Any]]] = {}
        for line in programme.evaluation.get("lines", []):
            if line.get("contact") is not None:
                lines_by_contact.setdefault(line["contact"], []).append(line)
        context = {**self.context, "lines_by_contact": lines_by_contact}
        return list(ContactSerializer(programme.contacts.all(), many=True, context=context).data)

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, programme: Programme) -> list[dict[str, Any]]:
        return list(LineSerializer(programme.evaluation.get("lines", []), many=True).data)

    @extend_schema_field(NextActionSerializer(allow_null=True))
    def get_next_action(self, programme: Programme) -> dict[str, Any] | None:
        action = programme.evaluation.get("next_action")
        return NextActionSerializer(action).data if action else None


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "a bare category (no start date: earns nothing)"},
            {
                "type": "object",
                "properties": {"category": {"type": "string"}, "since": {"type": "string", "format": "date"}},
                "required": ["category"],
            },
        ]
    }
)
class BehaviourChangeField(serializers.Field):
    """One changed behaviour (SPEC §5.5): `{"category": "diet", "since": "2025-10-10"}`, or a bare category
    string (accepted, but without a start date it earns nothing). Unknown categories are the rules' to refuse."""

    default_error_messages = {
        "invalid": "行動変容は {category, since} または区分の文字列です / a behaviour change is {category, since} "
        "or a category string",
        "date": "since は YYYY-MM-DD の日付です / since must be a date YYYY-MM-DD",
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        if not isinstance(data, dict) or not isinstance(data.get("category"), str):
            self.fail("invalid")
        since = data.get("since")
        if since in (None, ""):
            return {"category": data["category"], "since": None}
        try:
            day = serializers.DateField().to_internal_value(since)
        except serializers.ValidationError:
            self.fail("date")
        return {"category": data["category"], "since": day.isoformat()}

    def to_representation(self, value: Any) -> Any:
        return value


class ActionPlanSerializer(serializers.Serializer):
    """行動目標・行動計画 set at the initial interview (SPEC §5.2)."""

    goals = serializers.ListField(child=serializers.CharField(max_length=200), max_length=10, required=False)
    support_plan = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ContactInputSerializer(serializers.Serializer):
    """Body of POST …/contacts/ (SPEC §5.2). `version` optionally names the programme version the client read.

    Shapes only: every rule (minimums, ranges, duplicates, dates, the action plan) is `guidance.rules`'."""

    kind = serializers.ChoiceField(choices=ContactKind.values)
    form = serializers.ChoiceField(choices=ContactForm.values)
    date = serializers.DateField()
    minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1440)
    participants = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1000)
    automated = serializers.BooleanField(required=False, default=False)
    has_guidance_content = serializers.BooleanField(required=False, default=True)
    # wide enough that an implausible value reaches the range rule (SPEC §5.8), which names it
    weight_kg = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    waist_cm = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    systolic_mmhg = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    diastolic_mmhg = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    measurements_self_declared = serializers.BooleanField(required=False, default=False)
    behaviour_changes = serializers.ListField(child=BehaviourChangeField(), required=False, default=list)
    behaviour_sustained_months = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=24),
        required=False,
        allow_null=True,
        default=None,
        help_text="Deprecated and ignored: send each behaviour change with its start date (`since`, SPEC §5.5).",
    )
    action_plan = ActionPlanSerializer(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class DropOutInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DropoutReason.values)
    date = serializers.DateField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class MedicationRecheckInputSerializer(serializers.Serializer):
    """保険者再確認 of medication (再確認コード OID .24020, SPEC §5.6), insurer staff only."""

    code = serializers.IntegerField(help_text="再確認コード: 1 質問票の記載違い(服薬中), 2 健診以後に服薬開始")
    medication = serializers.ChoiceField(choices=Medication.values)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class LevelDecisionInputSerializer(serializers.Serializer):
    """Keep or switch the level of a started programme after a checkup correction (SPEC §5.6), staff only."""

    decision = serializers.ChoiceField(choices=LevelDecision.values)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField(help_text="The rule that refused the request (e.g. initial_interview_form)")
    value = serializers.JSONField(allow_null=True, help_text="The value sent, when there is one")
    message_ja = serializers.CharField()
    message_en = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]  # a JSON field named like a DRF attribute (the API's names are fixed)
