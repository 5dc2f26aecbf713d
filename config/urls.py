from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # guidance providers moved to members (organisations): bookmarks of the old admin pages keep working
    re_path(
        rf"^{settings.ADMIN_URL}guidance/guidanceprovider/(?P<rest>.*)$",
        RedirectView.as_view(url=f"/{settings.ADMIN_URL}members/guidanceprovider/%(rest)s", permanent=True),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api/v1/", include("config.api_urls")),
    path("", include("portal.urls")),
]
