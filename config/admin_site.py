"""The staff admin site: its index is 今日の仕事 (config.staff_home); a second factor (django-otp TOTP) is required
when STAFF_REQUIRE_OTP is on (production)."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django_otp.admin import OTPAdminAuthenticationForm

from .staff_home import staff_home


class StaffAdminSite(AdminSite):
    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        """今日の仕事 heads the index (config.staff_home); the menu of models follows below it."""
        context = {"menu_title": self.index_title, **staff_home(request), **(extra_context or {})}
        return super().index(request, context)

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if getattr(settings, "STAFF_REQUIRE_OTP", False):
            return bool(getattr(request.user, "is_verified", bool)())  # set by django_otp.middleware.OTPMiddleware
        return True

    @property
    def login_form(self) -> type[AdminAuthenticationForm]:  # type: ignore[override]  # a property for a class attribute
        return OTPAdminAuthenticationForm if getattr(settings, "STAFF_REQUIRE_OTP", False) else AdminAuthenticationForm

    @property
    def login_template(self) -> str | None:  # type: ignore[override]  # as above
        return "otp/admin111/login.html" if getattr(settings, "STAFF_REQUIRE_OTP", False) else None
