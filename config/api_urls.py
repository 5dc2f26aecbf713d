"""All /api/v1/ routes, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("members.api_urls")),
    path("", include("checkups.api_urls")),
    path("guidance/", include("guidance.api_urls")),
    path("employer-data/", include("employer_data.api_urls")),
    path("", include("rates.api_urls")),
]
