"""The programme page's forms (SPEC §5.2–§5.6): a contact, closing (途中終了・対象外・保険者再確認), a level decision.
Each goes through the services; a refusal shows the page again with what was typed."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ..admin_level import LevelDecisionForm
from ..codes import LevelDecision
from ..level_decisions import level_question
from ..services import (
    GuidanceRefused,
    ProgrammeVersionConflict,
    contact_add,
    programme_decide_level,
    programme_drop_out,
    programme_exclude,
    programme_record_medication_recheck,
)
from ..wording import dates_in_words
from .contact_form import ContactAddForm, contact_data
from .form_errors import add_violations, focus_first_error
from .forms import CloseForm
from .programme_page import ProgrammePageAdmin


class ProgrammeFormsAdmin(ProgrammePageAdmin):
    """The views the programme page's forms post to (URLs in `ProgrammeAdmin.get_urls`)."""

    def contact_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Add a contact with the same validation as the API; a refusal shows the page again with what was typed."""
        programme = self._programme(request, pk)
        if request.method != "POST":
            return self._back(programme)
        form = ContactAddForm(request.POST)
        if not form.is_valid():
            focus_first_error(form)
            return self._page(request, programme, contact_form=form, status=400)
        data = contact_data(form.cleaned_data)
        version = data.pop("version")
        try:
            contact = contact_add(programme=programme, data=data, actor=self.actor(request), expected_version=version)
        except GuidanceRefused as exc:
            add_violations(form, exc.violations)
            focus_first_error(form)
            return self._page(request, programme, contact_form=form, violations=exc.violations, status=400)
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        self.message_user(request, _("支援記録を登録しました"), messages.SUCCESS)
        for warning in contact.rule_warnings:
            self.message_user(request, dates_in_words(warning.message_ja), messages.WARNING)
        return self._back(programme)

    def close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """途中終了 or 対象外 (SPEC §5.6)."""
        programme = self._programme(request, pk)
        if request.method != "POST":
            return self._back(programme)
        form = CloseForm(request.POST)
        if not form.is_valid():
            focus_first_error(form)
            return self._page(request, programme, close_form=form, status=400)
        kind, value = form.cleaned_data["outcome"].split(":", 1)
        common = {
            "programme": programme,
            "date": form.cleaned_data["date"],
            "actor": self.actor(request),
            "expected_version": form.cleaned_data["version"],
        }
        try:
            if kind == "dropout":
                programme_drop_out(reason=value, **common)
            elif kind == "recheck":
                code, medication = value.split(":", 1)
                programme_record_medication_recheck(code=int(code), medication=medication, user=request.user, **common)
            else:
                programme_exclude(cause=value, **common)
        except GuidanceRefused as exc:
            add_violations(form, exc.violations)
            focus_first_error(form)
            return self._page(request, programme, close_form=form, violations=exc.violations, status=400)
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        self.message_user(request, _("プログラムの状態を更新しました"), messages.SUCCESS)
        return self._back(programme)

    def level_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Keep the programme's level or switch it after a checkup correction (SPEC §5.6); the contacts stay."""
        programme = self._programme(request, pk)
        question = level_question(programme, started=programme.contacts.exists())
        if request.method != "POST" or question is None:
            if request.method == "POST":
                self.message_user(request, _("判断が必要な保健指導区分の変更はありません"), messages.WARNING)
            return self._back(programme)
        form = LevelDecisionForm(request.POST, question=question)
        if not form.is_valid():
            focus_first_error(form)
            return self._page(request, programme, level_form=form, status=400)
        data = form.cleaned_data
        try:
            record = programme_decide_level(
                programme=programme,
                decision=data["decision"],
                actor=self.actor(request),
                user=request.user,
                note=data["note"],
                expected_version=data["version"],
            )
        except GuidanceRefused as exc:
            add_violations(form, exc.violations)
            return self._page(request, programme, level_form=form, violations=exc.violations, status=400)
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        done = (
            _("「%(level)s」に切り替えました。支援記録は引き継いでいます。")
            if record.decision == LevelDecision.SWITCH
            else _("「%(level)s」のまま続けることを記録しました。")
        )
        self.message_user(request, done % {"level": record.get_new_level_display()}, messages.SUCCESS)
        return self._back(programme)
