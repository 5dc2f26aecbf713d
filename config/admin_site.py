"""The staff admin site: a second factor (django-otp TOTP) is required when STAFF_REQUIRE_OTP is on (production)."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm


class StaffAdminSite(AdminSite):
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
