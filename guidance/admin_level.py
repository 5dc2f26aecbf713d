"""The programme page's level decision form (SPEC §5.6): keep the programme's level or switch to the one the
corrected checkup gives; the choices name both levels, so staff read what each means."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from .codes import LevelDecision
from .level_decisions import LevelQuestion


class LevelDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(), widget=forms.RadioSelect, label=_("判断"))
    note = forms.CharField(
        required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}), label=_("判断の理由(任意)")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, question: LevelQuestion, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        keep = _t("「%(level)s」のまま続ける") % {"level": question.current.label}
        choices = [(LevelDecision.KEEP.value, keep)]
        if question.offered is not None:  # with no level to switch to, ending it is a drop-out (the form below)
            switch = _t("「%(level)s」に切り替える(支援記録は引き継ぐ)") % {"level": question.offered.label}
            choices.append((LevelDecision.SWITCH.value, switch))
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices
