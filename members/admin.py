import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin

from infra.i18n import StrOrPromise

from . import access_words
from .actors import ActorKind
from .admin_base import ScopedAdmin
from .codes import Relationship, Sex
from .dates import day
from .models import (
    AccessLog,
    ApiKey,
    Clinic,
    ClinicContract,
    Employer,
    Enrollment,
    Exclusion,
    GuidanceProvider,
    InsuredPerson,
    Insurer,
    PersonChange,
    RosterImport,
    StaffMembership,
)
from .roster import ROSTER_COLUMN_LABELS, roster_confirm, roster_prepare

admin.site.site_header = _("特定健診・特定保健指導 管理")
admin.site.site_title = _("特定健診・特定保健指導")
admin.site.index_title = _("保険者職員メニュー")


@admin.register(Insurer)
class InsurerAdmin(ScopedAdmin):
    list_display = ["number", "name", "insurer_type"]
    search_fields = ["number", "name"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.actor(request).kind == ActorKind.SUPERUSER

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.actor(request).is_staff


@admin.register(Employer)
class EmployerAdmin(ScopedAdmin):
    staff_can_add = staff_can_change = True
    list_display = ["code", "name", "insurer", "contact_person", "phone"]
    list_filter = ["insurer"]
    search_fields = ["code", "name"]


@admin.register(ClinicContract)
class ClinicContractAdmin(ScopedAdmin):
    """健診機関との契約: a record from a clinic without one on the exam date is held for staff (issue #13)."""

    staff_can_add = staff_can_change = staff_can_delete = True
    list_display = ["kind", "clinic", "name", "valid_from", "valid_to", "insurer"]
    list_filter = ["kind", "insurer"]
    search_fields = ["clinic__number", "clinic__name", "name"]


@admin.register(GuidanceProvider)
class GuidanceProviderAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name"]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0


class ExclusionInline(admin.TabularInline):
    model = Exclusion
    extra = 0


class PersonChangeInline(admin.TabularInline):
    model = PersonChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "roster_import", "changes"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AgeBandFilter(admin.SimpleListFilter):
    title = _("年齢(現在)")
    parameter_name = "age_band"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("u40", _("40歳未満")), ("40-64", "40–64"), ("65-74", "65–74"), ("75+", _("75歳以上"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()

        def born_after(years: int) -> dt.date:
            return today.replace(year=today.year - years)

        bands = {
            "u40": {"birth_date__gt": born_after(40)},
            "40-64": {"birth_date__lte": born_after(40), "birth_date__gt": born_after(65)},
            "65-74": {"birth_date__lte": born_after(65), "birth_date__gt": born_after(75)},
            "75+": {"birth_date__lte": born_after(75)},
        }
        value = self.value()
        return queryset.filter(**bands[value]) if value in bands else queryset


@admin.register(InsuredPerson)
class InsuredPersonAdmin(ScopedAdmin):
    """The list and the edit form (at <pk>/edit/). The change page on GET is the person page, which shows every
    app's data and so lives in the top layer (config.person_page, routed by config.admin_site)."""

    staff_can_change = True
    list_display = ["card", "name_kana", "sex", "birth_date", "relationship", "employer"]
    list_filter = ["insurer", "sex", "relationship", AgeBandFilter, "employer"]
    search_fields = ["card_number", "name_kana"]
    list_select_related = ["employer"]
    readonly_fields = [
        "insurer",
        "card_symbol",
        "card_number",
        "card_branch",
        "user",
        "self_service",
        "doctor_document",
        "created_at",
        "updated_at",
    ]
    inlines = [EnrollmentInline, ExclusionInline, PersonChangeInline]
    audit_action = AccessLog.Action.ADMIN_VIEW
    page_related = ("insurer", "employer", "user")
    show_full_result_count = False

    @admin.display(description=_("記号・番号"), ordering="card_number")
    def card(self, obj: InsuredPerson) -> str:
        return obj.card_label

    @admin.display(description=_("わたしの健診"))
    def self_service(self, obj: InsuredPerson) -> str:
        """Issue (or re-issue, as a password reset) the printable invitation letter with a one-time code."""
        if obj.pk is None:
            return "—"
        url = reverse("admin:portal_invitation_issue_for", args=[obj.pk])
        label = _("招待状を再発行(パスワード再設定)") if obj.user_id else _("招待状を発行")
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    @admin.display(description=_("医療機関持参用文書"))
    def doctor_document(self, obj: InsuredPerson) -> str:
        """The printable document for a doctor (the person's latest checkup year; other years from there)."""
        if obj.pk is None:
            return "—"
        url = reverse("portal_staff:doctor_document", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("印刷用の文書を開く"))

    def person_id_of(self, obj: InsuredPerson) -> int:
        return obj.pk

    def get_urls(self) -> list:
        edit = self.admin_site.admin_view(self.edit_view)
        return [path("<int:pk>/edit/", edit, name="members_insuredperson_edit"), *super().get_urls()]

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.visible_or_404(request, pk)  # 404 for another insurer's person
        return self.change_view(request, str(pk), extra_context={"hub_url": self._hub_url(pk)})

    def _hub_url(self, pk: int) -> str:
        return reverse("admin:members_insuredperson_change", args=[pk])

    def response_change(self, request: HttpRequest, obj: InsuredPerson) -> HttpResponse:
        """After an edit, back to the person page."""
        super().response_change(request, obj)
        return HttpResponseRedirect(self._hub_url(obj.pk))


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "insurer", "job_title"]
    list_filter = ["insurer"]


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdmin):
    list_display = ["at", "who_label", "person_link", "action", "target_label", "ip_address"]
    readonly_fields = ("at", "who_label", "person_link", "action", "target_label", "ip_address")
    fields = readonly_fields
    list_filter = ["action"]
    date_hierarchy = "at"
    list_select_related = ["person", "user"]
    list_display_links = ["at"]

    @admin.display(description=_("だれが"), ordering="actor_label")
    def who_label(self, obj: AccessLog) -> str:
        return access_words.who(obj)

    @admin.display(description=_("加入者"), ordering="person__card_number")
    def person_link(self, obj: AccessLog) -> str:
        url = reverse("admin:members_insuredperson_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a>', url, obj.person.name_kana)

    @admin.display(description=_("対象"), ordering="target")
    def target_label(self, obj: AccessLog) -> str:
        return access_words.what(obj.target)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        return lookup in ("person__id__exact", "person") or super().lookup_allowed(lookup, value, request)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "kind", "clinic", "employer", "guidance_provider", "insurer")  # type: ignore[assignment]  # the package types it as its own fixed tuple
    list_filter = (*APIKeyModelAdmin.list_filter, "kind")  # type: ignore[assignment]  # as above


class RosterUploadForm(forms.Form):
    insurer = forms.ModelChoiceField(queryset=Insurer.objects.none(), label=_("保険者"))
    file = forms.FileField(label=_("名簿CSV (UTF-8 / Shift_JIS)"))


ENCODING_NAMES = {"cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "utf-8": "UTF-8", "utf-8-sig": "UTF-8"}
ROSTER_CHANGE_LIMIT = 50  # changed persons listed in the preview (the counts cover them all)


def _shown(field: str, value: object, employers: dict[Any, str]) -> str:
    """A roster value as staff read it: the employer's name, 男/女, 本人/家族, dates as 2026年4月1日."""
    if value in (None, ""):
        return "—"
    if field == "employer_id":
        return employers.get(value, "—")
    if field == "sex":
        return str(Sex(int(str(value))).label)
    if field == "relationship":
        return str(dict(Relationship.choices).get(str(value), value))
    if field == "birth_date":
        return day(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
    return str(value)


def _field_label(field: str) -> StrOrPromise:
    model_field = InsuredPerson._meta.get_field(field.removesuffix("_id"))
    return getattr(model_field, "verbose_name", field)


def _roster_change_rows(plan: Any) -> list[dict[str, Any]]:
    """The preview's changed persons by name, with their page and each change in words (2 queries)."""
    shown = plan.changed_persons[:ROSTER_CHANGE_LIMIT]
    people = InsuredPerson.objects.in_bulk([pk for pk, _changes in shown])
    employer_ids = {v for _pk, changes in shown for (k, pair) in changes.items() if k == "employer_id" for v in pair}
    employers = {e.pk: e.name for e in Employer.objects.filter(pk__in=employer_ids - {None})}
    rows = []
    for pk, changes in shown:
        person = people.get(pk)
        rows.append(
            {
                "name": person.name_kana if person else "—",
                "url": reverse("admin:members_insuredperson_change", args=[pk]),
                "changes": [
                    (
                        _field_label(field),
                        _shown(field, old, employers),
                        _shown(field, new, employers),
                    )
                    for field, (old, new) in changes.items()
                ],
            }
        )
    return rows


def _in_language(error: dict[str, Any]) -> dict[str, Any]:
    """A row error with its message in the page's language only."""
    english = (get_language() or "ja").startswith("en")
    return {**error, "message": error["message_en"] if english else error["message_ja"]}


@admin.register(RosterImport)
class RosterImportAdmin(ScopedAdmin):
    """Upload → preview (counts, changes, errors) → confirm. Nothing is written before confirm."""

    list_display = ["created_at", "file_name", "insurer", "status", "row_count", "created_count", "updated_count"]
    readonly_fields = [f.name for f in RosterImport._meta.fields if f.name != "content"]
    exclude = ["content"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return RosterImport.objects.filter(insurer__in=Insurer.objects.visible_to(self.actor(request)))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.actor(request).is_staff

    def get_urls(self) -> list:
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="members_rosterimport_upload"),
            path(
                "<int:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="members_rosterimport_confirm",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:members_rosterimport_upload"))

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        cast(forms.ModelChoiceField, form.fields["insurer"]).queryset = Insurer.objects.visible_to(self.actor(request))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            record, plan = roster_prepare(
                data=upload.read(),
                file_name=upload.name,
                insurer=form.cleaned_data["insurer"],
                uploaded_by_id=request.user.pk,
            )
            context.update(
                record=record,
                plan=plan,
                changes=_roster_change_rows(plan) if plan is not None else [],
                errors=[_in_language(e) for e in record.errors or []],
                encoding=ENCODING_NAMES.get(record.encoding, record.encoding),
                title=_("名簿取込の確認"),
            )
            return TemplateResponse(request, "admin/members/rosterimport/preview.html", context)
        context.update(title=_("名簿CSVの取込"), columns=list(ROSTER_COLUMN_LABELS.items()))
        return TemplateResponse(request, "admin/members/rosterimport/upload.html", context)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.get_queryset(request), pk=pk, status=RosterImport.Status.PREVIEWED)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:members_rosterimport_upload"))
        roster_confirm(roster_import=record)
        self.message_user(
            request,
            _("取り込みました: 新規 %(new)s 件, 更新 %(upd)s 件, 変更なし %(same)s 件")
            % {"new": record.created_count, "upd": record.updated_count, "same": record.unchanged_count},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:members_rosterimport_changelist"))
