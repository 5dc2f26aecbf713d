"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import CheckupViewSet, HeldRecordViewSet, UploadViewSet
from .api_items import ItemCatalogueView

router = SimpleRouter()
router.register("checkups", CheckupViewSet, basename="checkup")
router.register("uploads", UploadViewSet, basename="upload")
router.register("held", HeldRecordViewSet, basename="held")
urlpatterns = [path("items/", ItemCatalogueView.as_view(), name="item-catalogue"), *router.urls]
