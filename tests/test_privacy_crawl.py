"""The privacy crawl: every page, admin page and API read, as every role, looking for text.

``tests/privacy_world.py`` seeds a world in which every private text field carries a marker
of its own. The crawl then requests every route of the URL map (path parameters filled with
the ids of the seeded objects of the right kind) and every GET operation of the OpenAPI
schema (with each role's API token), as each of the nine roles below (a few pages also as
htmx asks for them), reads each answer as a person would (HTML unescaped, JSON decoded, PDF
text extracted) and notes which markers it shows. The mail the seeding sent and a
calibration session's refusal to complete are read the same way. The tests then hold what
was seen against ``POLICY``: each marker may appear only to the roles the policy names, and
must appear to each of them somewhere (so the crawl cannot pass by hiding everything).
Beside the markers, some answers are read for what they must not tell: a draft rating, the
facilitator's own flag, a count of anonymous answers; and anonymous answers are followed
over time, one answer after another, to their release.

The roles, by username:

    ava ... the person: owner of the objectives, subject of the reviews
    pia ... her peer (Enterprise Sales), who writes named peer feedback on her
    tess .. a team lead who is not her manager (leads Renewals, which Ava is in; reports to Sam)
    sam ... her manager, and the Sales calibration's facilitator, reviewed in it himself
    cora .. her skip-level manager (the chief executive)
    eli ... another manager, taking part in the Sales calibration
    dev ... an engineer elsewhere, who writes peer feedback
    otto .. the outsider
    hana .. HR

The crawl runs once per module, inside a transaction rolled back at its end, each request in
a savepoint of its own (so no request changes what the next one sees).
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from lineofsight.people.selectors import forget_organisation_cache

from .privacy_world import MARKERS, ROLES, World, build_world
from .routes import Operation, Route, api_operations, url_routes

# Every test is marked so that the test database is set up; the tests read what the
# module's crawl noted and touch the database no more.
# One worker runs the whole module (scripts/test shares tests out by group), so the world
# is built and crawled once rather than once per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("privacy-crawl")]

EVERYONE = frozenset(ROLES)
AVA_CHAIN = frozenset({"ava", "sam", "cora", "hana"})  # Ava, her managers, HR
RENEWALS_LEADS = frozenset({"tess", "sam", "cora", "hana"})  # its lead, the leads above, HR
CALIBRATION = r"^(API )?(GET|POST) /(reviews/calibration|api/calibration-sessions)/"


@dataclass(frozen=True)
class Rule:
    """Who may see a marker: ``may`` anywhere, ``via`` only on the surfaces (``"GET /url"``)
    matching its pattern; ``shown``: who must see it somewhere (by default all of them)."""

    may: frozenset[str]
    why: str
    via: tuple[frozenset[str], str] | None = None
    shown: frozenset[str] | None = None

    def allows(self, role: str, surface: str) -> bool:
        if role in self.may:
            return True
        return (
            self.via is not None and role in self.via[0] and bool(re.search(self.via[1], surface))
        )

    @property
    def must_show(self) -> frozenset[str]:
        if self.shown is not None:
            return self.shown
        return self.may | (self.via[0] if self.via else frozenset())


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


def calibrators(*roles: str) -> tuple[frozenset[str], str]:
    """Calibrators of the Sales session see a review's rating, its explanation and its
    calibration notes there (never on their own review), and nowhere else."""
    return frozenset(roles), CALIBRATION


# The policy, one row per marker: who may read it (from DOMAIN.md, goals/access.py and
# reviews/access.py). OKRs are visible across the company unless their owner narrows
# them; reviews, ratings and calibration are private to the person (once shared), their
# manager chain and HR; a draft is its author's alone until submitted; anonymous answers are
# read by others only in aggregate, from three answers; nominations never by the nominee.
POLICY: dict[str, Rule] = {
    # -- OKRs ---------------------------------------------------------------------------
    "ava_pub_title": Rule(EVERYONE, "a public objective"),
    "ava_pub_desc": Rule(EVERYONE, "a public objective"),
    "ava_team_title": Rule(AVA_CHAIN | only("pia", "tess"), "team-visible: her teammates"),
    "ava_team_desc": Rule(AVA_CHAIN | only("pia", "tess"), "team-visible: her teammates"),
    "ava_priv_title": Rule(AVA_CHAIN, "a private objective: owner, managers, HR"),
    "ava_priv_desc": Rule(AVA_CHAIN, "a private objective"),
    "ava_priv_rationale": Rule(AVA_CHAIN, "a private objective's alignment rationale"),
    "ava_priv_kr": Rule(AVA_CHAIN, "a key result of a private objective"),
    "ava_priv_note": Rule(AVA_CHAIN, "a check-in note on a private objective"),
    "ava_priv_blockers": Rule(AVA_CHAIN, "a blocker raised on a private objective"),
    "ava_priv_blocker_note": Rule(AVA_CHAIN, "how a private objective's blocker was resolved"),
    "ava_priv_initiative": Rule(AVA_CHAIN, "an initiative of a private objective"),
    "ava_priv_ack": Rule(AVA_CHAIN, "a coach acknowledgement about a private objective"),
    "ren_pub_title": Rule(EVERYONE, "a public team objective"),
    "ren_pub_desc": Rule(EVERYONE, "a public team objective"),
    "ren_team_title": Rule(RENEWALS_LEADS | only("ava"), "team-visible: members and leads"),
    "ren_team_desc": Rule(RENEWALS_LEADS | only("ava"), "team-visible: members and leads"),
    "ren_priv_title": Rule(RENEWALS_LEADS, "a private team objective: leads, not members"),
    "ren_priv_desc": Rule(RENEWALS_LEADS, "a private team objective"),
    "ren_priv_kr": Rule(RENEWALS_LEADS, "a key result of a private team objective"),
    "ren_priv_note": Rule(RENEWALS_LEADS, "a check-in note on a private team objective"),
    "ren_webhook": Rule(
        only("tess", "hana"),
        "a team's chat webhook: its lead and HR (the lead sees it masked)",
        shown=only("hana"),
    ),
    "chat_bot_token": Rule(
        frozenset(), "the Slack app's bot token: write-only, HR included", shown=frozenset()
    ),
    "chat_signing_secret": Rule(
        frozenset(), "the Slack app's signing secret: write-only", shown=frozenset()
    ),
    "src_header": Rule(AVA_CHAIN, "a data source's settings: those who may edit its key result"),
    "src_secret": Rule(frozenset(), "a data source's secret: written only, never shown"),
    "ava_q3_title": Rule(AVA_CHAIN, "a private objective of the closed quarter"),
    "ava_q3_retro": Rule(AVA_CHAIN, "its retrospective"),
    "ava_draft_title": Rule(AVA_CHAIN, "a draft not shared: its author and editors"),
    "ava_draft_desc": Rule(AVA_CHAIN, "a draft not shared"),
    "ava_draft_kr": Rule(AVA_CHAIN, "a key result of a draft not shared"),
    "ava_shared_title": Rule(AVA_CHAIN | only("pia"), "a draft shared for comment with Pia"),
    "ren_q3_retro": Rule(EVERYONE, "a published team retrospective; its objective is public"),
    "ren_q3_retro_v1": Rule(only("ava", "tess"), "an earlier version: the team's history"),
    "sales_q3_retro_draft": Rule(only("sam"), "a draft team retrospective: the team alone"),
    # -- Ava's review, shared ------------------------------------------------------------
    "ava_self": Rule(AVA_CHAIN, "her self review"),
    "ava_peer_pia": Rule(AVA_CHAIN | only("pia"), "named peer feedback: its author too"),
    "ava_peer_tess_draft": Rule(only("tess"), "a draft: its author's alone"),
    "ava_mgr": Rule(AVA_CHAIN, "the manager review, shared"),
    "ava_rating_expl": Rule(
        AVA_CHAIN, "the rating, shared", via=calibrators("eli"), shown=AVA_CHAIN
    ),
    "ava_ack": Rule(AVA_CHAIN, "her comment on acknowledging"),
    "ava_amend_reason": Rule(AVA_CHAIN, "an amendment's reason"),
    "ava_fwd_title": Rule(AVA_CHAIN, "a forward draft: private until published"),
    "ava_fwd_rationale": Rule(AVA_CHAIN, "a forward draft: private until published"),
    "ava_decline_reason": Rule(AVA_CHAIN, "why a feedback request was declined"),
    # -- reviews not shared --------------------------------------------------------------
    "pia_self": Rule(only("pia", "sam", "cora", "hana"), "a submitted self review"),
    "pia_mgr_draft": Rule(only("sam"), "a draft manager review: its author's alone"),
    "pia_rating_expl_draft": Rule(only("sam"), "a draft rating: its author's alone"),
    "pia_peer_dev_draft": Rule(only("dev"), "a draft peer answer: its author's alone"),
    "dev_self_draft": Rule(only("dev"), "a draft self review: its author's alone"),
    "sam_self": Rule(only("sam", "cora", "hana"), "a submitted self review, not to calibrators"),
    "sam_upward_ava": Rule(only("ava"), "one anonymous upward answer: below the floor"),
    "sam_upward_pia_draft": Rule(only("pia"), "a draft upward answer: its author's alone"),
    "sam_mgr": Rule(only("cora", "hana"), "a manager review not shared: not Sam yet"),
    "sam_rating_expl": Rule(
        only("cora", "hana"),
        "a rating not shared; never to Sam, who calibrates it",
        via=calibrators("eli"),
        shown=only("cora", "hana"),
    ),
    "tess_mgr": Rule(only("sam", "cora", "hana"), "a manager review not shared"),
    "tess_rating_expl": Rule(
        only("sam", "cora", "hana"),
        "a rating not shared",
        via=calibrators("eli"),
        shown=only("sam", "cora", "hana"),
    ),
    # HR reads its own review only as the person does (docs/reviews.md, "Who sees what").
    "hana_mgr": Rule(only("cora"), "HR's own manager review, not shared: not HR herself"),
    "hana_rating_expl": Rule(only("cora"), "HR's own rating, not shared: not HR herself"),
    # -- calibration ---------------------------------------------------------------------
    "tess_flag_expl": Rule(
        only("sam", "cora", "hana"),
        "a flag's explanation: the session, and Tess's managers",
        via=calibrators("eli"),
        shown=only("sam", "eli", "hana"),
    ),
    "sam_move_reason": Rule(
        only("cora", "hana"),
        "a move of Sam's rating: never to Sam, who facilitates",
        via=calibrators("eli"),
        shown=only("eli", "hana"),
    ),
    # -- anonymous answers ---------------------------------------------------------------
    "anon_ava_by_pia": Rule(AVA_CHAIN | only("pia"), "in aggregate (three answers); author"),
    "anon_ava_by_dev": Rule(AVA_CHAIN | only("dev"), "in aggregate (three answers); author"),
    "anon_ava_by_otto": Rule(AVA_CHAIN | only("otto"), "in aggregate (three answers); author"),
    "anon_pia_by_ava": Rule(only("ava"), "two answers, below the floor: the author only"),
    "anon_pia_by_dev": Rule(only("dev"), "two answers, below the floor: the author only"),
    "anon_tess_by_ava": Rule(only("ava"), "not released yet (phase open): the author only"),
    "anon_tess_by_pia": Rule(only("pia"), "not released yet (phase open): the author only"),
    "anon_tess_by_dev": Rule(only("dev"), "not released yet (phase open): the author only"),
    # -- recognition ---------------------------------------------------------------------
    "kudos_pub": Rule(EVERYONE, "kudos are public"),
    "kudos_priv": Rule(AVA_CHAIN, "kudos on a private key result: as the key result"),
    "nom_ava_reason": Rule(only("pia", "sam", "cora", "hana"), "a nomination: not the nominee"),
    "nom_ava_note": Rule(only("pia", "sam", "cora", "hana"), "HR's decision: not the nominee"),
    "nom_hana_reason": Rule(only("otto", "cora"), "a nomination of HR: not even HR"),
    # -- discussion ----------------------------------------------------------------------
    "ava_priv_comment": Rule(AVA_CHAIN, "a comment on a private objective: as the objective"),
    "ava_priv_comment_v1": Rule(AVA_CHAIN, "its earlier version: as the objective"),
    "ava_priv_ci_comment": Rule(AVA_CHAIN, "a comment on a private check-in: as its objective"),
    "ren_pub_comment": Rule(EVERYONE, "a comment on a public objective"),
    # -- one-on-ones -------------------------------------------------------------------------
    "oo_agenda_sam": Rule(only("sam", "ava"), "a one-on-one's agenda: the two, not HR"),
    "oo_agenda_ava": Rule(only("sam", "ava"), "a one-on-one's agenda: the two, not the chain"),
    "oo_notes": Rule(only("sam", "ava"), "a one-on-one's shared notes: the two alone"),
    "oo_notes_v1": Rule(only("sam", "ava"), "their earlier version: the two alone"),
    "oo_action": Rule(only("sam", "ava"), "a one-on-one's action item: the two alone"),
    "oo_private_sam": Rule(only("sam"), "a private note: its author alone, not Ava, not HR"),
    "oo_private_ava": Rule(only("ava"), "a private note: its author alone, not Sam, not HR"),
    "oo_pia_shared": Rule(
        only("pia", "sam", "cora", "hana"),
        "notes shared into Pia's review: the two, then the review's readers (chain, HR)",
    ),
}
assert set(POLICY) == set(MARKERS), set(POLICY) ^ set(MARKERS)

# -- filling the routes --------------------------------------------------------------------

# Path parameter -> the kind of seeded object whose ids fill it (``World.ids``).
PARAM_KINDS = {
    "objective_id": "objective",
    "key_result_id": "key_result",
    "initiative_id": "initiative",
    "blocker_id": "blocker",
    "link_id": "link",
    "person_id": "person",
    "team_id": "team",
    "cycle_id": "cycle",
    "review_id": "review",
    "feedback_id": "feedback",
    "draft_id": "draft",
    "session_id": "session",
    "nomination_id": "nomination",
    "template_id": "template",
    "token_id": "token",
    "webhook_id": "webhook",
    "subscription_id": "webhook_subscription",
    "delivery_id": "webhook_delivery",
    "acknowledgement_id": "acknowledgement",
    "code": "code",
    "check_in_id": "check_in",
    "comment_id": "comment",
    "item_id": "inbox_item",
    "series_id": "series",
    "meeting_id": "meeting",
    "agenda_id": "agenda",
    "action_id": "action",
    "provider_id": "identity_provider",
    "slug": "provider_slug",  # a single sign-on provider's, in /login/sso/<slug>/
    "uidb64": "uidb64",  # a password reset link's: the one HR sent Ava
    "token": "reset_token",
}
# Query strings a page needs (or that make it show more); "" is the page without one.
PAGE_QUERIES = {
    "tree": ["", "?cycle={q3}"],
    "dashboards": ["?cycle={q4}"],
    "dashboard-team": ["?cycle={q4}"],
    "dashboard-person": ["?cycle={q4}"],
    "coach-health": ["?cycle={q4}"],
    "coach-health-department": ["?cycle={q4}"],
    "coach-team": ["?cycle={q4}"],
    "cycle-close-out": ["?person={ava}", "?person={tess}"],
    "alignment-candidates": [
        "?level=individual&cycle={q4}&q=MK",
        "?level=team&cycle={q4}&q=MK",
    ],
    "objective-alignment-candidates": ["?q=MK"],
    "search": ["", "?q=MK", "?q=MK&kind=key_result"],
    "plan": ["", "?person={ava}"],
    "review-cycle-population": ["?population=organisation"],
    "spot-bonus-nomination-new": ["?person={ava}"],
    "coach-acknowledge": [
        "?cycle={q4}&code=focus.too_few_key_results&subject=objective&subject_id={ava_priv}"
    ],
}
# Pages also read as htmx asks for them (a fragment, or another template), with why.
HTMX_PAGES = {
    "coach-acknowledge": "answers the finding's row, acknowledgement and all",
    "review": "the review page, drafts and ratings in it, as a fragment",
    "review-feedback": "a feedback form, its draft in it, as a fragment",
    "review-evidence": "the evidence pack as a fragment",
    "objective-discussion": "the objective's thread, as its page loads it",
    "objective-sources": "the objective's data sources, as its page loads them",
}
# Admin pages: the kinds of object each model's change pages are crawled with.
ADMIN_KINDS = {
    "core_auditevent": "audit",
    "core_apitoken": "token",
    "people_organisation": "organisation",
    "people_person": "person",
    "people_team": "team",
    "goals_cycle": "cycle",
    "goals_objective": "objective",
    "goals_keyresult": "key_result",
    "goals_checkin": "check_in",
    "goals_initiative": "initiative",
    "goals_alignmentlink": "link",
    "integrations_notification": "notification",
    "integrations_teamwebhook": "webhook",
    "integrations_notificationpreference": "preference",
    "discussion_comment": "comment",
    "discussion_commentversion": "comment_version",
    "discussion_reaction": "reaction",
}
SCIM_ONLY = (
    "SCIM provisioning: opens to a provisioning token only, every role gets 401 (the "
    "permission matrix checks each route; tests/api/test_scim.py that no review data is sent)"
)
# Routes the crawl leaves out, each with its reason. Anything else it cannot fill fails.
EXCLUDED = {
    "login": "the sign-in form: shows nobody's data",
    "logout": "signs the role out, ending its crawl",
    "admin:login": "the admin's sign-in form",
    **dict.fromkeys(
        [
            f"admin:django_tasks_database_dbtaskresult_{view}"
            for view in ("changelist", "add", "history", "delete", "change")
        ],
        "the task queue's own admin (django-tasks-db): queued tasks carry row ids as their "
        "arguments, never a text of anyone's; the operators' view of the worker",
    ),
    "admin:logout": "signs the role out, ending its crawl",
    "admin:password_change": "one's own password form: no one else's data",
    "admin:password_change_done": "a confirmation without data",
    "admin:autocomplete": "needs a widget's field: the admin uses no autocomplete fields",
    "admin:jsi18n": "the admin's translations catalogue",
    "admin:view_on_site": "a redirect to the object's own page, which is crawled",
    "admin:auth_group_history": "no groups exist: the product does not use them",
    "admin:auth_group_delete": "no groups exist: the product does not use them",
    "admin:auth_group_change": "no groups exist: the product does not use them",
    "admin:": "the admin's unnamed patterns: redirects to change pages (crawled), catch-all",
    "scim:root": SCIM_ONLY,
    "scim:not-supported": SCIM_ONLY,
    "scim:users": SCIM_ONLY,
    "scim:groups": SCIM_ONLY,
    "scim:service-provider-config": SCIM_ONLY,
    "scim:resource-types": SCIM_ONLY,
    "scim:schemas": SCIM_ONLY,
    "calendar-feed": "a calendar app's read at a secret address, without a session: the "
    "address is the key (tests/integration/test_calendar_feed.py)",
}


def _admin_model(name: str) -> tuple[str, str] | None:
    """("people_person", "change") for "admin:people_person_change"."""
    for model in ADMIN_KINDS:
        for page in ("changelist", "add", "history", "delete", "change"):
            if name == f"admin:{model}_{page}":
                return model, page
    if name == "admin:auth_group_changelist" or name == "admin:auth_group_add":
        return "auth_group", name.rsplit("_", 1)[1]
    return None


def _values(w: World, kind: str) -> list[Any]:
    return list(w.ids.get(kind, []))


def page_urls(w: World, route: Route) -> list[str] | None:
    """The URLs a page route is crawled at, or None when it cannot be filled."""
    kinds = []
    for param in route.params:
        kind = PARAM_KINDS.get(param)
        if kind == "cycle" and route.pattern.startswith("reviews/"):
            kind = "review_cycle"
        if kind is None or not _values(w, kind):
            return None
        kinds.append(kind)
    urls = []
    for combo in product(*(_values(w, k) for k in kinds)):
        path = reverse(route.name, kwargs=dict(zip(route.params, combo, strict=True)))
        for query in PAGE_QUERIES.get(route.name, [""]):
            urls.append(path + query.format(**w.named))
    return urls


def admin_urls(w: World, route: Route) -> list[str] | None:
    if route.name in ("admin:index",):
        return [reverse(route.name)]
    if route.name == "admin:app_list":
        return [
            reverse(route.name, kwargs={"app_label": app})
            for app in ("core", "people", "goals", "integrations", "discussion")
        ]
    found = _admin_model(route.name)
    if found is None:  # a page of the admin's own (sending a reset link, unlocking)
        return page_urls(w, route) if route.params else None
    model, page = found
    if page in ("changelist", "add"):
        return [reverse(route.name)]
    ids = _values(w, ADMIN_KINDS.get(model, ""))
    if not ids:
        return None
    return [reverse(route.name, kwargs={"object_id": pk}) for pk in ids]


# Path parameters of API paths: the segment before a parameter says what it is
# (``/api/reviews/{id}/evidence``, ``/api/review-cycles/{id}/teams/{team_id}/context``).
API_KINDS = {
    "objectives": "objective",
    "key-results": "key_result",
    "check-ins": "check_in",
    "alignment-links": "link",
    "initiatives": "initiative",
    "blockers": "blocker",
    "people": "person",
    "teams": "team",
    "cycles": "cycle",
    "notifications": "notification",
    "review-templates": "template",
    "review-cycles": "review_cycle",
    "calibration-sessions": "session",
    "spot-bonus-nominations": "nomination",
    "reviews": "review",
    "feedback": "feedback",
    "forward-drafts": "draft",
    "tokens": "token",
    "webhooks": "webhook",
    "comments": "comment",
    "inbox": "inbox_item",
    "retrospectives": "cycle",  # /api/teams/{id}/retrospectives/{cycle_id}
    "one-on-ones": "series",
    "one-on-one-meetings": "meeting",
    "identity-providers": "identity_provider",
    "data-sources": "data_source",
}
# Lists that read one subject at a time: the query each is crawled with, per kind of id.
API_SUBJECT_QUERIES = {"/api/comments": ("objective", "key_result", "check_in")}


def api_urls(w: World, op: Operation) -> list[str] | None:
    if op.path in API_SUBJECT_QUERIES:
        return [
            f"{op.path}?{kind}={pk}"
            for kind in API_SUBJECT_QUERIES[op.path]
            for pk in _values(w, kind)
        ]
    kinds = []
    segments = op.path.split("/")
    for param in op.path_params:
        before = segments[segments.index("{" + param + "}") - 1]
        kind = API_KINDS.get(before)
        if op.path.startswith("/api/webhooks/") and before == "webhooks":
            kind = "webhook_subscription"  # /api/webhooks/{id}, not a team's chat webhook
        if kind is None or not _values(w, kind):
            return None
        kinds.append(kind)
    if any(required for _, required in op.query_params):
        return None  # no operation needs one today; a new one needs a rule here
    queries = [""]
    names = {name for name, _ in op.query_params}
    if "limit" in names:
        queries = ["limit=500"]
    if "cycle" in names and not op.path_params:  # lists: the closed quarter's too
        queries += [f"{q}&cycle={w.named['q3']}".lstrip("&") for q in queries]
    if "q" in names:
        queries.append(f"{queries[0]}&q=MK".lstrip("&"))
    urls = []
    for combo in product(*(_values(w, k) for k in kinds)):
        path = op.path
        for param, value in zip(op.path_params, combo, strict=True):
            path = path.replace("{" + param + "}", str(value))
        urls += [f"{path}?{q}" if q else path for q in queries]
    return urls


# -- reading an answer ---------------------------------------------------------------------


def body_text(response: Any) -> str:
    """What a person reads in a response: PDF text, decoded JSON, unescaped HTML. (A marker
    is plain ASCII, so JSON and HTML carry it as it is unless they escape it as a character
    reference or a \\u escape; only then is the text decoded, to keep the crawl fast.)"""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)
    text = raw.decode("utf-8", errors="replace")
    if "json" in kind and "\\u" in text:
        with contextlib.suppress(ValueError):
            text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text) if "&#" in text else text


BY_MARKER = {mk.lower(): name for name, mk in MARKERS.items()}
MARKER = re.compile("|".join(re.escape(mk) for mk in sorted(BY_MARKER, key=len, reverse=True)))


def markers_in(text: str) -> frozenset[str]:
    return frozenset(BY_MARKER[m] for m in MARKER.findall(text.lower()))


@dataclass(frozen=True)
class Seen:
    role: str
    surface: str  # "GET /objectives/12/", "HTMX GET /reviews/3/", "API GET /api/objectives/12"
    status: int
    markers: frozenset[str]
    text: str = ""  # kept only for the answers to state changes


@dataclass(repr=False)
class Crawl:
    world: World
    seen: list[Seen] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)  # routes that could not be filled
    routes: set[str] = field(default_factory=set)  # names of the routes crawled
    operations: set[str] = field(default_factory=set)  # operation ids crawled
    errors: list[str] = field(default_factory=list)  # server errors: role, surface, error
    requests: int = 0
    keep: re.Pattern[str] = field(default_factory=lambda: KEEP)  # surfaces whose text is kept
    htmx: set[str] = field(default_factory=set)  # routes read as htmx, answering 200

    def __repr__(self) -> str:
        return f"<the crawl: {self.requests} requests, {len(self.seen)} answers read>"


def _request(crawl: Crawl, role: str, client: Client, method: str, url: str, **kw: Any) -> Any:
    crawl.requests += 1
    with transaction.atomic():
        try:
            call = client.get if method == "GET" else client.post
            response = call(url, **kw)
            text = body_text(response)
        except Exception as exc:  # a server error: noted, and the crawl goes on
            crawl.errors.append(f"{role} {method} {url}: {type(exc).__name__}: {exc}")
            response, text = None, ""
        transaction.set_rollback(True)
    return response, text


def _clients(w: World) -> tuple[dict[str, Client], dict[str, Client]]:
    pages, api = {}, {}
    for role in ROLES:
        pages[role] = Client()
        pages[role].force_login(w.people[role])
        api[role] = Client(HTTP_AUTHORIZATION=f"Bearer {w.tokens[role]}")
    return pages, api


# Answers kept whole (with those to POSTs), for the checks that read their structure: the
# ratings exports, the calibration session's board, and (``_keep``) the evidence of the
# reviews with anonymous answers and their review cycle.
BOARD = re.compile(r"^API GET /api/calibration-sessions/\d+$")
KEEP = re.compile(rf"ratings\.csv$|{BOARD.pattern}")


def _keep(w: World) -> re.Pattern[str]:
    anonymous = "|".join(str(w.named[k]) for k in ("ava_anon", "pia_anon", "tess_anon"))
    cycle = w.named["anon_cycle"]
    return re.compile(
        rf"{KEEP.pattern}|^(API )?GET (/api)?/reviews/({anonymous})/evidence/?$"
        rf"|^(API GET /api/review-cycles|GET /reviews/cycles)/{cycle}/?$"
    )


def _note(crawl: Crawl, role: str, surface: str, response: Any, text: str) -> None:
    status = response.status_code if response is not None else 500
    if status >= 500 and response is not None:
        crawl.errors.append(f"{role} {surface}: {status}")
    keep = surface.startswith(("POST", "API POST")) or bool(crawl.keep.search(surface))
    crawl.seen.append(Seen(role, surface, status, markers_in(text), text if keep else ""))


def _crawl_route(
    crawl: Crawl, route: str, urls: list[str], clients: dict[str, Client], prefix: str = ""
) -> None:
    """Each URL as each role (the admin's other pages as HR only: the others are sent to
    its sign-in page, which ``admin:index`` shows). A route whose view answers only POST
    (405) is left after its first request: its GET shows nothing to anyone. The pages of
    ``HTMX_PAGES`` are read again as htmx asks for them."""
    roles = ROLES if not route.startswith("admin:") or route == "admin:index" else ("hana",)
    for i, (url, role) in enumerate(product(urls, roles)):
        response, text = _request(crawl, role, clients[role], "GET", url)
        if i == 0 and response is not None and response.status_code == 405:
            return
        _note(crawl, role, f"{prefix}GET {url}", response, text)
        if route in HTMX_PAGES:
            response, text = _request(
                crawl, role, clients[role], "GET", url, HTTP_HX_REQUEST="true"
            )
            _note(crawl, role, f"HTMX GET {url}", response, text)
            if response is not None and response.status_code == 200:
                crawl.htmx.add(route)


def _crawl_pages(crawl: Crawl, pages: dict[str, Client]) -> None:
    w = crawl.world
    for route in url_routes():
        if route.namespace == "api" or route.name in EXCLUDED:
            continue
        if not route.name:  # a page without a name cannot be reversed, hence crawled
            crawl.unfilled.append(route.pattern)
            continue
        urls = page_urls(w, route) if route.is_page else admin_urls(w, route)
        if urls is None:
            crawl.unfilled.append(route.name)
            continue
        crawl.routes.add(route.name)
        _crawl_route(crawl, route.name, urls, pages)


def _crawl_api(crawl: Crawl, api: dict[str, Client]) -> None:
    w = crawl.world
    response = api["hana"].get("/api/openapi.json")
    assert response.status_code == 200
    for op in api_operations(response.json()):
        if op.method != "GET":
            continue
        urls = api_urls(w, op)
        if urls is None:
            crawl.unfilled.append(f"api:{op.operation_id}")
            continue
        crawl.operations.add(op.operation_id)
        _crawl_route(crawl, op.operation_id, urls, api, "API ")


def _crawl_mail(crawl: Crawl) -> None:
    by_address = {p.email: name for name, p in crawl.world.people.items()}
    for m in crawl.world.mail:
        for address in m.to:
            text = f"{m.subject}\n{m.body}"
            crawl.seen.append(
                Seen(by_address[address], f"mail: {m.subject}", 200, markers_in(text))
            )


def _crawl_state_changes(crawl: Crawl, pages: dict[str, Client], api: dict[str, Client]) -> None:
    """Answers to state changes that speak of other people: completing the calibration
    session, refused while flags wait for an explanation (as its facilitator, a participant
    and HR)."""
    session = crawl.world.named["session"]
    page = reverse("calibration-session-state", args=[session])
    endpoint = f"/api/calibration-sessions/{session}/state"
    for role in ("sam", "eli", "hana"):
        response, text = _request(
            crawl, role, pages[role], "POST", page, data={"state": "complete"}, follow=True
        )
        _note(crawl, role, f"POST {page}", response, text)
        response, text = _request(
            crawl,
            role,
            api[role],
            "POST",
            endpoint,
            data=json.dumps({"state": "complete"}),
            content_type="application/json",
        )
        _note(crawl, role, f"API POST {endpoint}", response, text)


# Search: each marker searched for, as every role, on the results page, in the navigation
# box's list (htmx) and over the API; what it finds is held against the policy like any page.
# The marker is typed as its words ("MK ava priv title 1a2b..."), which search treats the
# same, so that the searcher's own text echoed back ("nothing matches ...") is no marker.
SEARCH_SURFACE = re.compile(r"^(API |BOX )?GET (/api)?/search/?\?q=MK\+")
SEARCHED = (  # markers in what search shows (titles)
    "ava_pub_title",
    "ava_team_title",
    "ava_priv_title",
    "ava_priv_kr",
    "ava_priv_initiative",
    "ren_pub_title",
    "ren_team_title",
    "ren_priv_title",
    "ren_priv_kr",
    "ava_q3_title",
    "ava_draft_title",
    "ava_draft_kr",
    "ava_shared_title",
)


def search_query(name: str) -> str:
    return urlencode({"q": MARKERS[name].replace("_", " ")})


def _crawl_search(crawl: Crawl, pages: dict[str, Client], api: dict[str, Client]) -> None:
    box = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "site-search-results"}
    for name, role in product(sorted(MARKERS), ROLES):
        page = f"/search/?{search_query(name)}"
        response, text = _request(crawl, role, pages[role], "GET", page)
        _note(crawl, role, f"GET {page}", response, text)
        response, text = _request(crawl, role, pages[role], "GET", page, **box)
        _note(crawl, role, f"BOX GET {page}", response, text)
        endpoint = f"/api/search?{search_query(name)}"
        response, text = _request(crawl, role, api[role], "GET", endpoint)
        _note(crawl, role, f"API GET {endpoint}", response, text)


def run_crawl(w: World) -> Crawl:
    crawl = Crawl(w, keep=_keep(w))
    pages, api = _clients(w)
    # Refusals (403, 404) are the crawl's daily bread: not worth a log line each.
    log = logging.getLogger("django.request")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        _crawl_pages(crawl, pages)
        _crawl_api(crawl, api)
        _crawl_state_changes(crawl, pages, api)
        _crawl_search(crawl, pages, api)
    finally:
        log.setLevel(level)
    _crawl_mail(crawl)
    return crawl


@pytest.fixture(scope="module")
def crawl(django_db_setup: None, django_db_blocker: Any) -> Iterator[Crawl]:
    """The world and the crawl, once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        forget_organisation_cache()
        try:
            with transaction.atomic():
                result = run_crawl(build_world())
                transaction.set_rollback(True)
        finally:
            forget_organisation_cache()
    yield result


