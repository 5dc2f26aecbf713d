from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext


def boolean_icon(field_val: Any) -> SafeString:
    """Django's yes/no icon with its text in the active language (Django writes alt="True" / "False")."""
    name, text = {True: ("yes", gettext("はい")), False: ("no", gettext("いいえ")), None: ("unknown", gettext("不明"))}[
        field_val
    ]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with our site class (second factor for staff in production); the project's signals."""

    default_site = "config.admin_site.StaffAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.auth.signals import user_logged_in

        from .middleware import IdleSessionMiddleware

        user_logged_in.connect(IdleSessionMiddleware.stamp_at_login, dispatch_uid="idle_session_stamp")
        # imported here: the module reads the app registry, which is only ready now
        from django.contrib.admin.templatetags import admin_list

        admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]  # read at call time by the change list, utils and helpers
