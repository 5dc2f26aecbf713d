"""Staff work list of guidance programmes (保健指導 作業一覧) and the programme page (SPEC §5.6, §5.7)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.actors import ActorKind
from members.admin_base import ScopedAdmin
from members.models import AccessLog, GuidanceProvider, StaffMembership

from .codes import BehaviourCategory, ContactForm, ContactKind, DropoutReason, ExclusionCause
from .models import Programme
from .selectors import programme_trend
from .services import (
    GuidanceRefused,
    ProgrammeVersionConflict,
    contact_add,
    programme_drop_out,
    programme_exclude,
    programme_set_equivalent_level,
    programme_set_goals,
    programmes_assign,
)

NEXT_ACTIONS = [  # codes of guidance.completion.NextAction (SPEC §5.6)
    ("initial_interview_not_held", _("初回面接未実施")),
    ("initial_interview_part2_pending", _("初回面接②未実施")),
    ("contact_overdue", _("60日以上支援なし")),
    ("final_evaluation_due", _("実績評価待ち")),
    ("final_evaluation_overdue", _("実績評価期限超過")),
    ("points_below_180", _("180ポイント不足")),
    ("none", _("対応不要")),
]


class NextActionFilter(admin.SimpleListFilter):
    title = _("次の対応")
    parameter_name = "next"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("期限超過すべて")), *NEXT_ACTIONS]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "overdue":
            return queryset.filter(evaluation__next_action__overdue=True)
        return queryset.filter(next_action=self.value()) if self.value() else queryset


def staff_users_for(request: HttpRequest, admin_obj: ScopedAdmin) -> QuerySet:
    """Staff users of the insurers the requesting staff member belongs to."""
    actor = admin_obj.actor(request)
    memberships = StaffMembership.objects.all()
    if actor.kind != ActorKind.SUPERUSER:
        memberships = memberships.filter(insurer_id__in=actor.insurer_ids)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("username")


class AssignedStaffFilter(admin.SimpleListFilter):
    title = _("担当職員")
    parameter_name = "staff"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("none", _("未割当")), *((str(u.pk), u.get_username()) for u in staff_users_for(request, model_admin))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(assigned_staff__isnull=True)
        return queryset.filter(assigned_staff_id=self.value()) if self.value() else queryset


class AssignForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("担当職員"))
    provider = forms.ModelChoiceField(queryset=GuidanceProvider.objects.all(), required=False, label=_("保健指導機関"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("staff") and not data.get("provider"):
            raise forms.ValidationError(_("担当職員または保健指導機関を選んでください"))
        return data


class ContactAddForm(forms.Form):
    """A contact as staff enter it; the rules engine validates it in `contact_add` (SPEC §5.2–§5.5)."""

    kind = forms.ChoiceField(choices=ContactKind.choices, label=_("実施内容"))
    form = forms.TypedChoiceField(choices=ContactForm.choices, coerce=int, label=_("支援形態"))
    date = forms.DateField(label=_("実施日"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(required=False, min_value=0, label=_("実施時間(分)"))
    automated = forms.BooleanField(required=False, label=_("自動応答・AI生成"))
    weight_kg = forms.DecimalField(required=False, max_digits=4, decimal_places=1, label=_("体重 (kg)"))
    waist_cm = forms.DecimalField(required=False, max_digits=4, decimal_places=1, label=_("腹囲 (cm)"))
    measurements_self_declared = forms.BooleanField(required=False, label=_("腹囲・体重は自己申告のみ"))
    behaviour_changes = forms.MultipleChoiceField(
        choices=BehaviourCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("行動変容(2か月以上継続)"),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("記録"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(forms.Form):
    """Drop-out (reason) or exclusion (cause) of a programme (SPEC §5.6)."""

    outcome = forms.ChoiceField(
        choices=[(f"dropout:{v}", f"途中終了: {label}") for v, label in DropoutReason.choices]
        + [(f"exclude:{v}", f"対象外: {label}") for v, label in ExclusionCause.choices],
        label=_("終了の種類"),
    )
    date = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    staff_can_change = True
    list_display = [
        "person_label",
        "fiscal_year",
        "level",
        "status",
        "next_action_label",
        "next_action_due",
        "points_label",
        "initial_on",
        "last_contact_on",
        "assigned_staff",
        "provider",
    ]
    list_filter = ["status", "fiscal_year", "level", "provider", AssignedStaffFilter, NextActionFilter]
    search_fields = ["person__card_number", "person__name_kana"]
    list_select_related = ["person", "provider", "assigned_staff"]
    ordering = ["next_action_due", "pk"]
    show_full_result_count = False
    actions = ["assign_action", "set_equivalent_action"]
    audit_action = AccessLog.Action.ADMIN_VIEW
    change_form_template = "admin/guidance/programme/change_form.html"
    fields = ["target_weight_kg", "target_waist_cm", "planned_outcome", "behaviour_goals", "assigned_staff", "provider"]

    @admin.display(description=_("加入者"), ordering="person__card_number")
    def person_label(self, obj: Programme) -> str:
        person = obj.person
        return f"{person.card_symbol}-{person.card_number}-{person.card_branch} {person.name_kana}"

    @admin.display(description=_("次の対応"), ordering="next_action")
    def next_action_label(self, obj: Programme) -> str:
        action = obj.evaluation.get("next_action") or {}
        if action.get("overdue"):
            return format_html('<strong class="errornote">⚠ {}</strong>', action.get("message_ja", ""))
        return action.get("message_ja", obj.next_action)

    @admin.display(description=_("ポイント"), ordering="total_points")
    def points_label(self, obj: Programme) -> str:
        missing = obj.evaluation.get("missing_points") or 0
        hint = obj.evaluation.get("hint_ja")
        if missing and hint:
            remaining = _("(あと%(points)s)") % {"points": missing}
            return format_html('{} <span title="{}">{}</span>', obj.total_points, hint, remaining)
        return str(obj.total_points)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assigned_staff":
            kwargs["queryset"] = staff_users_for(request, self)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # programmes come and go with their checkups (guidance.services sync)

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        """Edits go through the services, so versions are claimed like any other edit."""
        actor = self.actor(request)
        staff, provider = obj.assigned_staff, obj.provider  # read before the service reloads the stored row
        try:
            programme_set_goals(
                programme=obj,
                actor=actor,
                target_weight_kg=obj.target_weight_kg,
                target_waist_cm=obj.target_waist_cm,
                planned_outcome=obj.planned_outcome,
                behaviour_goals=obj.behaviour_goals,
            )
            if {"assigned_staff", "provider"} & set(form.changed_data):
                programmes_assign(programme_ids=[obj.pk], staff=staff, provider=provider, actor=actor)
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/contact/", view(self.contact_view), name="guidance_programme_contact"),
            path("<int:pk>/close/", view(self.close_view), name="guidance_programme_close"),
            *super().get_urls(),
        ]

    def _programme(self, request: HttpRequest, pk: int) -> Programme:
        programme = self.get_queryset(request).select_related("checkup").filter(pk=pk).first()
        if programme is None:
            raise Http404
        return programme

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        programme = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if programme is not None:
            context.update(self._page_context(programme))
        return super().change_view(request, object_id, form_url, context)

    def _page_context(
        self, programme: Programme, contact_form: ContactAddForm | None = None, close_form: CloseForm | None = None
    ) -> dict[str, Any]:
        """Timeline of contacts, trend chart data and the points lines (SPEC §5.7)."""
        contacts = list(programme.contacts.order_by("date", "pk"))
        by_pk = {c.pk: c for c in contacts}
        lines = [{**line, "contact_obj": by_pk.get(line["contact"])} for line in programme.evaluation.get("lines", [])]
        return {
            "programme": programme,
            "checkup": programme.checkup,
            "contacts": contacts,
            "lines": lines,
            "result": programme.evaluation,
            "trend": programme_trend(programme),
            "contact_form": contact_form or ContactAddForm(initial={"version": programme.version, "form": 1}),
            "close_form": close_form or CloseForm(initial={"version": programme.version}),
        }

    def _back(self, programme: Programme) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:guidance_programme_change", args=[programme.pk]))

    def _refused_page(self, request: HttpRequest, programme: Programme, violations: list, **forms_: Any) -> Any:
        context = {
            **self.admin_site.each_context(request),
            **self._page_context(programme, **forms_),
            "opts": self.model._meta,
            "title": _("登録できません"),
            "violations": violations,
        }
        return TemplateResponse(request, "admin/guidance/programme/refused.html", context, status=400)

    def contact_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Add a contact with the same validation as the API; a refusal names the rule."""
        programme = self._programme(request, pk)
        form = ContactAddForm(request.POST or None)
        if request.method != "POST":
            return self._back(programme)
        if not form.is_valid():
            return self._refused_page(request, programme, [], contact_form=form)
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            contact = contact_add(programme=programme, data=data, actor=self.actor(request), expected_version=version)
        except GuidanceRefused as exc:
            return self._refused_page(request, programme, exc.violations, contact_form=form)
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        self.message_user(request, _("支援記録を登録しました"), messages.SUCCESS)
        for warning in contact.rule_warnings:
            self.message_user(request, f"{warning.message_ja} ({warning.rule}, {warning.spec})", messages.WARNING)
        return self._back(programme)

    def close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """途中終了 or 対象外 (SPEC §5.6)."""
        programme = self._programme(request, pk)
        form = CloseForm(request.POST or None)
        if request.method != "POST":
            return self._back(programme)
        if not form.is_valid():
            return self._refused_page(request, programme, [], close_form=form)
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
            else:
                programme_exclude(cause=value, **common)
        except GuidanceRefused as exc:
            return self._refused_page(request, programme, exc.violations, close_form=form)
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        self.message_user(request, _("プログラムの状態を更新しました"), messages.SUCCESS)
        return self._back(programme)

    @admin.action(description=_("選択したプログラムを担当者・保健指導機関に割り当てる"))
    def assign_action(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = AssignForm(request.POST if "apply" in request.POST else None)
        form.fields["staff"].queryset = staff_users_for(request, self)
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
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
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
