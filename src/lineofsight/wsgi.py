"""WSGI entry point for gunicorn: ``gunicorn lineofsight.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lineofsight.settings")
application = get_wsgi_application()

# Load the coach's wording model while the server starts, so the first check as someone
# types does not wait for it.
from lineofsight.coach.apps import warm_up  # noqa: E402

warm_up()
