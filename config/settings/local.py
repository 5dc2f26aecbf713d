"""Development: embedded SQLite + eager Celery unless DATABASE_URL / CELERY_BROKER_URL are set.

DEBUG is off unless DJANGO_DEBUG=1, so `make run` shows what a person sees (the Japanese error pages, not Django's
debug page, issue #18); whitenoise serves the static files straight from the apps, without collectstatic.
"""

from .base import *  # noqa: F403
from .base import env, env_secret

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", default="local-dev-insecure-key-do-not-use-in-production")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
