"""Development: embedded SQLite + eager Celery unless DATABASE_URL / CELERY_BROKER_URL are set."""

from .base import *  # noqa: F403
from .base import env, env_secret

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", default="local-dev-insecure-key-do-not-use-in-production")
