"""Refusals of the rules shown at the fields of the programme page's forms."""

from django import forms
from django.utils.translation import get_language

from ..rules import RuleViolation
from ..wording import dates_in_words


def add_violations(form: forms.Form, violations: list[RuleViolation]) -> None:
    """Show each refusal at its field (staff language; the rule code stays in the details element)."""
    for violation in violations:
        if violation.field in form.fields:
            text = violation.message_en if get_language() == "en" else violation.message_ja
            form.add_error(violation.field, dates_in_words(text))


def focus_first_error(form: forms.BaseForm) -> None:
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            return
