"""Admin of who may sign in or call and who looked: staff memberships, the access log and API keys."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin

from .. import access_words
from ..admin_base import ScopedAdmin
from ..models import (
    AccessLog,
    ApiKey,
    StaffMembership,
)


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
