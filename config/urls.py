from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from portal.admin import staff_urls as portal_staff_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # guidance providers moved to members (organisations): bookmarks of the old admin pages keep working
    re_path(
        rf"^{settings.ADMIN_URL}guidance/guidanceprovider/(?P<rest>.*)$",
        RedirectView.as_view(url=f"/{settings.ADMIN_URL}members/guidanceprovider/%(rest)s", permanent=True),
    ),
    path(f"{settings.ADMIN_URL}portal/", include((portal_staff_urls, "portal_staff"))),  # 医療機関持参用文書
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api/v1/", include("config.api_urls")),
    path("", include("portal.urls")),
]

# Japanese error pages for the whole site, with a way back and the help desk (issue #18)
handler404 = "config.errors.page_not_found"
handler403 = "config.errors.permission_denied"
handler500 = "config.errors.server_error"