# -- the tests -----------------------------------------------------------------------------


def test_every_route_and_endpoint_is_crawled(crawl: Crawl) -> None:
    assert not crawl.unfilled, (
        "routes the crawl cannot fill (give their parameters a kind in PARAM_KINDS, "
        f"API_KINDS or ADMIN_KINDS, or exclude them with a reason): {crawl.unfilled}"
    )
    names = {r.name for r in url_routes()}
    stale = (set(EXCLUDED) | set(PAGE_QUERIES) | set(HTMX_PAGES)) - names
    stale |= {m for m in ADMIN_KINDS if f"admin:{m}_changelist" not in names}
    assert not stale, f"exclusions or rules without a route: {stale}"
    assert crawl.htmx == set(HTMX_PAGES), "pages htmx asks for that no role could read"


# What each inbox may hold of the discussion: the mention of Sam (queued once the comment's
# first version was edited, so it carries the text at that moment), Sam's reply to Ava's
# check-in, the mention of Pia. An inbox is its recipient's alone, HR included.
INBOX_MARKERS = {
    "sam": {"ava_priv_comment", "ava_priv_comment_v1"},
    "ava": {"ava_priv_ci_comment"},
    "pia": {"ren_pub_comment"},
}


def test_inbox_items_reach_only_their_recipient(crawl: Crawl) -> None:
    inbox = [s for s in crawl.seen if "/inbox" in s.surface]
    assert inbox
    talk = {"ava_priv_comment", "ava_priv_comment_v1", "ava_priv_ci_comment", "ren_pub_comment"}
    for s in inbox:
        assert s.markers & talk <= INBOX_MARKERS.get(s.role, set()), (s.role, s.surface)
    for role, allowed in INBOX_MARKERS.items():
        found = set().union(*(s.markers for s in inbox if s.role == role))
        assert found & allowed, (role, allowed, found)


