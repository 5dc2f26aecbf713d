"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from .api import RateView

urlpatterns = [path("rates/", RateView.as_view(), name="rates")]
