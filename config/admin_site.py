"""The staff admin site: its index is 今日の仕事 (config.staff_home) and an insured person's change page is the
person page (config.person_page); a second factor (django-otp TOTP) is required when STAFF_REQUIRE_OTP is on
(production)."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django_otp.admin import OTPAdminAuthenticationForm

from members.admin_base import ScopedAdmin
from members.models import InsuredPerson

from .person_page import person_page
from .staff_home import staff_home


class StaffAdminSite(AdminSite):
    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        """今日の仕事 heads the index (config.staff_home); the menu of models follows below it."""
        context = {"menu_title": self.index_title, **staff_home(request), **(extra_context or {})}
        return super().index(request, context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        """The person page first: it answers at the insured person's change URL, ahead of the model admin's own view
        (which keeps the edit form's save), under the same name, so the request resolves as it did."""
        page = path(
            "members/insuredperson/<path:object_id>/change/",
            self.admin_view(self.person_page),
            name="members_insuredperson_change",
        )
        return [page, *super().get_urls()]

    def person_page(self, request: HttpRequest, object_id: str) -> HttpResponse:
        model_admin = self.get_model_admin(InsuredPerson)
        assert isinstance(model_admin, ScopedAdmin)  # members.admin registers InsuredPersonAdmin
        return person_page(request, model_admin, object_id)

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