def test_the_crawl_meets_no_server_error(crawl: Crawl) -> None:
    assert not crawl.errors, "\n".join(crawl.errors)


def _leaks(crawl: Crawl, name: str) -> list[str]:
    rule = POLICY[name]
    return [
        f"{s.role} saw {name} on {s.surface}"
        for s in crawl.seen
        if name in s.markers and not rule.allows(s.role, s.surface)
    ]


@pytest.mark.parametrize("name", sorted(POLICY))
def test_each_marker_appears_only_where_the_policy_allows(crawl: Crawl, name: str) -> None:
    rule = POLICY[name]
    leaks = _leaks(crawl, name)
    shown_to = {s.role for s in crawl.seen if name in s.markers and rule.allows(s.role, s.surface)}
    missing = sorted(rule.must_show - shown_to)
    assert not leaks and not missing, (
        f"{MARKERS[name]} ({rule.why}):\n"
        + "\n".join(leaks[:40])
        + (f"\n... and {len(leaks) - 40} more" if len(leaks) > 40 else "")
        + (f"\nshown nowhere to: {missing}" if missing else "")
    )


@pytest.mark.parametrize("name", SEARCHED)
def test_search_finds_each_title_for_exactly_those_allowed(crawl: Crawl, name: str) -> None:
    """Searched for by its marker, a title is found by everyone the policy lets see it, on
    the page, in the box and over the API, and by no one else (not even as a count)."""
    for prefix in ("GET", "BOX GET", "API GET"):
        path = "/api/search" if prefix == "API GET" else "/search/"
        surface = f"{prefix} {path}?{search_query(name)}"
        found = {s.role for s in crawl.seen if s.surface == surface and name in s.markers}
        assert found == set(POLICY[name].may), (surface, sorted(found))
    surfaces = [s for s in crawl.seen if SEARCH_SURFACE.match(s.surface)]
    assert len(surfaces) == 3 * len(MARKERS) * len(ROLES)
    assert all(s.status == 200 for s in surfaces)


def _board(crawl: Crawl, role: str) -> dict[str, Any]:
    """The calibration session's board as ``role`` read it over the API."""
    (seen,) = [s for s in crawl.seen if s.role == role and BOARD.match(s.surface)]
    return json.loads(seen.text.split("\n")[0])


def test_completing_calibration_does_not_tell_the_facilitator_his_own_flag(crawl: Crawl) -> None:
    """Sam facilitates the session his own review is in; his flag waits for an explanation.
    The refusal to complete names the flagged people (HR is told), never Sam to himself."""
    named = re.compile(re.escape(crawl.world.people["sam"].name) + r" \(high rating", re.I)
    hr = [s for s in crawl.seen if s.role == "hana" and s.surface.startswith("API POST")]
    assert hr and named.search(hr[0].text), "HR is told which flags wait (the refusal works)"
    told = [s.surface for s in crawl.seen if s.role == "sam" and named.search(s.text)]
    assert not told, f"Sam is told of his own flag by {told}"


def test_the_board_does_not_tell_the_facilitator_his_own_flag(crawl: Crawl) -> None:
    """The board lists the reviews whose flags wait for an explanation: to Eli and HR with
    Sam's, to Sam without it."""
    sam = crawl.world.named["sam_review"]
    assert sam in _board(crawl, "hana")["missing_explanations"]
    assert sam in _board(crawl, "eli")["missing_explanations"]
    assert sam not in _board(crawl, "sam")["missing_explanations"]


