"""Staff work list of guidance programmes (保健指導 作業一覧) and its actions; the page is `ProgrammePageAdmin`."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.access_words import staff_display_name
from members.dates import fiscal_year_label
from members.models import AccessLog

from ..admin_filters import FinalEvaluationDueFilter
from ..completion import OPEN_STATUSES
from ..models import Programme
from ..services import GuidanceRefused, ProgrammeVersionConflict, programme_set_equivalent_level, programmes_assign
from ..wording import day, missing_points, next_action_label
from .forms import AssignForm
from .list_filters import AssignedStaffFilter, CurrentFiscalYearFilter, NextActionFilter
from .programme_forms import ProgrammeFormsAdmin
from .staff import staff_users_for


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeFormsAdmin):
    staff_can_change = True
    list_display = [
        "person_label",
        "fiscal_year_label",
        "status",
        "next_action_label",
        "points_label",
        "contacts_label",
        "assigned_staff_label",
    ]  # secondary facts on a second line, so the list fits 1280 px
    list_filter = [
        "status",
        CurrentFiscalYearFilter,
        "level",
        "provider",
        AssignedStaffFilter,
        NextActionFilter,
        FinalEvaluationDueFilter,
    ]
    search_fields = ["person__card_number", "person__name_kana"]
    list_select_related = ["person", "provider", "assigned_staff"]
    ordering = ["next_action_due", "pk"]
    show_full_result_count = False
    actions = ["assign_action", "set_equivalent_action"]
    audit_action = AccessLog.Action.ADMIN_VIEW
    fields = ["target_weight_kg", "target_waist_cm", "planned_outcome", "behaviour_goals", "assigned_staff", "provider"]

    @admin.display(description=_("加入者"), ordering="person__name_kana")
    def person_label(self, obj: Programme) -> str:
        person = obj.person
        return format_html('{}<br><span class="staff-quiet">{}</span>', person.name_kana, person.card_label)

    @admin.display(description=_("支援の経過"), ordering="initial_on")
    def contacts_label(self, obj: Programme) -> str:
        if obj.initial_on is None:
            return "—"
        last = day(obj.last_contact_on) if obj.last_contact_on else "—"
        return format_html(
            '{} {}<br><span class="staff-quiet">{} {}</span>', _("初回"), day(obj.initial_on), _("最終"), last
        )

    @admin.display(description=_("担当"), ordering="assigned_staff__last_name")
    def assigned_staff_label(self, obj: Programme) -> str:
        staff = staff_display_name(obj.assigned_staff) or _("未割当")
        return format_html(
            '{}<br><span class="staff-quiet">{}</span>', staff, obj.provider.name if obj.provider else ""
        )

    @admin.display(description=_("年度・区分"), ordering="fiscal_year")
    def fiscal_year_label(self, obj: Programme) -> str:
        return format_html('{}<br><span class="staff-quiet">{}</span>', fiscal_year_label(obj.fiscal_year),
                           obj.get_level_display())  # fmt: skip

    @admin.display(description=_("次の対応"), ordering="next_action_due")
    def next_action_label(self, obj: Programme) -> str:
        label = next_action_label(obj)
        due = format_html('<br><span class="staff-quiet">{} {}</span>', _("期限"), day(obj.next_action_due)) if (
            obj.next_action_due) else ""  # fmt: skip
        if (obj.evaluation.get("next_action") or {}).get("overdue"):
            return format_html('<strong class="overdue">⚠ {}</strong>{}', label, due)
        return format_html("{}{}", label, due)

    @admin.display(description=_("ポイント"), ordering="total_points")
    def points_label(self, obj: Programme) -> str:
        missing = missing_points(obj)
        if missing and obj.status in OPEN_STATUSES:
            return format_html("{} {}", obj.total_points, _("(あと%(points)s)") % {"points": missing})
        return str(obj.total_points)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assigned_staff":
            kwargs["queryset"] = staff_users_for(request, self)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # programmes come and go with their checkups (guidance.services sync)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/contact/", view(self.contact_view), name="guidance_programme_contact"),
            path("<int:pk>/close/", view(self.close_view), name="guidance_programme_close"),
            path("<int:pk>/level/", view(self.level_view), name="guidance_programme_level"),
            *super().get_urls(),
        ]

    @admin.action(description=_("選択したプログラムを担当者・保健指導機関に割り当てる"))
    def assign_action(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = AssignForm(request.POST if "apply" in request.POST else None)
        cast(forms.ModelChoiceField, form.fields["staff"]).queryset = staff_users_for(request, self)
        if form.is_bound and form.is_valid():
            count = programmes_assign(
                programme_ids=queryset.values_list("pk", flat=True),
                staff=form.cleaned_data["staff"],
                provider=form.cleaned_data["provider"],
                actor=self.actor(request),
            )
            self.message_user(request, _("%(n)s 件を割り当てました") % {"n": count}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("担当の割り当て"),
            "form": form,
            "programmes": queryset.select_related("person"),
            "action_name": "assign_action",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/guidance/programme/assign.html", context)

    @admin.action(description=_("動機付け支援相当にする(2年連続積極的支援)"))
    def set_equivalent_action(self, request: HttpRequest, queryset: QuerySet) -> None:
        done, refused = 0, 0
        for programme in queryset.select_related("checkup"):  # a staff decision per person (SPEC §2.8)
            try:
                programme_set_equivalent_level(programme=programme, actor=self.actor(request))
                done += 1
            except (GuidanceRefused, ProgrammeVersionConflict):
                refused += 1
        self.message_user(request, _("動機付け支援相当: %(done)s 件") % {"done": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request, _("%(n)s 件は対象外です(2年連続積極的支援の改善者のみ)") % {"n": refused}, messages.WARNING
            )
