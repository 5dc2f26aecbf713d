"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from .api import CheckupViewSet, UploadViewSet

router = SimpleRouter()
router.register("checkups", CheckupViewSet, basename="checkup")
router.register("uploads", UploadViewSet, basename="upload")
urlpatterns = router.urls
