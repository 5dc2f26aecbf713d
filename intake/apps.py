from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """The intake: no models; an app so that Celery finds its tasks (`intake.tasks`)."""

    name = "intake"
    verbose_name = _("受付")