# -- ratings: only submitted ones count ------------------------------------------------------


def _csv_ratings(text: str) -> dict[str, str]:
    import csv

    return {row["username"]: row["rating"] for row in csv.DictReader(io.StringIO(text))}


def test_ratings_export_leaves_out_a_draft_rating(crawl: Crawl) -> None:
    """Sam saved Pia's rating (2) in a draft manager review: the export shows no rating for
    her yet (Tess's, submitted, is there)."""
    exports = [
        s
        for s in crawl.seen
        if s.role == "hana" and s.surface.endswith("ratings.csv") and s.status == 200
    ]
    assert exports
    for s in exports:
        ratings = _csv_ratings(s.text)
        if "tess" in ratings and ratings["tess"]:
            assert ratings.get("pia") == "", f"{s.surface}: Pia's draft rating {ratings['pia']}"


def test_calibration_leaves_out_a_draft_rating(crawl: Crawl) -> None:
    """The session's board shows Pia (in its population) without the rating Sam has only
    drafted, to its participant Eli and to HR."""
    for role in ("eli", "hana"):
        people = _board(crawl, role)["people"]
        (pia,) = [p for p in people if p["person"] == crawl.world.people["pia"].pk]
        assert pia["rating"] is None, f"{role} sees Pia's draft rating {pia['rating']}"


