from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with our site class (second factor for staff in production)."""

    default_site = "config.admin_site.StaffAdminSite"
