"""Every main page, as each role that uses it, at a laptop's and a phone's width, read the way
a person reads it: nothing runs off the side, no title is squeezed into a sliver or hidden
under a bar, table headers stand over their columns, chart legends are the colours of their
lines, every character can be drawn, the console stays quiet, and axe-core finds nothing
serious.

The demo organisation is loaded once for the module (committed, so the server thread reads
it, and wiped afterwards); one live server and one signed-in tab per role serve every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page

from lineofsight.demo import loader
from lineofsight.demo.calibration import SESSION
from lineofsight.goals.models import Blocker, Cycle, KeyResult, Objective
from lineofsight.oneonones.models import Series
from lineofsight.people.models import Person, Team
from lineofsight.reviews.models import CalibrationSession, Feedback, Review, ReviewCycle

from .accessibility import assert_accessible
from .layout import PageWatch, assert_readable

# The pages only read; each test runs in a transaction rolled back after it.
# What these tests check is how a browser lays out and reads each page; the pages are the
# same on any database, and each of them is requested on every database by the page tests
# and the privacy crawl: a second run on another database leaves them out.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.same_on_any_database("layout is the browser's, not the database's"),
]

ROLES = {"employee": "jordan", "manager": "priya", "hr": "fatima", "executive": "maya"}
WIDTHS = {"laptop": (1366, 768), "phone": (390, 844)}
ALL = ("employee", "manager", "hr", "executive")


@dataclass(frozen=True)
class Screen:
    name: str
    path: str  # formatted with the demo's ids
    roles: tuple[str, ...]
    typed: str = ""  # typed into the navigation's search box once the page is shown


SCREENS = [
    Screen("my OKRs", "/", ALL),
    Screen("check-in", "/check-in/", ("employee", "manager")),
    Screen("alignment tree", "/tree/", ALL),
    Screen("objective", "/objectives/{objective}/", ("employee", "manager", "executive")),
    Screen("company objective", "/objectives/{company_objective}/", ("executive",)),
    Screen("objective history", "/objectives/{objective}/history/", ("employee",)),
    Screen("new objective", "/objectives/new/", ("employee",)),
    Screen("key result check-in", "/key-results/{key_result}/check-in/", ("employee",)),
    Screen("blocker", "/blockers/{blocker}/", ("employee", "manager")),
    Screen("key result explained", "/key-results/{key_result}/explain/", ("employee", "manager")),
    Screen("team", "/teams/{team}/", ("employee", "manager")),
    Screen("teams", "/teams/", ("employee",)),
    Screen(
        "team retrospective",
        "/teams/{retro_team}/retrospectives/{closed_quarter}/",
        ("employee", "manager"),
    ),
    Screen(
        "team retrospective form",
        "/teams/{team}/retrospectives/{closed_quarter}/",
        ("employee",),
    ),
    Screen("people", "/people/", ("employee", "hr")),
    Screen("person", "/people/{person}/", ("manager",)),
    Screen("leadership dashboard", "/dashboards/", ("executive", "hr")),
    Screen("team dashboard", "/dashboards/teams/{team}/", ("manager",)),
    Screen("person dashboard", "/dashboards/people/{person}/", ("employee", "manager")),
    Screen("alignment health", "/health/", ("executive", "hr", "manager")),
    Screen("coach card", "/coach/objectives/{objective}/", ("employee",)),
    Screen("cycles", "/cycles/", ("employee",)),
    Screen("cycle", "/cycles/{quarter}/", ("manager",)),
    Screen("review inbox", "/reviews/", ("employee", "manager", "hr")),
    Screen("review", "/reviews/{review}/", ("manager", "hr")),
    Screen("own review", "/reviews/{review}/", ("employee",)),
    Screen("own evidence pack", "/reviews/{review}/evidence/", ("employee",)),
    Screen("self review", "/reviews/feedback/{self_feedback}/", ("employee",)),
    Screen("carry-over", "/key-results/{closed_key_result}/carry-over/", ("employee",)),
    Screen("manager review form", "/reviews/feedback/{manager_feedback}/", ("manager",)),
    Screen("evidence pack", "/reviews/{review}/evidence/", ("manager", "hr")),
    Screen("review packet", "/reviews/{review}/packet/", ("manager",)),
    Screen("review policy", "/reviews/policy/", ("employee",)),
    Screen("calibration sessions", "/reviews/calibration/", ("hr",)),
    Screen("calibration session", "/reviews/calibration/{session}/", ("hr",)),
    Screen("review cycles", "/reviews/cycles/", ("hr",)),
    Screen("review cycle", "/reviews/cycles/{review_cycle}/", ("hr",)),
    Screen("review templates", "/reviews/templates/", ("hr",)),
    Screen("nominations", "/recognition/nominations/", ("manager",)),
    Screen("API tokens", "/settings/tokens/", ("employee",)),
    Screen("notifications", "/settings/notifications/", ("employee",)),
    Screen("webhooks", "/settings/webhooks/", ("employee", "hr")),
    Screen("webhook and its log", "/settings/webhooks/{webhook}/", ("hr",)),
    Screen("calendar feed", "/settings/calendar/", ("employee", "hr")),
    Screen("search results", "/search/?q=onboarding", ("employee", "hr")),
    Screen("search box open", "/tree/", ("employee", "manager"), typed="onbo"),
    Screen("inbox", "/inbox/", ALL),
    Screen("objective discussion", "/discussion/objectives/{objective}/", ("employee", "manager")),
    Screen("plan next cycle", "/plan/", ("employee", "manager", "hr")),
    Screen("team plan", "/plan/?team={team}", ("manager",)),
    Screen("proposed draft", "/objectives/{proposed_draft}/", ("employee", "manager")),
    Screen("draft sent back", "/objectives/{sent_back_draft}/", ("manager",)),
    Screen("copy objective", "/objectives/{objective}/copy/?cycle={next_quarter}", ("employee",)),
    Screen("objective from a template", "/objectives/new/?template=sales-pipeline", ("employee",)),
    Screen("OKR templates", "/templates/", ("employee", "hr")),
    Screen("new OKR template", "/templates/new/", ("hr",)),
    Screen("one-on-ones", "/one-on-ones/", ("employee", "manager")),
    Screen("one-on-one", "/one-on-ones/{one_on_one}/", ("employee", "manager")),
    Screen("one-on-one held", "/one-on-ones/{one_on_one_held}/", ("manager",)),
    Screen("one-on-one series", "/one-on-ones/series/{one_on_one_series}/", ("manager",)),
    Screen("set up a one-on-one", "/one-on-ones/new/", ("manager",)),
    Screen("organisation", "/organisation/", ("hr",)),
    Screen("organisation people", "/organisation/people/", ("hr",)),
    Screen("organisation person", "/organisation/people/{person}/", ("hr",)),
    Screen("organisation team", "/organisation/teams/{team}/", ("hr",)),
    Screen("organisation cycles", "/organisation/cycles/", ("hr",)),
    Screen("organisation provisioning", "/organisation/provisioning/", ("hr",)),
]

# Each page is shown once per role and width; both checks then read the same page.
CASES = [
    (screen, role, width, check)
    for screen in SCREENS
    for role in screen.roles
    for width in WIDTHS
    for check in ("layout", "axe")
]


def case_id(screen: Screen, role: str, width: str, check: str) -> str:
    return f"{screen.name.replace(' ', '-')}-as-{role}-{width}-{check}"


@dataclass
class DemoSite:
    url: str
    ids: dict[str, int]
    tabs: dict[str, tuple[Page, PageWatch]]

    shown: tuple[str, str, str] | None = None  # the page a tab shows now: reused, not reloaded

    def show(self, screen: Screen, role: str, width: str) -> tuple[Page, PageWatch]:
        page, watch = self.tabs[role]
        url = self.url + screen.path.format(**self.ids)
        if self.shown == (role, url + screen.typed, width) and page.url == url:
            return page, watch
        self.shown = None
        w, h = WIDTHS[width]
        page.set_viewport_size({"width": w, "height": h})
        watch.take()
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response)
        assert page.url == url, f"{url} led to {page.url}"  # not sent to sign in again
        page.wait_for_load_state("networkidle")
        if screen.typed:
            page.locator("#site-search-q").fill(screen.typed)
            page.locator("#site-search-results [data-search-popup]").wait_for()
            page.wait_for_load_state("networkidle")
        self.shown = (role, url + screen.typed, width)
        return page, watch


def demo_ids() -> dict[str, int]:
    jordan = Person.objects.get(username="jordan")
    quarter = Cycle.objects.get(kind="quarter", state="active")
    objective = Objective.objects.filter(owner_person=jordan, cycle=quarter).first()
    assert objective is not None
    review = Review.objects.get(subject=jordan)
    series = Series.objects.get(report=jordan)
    now = timezone.now()
    return {
        "objective": objective.pk,
        "company_objective": Objective.objects.filter(level="company").order_by("pk")[0].pk,
        "key_result": KeyResult.objects.filter(objective=objective).order_by("pk")[0].pk,
        "team": Team.objects.get(name="Enterprise Sales").pk,
        "person": jordan.pk,
        "quarter": quarter.pk,
        "closed_quarter": Cycle.objects.get(kind="quarter", state="closed").pk,
        "retro_team": Team.objects.get(name="Vertical Editions").pk,
        "review": review.pk,
        "manager_feedback": Feedback.objects.get(review=review, kind="manager").pk,
        "self_feedback": Feedback.objects.get(review=review, kind="self").pk,
        "closed_key_result": KeyResult.objects.filter(owner=jordan, cycle__state="closed")
        .order_by("pk")[0]
        .pk,
        "session": CalibrationSession.objects.get(name=SESSION).pk,
        "review_cycle": ReviewCycle.objects.get().pk,
        "blocker": Blocker.objects.filter(raised_by=jordan).exclude(assignee=None)[0].pk,
        "proposed_draft": Objective.objects.get(owner_person=jordan, approval_state="proposed").pk,
        "sent_back_draft": Objective.objects.get(approval_state="changes").pk,
        "next_quarter": Cycle.objects.get(kind="quarter", state="planning").pk,
        "one_on_one": series.meetings.filter(starts_at__gt=now).order_by("starts_at")[0].pk,
        "one_on_one_held": series.meetings.filter(starts_at__lte=now).order_by("-starts_at")[0].pk,
        "one_on_one_series": series.pk,
    }


def demo_webhook() -> int:
    """HR's webhook with a delivery retried once (a 503, then a 200), for its page."""
    from lineofsight.integrations.outbound.models import (
        WebhookAttempt,
        WebhookDelivery,
        WebhookSubscription,
    )

    fatima = Person.objects.get(username="fatima")
    subscription = WebhookSubscription.objects.create(
        owner=fatima,
        name="People analytics lake",
        url="https://people-analytics.northwind.example/hooks/line-of-sight/check-ins",
        events=["check_in.recorded", "objective.created", "review.shared"],
        secret="whsec_layout",
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event="check_in.recorded",
        subject_kind="check_in",
        subject_id=1,
        body='{"data":{"id":1,"note":"Steady week"},"event":"check_in.recorded"}',
        state="delivered",
        attempts=2,
        last_status=200,
    )
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=1,
        status_code=503,
        duration_ms=31,
        response_excerpt="busy, try later",
        error="The receiver answered 503.",
    )
    WebhookAttempt.objects.create(
        delivery=delivery, number=2, status_code=200, ok=True, duration_ms=12
    )
    return subscription.pk


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, chromium: Browser) -> Iterator[DemoSite]:  # type: ignore[no-untyped-def]
    """The demo organisation behind a live server, with a signed-in tab per role."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        loader.load_demo()
        ids = {**demo_ids(), "webhook": demo_webhook()}
        server = LiveServer("localhost")
        contexts = []
        tabs = {}
        try:
            # Signed in here, outside the tests' transactions, so the sessions last.
            for role, username in ROLES.items():
                context = chromium.new_context(viewport={"width": 1366, "height": 768})
                context.set_default_timeout(15_000)
                contexts.append(context)
                page = context.new_page()
                page.goto(f"{server.url}/login/")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(loader.DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(f"{server.url}/")
                tabs[role] = (page, PageWatch(page, server.url))
            yield DemoSite(server.url, ids, tabs)
        finally:
            for context in contexts:
                context.close()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize(
    ("screen", "role", "width", "check"), CASES, ids=[case_id(*case) for case in CASES]
)
def test_the_page_reads_well(
    demo_site: DemoSite, screen: Screen, role: str, width: str, check: str
) -> None:
    page, watch = demo_site.show(screen, role, width)
    if check == "layout":
        assert_readable(page, watch)
    else:
        assert_accessible(page)


@pytest.mark.parametrize("role", ["manager", "hr"])
def test_the_main_navigation_stays_on_one_row_on_a_laptop(demo_site: DemoSite, role: str) -> None:
    """With every link a role has (the counts of due check-ins and unread messages, HR's
    Admin), the bar at the top reads as one row; one's own settings sit beside one's name."""
    page, _ = demo_site.show(SCREENS[0], role, "laptop")
    rows = page.eval_on_selector_all(
        "#site-nav > ul > li", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(rows) >= 12 and len(set(rows)) == 1, f"the navigation wraps: {rows}"
    mine = page.locator("#site-nav .account")
    assert mine.get_by_role("link", name="Notifications").is_visible()
    assert mine.get_by_role("link", name="API tokens").is_visible()
