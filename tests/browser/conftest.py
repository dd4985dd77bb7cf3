"""Browser tests: Playwright driving the system's headless Chromium against a live server.

Playwright's sync API runs its own event loop in this thread, so Django's guard against
database calls from async contexts is relaxed for these tests only.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from lineofsight.people.models import Person  # noqa: E402

from ..conftest import PASSWORD  # noqa: E402

# What a person waits for (a page after a click, a fragment after typing) may take several
# seconds on a machine whose two cores run the whole suite, the privacy crawl beside it: an
# expectation waits as long as an action does (20 s), not Playwright's 5 s.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_executable() -> str:
    path = os.environ.get("LOS_CHROMIUM") or shutil.which("chromium")
    if not path or not os.path.exists(path):
        pytest.fail(
            "The browser tests need Chromium: install Debian's 'chromium' package "
            "(scripts/test does this where it can) or set LOS_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session", autouse=True)
def coach_ready() -> None:
    """The coach's wording model loaded before the first page is served, as a web server
    does when it starts (wsgi.py): the live server's first check as someone types must not
    pay for it, or slower answers would land after quicker ones."""
    from lineofsight.coach.rules import wording

    wording.warm_up()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    executable = chromium_executable()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class InFlight:
    """The live server's application, counting the requests it is still answering.

    On SQLite in memory the live server's threads share the test's own connection, so a
    request still running when the test ends (a fragment the page asked for last) would
    write between the statements of the database flush that follows the test."""

    def __init__(self, app) -> None:
        self.app = app
        self.running = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        with self.lock:
            self.running += 1
        try:
            answer = self.app(environ, start_response)
        except BaseException:
            self.finished()
            raise
        return Answer(answer, self.finished)

    def finished(self) -> None:
        with self.lock:
            self.running -= 1

    def wait_until_idle(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(0.01)


class Answer:
    """A response's body, which tells the counter when the server has sent all of it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self.done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done()


@pytest.fixture(scope="session")
def in_flight(live_server) -> InFlight:
    server = live_server.thread.httpd
    counter = InFlight(server.get_app())
    server.set_app(counter)
    return counter


@pytest.fixture(autouse=True)
def server_settles(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the live server, wait for the server to finish the answers it
    is still writing (a fragment a closed tab asked for last) before the test's data is
    flushed. Asking for the database here makes it torn down after this waits."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    counter: InFlight = request.getfixturevalue("in_flight")
    yield
    counter.wait_until_idle()


@pytest.fixture
def web(chromium: Browser) -> Iterator[Page]:
    """A fresh browser tab (own cookies) that fails the test on any script error."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def sign_in(web: Page, live_server) -> Callable[[Person], Page]:
    """Sign in through the login form, as a person would."""

    def go(person: Person) -> Page:
        web.goto(f"{live_server.url}/login/")
        web.get_by_label("Username").fill(person.username)
        web.get_by_label("Password").fill(PASSWORD)
        web.get_by_role("button", name="Sign in").click()
        web.wait_for_url(f"{live_server.url}/")
        return web

    return go
