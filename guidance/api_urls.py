"""API routes of this app, included under /api/v1/guidance/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from .api import ProgrammeViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="guidance-programme")
urlpatterns = router.urls
