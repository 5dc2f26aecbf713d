"""The contact form of the programme page, as staff enter it; the rules engine validates it in `contact_add`
(SPEC §5.2–§5.5)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..codes import BehaviourCategory, ContactForm, ContactKind


class ContactAddForm(forms.Form):
    """A contact as staff enter it; the rules engine validates it in `contact_add` (SPEC §5.2–§5.5)."""

    kind = forms.ChoiceField(choices=ContactKind.choices, label=_("実施内容"))
    form = forms.TypedChoiceField(choices=ContactForm.choices, coerce=int, label=_("支援形態"))
    date = forms.DateField(label=_("実施日"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(
        required=False, min_value=0, label=_("実施時間(分)"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    weight_kg = forms.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=1,
        label=_("体重 (kg)"),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    waist_cm = forms.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=1,
        label=_("腹囲 (cm)"),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    participants = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("参加人数(グループ支援)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    systolic_mmhg = forms.DecimalField(
        required=False, max_digits=6, decimal_places=1, label=_("収縮期血圧"), widget=forms.NumberInput()
    )
    diastolic_mmhg = forms.DecimalField(
        required=False, max_digits=6, decimal_places=1, label=_("拡張期血圧"), widget=forms.NumberInput()
    )
    automated = forms.BooleanField(required=False, label=_("自動応答・AI生成"))
    measurements_self_declared = forms.BooleanField(required=False, label=_("腹囲・体重は自己申告のみ"))
    behaviour_changes = forms.MultipleChoiceField(
        choices=BehaviourCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("行動変容(2か月以上継続)"),
    )
    behaviour_since = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("行動変容の開始日"),
        help_text=_("選んだ行動変容を始めた日(実績評価の2か月以上前からなら算定されます)"),
    )
    plan_goals = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("行動目標(初回面接、1行に1つ)")
    )
    plan_support = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("支援計画(積極的支援)")
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("記録"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def contact_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The admin form's fields as the contact service reads them (the API's shape, SPEC §5.2, §5.5)."""
    data = dict(cleaned)
    since = data.pop("behaviour_since", None)
    data["behaviour_changes"] = [
        {"category": category, "since": since.isoformat() if since else None}
        for category in data.get("behaviour_changes") or ()
    ]
    goals = [line.strip() for line in (data.pop("plan_goals", "") or "").splitlines() if line.strip()]
    support = (data.pop("plan_support", "") or "").strip()
    data["action_plan"] = {"goals": goals, "support_plan": support} if goals or support else None
    return data
