"""Self-service pages for insured persons (わたしの健診). No PHI in any path: pages are bound to the session,
a fiscal year or an opaque UUID."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("me/", views.me, name="me"),
    path("me/checkups/", views.checkups, name="checkups"),
    path("me/checkups/<int:fiscal_year>/", views.checkup_year, name="checkup_year"),
    path("me/checkups/<int:fiscal_year>/document/", views.document, name="document"),
    path("me/guidance/", views.guidance, name="guidance"),
    path("me/guidance/log/", views.self_log_add, name="self_log_add"),
    path("me/guidance/log/<uuid:public_id>/delete/", views.self_log_delete, name="self_log_delete"),
    path("me/employer-checkups/", views.employer_checkups, name="employer"),
    path("me/access-log/", views.access_log, name="access_log"),
    path("me/download/", views.download, name="download"),
    path("me/download/print/", views.download_print, name="download_print"),
    path("me/download/csv/", views.download_csv, name="download_csv"),
]