# -- anonymous answers: no count tells who answered --------------------------------------

EVIDENCE = re.compile(r"^(API )?GET (/api)?/reviews/(\d+)/evidence/?$")
COUNTED = re.compile(
    r"(\d+) of (\d+) requested submitted(?:; from [^;.]*)?(?:; (\d+) anonymous)?\."
)
PROGRESS = re.compile(
    r'<th scope="row">Peer feedback submitted</th><td class="count">(\d+) of (\d+)</td>'
)


def test_no_count_tells_who_answered_anonymously(crawl: Crawl) -> None:
    """Anonymous answers are counted only once released and from three up. Ava's three
    (released) are counted for those who read her review's outcome; Pia's two (released,
    below the floor) and Tess's three (still coming in) by nobody -- in the evidence pack,
    page and API, and in the review cycle's progress, page and API ("2 of 2 requested
    submitted" would tell Pia that both colleagues she knows were asked answered)."""
    n = crawl.world.named
    asked = {n["ava_anon"]: (3, 3), n["pia_anon"]: (2, 0), n["tess_anon"]: (3, 0)}
    told: dict[str, tuple[int, ...]] = {}
    for s in crawl.seen:
        found = EVIDENCE.match(s.surface)
        if found and s.status == 200 and int(found[3]) in asked:
            requested, counted = asked[int(found[3])]
            if s.surface.startswith("API"):
                fb = json.loads(s.text.split("\n")[0])["contribution"]["feedback"]
                told[f"{s.role} {s.surface}"] = (
                    fb["requested"],
                    fb["submitted"],
                    fb["anonymous_submitted"],
                )
            else:
                line = COUNTED.search(s.text)
                assert line, f"{s.role} {s.surface}: no count of peer feedback"
                told[f"{s.role} {s.surface}"] = (int(line[2]), int(line[1]), int(line[3] or 0))
            assert told[f"{s.role} {s.surface}"] == (requested, counted, counted), s.surface
    readers = {s.split()[0] for s in told}
    assert readers == {"ava", "pia", "tess", "sam", "cora", "hana"}, readers
    # The progress: over the reviews whose outcome each reads (their own once shared).
    sees = {"hana": set(asked), "sam": set(asked), "cora": set(asked)}
    sees |= {"ava": {n["ava_anon"]}, "pia": {n["pia_anon"]}}
    cycle = re.compile(rf"^(API GET /api/review-cycles|GET /reviews/cycles)/{n['anon_cycle']}/?$")
    for s in crawl.seen:
        if s.status != 200 or not cycle.match(s.surface):
            continue
        mine = [asked[r] for r in sees.get(s.role, set())]
        expected = (sum(c for _, c in mine), sum(r for r, _ in mine))
        if s.surface.startswith("API"):
            progress = json.loads(s.text.split("\n")[0])["progress"]
            got = (progress["peer_submitted"], progress["peer_total"])
        else:
            line = PROGRESS.search(s.text)
            assert line, f"{s.role} {s.surface}: no progress"
            got = (int(line[1]), int(line[2]))
        assert got == expected, f"{s.role} {s.surface}: peer feedback {got[0]} of {got[1]}"


