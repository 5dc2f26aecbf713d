"""The WSGI application (gunicorn config.wsgi).

Once Django, the apps and the URL configuration with every view are loaded, they live as long as the process:
`gc.freeze()` moves them out of the garbage collector's generations, so its collections during requests no longer
rescan them (Python's gc documentation; ≈ 1–3 ms of CPU per page view here, bench/page_profile.py).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402 - after the settings are set up

get_resolver().url_patterns  # noqa: B018 - imports every view module now, not on the first request
gc.freeze()
