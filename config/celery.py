"""Celery application. Tasks are thin wrappers around services and pass primary keys only."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tokutei")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Schedules defined in code; django-celery-beat's DatabaseScheduler copies them into its table when beat starts
# (the nightly rates and the daily programme refresh are scheduled by data migrations instead).
app.conf.beat_schedule = {
    "checkups: resume pending uploads": {
        "task": "checkups.tasks.checkups_uploads_resume_task",
        "schedule": 5 * 60.0,  # seconds; uploads are resumed only after intake.tasks.RESUME_AFTER
    },
}
