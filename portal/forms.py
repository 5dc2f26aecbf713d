"""Forms of the self-service page: login, register/reset with an invitation, own weight/waist entry."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from .models import WAIST_RANGE_CM, WEIGHT_RANGE_KG

CONFIRM_CHANGE_RATIO = Decimal("0.15")  # ◆ a value more than 15 % from the last one is asked again, not refused


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("ログインID"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("パスワード"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {"invalid": _("ログインIDまたはパスワードが正しくありません。")}

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: Any = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        username, password = data.get("username"), data.get("password")
        if username and password:
            # authenticate() with the request so django-axes counts failures and locks out (AXES_FAILURE_LIMIT)
            user = authenticate(self.request, username=username, password=password)
            person = getattr(user, "insured_person", None) if user is not None else None
            # Staff accounts never use the member login: same answer as a wrong password
            if user is None or user.is_staff or user.is_superuser or person is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            self.user = user
        return data


class RegisterForm(forms.Form):
    code = forms.CharField(
        label=_("招待コード"),
        max_length=30,
        help_text=_("招待状に書かれた12文字のコード(ハイフンは省略可)"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    birth_date = forms.DateField(label=_("生年月日"), widget=forms.DateInput(attrs={"type": "date"}))
    username = forms.CharField(
        label=_("ログインID"),
        max_length=150,
        required=False,
        help_text=_("はじめて登録するときに決めます(半角英数字と @.+-_)。パスワード再設定のときは不要です。"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("パスワード"),
        strip=False,
        help_text=_("10文字以上。よく使われるパスワードや数字だけのものは使えません。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("パスワード(確認)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username", "").strip()
        if username:
            UnicodeUsernameValidator()(username)
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("確認用のパスワードが一致しません。"))
        return data


@dataclass(frozen=True)
class Reference:
    """The person's last known weight or waist (own log or checkup): a value far from it is asked again."""

    value: Decimal
    measured_on: dt.date


class SelfMeasurementForm(forms.Form):
    """Own weight/waist: the checkup items' plausible ranges (SPEC §5.8, §9.4), dates from the first checkup's fiscal
    year to today, and a second look at a value far from the person's last one (a typo such as 20 for 70)."""

    measured_on = forms.DateField(label=_("測定日"), widget=forms.DateInput(attrs={"type": "date"}))
    weight_kg = forms.DecimalField(
        label=_("体重 (kg)"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=WEIGHT_RANGE_KG[0],
        max_value=WEIGHT_RANGE_KG[1],
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    waist_cm = forms.DecimalField(
        label=_("腹囲 (cm)"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=WAIST_RANGE_CM[0],
        max_value=WAIST_RANGE_CM[1],
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    confirmed = forms.BooleanField(label=_("この値で間違いありません"), required=False)

    def __init__(
        self,
        *args: Any,
        earliest: dt.date,
        references: Mapping[str, Reference] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.earliest = earliest
        self.today = timezone.localdate()
        self.references = references or {}
        self.needs_confirmation = False
        self.fields["measured_on"].widget.attrs.update(min=earliest.isoformat(), max=self.today.isoformat())
        for name, (low, high), unit in (("weight_kg", WEIGHT_RANGE_KG, "kg"), ("waist_cm", WAIST_RANGE_CM, "cm")):
            self.fields[name].widget.attrs.update(min=str(low), max=str(high))
            out_of_range = message(
                _("%(low)s〜%(high)s %(unit)s の範囲で入力してください。"), low=low, high=high, unit=unit
            )
            self.fields[name].error_messages.update(min_value=out_of_range, max_value=out_of_range)

    def clean_measured_on(self) -> dt.date:
        measured_on = self.cleaned_data["measured_on"]
        if measured_on > self.today:
            raise ValidationError(_("未来の日付は入力できません。"))
        if measured_on < self.earliest:
            raise ValidationError(
                message(_("%(date)s以降の日付を入力してください。"), date=formats.date_format(self.earliest))
            )
        return measured_on

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("weight_kg") is None and data.get("waist_cm") is None and not self.errors:
            raise ValidationError(_("体重か腹囲のどちらかを入力してください。"))
        if not self.errors and not data.get("confirmed"):
            for name, unit in (("weight_kg", "kg"), ("waist_cm", "cm")):
                self._second_look(name, data.get(name), unit)
        return data

    def _second_look(self, name: str, value: Decimal | None, unit: str) -> None:
        reference = self.references.get(name)
        if value is None or reference is None or reference.value <= 0:
            return
        if abs(value - reference.value) / reference.value <= CONFIRM_CHANGE_RATIO:
            return
        self.needs_confirmation = True
        self.add_error(
            name,
            message(
                _(
                    "前回(%(date)s)の %(previous)s %(unit)s から大きく変わっています。"
                    "正しい値なら「この値で間違いありません」にチェックを入れて、もう一度「記録する」を押してください。"
                ),
                date=formats.date_format(reference.measured_on),
                previous=reference.value,
                unit=unit,
            ),
        )