# -- anonymity over time ---------------------------------------------------------------------


ANSWERS = 5
# What changes from one request to the next whatever happened: CSRF tokens, nonces.
NORMALISE = re.compile(r'(csrfmiddlewaretoken" value=|nonce=|X-CSRFToken": )"[^"]*"')
CHUNK = re.compile(r"(?=<(?:tr|li|p|div|dd|dt|h\d|section|article|td)\b)")


def _chunks(text: str) -> set[str]:
    """The pieces of an answer that stand for one thing: HTML blocks and table rows, or the
    innermost JSON objects (those holding no list)."""
    try:
        data = json.loads(text)
    except ValueError:
        return set(CHUNK.split(NORMALISE.sub("", text)))
    out: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if not any(isinstance(v, list) for v in value.values()):
                out.add(json.dumps(value, sort_keys=True))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    return out


def _new(old: str, new: str) -> str:
    """The first line of ``new`` that ``old`` does not have (JSON split at its commas)."""
    lines = set(NORMALISE.sub("", old).replace(",", ",\n").splitlines())
    for line in NORMALISE.sub("", new).replace(",", ",\n").splitlines():
        if line not in lines:
            return repr(line.strip()[:160])
    return "a change"


def _counts(value: Any) -> Iterator[int]:
    """Every number given as how many answered (0 is how many are counted until the answers
    are released: it tells nothing, and must not move)."""
    if isinstance(value, dict):
        for key, v in value.items():
            if key in ("answered", "respondents", "anonymous_submitted") and isinstance(v, int):
                yield v
            yield from _counts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _counts(v)


