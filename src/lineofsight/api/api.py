"""The REST API: one NinjaAPI mounted at /api/, its OpenAPI schema and its docs page.

Routers are thin: they read through the selectors (so the access policy decides what each
caller sees) and write only through the named actions. The interactive docs are served from
the Swagger UI files that ship inside django-ninja, through the project's own static files,
so they work without an internet connection.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger

import lineofsight
from lineofsight.api import audit as audit_routes
from lineofsight.api import privacy as privacy_routes
from lineofsight.api import tokens as token_routes
from lineofsight.api import tombstones as tombstone_routes
from lineofsight.api.auth import SessionAuth, TokenAuth
from lineofsight.api.coach import routes as coach_routes
from lineofsight.api.discussion import comments as comment_routes
from lineofsight.api.errors import install
from lineofsight.api.goals import (
    alignment,
    blockers,
    check_ins,
    initiatives,
    key_results,
    objectives,
    stream,
)
from lineofsight.api.goals import closing as closing_routes
from lineofsight.api.goals import drafting as drafting_routes
from lineofsight.api.goals import exchange as okr_graph_routes
from lineofsight.api.goals import team_retros as team_retro_routes
from lineofsight.api.insights import dashboards as dashboard_routes
from lineofsight.api.integrations import inbox as inbox_routes
from lineofsight.api.integrations import notifications as notification_routes
from lineofsight.api.integrations import sources as source_routes
from lineofsight.api.integrations import webhooks as webhook_routes
from lineofsight.api.oneonones import routes as one_on_one_routes
from lineofsight.api.people import directory
from lineofsight.api.people import organisation as organisation_routes  # noqa: F401 (HR's writes on the directory's routers)
from lineofsight.api.people import orgchart as orgchart_routes
from lineofsight.api.people import sso as sso_routes
from lineofsight.api.reviews import calibration as calibration_routes
from lineofsight.api.reviews import conversation as conversation_routes
from lineofsight.api.reviews import cycles as review_cycle_routes
from lineofsight.api.reviews import evidence as evidence_routes
from lineofsight.api.reviews import recognition as recognition_routes
from lineofsight.api.search import routes as search_routes

DESCRIPTION = """\
Objectives, key results, check-ins, initiatives and alignment for scripts and integrations,
under the same access policy as the web pages.

**Authentication.** Send a personal API token as `Authorization: Bearer <token>` (create one
on the API tokens page, `/settings/tokens/`, or with `POST /api/tokens`), or use the browser
session; session requests that change something must send the CSRF token in `X-CSRFToken`.

**Lists** take `limit` (1-500, default 50) and `offset` and answer
`{"count", "limit", "offset", "items"}`. The lists of the OKR graph (objectives, key
results, check-ins, alignment links, initiatives, cycles) also take `updated_since` (an
earlier answer's `next_cursor`, or an ISO 8601 instant) and then answer the rows changed
since, oldest change first, with `next_cursor` and `has_more`; endings and deletions are in
`GET /api/tombstones`. `GET /api/cycles/{id}/stream` reads a whole cycle as NDJSON.

**Errors** answer `{"detail": "...", "errors": {"field": ["message"]}}`: 401 without valid
credentials, 403 when you may see something but not change it, 404 when it does not exist or
you may not see it (the two are never told apart), 422 for bad input, naming the fields.

**Check-ins are append-only**: there is no way to change or delete one; record a new reading.
"""


class LineOfSightAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Operation ids are the view names: ``list_objectives``, ``record_check_in``..."""
        return str(operation.view_func.__name__)


api = LineOfSightAPI(
    title="Line of Sight API",
    version=lineofsight.__version__,
    description=DESCRIPTION,
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    urls_namespace="api",
)
install(api)

api.add_router("/objectives", objectives.router)
api.add_router("/key-results", key_results.router)
# Before /check-ins, whose "/{id}" would otherwise take "due".
api.add_router("/check-ins/due", notification_routes.due)
api.add_router("/check-ins", check_ins.router)
api.add_router("/alignment-links", alignment.router)
api.add_router("/initiatives", initiatives.router)
api.add_router("/blockers", blockers.router)
api.add_router("/people", directory.people)
api.add_router("/teams", directory.teams)
api.add_router("/cycles", directory.cycles)
api.add_router("/cycles", stream.router)
api.add_router("/me", directory.me)
api.add_router("/org-chart", orgchart_routes.router)
api.add_router("/okr-graph", okr_graph_routes.router)
api.add_router("/tokens", token_routes.router)
api.add_router("/identity-providers", sso_routes.providers)
api.add_router("/sign-in", sso_routes.sign_in)
api.add_router("/tombstones", tombstone_routes.router)
# HR: the audit log, and personal data requests (export, erase).
api.add_router("/audit", audit_routes.router)
api.add_router("/privacy", privacy_routes.router)
api.add_router("/dashboards", dashboard_routes.router)
api.add_router("/search", search_routes.router)
# Closing a cycle: routes under the resources they belong to.
api.add_router("/objectives", closing_routes.objectives)
api.add_router("/objectives", drafting_routes.objectives)
api.add_router("/okr-templates", drafting_routes.templates)
api.add_router("/key-results", closing_routes.key_results)
api.add_router("/cycles", closing_routes.cycles)
api.add_router("/people", closing_routes.people)
api.add_router("/teams", closing_routes.teams)
api.add_router("/teams", team_retro_routes.teams)
# Notifications: preferences, teams' chat webhooks, the outbox.
api.add_router("/notification-preferences", notification_routes.preferences)
api.add_router("/teams", notification_routes.webhooks)
api.add_router("/notifications", notification_routes.outbox)
api.add_router("/inbox", inbox_routes.router)
# Outbound webhooks: subscriptions to events, their deliveries and replays.
api.add_router("/webhooks", webhook_routes.router)
# Key results' data sources: connect, sync, provenance of their readings.
api.add_router("/data-sources", source_routes.router)
api.add_router("/comments", comment_routes.router)
api.add_router("/one-on-ones", one_on_one_routes.series_router)
api.add_router("/one-on-one-meetings", one_on_one_routes.meetings)
api.add_router("/one-on-one-agenda-items", one_on_one_routes.agenda_items)
api.add_router("/one-on-one-action-items", one_on_one_routes.action_items)
# The coach: findings, alignment health, acknowledgements.
api.add_router("/coach", coach_routes.router)
# Reviews: the policy, templates and review cycles.
api.add_router("/review-policy", review_cycle_routes.policy_router)
api.add_router("/review-templates", review_cycle_routes.template_router)
api.add_router("/review-cycles", review_cycle_routes.cycle_router)
# Calibration and recognition.
api.add_router("/calibration-sessions", calibration_routes.sessions)
api.add_router("/calibration-rules", calibration_routes.rule_router)
api.add_router("/kudos", recognition_routes.kudos)
api.add_router("/spot-bonus-nominations", recognition_routes.nominations)
# The evidence pack: packs, packets, team context, forward drafts.
api.add_router("/reviews", evidence_routes.reviews)
api.add_router("/review-cycles", evidence_routes.review_cycles)
api.add_router("/forward-drafts", evidence_routes.drafts)
# The review conversation: my reviews, feedback, requests, sharing, amendments.
api.add_router("/my-reviews", conversation_routes.mine)
api.add_router("/reviews", conversation_routes.reviews)
api.add_router("/feedback", conversation_routes.feedback)
