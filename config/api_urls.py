"""All /api/v1/ routes, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("members.api_urls")),
]
