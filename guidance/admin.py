"""Staff work list of guidance programmes (保健指導 作業一覧) and the programme page (SPEC §5.6, §5.7)."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.access_words import staff_display_name
from members.admin_base import FiscalYearFilter, ScopedAdmin
from members.dates import fiscal_year_label
from members.fiscal import fiscal_year_of
from members.models import AccessLog, GuidanceProvider
from members.selectors import staff_users

from .admin_filters import FinalEvaluationDueFilter
from .admin_level import LevelDecisionForm
from .behaviour import behaviour_changes
from .codes import (
    BehaviourCategory,
    ContactForm,
    ContactKind,
    DropoutReason,
    ExclusionCause,
    LevelDecision,
    Medication,
    MedicationRecheck,
    ProgrammeLevel,
)
from .completion import OPEN_STATUSES
from .goal import goal_numbers, main_goal
from .level_decisions import level_decision_records, level_question
from .models import Contact, Programme
from .points import COMPLETION_POINTS
from .rules import RuleViolation
from .selectors import next_action_q, programme_trend
from .services import (
    GuidanceRefused,
    ProgrammeVersionConflict,
    contact_add,
    programme_decide_level,
    programme_drop_out,
    programme_exclude,
    programme_record_medication_recheck,
    programme_set_equivalent_level,
    programme_set_goals,
    programmes_assign,
)
from .wording import NEXT_ACTION_LABELS, dates_in_words, day, missing_points, next_action_label, next_action_sentence

NEXT_ACTIONS = list(NEXT_ACTION_LABELS.items())  # codes of guidance.completion.NextAction (SPEC §5.6)


class NextActionFilter(admin.SimpleListFilter):
    title = _("次の対応")
    parameter_name = "next"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("期限超過すべて")), *NEXT_ACTIONS]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "overdue":
            return queryset.filter(evaluation__next_action__overdue=True)
        value = self.value()
        return queryset.filter(next_action_q(value)) if value else queryset


def staff_users_for(request: HttpRequest, admin_obj: ScopedAdmin) -> QuerySet:
    """Staff users of the insurers the requesting staff member belongs to."""
    return staff_users(actor=admin_obj.actor(request))


class AssignedStaffFilter(admin.SimpleListFilter):
    title = _("担当職員")
    parameter_name = "staff"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        users = staff_users_for(request, model_admin)
        return [("none", _("未割当")), *((str(u.pk), staff_display_name(u)) for u in users)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(assigned_staff__isnull=True)
        return queryset.filter(assigned_staff_id=self.value()) if self.value() else queryset


class CurrentFiscalYearFilter(FiscalYearFilter):
    """The programme list opens on the current fiscal year, not on finished programmes of years ago."""

    ALL = "all"

    def value(self) -> str | None:
        value = super().value()
        if value is None:
            return str(fiscal_year_of(timezone.localdate()))
        return None if value == self.ALL else value

    def choices(self, changelist: Any) -> Any:
        current = self.value()
        yield {
            "selected": current is None,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("すべての年度"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class AssignForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("担当職員"))
    provider = forms.ModelChoiceField(queryset=GuidanceProvider.objects.all(), required=False, label=_("保健指導機関"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("staff") and not data.get("provider"):
            raise forms.ValidationError(_("担当職員または保健指導機関を選んでください"))
        return data


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


def _contact_data(cleaned: dict[str, Any]) -> dict[str, Any]:
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


staff_name = staff_display_name


def _number(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{Decimal(value):.1f} {unit}"


def _add_violations(form: forms.Form, violations: list[RuleViolation]) -> None:
    """Show each refusal at its field (staff language; the rule code stays in the details element)."""
    for violation in violations:
        if violation.field in form.fields:
            text = violation.message_en if get_language() == "en" else violation.message_ja
            form.add_error(violation.field, dates_in_words(text))


def _point_lines(stored: dict[str, Any], contacts_by_pk: dict[int, Contact], *, english: bool) -> list[dict[str, Any]]:
    """The stored evaluation's point lines in the page's language, each with its contact (SPEC §5.7)."""
    return [
        {
            "points": line.get("points", 0),
            "text": dates_in_words(line.get("detail_en" if english else "detail_ja", "")),
            "rule": line.get("rule", ""),
            "spec": line.get("spec", ""),
            "contact": contacts_by_pk.get(line.get("contact")),
        }
        for line in stored.get("lines", [])
    ]


def _timeline(contacts: list[Contact], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per contact: who, behaviour changes, measurements and the points it earned."""
    points_by_contact: dict[int, int] = {}
    for line in lines:
        if line["contact"] is not None:
            points_by_contact[line["contact"].pk] = points_by_contact.get(line["contact"].pk, 0) + line["points"]
    return [
        {
            "contact": c,
            "who": staff_name(c.staff) or (c.provider.name if c.provider else ""),
            "behaviour": [
                BehaviourCategory(b.category).label
                for b in behaviour_changes(c.behaviour_changes)
                if b.category in BehaviourCategory.values
            ],
            "weight": _number(c.weight_kg, "kg") if c.weight_kg is not None else "",
            "waist": _number(c.waist_cm, "cm") if c.waist_cm is not None else "",
            "points": points_by_contact.get(c.pk),
        }
        for c in contacts
    ]