@pytest.fixture
def answering(cast):  # type: ignore[no-untyped-def]
    """Ava's review in a review cycle of its own with anonymous peer feedback, its phases
    still ahead of the suite's clock (the feedback phase closes on 4 December); six
    colleagues asked by Sam; nobody has answered yet."""
    from .calibration import add_people
    from .review_conversation import ask_peers, submit_self
    from .reviews import DEADLINES_AHEAD, build_review_cycle

    peers = add_people(cast, cast.enterprise, ANSWERS + 1, cast.sam, prefix="peer")
    setup = build_review_cycle(
        cast,
        name="Anonymous reviews",
        population="people",
        population_people=[cast.ava],
        anonymous_peer_feedback=True,
        **DEADLINES_AHEAD,
    )
    review = setup["ava"]
    submit_self(review)
    ask_peers(review, cast.sam, *peers)
    return cast, review, peers


@pytest.mark.parametrize("viewer", ["sam", "hana", "ava"])
def test_anonymous_answers_never_become_attributable(answering, viewer: str) -> None:
    """Everything around the answers, read as the manager, HR and the person: before the
    first answer and after each of five while the feedback phase is open, when it closes
    (its deadline passes), after a sixth colleague's late answer, after the manager review
    and after sharing. While the phase is open nothing anyone sees changes; the answers
    appear together, at least three at once, and once shown the set never changes (the late
    answer is refused); no change names the colleague who just answered; no count of answers
    below three is ever shown."""
    from lineofsight.core.errors import InvalidInput
    from lineofsight.reviews.access import ANONYMITY_MINIMUM
    from lineofsight.reviews.conversation import actions as talk

    from .privacy_world import marker
    from .review_conversation import submit_manager, write_peer
    from .reviews import AFTER_FEEDBACK

    cast, review, peers = answering
    person = getattr(cast, viewer)
    client = Client()
    client.force_login(person)
    n = review.pk
    urls = [
        f"/reviews/{n}/",
        f"/reviews/{n}/peers/",
        f"/reviews/{n}/evidence/",
        f"/reviews/{n}/packet/",
        f"/reviews/cycles/{review.review_cycle_id}/",
        f"/api/reviews/{n}",
        f"/api/reviews/{n}/aggregates",
        f"/api/reviews/{n}/peer-requests",
        f"/api/reviews/{n}/evidence",
    ]
    if viewer == "hana":
        urls.append("/admin/core/auditevent/")
    texts = {k: marker(f"anonymous_answer_{k}") for k in range(1, ANSWERS + 2)}
    problems: list[str] = []

    def read() -> dict[str, str]:
        out = {}
        for url in urls:
            response = client.get(url)
            out[url] = response.content.decode() if response.status_code == 200 else ""
        return out

    def visible(pages: dict[str, str]) -> set[int]:
        return {k for k, t in texts.items() if any(t in html.unescape(p) for p in pages.values())}

    def late_answer() -> None:
        with pytest.raises(InvalidInput, match="released together"):
            write_peer(review, peers[ANSWERS], text=f"{texts[ANSWERS + 1]} Late.")

    steps: list[tuple[str, Any]] = [(f"answer {k}", peers[k - 1]) for k in range(1, ANSWERS + 1)]
    steps += [
        ("the feedback deadline", None),
        ("a late answer", late_answer),
        ("the manager review", lambda: submit_manager(review, rating=3)),
        ("sharing", lambda: talk.share_review(acting_user=cast.sam, review=review)),
    ]
    before = read()
    shown: set[int] = set()
    shown_at = ""
    with contextlib.ExitStack() as clock:
        for k, (step, act) in enumerate(steps, start=1):
            peer = act if k <= ANSWERS else None
            if peer is not None:
                write_peer(review, peer, text=f"{texts[k]} Kind and clear.")
            elif step == "the feedback deadline":
                clock.enter_context(time_machine.travel(AFTER_FEEDBACK, tick=True))
            else:
                act()
            after = read()
            now = visible(after)
            if shown and now != shown:
                problems.append(f"after {step}: answers shown change from {shown} to {now}")
            if not shown and now and len(now) < ANONYMITY_MINIMUM:
                problems.append(f"after {step}: answers {sorted(now)} appear on their own")
            if now and not shown:
                shown, shown_at = now, step
            for url, page in after.items():
                unchanged = NORMALISE.sub("", page) == NORMALISE.sub("", before[url])
                if (peer is not None or step == "a late answer") and not unchanged:
                    problems.append(f"after {step}: {url} shows {_new(before[url], page)}")
                if peer is not None:
                    changed = _chunks(page) - _chunks(before[url])
                    named = [c for c in changed if peer.name in html.unescape(c)]
                    if named:
                        problems.append(f"after {step}: {url} names {peer.name}: {named[0][:200]}")
                if url.startswith("/api/") and page:
                    low = [c for c in _counts(json.loads(page)) if 0 < c < ANONYMITY_MINIMUM]
                    if low:
                        problems.append(f"after {step}: {url} counts {low} answers")
            before = after
    assert not problems, f"as {viewer}:\n" + "\n".join(problems)
    # The manager and HR read them once released, the person once her review is shared.
    released = "sharing" if viewer == "ava" else "the feedback deadline"
    assert (shown, shown_at) == (set(range(1, ANSWERS + 1)), released), viewer
