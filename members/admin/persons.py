"""Admin of insured persons: the list (with an age-band filter) and the edit form with enrollment, exclusions and
history; the person page itself is config.person_page."""

import datetime as dt
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise

from ..admin_base import ScopedAdmin
from ..models import (
    AccessLog,
    Enrollment,
    Exclusion,
    InsuredPerson,
    PersonChange,
)


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
