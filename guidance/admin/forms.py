"""Forms of the programme page and list: closing (SPEC §5.6), goals and who looks after it, bulk assignment."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import GuidanceProvider

from ..codes import BehaviourCategory, DropoutReason, ExclusionCause, Medication, MedicationRecheck
from ..models import Programme
from .staff import staff_name


class AssignForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("担当職員"))
    provider = forms.ModelChoiceField(queryset=GuidanceProvider.objects.all(), required=False, label=_("保健指導機関"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("staff") and not data.get("provider"):
            raise forms.ValidationError(_("担当職員または保健指導機関を選んでください"))
        return data


class CloseForm(forms.Form):
    """Drop-out (reason) or exclusion (cause) of a programme (SPEC §5.6)."""

    outcome = forms.ChoiceField(choices=(), label=_("終了の種類"))
    date = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        dropout, excluded = _("途中終了"), _("対象外")
        recheck = _("保険者再確認")
        cast(forms.ChoiceField, self.fields["outcome"]).choices = (
            [(f"dropout:{v}", f"{dropout}: {label}") for v, label in DropoutReason.choices]
            + [
                (f"exclude:{v}", f"{excluded}: {label}")
                for v, label in ExclusionCause.choices
                if v != ExclusionCause.MEDICATION_AT_CHECKUP  # recorded as 保険者再確認 code 1 (SPEC §5.6)
            ]
            + [
                (f"recheck:{code}:{medication}", f"{recheck} {code}: {code_label}({medication_label})")
                for code, code_label in MedicationRecheck.choices
                for medication, medication_label in Medication.choices
            ]
        )


class GoalsForm(forms.ModelForm):
    """Goals of the initial interview and who looks after the programme; saved through the services."""

    behaviour_goals = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("行動目標"),
        help_text=_("1行に1つ(例: 夕食後の間食をやめる)"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Programme
        fields = [
            "target_weight_kg",
            "target_waist_cm",
            "planned_outcome",
            "behaviour_goals",
            "support_plan",
            "assigned_staff",
            "provider",
        ]
        labels = {"target_weight_kg": _("目標体重 (kg)"), "target_waist_cm": _("目標腹囲 (cm)")}
        widgets = {
            "target_weight_kg": forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            "target_waist_cm": forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        }

    def __init__(self, *args: Any, staff_users: QuerySet, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        staff = cast(forms.ModelChoiceField, self.fields["assigned_staff"])
        staff.queryset = staff_users
        staff.label_from_instance = staff_name  # type: ignore[method-assign, assignment]  # Django's documented hook
        provider = cast(forms.ModelChoiceField, self.fields["provider"])
        provider.queryset = GuidanceProvider.objects.order_by("number")
        provider.label_from_instance = lambda provider: provider.name  # type: ignore[method-assign, assignment]  # as above
        if not self.is_bound:
            goals = self.instance.behaviour_goals or []
            self.initial["behaviour_goals"] = "\n".join(goal_text(goal) for goal in goals)
            self.initial["version"] = self.instance.version

    def clean_behaviour_goals(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["behaviour_goals"].splitlines() if line.strip()]


def goal_text(goal: Any) -> str:
    """A stored behaviour goal as text: plain strings, {"text": …} from a provider, or a category code."""
    if isinstance(goal, dict):
        return str(goal.get("text") or "")
    if goal in BehaviourCategory.values:
        return str(BehaviourCategory(goal).label)
    return str(goal)
