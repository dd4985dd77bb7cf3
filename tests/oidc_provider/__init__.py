"""A small OpenID Connect provider for the single sign-on tests: a Django project of its own
around django-oauth-toolkit, run as a separate server process (``server.py``).

Its applications behave as a provider should, except those named after a fault, which issue
real, signed ID tokens with that fault (``validators.py``): the tests check that Line of
Sight refuses them.
"""
