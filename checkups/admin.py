"""Staff admin for checkup results (健診結果): list with filters, report-like detail page, item corrections.

The detail page is read-only except for the correction form: a correction goes through `checkup_correct_item`
(validated like a received record, kept in history, the level recomputed). Change-page views are access-logged.
"""

from functools import partial
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise
from intake.services import checkup_correct_item
from members.admin_base import FiscalYearFilter, ScopedAdmin
from members.age_basis import (
    LATTER_STAGE_AGE,
    TARGET_AGE_MIN,
    is_target_age_basis,
    senior_age_basis_q,
    target_age_basis_q,
)
from members.codes import Sex
from members.dates import day, fiscal_year_label
from members.models import AccessLog, Employer

from . import admin_export  # noqa: F401  (健診結果の送付ファイル作成, issue #16)
from .admin_uploads import export_mhlw_action  # the MHLW export action lives with the upload admin (issue #4)
from .models import Checkup
from .selectors import (
    correctable_items,
    correction_history,
    judgment_summary,
    questionnaire_answers,
    report_groups,
)
from .services import CorrectionRefused
from .tasks import checkups_restratify_task

# SPEC §1.2–§1.3, §2.5b: bands of the stored age basis (年度末年齢), from members.age_basis: checkup targets are
# age basis 40–74 and 75 when born on April 1 (75th birthday on the next year's first day); 65 or more get §2.5b.
_TARGET_AGE = target_age_basis_q("age_at_fy_end", "person__birth_date")
AGE_BANDS: dict[str, tuple[Any, Q]] = {
    "40-64": (_("40〜64歳"), _TARGET_AGE & ~senior_age_basis_q("age_at_fy_end")),
    "65-74": (_("65〜74歳"), _TARGET_AGE & senior_age_basis_q("age_at_fy_end")),
    "u40": (_("40歳未満"), Q(age_at_fy_end__lt=TARGET_AGE_MIN)),
    "75+": (_("75歳以上"), Q(age_at_fy_end__gte=LATTER_STAGE_AGE) & ~_TARGET_AGE),
}


class AgeBandFilter(admin.SimpleListFilter):
    title = _("年度末年齢")
    parameter_name = "age_band"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _lookup) in AGE_BANDS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        band = AGE_BANDS.get(self.value() or "")
        return queryset.filter(band[1]) if band else queryset


class EmployerFilter(admin.SimpleListFilter):
    """Only the staff member's own insurers' employers are offered (no other insurer's names leak)."""

    title = _("事業所")
    parameter_name = "employer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        employers = Employer.objects.visible_to(model_admin.actor(request)).order_by("code")
        return [(str(e.pk), f"{e.code} {e.name}") for e in employers]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(person__employer_id=self.value()) if self.value() else queryset


