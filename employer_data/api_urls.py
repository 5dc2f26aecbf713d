"""API routes of this app, included under /api/v1/employer-data/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from .api import SubmissionViewSet

router = SimpleRouter()
router.register("submissions", SubmissionViewSet, basename="employer-submission")
urlpatterns = router.urls
