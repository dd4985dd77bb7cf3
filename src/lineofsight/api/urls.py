"""Mounted at /api/ by the project's URL map: the API, /api/openapi.json and /api/docs.

Any other path under /api/ answers a JSON 404 in the API's error shape (not the site's HTML
page), so clients always get JSON back.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from lineofsight.api.api import api
from lineofsight.api.errors import NOT_FOUND, body


def no_such_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse(body(NOT_FOUND), status=404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", no_such_endpoint),
]