class SexFilter(admin.SimpleListFilter):
    title = _("性別")
    parameter_name = "sex"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [(str(value), label) for value, label in Sex.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(person__sex=self.value()) if self.value() else queryset


class CorrectionForm(forms.Form):
    """One item correction; the value is validated by `checkup_correct_item` against the item table."""

    item_code = forms.ChoiceField(label=_("項目"))
    value = forms.CharField(
        label=_("新しい値"), required=False, max_length=200, help_text=_("空欄にすると項目を削除します")
    )
    reason = forms.CharField(label=_("修正理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, checkup: Checkup, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item_code"]).choices = correctable_items(checkup)


@admin.register(Checkup)
class CheckupAdmin(ScopedAdmin):
    list_display = [
        "person_label",
        "exam_label",
        "age_at_fy_end",
        "level_label",
        "metabolic_judgment",
        "notes_label",
    ]  # secondary facts on a second line, so the list fits 1280 px
    list_filter = [
        FiscalYearFilter,
        "guidance_level",
        "metabolic_judgment",
        EmployerFilter,
        AgeBandFilter,
        SexFilter,
        "medication_excluded",
        "clinic_mismatch",
        "consecutive_intensive_eligible",
        "counts_for_fiscal_year",
        "program",
    ]
    search_fields = ["person__card_number", "person__name_kana"]
    list_select_related = ["person", "person__employer"]
    show_full_result_count = False
    list_per_page = 50
    audit_action = AccessLog.Action.ADMIN_VIEW
    change_form_template = "admin/checkups/checkup/change_form.html"
    change_list_template = "admin/checkups/checkup/change_list.html"  # a link to the export page (issue #16)
    fields = ["exam_date"]  # the page shows the report, not a model form (see the template)
    actions = ["restratify_action", export_mhlw_action]

    @admin.display(description=_("加入者"), ordering="person__name_kana")
    def person_label(self, obj: Checkup) -> str:
        person = obj.person
        employer = person.employer.name if person.employer else ""
        return format_html(
            '{}<br><span class="staff-quiet">{}{}</span>', person.name_kana, person.card_label,
            f" ・ {employer}" if employer else "",
        )  # fmt: skip

    @admin.display(description=_("健診日"), ordering="exam_date")
    def exam_label(self, obj: Checkup) -> str:
        return format_html(
            '{}<br><span class="staff-quiet">{} ・ {}</span>',
            day(obj.exam_date),
            fiscal_year_label(obj.fiscal_year),
            obj.get_program_display(),
        )

    @admin.display(description=_("実施率・注意"))
    def notes_label(self, obj: Checkup) -> str:
        notes = [str(_("実施率に計上")) if obj.counts_for_fiscal_year else str(_("実施率に計上しない"))]
        if obj.medication_excluded:
            notes.append(str(_("服薬中により対象外")))
        if obj.clinic_mismatch:
            notes.append(str(_("健診機関の判定と相違")))
        if obj.consecutive_intensive_eligible:
            notes.append(str(_("2年連続積極的支援")))
        return "・".join(notes)

    @admin.display(description=_("保健指導レベル"), ordering="guidance_level")
    def level_label(self, obj: Checkup) -> str:
        """The level, and clearly when the person is no checkup target by age (a 22-year-old's employer checkup)."""
        level = obj.get_guidance_level_display() or "—"
        if is_target_age_basis(obj.age_at_fy_end, obj.person.birth_date):
            return level
        return format_html('{} <span class="staff-tag">{}</span>', level, _("対象外(年齢)"))

    @admin.display(description=_("事業所"), ordering="person__employer__code")
    def employer_label(self, obj: Checkup) -> str:
        employer = obj.person.employer
        return employer.name if employer else "—"

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="checkups_checkup_correct",
            ),
            *super().get_urls(),
        ]

    def _page_context(self, request: HttpRequest, checkup: Checkup, form: CorrectionForm | None = None) -> dict:
        return {
            "checkup": checkup,
            "person": checkup.person,
            "programme": getattr(checkup, "programme", None),  # reverse one-to-one (guidance), selected with it
            "groups": report_groups(checkup),
            "answers": questionnaire_answers(checkup),
            "summary": judgment_summary(checkup),
            "corrections": correction_history(checkup),
            "correction_form": form or CorrectionForm(checkup=checkup),
            "can_correct": self.actor(request).is_staff,
        }

    def _checkup(self, request: HttpRequest, pk: int | str) -> Checkup:
        checkup = (
            self.get_queryset(request).select_related("person", "person__employer", "clinic", "programme").filter(pk=pk)
        )
        found = checkup.first()
        if found is None:
            raise Http404  # another insurer's record looks like no record at all
        return found

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if str(object_id).isdigit():
            checkup = self.get_queryset(request).select_related("person", "person__employer", "clinic", "programme")
            found = checkup.filter(pk=object_id).first()
            if found is not None:
                context.update(self._page_context(request, found))
        return super().change_view(request, object_id, form_url, context)

    def correct_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """POST a correction; a refusal re-shows the page with the rule (ja and en) and nothing changed."""
        checkup = self._checkup(request, pk)
        back = HttpResponseRedirect(reverse("admin:checkups_checkup_change", args=[checkup.pk]))
        if request.method != "POST" or not self.actor(request).is_staff:
            return back
        form = CorrectionForm(request.POST, checkup=checkup)
        errors: list = []
        if form.is_valid():
            before = checkup.get_guidance_level_display()
            try:
                checkup = checkup_correct_item(
                    checkup=checkup,
                    item_code=form.cleaned_data["item_code"],
                    value=form.cleaned_data["value"] or None,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except CorrectionRefused as refused:
                errors = refused.errors
            else:
                self.message_user(
                    request,
                    _("修正しました。保健指導レベル: %(before)s → %(after)s")
                    % {"before": before, "after": checkup.get_guidance_level_display()},
                    messages.SUCCESS,
                )
                return back
        context = {
            **self.admin_site.each_context(request),
            **self._page_context(request, self._checkup(request, pk), form),
            "opts": self.model._meta,
            "title": _("修正できません"),
            "refusals": errors,
            "original": checkup,
        }
        return TemplateResponse(request, "admin/checkups/checkup/refused.html", context, status=400)

    @admin.action(description=_("選択した健診結果の年度を再階層化する(年度全体・バックグラウンド)"))
    def restratify_action(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Enqueue one bulk restratification per fiscal year and insurer of the selection (SPEC §2)."""
        pairs = sorted(set(queryset.order_by().values_list("fiscal_year", "insurer_id").distinct()))
        for fiscal_year, insurer_id in pairs:
            transaction.on_commit(
                partial(checkups_restratify_task.delay, fiscal_year=fiscal_year, insurer_id=insurer_id)
            )
        years = ", ".join(fiscal_year_label(fy) for fy in sorted({fy for fy, _ in pairs}))
        self.message_user(request, _("再階層化を開始しました: %(years)s") % {"years": years}, messages.SUCCESS)


try:  # noqa: SIM105 - the upload admin may not exist yet
    from . import admin_uploads  # noqa: F401  (upload/held-record/export admin, issue #4)
except ModuleNotFoundError:  # pragma: no cover
    pass
