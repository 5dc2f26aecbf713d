"""The members admin: one module per concept; importing them registers their model admins with the site."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .access import AccessLogAdmin, ApiKeyAdmin, StaffMembershipAdmin
from .organisations import ClinicAdmin, ClinicContractAdmin, EmployerAdmin, GuidanceProviderAdmin, InsurerAdmin
from .persons import AgeBandFilter, EnrollmentInline, ExclusionInline, InsuredPersonAdmin, PersonChangeInline
from .roster_imports import ENCODING_NAMES, ROSTER_CHANGE_LIMIT, RosterImportAdmin, RosterUploadForm

admin.site.site_header = _("特定健診・特定保健指導 管理")
admin.site.site_title = _("特定健診・特定保健指導")
admin.site.index_title = _("保険者職員メニュー")

__all__ = [
    "ENCODING_NAMES",
    "ROSTER_CHANGE_LIMIT",
    "AccessLogAdmin",
    "AgeBandFilter",
    "ApiKeyAdmin",
    "ClinicAdmin",
    "ClinicContractAdmin",
    "EmployerAdmin",
    "EnrollmentInline",
    "ExclusionInline",
    "GuidanceProviderAdmin",
    "InsuredPersonAdmin",
    "InsurerAdmin",
    "PersonChangeInline",
    "RosterImportAdmin",
    "RosterUploadForm",
    "StaffMembershipAdmin",
]