def _focus_first_error(form: forms.BaseForm) -> None:
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            return


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
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

    def _programme(self, request: HttpRequest, pk: int | str) -> Programme:
        if not str(pk).isdigit():
            raise Http404
        related = ("person", "person__employer", "checkup", "provider", "assigned_staff")
        programme = self.get_queryset(request).select_related(*related).filter(pk=pk).first()
        if programme is None:
            raise Http404  # another insurer's programme looks like no programme at all
        return programme

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The programme page: who, where it stands and what next; timeline; contact, goals and closing forms."""
        programme = self._programme(request, object_id)
        if request.method == "POST":
            return self._goals_post(request, programme)
        self.log_view(request, programme)
        return self._page(request, programme)

    def _goals_form(self, request: HttpRequest, programme: Programme, data: Any = None) -> GoalsForm:
        return GoalsForm(data, instance=programme, staff_users=staff_users_for(request, self))

    def _goals_post(self, request: HttpRequest, programme: Programme) -> HttpResponse:
        """Edits go through the services, so versions are claimed like any other edit."""
        form = self._goals_form(request, programme, request.POST)
        if not form.is_valid():
            _focus_first_error(form)
            return self._page(request, programme, goals_form=form, status=400)
        actor, data = self.actor(request), form.cleaned_data
        try:
            programme_set_goals(
                programme=programme,
                actor=actor,
                target_weight_kg=data["target_weight_kg"],
                target_waist_cm=data["target_waist_cm"],
                planned_outcome=data["planned_outcome"],
                behaviour_goals=data["behaviour_goals"],
                support_plan=data["support_plan"],
                expected_version=data.get("version"),
            )
            if {"assigned_staff", "provider"} & set(form.changed_data):
                programmes_assign(
                    programme_ids=[programme.pk], staff=data["assigned_staff"], provider=data["provider"], actor=actor
                )
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        self.message_user(request, _("目標と担当を保存しました"), messages.SUCCESS)
        return self._back(programme)

    def _page(
        self,
        request: HttpRequest,
        programme: Programme,
        *,
        contact_form: ContactAddForm | None = None,
        close_form: CloseForm | None = None,
        goals_form: GoalsForm | None = None,
        level_form: LevelDecisionForm | None = None,
        violations: list[RuleViolation] | None = None,
        status: int = 200,
    ) -> TemplateResponse:
        refused_form = "contact" if contact_form else "close" if close_form else "goals" if goals_form else ""
        refused_form = "level" if level_form else refused_form
        page = self._page_context(programme)
        question = page["level_question"]
        context = {
            **self.admin_site.each_context(request),
            **page,
            "opts": self.model._meta,
            "title": str(programme),
            "original": programme,
            "contact_form": contact_form or ContactAddForm(initial={"version": programme.version, "form": 1}),
            "close_form": close_form or CloseForm(initial={"version": programme.version}),
            "goals_form": goals_form or self._goals_form(request, programme),
            "level_form": level_form
            or (LevelDecisionForm(initial={"version": programme.version}, question=question) if question else None),
            "violations": [
                {
                    "text": dates_in_words(v.message_en if get_language() == "en" else v.message_ja),
                    "rule": v.rule,
                    "spec": v.spec,
                }
                for v in violations or []
            ],
            "refused_form": refused_form if status == 400 else "",
        }
        return TemplateResponse(request, "admin/guidance/programme/page.html", context, status=status)

    def _page_context(self, programme: Programme) -> dict[str, Any]:
        """Header, timeline of contacts with their points, goals in kg/cm, the points explained (SPEC §5.7)."""
        today = timezone.localdate()
        checkup, person = programme.checkup, programme.person
        english = get_language() == "en"
        contacts = list(programme.contacts.select_related("staff", "provider").order_by("date", "pk"))
        by_pk = {c.pk: c for c in contacts}
        stored = programme.evaluation if isinstance(programme.evaluation, dict) else {}
        lines = _point_lines(stored, by_pk, english=english)
        timeline = _timeline(contacts, lines)
        goal = main_goal(checkup.weight_kg, checkup.waist_cm)
        return {
            "programme": programme,
            "person": person,
            "checkup": checkup,
            "intensive": programme.level == ProgrammeLevel.INTENSIVE,
            "closed": programme.status not in OPEN_STATUSES,
            "next_action": next_action_sentence(programme, today=today),
            "overdue": bool((stored.get("next_action") or {}).get("overdue")),
            "missing": missing_points(programme),
            "completion_points": COMPLETION_POINTS,
            "final_earliest": day(stored.get("final_evaluation_earliest")),
            "next_contact_by": day(stored.get("next_contact_by")),
            "timeline": timeline,
            "lines": lines,
            "decision": dates_in_words(stored.get("decision_en" if english else "decision_ja", "")),
            "goal": goal_numbers(goal) if goal else None,
            "goal_proportional": bool(goal and goal.proportional),
            "exam_weight": _number(checkup.weight_kg, "kg"),
            "exam_waist": _number(checkup.waist_cm, "cm"),
            "target_weight": _number(programme.target_weight_kg, "kg"),
            "target_waist": _number(programme.target_waist_cm, "cm"),
            "behaviour_goals": [text for text in map(goal_text, programme.behaviour_goals or []) if text],
            "trend": programme_trend(programme, contacts=contacts),
            "assigned_staff_name": staff_name(programme.assigned_staff),
            "level_question": level_question(programme, started=bool(contacts)),
            "level_decisions": level_decision_records(programme),
        }

    def _back(self, programme: Programme) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:guidance_programme_change", args=[programme.pk]))

    def contact_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Add a contact with the same validation as the API; a refusal shows the page again with what was typed."""
        programme = self._programme(request, pk)
        if request.method != "POST":
            return self._back(programme)
        form = ContactAddForm(request.POST)
        if not form.is_valid():
            _focus_first_error(form)
            return self._page(request, programme, contact_form=form, status=400)
        data = _contact_data(form.cleaned_data)
        version = data.pop("version")
        try:
            contact = contact_add(programme=programme, data=data, actor=self.actor(request), expected_version=version)
        except GuidanceRefused as exc:
            _add_violations(form, exc.violations)
            _focus_first_error(form)
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
            _focus_first_error(form)
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
            _add_violations(form, exc.violations)
            _focus_first_error(form)
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
            _focus_first_error(form)
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
            _add_violations(form, exc.violations)
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
