import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
if os.environ.get("OIDC_TEST_CLOCK"):
    # The test suite runs at a date of its own; the provider keeps the same time.
    import time_machine

    time_machine.travel(float(os.environ["OIDC_TEST_CLOCK"]), tick=True).start()
application = get_wsgi_application()
