"""Admin of the organisations: insurers, employers, clinic contracts, guidance providers and clinics."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..actors import ActorKind
from ..admin_base import ScopedAdmin
from ..models import (
    Clinic,
    ClinicContract,
    Employer,
    GuidanceProvider,
    Insurer,
)


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
