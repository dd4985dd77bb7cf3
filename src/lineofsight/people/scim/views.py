"""The SCIM 2.0 endpoints under ``/scim/v2/``: django-scim2's views, with the project's
bearer token, one transaction per request, bounded pages and filters by querysets.

* Only a live SCIM token opens them (``Authorization: Bearer scim_...``); a signed-in
  session or a personal API token gets 401.
* Each request runs in one transaction: an error (always the SCIM error schema, naming
  the attribute) leaves nothing changed. Every audit row written carries
  ``{"via": "scim", "scim_token": <id>}``.
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import View
from django_scim import exceptions, views
from django_scim.constants import SCIM_CONTENT_TYPE, SchemaURI
from django_scim.models import SCIMServiceProviderConfig

from lineofsight.core import audit
from lineofsight.people.scim import adapters, attributes, filters, tokens

logger = logging.getLogger(__name__)
MAX_COUNT = 200  # resources a page holds at most


def error_response(exc: exceptions.SCIMException) -> HttpResponse:
    response = HttpResponse(
        json.dumps(exc.to_dict()), content_type=SCIM_CONTENT_TYPE, status=exc.status
    )
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


class ScimEndpoint:
    """Authentication, atomicity and errors for every SCIM view."""

    request: HttpRequest

    @method_decorator(csrf_exempt)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = tokens.authenticate(request.headers.get("Authorization", ""))
        if token is None:
            return error_response(
                exceptions.AuthorizationError(
                    "Send a live SCIM token as 'Authorization: Bearer <token>' "
                    "(HR makes one under Organisation > Provisioning)."
                )
            )
        if not getattr(self, "implemented", True):
            return error_response(exceptions.NotImplementedError("Not supported here."))
        try:
            with transaction.atomic(), audit.channel(via="scim", scim_token=token.pk):
                response = View.dispatch(self, request, *args, **kwargs)  # type: ignore[arg-type]
                return cast(HttpResponse, response)
        except exceptions.SCIMException as exc:
            return error_response(exc)
        except IntegrityError:
            # Two requests racing for the same userName or display name: the later one loses.
            return error_response(
                exceptions.IntegrityError(
                    "id: another change to the same resource was made at the same time; "
                    "nothing changed, try again.",
                    scim_type="uniqueness",
                )
            )
        except Exception:
            logger.exception("SCIM request failed: %s %s", request.method, request.path)
            return error_response(
                exceptions.SCIMException("The request could not be completed; nothing changed.")
            )

    def load_body(self, body: bytes) -> dict[str, Any]:
        return attributes.load_object(body)


class ListMixin:
    """Pages of a queryset (``startIndex`` from 1, ``count`` up to 200) and filters."""

    filters: dict[tuple[str, str | None, str | None], str] = {}

    def base_queryset(self) -> Any:
        raise NotImplementedError

    def prepare(self, page: list[Any]) -> None:
        """Load what the page's resources show, in a fixed number of queries."""

    def _page(self, request: HttpRequest) -> tuple[int, int]:
        values = []
        for name, default in (("startIndex", 1), ("count", 50)):
            raw = request.GET.get(name, "")
            try:
                values.append(int(raw) if raw.strip() else default)
            except ValueError:
                raise attributes.bad(name, f"give a whole number, not {raw!r}.") from None
        start, count = values
        return max(start, 1), min(max(count, 0), MAX_COUNT)

    def get_many(self, request: HttpRequest) -> HttpResponse:
        qs = self.base_queryset()
        query = request.GET.get("filter", "").strip()
        if query:
            try:
                qs = qs.filter(filters.to_q(query, self.filters)).distinct()
                total = qs.count()
            except (ValueError, TypeError):  # e.g. id eq "abc": no such resource
                qs, total = qs.none(), 0
        else:
            total = qs.count()
        start, count = self._page(request)
        page = list(qs.order_by("pk")[start - 1 : start - 1 + count]) if count else []
        self.prepare(page)
        adapter = self.scim_adapter  # type: ignore[attr-defined]
        doc = {
            "schemas": [SchemaURI.LIST_RESPONSE],
            "totalResults": total,
            "itemsPerPage": len(page),
            "startIndex": start,
            "Resources": [adapter(obj, request=request).to_dict() for obj in page],
        }
        return HttpResponse(json.dumps(doc), content_type=SCIM_CONTENT_TYPE)

    def patch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        body = attributes.load_object(request.body)
        if "schemas" in body:
            attributes.require_schema(body, SchemaURI.PATCH_OP)
        adapter = self.scim_adapter(obj, request=request)  # type: ignore[attr-defined]
        adapter.handle_operations(body.get("Operations"))
        response = HttpResponse(json.dumps(adapter.to_dict()), content_type=SCIM_CONTENT_TYPE)
        response["Location"] = adapter.location
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs.get("uuid"):
            raise exceptions.SCIMException("Create by POST to the collection.", status=405)
        return super().post(request, *args, **kwargs)  # type: ignore[misc]

    def get_object(self) -> Any:
        raw = str(self.kwargs.get("uuid") or "")  # type: ignore[attr-defined]
        if not raw:
            raise exceptions.SCIMException("Name the resource: .../<id>.", status=405)
        obj = self.base_queryset().filter(pk=int(raw)).first() if raw.isdigit() else None
        if obj is None:
            raise exceptions.NotFoundError(raw)
        self.prepare([obj])
        return obj


class UsersView(ScimEndpoint, ListMixin, views.UsersView):
    filters = filters.USER_FILTERS

    def base_queryset(self) -> Any:
        return adapters.people_for_scim()

    def prepare(self, page: list[Any]) -> None:
        adapters.departments_of(page)


class GroupsView(ScimEndpoint, ListMixin, views.GroupsView):
    filters = filters.GROUP_FILTERS

    def base_queryset(self) -> Any:
        return adapters.teams_for_scim()


class ServiceProviderConfig(SCIMServiceProviderConfig):
    """What this service provider supports, for the provider to read."""

    @property
    def location(self) -> str:
        from django.urls import reverse

        return adapters.base_location().rstrip("/") + reverse("scim:service-provider-config")

    def to_dict(self) -> dict[str, Any]:
        doc = super().to_dict()
        doc.update(
            {
                "documentationUri": None,
                "filter": {"supported": True, "maxResults": MAX_COUNT},
                "changePassword": {"supported": False},
                "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
                "authenticationSchemes": [
                    {
                        "type": "oauthbearertoken",
                        "name": "Bearer token",
                        "description": "A SCIM token HR makes in Line of Sight "
                        "(Organisation > Provisioning).",
                        "primary": True,
                    }
                ],
            }
        )
        return doc


class ServiceProviderConfigView(ScimEndpoint, views.ServiceProviderConfigView):
    pass


class ResourceTypesView(ScimEndpoint, views.ResourceTypesView):
    pass


class SchemasView(ScimEndpoint, views.SchemasView):
    pass


class NotSupportedView(ScimEndpoint, views.SCIMView):
    implemented = False
