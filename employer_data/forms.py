"""Admin forms: CSV upload, saved mappings, paper entry and completing missing items (SPEC §7.1, §7.2)."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from checkups.mhlw.itemtable import PROGRAM_EMPLOYER_CHECKUP, PROGRAM_SPECIFIC_CHECKUP, ItemDef, item, required_items
from checkups.mhlw.validation_rules import INSURER_COMPUTED_ITEMS
from members.models import Employer

from .mapping import ColumnSpec, mapping_problems
from .models import CsvMapping

# One usual code per required group of 事業者健診 (SPEC §9.4): waist, BP, lipids, liver, glucose/HbA1c, urine,
# vision, chest X-ray; random TG / glucose as alternatives (SPEC §2.1).
PAPER_GROUP_CODES = (
    "9N016160100000001",
    "9A751000000000001",
    "9A761000000000001",
    "9N141000000000011",
    "3F015000002327101",
    "3F015129902327101",
    "3F070000002327101",
    "3F077000002327101",
    "3B035000002327201",
    "3B045000002327201",
    "3B090000002327101",
    "3D010000001926101",
    "3D010129901926101",
    "3D046000001906202",
    "1A020000000191111",
    "1A010000000191111",
    "9E160162100000001",
    "9E160162200000001",
    "9N206160700000011",
    "9N206160800000049",
    "9N211161100000049",
    "9N211161200000049",
)


def paper_item_codes() -> list[str]:
    """事業者健診 required items (CASE03), group items, then the 特定健診 extras (questionnaire; SPEC §7.1)."""
    codes = [d.code for d in required_items(PROGRAM_EMPLOYER_CHECKUP) if d.code not in INSURER_COMPUTED_ITEMS]
    codes += [c for c in PAPER_GROUP_CODES if c not in codes]
    extra = [d.code for d in required_items(PROGRAM_SPECIFIC_CHECKUP) if d.code not in INSURER_COMPUTED_ITEMS]
    return codes + [c for c in extra if c not in codes]


PAPER_HEADER = ("card_symbol", "card_number", "card_branch", "name_kana", "sex", "birth_date", "exam_date")
HEADER_LABELS = {
    "card_symbol": _("記号"),
    "card_number": _("番号"),
    "card_branch": _("枝番"),
    "name_kana": _("氏名(カナ)"),
    "sex": _("性別"),
    "birth_date": _("生年月日"),
    "exam_date": _("健診実施日"),
    "clinic_number": _("健診機関番号"),
}


def item_field(definition: ItemDef, *, required: bool = False) -> forms.Field:
    label = f"{definition.name} ({definition.code})"
    if definition.is_coded and definition.answers:
        choices = [("", "—"), *((code, f"{code}: {text}") for code, text in definition.answers.items())]
        return forms.ChoiceField(label=label, choices=choices, required=required)
    help_text = definition.unit if definition.value_type == "PQ" else ""
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=256)


class CsvUploadForm(forms.Form):
    employer = forms.ModelChoiceField(queryset=Employer.objects.none(), label=_("事業所"))
    mapping = forms.ModelChoiceField(queryset=CsvMapping.objects.none(), label=_("列対応 (保存済み)"))
    file = forms.FileField(label=_("CSVファイル (UTF-8 / Shift_JIS)"))


class CsvMappingForm(forms.ModelForm):
    columns = forms.JSONField(
        label=_("列の対応 (JSON)"),
        help_text=_(
            '[{"column": "見出し", "role": "item", "item_code": "17桁", "recode": {"陰性": "1"}, '
            '"conversion": "glucose_mmol_l"}, …] role: card_symbol/card_number/card_branch/birth_date/sex/'
            "exam_date/name_kana/clinic_number/clinic_name/item/ignore"
        ),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
    )

    class Meta:
        model = CsvMapping
        fields = ["insurer", "name", "employer", "clinic", "columns", "notes"]

    def clean_columns(self) -> Any:
        value = self.cleaned_data["columns"]
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
            raise forms.ValidationError(_("列の対応はオブジェクトのリストです / a list of objects"))
        problems = mapping_problems([ColumnSpec.from_json(c) for c in value])
        if problems:
            raise forms.ValidationError(problems)
        return value


class PaperEntryForm(forms.Form):
    """One paper result; item fields are generated from the item table (names, units, answer sets)."""

    employer = forms.ModelChoiceField(queryset=Employer.objects.none(), label=_("事業所"))
    card_symbol = forms.CharField(label=HEADER_LABELS["card_symbol"], required=False, max_length=20)
    card_number = forms.CharField(label=HEADER_LABELS["card_number"], max_length=20)
    card_branch = forms.CharField(label=HEADER_LABELS["card_branch"], required=False, max_length=2)
    name_kana = forms.CharField(label=HEADER_LABELS["name_kana"], required=False, max_length=100)
    sex = forms.ChoiceField(label=HEADER_LABELS["sex"], choices=[("1", "1: 男"), ("2", "2: 女")])
    birth_date = forms.CharField(label=HEADER_LABELS["birth_date"], help_text="2000-04-01 / H12.4.1")
    exam_date = forms.CharField(label=HEADER_LABELS["exam_date"], help_text="2026-06-10 / R8.6.10")
    clinic_number = forms.CharField(label=HEADER_LABELS["clinic_number"], required=False, max_length=10)

    def __init__(self, *args: Any, item_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in item_codes:
            definition = item(code)
            if definition is not None:
                self.fields[f"item_{code}"] = item_field(definition)

    def specs(self) -> list[ColumnSpec]:
        header = [ColumnSpec(name, name) for name in (*PAPER_HEADER, "clinic_number")]
        items = [ColumnSpec(name, "item", name[5:]) for name in self.fields if name.startswith("item_")]
        return header + items

    def raw(self) -> dict[str, str]:
        return {name: str(value or "") for name, value in self.cleaned_data.items() if name != "employer"}


class CompleteItemsForm(forms.Form):
    reason = forms.CharField(label=_("補完の根拠"), initial=_("事業主・本人への確認により補完"), max_length=300)

    def __init__(self, *args: Any, item_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in item_codes:
            definition = item(code)
            if definition is not None:
                self.fields[f"item_{code}"] = item_field(definition)

    def values(self) -> dict[str, str]:
        return {name[5:]: value for name, value in self.cleaned_data.items() if name.startswith("item_") and value}
