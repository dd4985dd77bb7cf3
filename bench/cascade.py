"""Benchmark the OKR cascade on a generated organisation: check-ins, pages, full recompute.

    .venv/bin/python bench/cascade.py --people 10000
    .venv/bin/python bench/cascade.py --people 10000 --reuse
    .venv/bin/python bench/cascade.py --people 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/lineofsight_bench

The benchmark works on its own database, never on the one the product uses: by default a
SQLite file under bench/results/, or a PostgreSQL database whose name contains "bench"
(dropped and rebuilt unless --reuse). It prints a table of figures next to their budgets;
it never fails on a slow figure. See bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent

# Budgets from the product's design (figures above them are reported, never failed).
BUDGET_CHECK_IN_P50_MS = 5.0
BUDGET_CHECK_IN_HTTP_P95_MS = 20.0
BUDGET_PAGE_P95_MS = 100.0
BUDGET_VERIFY_S = 5.0


# ---------------------------------------------------------------------------------------
# Figures


@dataclass
class Row:
    measure: str
    samples: list[float] = field(default_factory=list)  # milliseconds
    queries: list[int] = field(default_factory=list)
    budget: str = ""
    within: bool | None = None
    note: str = ""

    def pct(self, q: float) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "p50_ms": self.pct(0.5),
            "p95_ms": self.pct(0.95),
            "samples": len(self.samples),
            "queries_median": statistics.median(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
            "budget": self.budget,
            "within_budget": self.within,
            "note": self.note,
        }


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def print_table(title: str, rows: list[Row]) -> None:
    headers = ["measure", "p50", "p95", "SQL queries", "budget", ""]
    body = []
    for row in rows:
        if row.queries:
            low, high = min(row.queries), max(row.queries)
            queries = str(low) if low == high else f"{low}-{high}"
        else:
            queries = "-"
        verdict = {True: "ok", False: "OVER", None: ""}[row.within]
        body.append(
            [row.measure, _ms(row.pct(0.5)), _ms(row.pct(0.95)), queries, row.budget, verdict]
        )
        if row.note:
            body.append(["    " + row.note, "", "", "", "", ""])
    widths = [max(len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]
    print()
    print(title)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths).rstrip())
    for r in body:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print()


# ---------------------------------------------------------------------------------------
# The benchmark's own database


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        import dj_database_url

        url = args.database_url
        try:
            parsed = dj_database_url.parse(url)
        except Exception as exc:  # dj_database_url raises several types for bad URLs
            sys.exit(f"--database-url: cannot be parsed ({exc}).")
        name = str(parsed.get("NAME") or "")
        if "bench" not in Path(name).name:
            sys.exit(
                "--database-url: the benchmark rebuilds its database, so it only uses one whose "
                f"name contains 'bench' (got {name!r}); it never touches the product's database."
            )
        if url == os.environ.get("DATABASE_URL"):
            sys.exit("--database-url: that is the DATABASE_URL the product uses; pick another.")
        return url
    RESULTS.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{RESULTS / f'cascade-{args.people}.sqlite3'}"


def reset_database(url: str) -> None:
    """Drop and recreate the benchmark database (a file, or a PostgreSQL database)."""
    import dj_database_url

    db = dj_database_url.parse(url)
    if db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
        return
    if "postgresql" not in db["ENGINE"]:
        sys.exit("--database-url: use a postgres:// or sqlite:/// address.")
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    ) as conn:
        name = sql.Identifier(str(db["NAME"]))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def configure_environment(url: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
        "DATABASE_URL": url,
        "LOS_SECRET_KEY": os.environ.get("LOS_SECRET_KEY") or secrets.token_urlsafe(40),
        "LOS_DEBUG": "0",
        "LOS_TESTING": "0",
        # Measured as before the worker: each task runs where it is enqueued.
        "LOS_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOS_DATA_DIR": str(RESULTS),
        "LOS_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOS_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return env


# ---------------------------------------------------------------------------------------
# In-process measurements


def sample_key_results(count: int, rng: random.Random) -> list[int]:
    from lineofsight.goals.models import KeyResult

    ids = list(
        KeyResult.objects.filter(
            objective__level="individual",
            objective__state="active",
            source="check_ins",
            state="active",
            cycle__state="active",
        ).values_list("pk", flat=True)
    )
    if not ids:
        sys.exit("The benchmark database has no leaf key results; rebuild it without --reuse.")
    return rng.sample(ids, min(count, len(ids)))


def reading_for(kr: Any, rng: random.Random) -> dict[str, Any]:
    """A reading that changes the key result's progress, so the roll-up climbs the whole
    cascade (the worst case, and what the budget is about)."""
    confidence = rng.choice(["on_track", "on_track", "at_risk", "off_track"])
    if kr.kind == "milestone":
        return {"done": not kr.done, "confidence": confidence}
    target = kr.target_value or 0.0
    if kr.kind in ("stay_above", "stay_below"):
        met = kr.progress >= 1.0
        above = kr.kind == "stay_above"
        value = target - 1 if met == above else target + 1
        return {"value": value, "confidence": confidence}
    start = kr.start_value or 0.0
    share = kr.progress
    while abs(share - kr.progress) < 0.1:
        share = rng.uniform(0.05, 0.95)
    return {"value": round(start + (target - start) * share, 3), "confidence": confidence}


def measure_check_ins(ids: list[int], rng: random.Random, warmup: int) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lineofsight.goals import actions
    from lineofsight.goals.models import KeyResult
    from lineofsight.people.models import Person

    row = Row(
        "check-in + roll-up, in-process (actions.record_check_in)",
        budget=f"p50 < {BUDGET_CHECK_IN_P50_MS:g} ms",
    )
    for n, pk in enumerate(ids):
        kr = KeyResult.objects.get(pk=pk)
        owner = Person.objects.get(pk=kr.owner_id)  # a fresh person: no cached access rules
        reading = reading_for(kr, rng)
        counted = n >= warmup and n % 4 == 0
        if counted:
            with CaptureQueriesContext(connection) as captured:
                actions.record_check_in(acting_user=owner, key_result=kr, **reading)
            row.queries.append(len(captured.captured_queries))
            continue
        started = time.perf_counter()
        actions.record_check_in(acting_user=owner, key_result=kr, **reading)
        elapsed = (time.perf_counter() - started) * 1000
        if n >= warmup:
            row.samples.append(elapsed)
    p50 = row.pct(0.5)
    row.within = p50 is not None and p50 < BUDGET_CHECK_IN_P50_MS
    row.note = "timed without query capture; queries counted on every fourth call"
    return row


@dataclass
class Route:
    label: str
    method: str
    paths: list[str]
    body: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    budget_ms: float = BUDGET_PAGE_P95_MS
    missing: str = ""


def page_routes(rng: random.Random, count: int) -> list[Route]:
    """The pages to time: the same paths in-process and over HTTP."""
    from lineofsight.goals.models import Cycle, Objective

    quarter = Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
    assert quarter is not None
    public = Objective.objects.filter(cycle=quarter, visibility="public")
    departments = list(public.filter(owner_team__kind="department").values_list("pk", flat=True))
    teams = list(public.filter(owner_team__kind="team").values_list("pk", flat=True))
    return [
        Route("alignment tree, top two levels", "GET", [f"/tree/?cycle={quarter.pk}"] * count),
        Route(
            "tree expansion (a department objective)",
            "GET",
            [f"/tree/{rng.choice(departments)}/children/" for _ in range(count)],
        ),
        Route(
            "objective page (a team objective)",
            "GET",
            [f"/objectives/{rng.choice(teams)}/" for _ in range(count)],
        ),
    ]


def check_in_route(ids: list[int], rng: random.Random) -> Route:
    """POST /api/check-ins on these key results (each once), with their owners' tokens."""
    from lineofsight.core import tokens
    from lineofsight.goals.models import KeyResult

    route = Route(
        "check-in POST /api/check-ins",
        "POST",
        ["/api/check-ins"] * len(ids),
        budget_ms=BUDGET_CHECK_IN_HTTP_P95_MS,
    )
    by_id = KeyResult.objects.select_related("owner").in_bulk(ids)
    secrets_by_owner: dict[int, str] = {}
    for pk in ids:
        kr = by_id[pk]
        if kr.owner_id not in secrets_by_owner:
            _, raw = tokens.create_token(acting_user=None, person=kr.owner, name="benchmark")
            secrets_by_owner[kr.owner_id] = raw
        route.body.append({"key_result": kr.pk, **reading_for(kr, rng)})
        route.tokens.append(secrets_by_owner[kr.owner_id])
    return route


def mark_missing(routes: list[Route]) -> None:
    """Routes the URL map does not know are reported as missing instead of measured."""
    from django.urls import Resolver404, resolve

    for route in routes:
        path = route.paths[0].split("?")[0]
        try:
            resolve(path)
        except Resolver404:
            route.missing = f"route missing: {route.method} {path}"


def page_viewer() -> Any:
    """A regular member of a team: not a lead, not HR, so the access rules do full work."""
    from lineofsight.people.models import Person, Team

    leads = Team.objects.exclude(lead__isnull=True).values("lead_id")
    person = (
        Person.objects.filter(is_active=True, is_hr_admin=False, manager__isnull=False)
        .exclude(pk__in=leads)
        .order_by("pk")
        .first()
    )
    assert person is not None
    return person


def _send(client: Any, route: Route, n: int) -> Any:
    if route.method == "GET":
        return client.get(route.paths[n])
    return client.post(
        route.paths[n],
        data=json.dumps(route.body[n]),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {route.tokens[n]}",
    )


def measure_in_process(routes: list[Route], viewer: Any, warmup: int) -> list[Row]:
    """Server-side time and SQL queries per request, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for route in routes:
        row = Row(f"{route.label}, server-side")
        if route.method == "GET":
            row.budget = f"p95 < {BUDGET_PAGE_P95_MS:g} ms"
        if route.missing:
            row.note = route.missing
            rows.append(row)
            continue
        client = Client(raise_request_exception=False)
        if route.method == "GET":
            client.force_login(viewer)
        statuses: set[int] = set()
        for n in range(len(route.paths)):
            if n >= warmup and n % 4 == 0:
                with CaptureQueriesContext(connection) as captured:
                    response = _send(client, route, n)
                row.queries.append(len(captured.captured_queries))
            else:
                started = time.perf_counter()
                response = _send(client, route, n)
                elapsed = (time.perf_counter() - started) * 1000
                if n >= warmup:
                    row.samples.append(elapsed)
            statuses.add(response.status_code)
        bad = sorted(s for s in statuses if s >= 400)
        if bad:
            row.note = f"answered {', '.join(map(str, bad))} (the figures include those answers)"
        if route.method == "GET":
            p95 = row.pct(0.95)
            row.within = p95 is not None and p95 < BUDGET_PAGE_P95_MS
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------
# Over HTTP, against a real server process


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn serving the benchmark database on a free local port."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "lineofsight.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env={**os.environ, **env},
            cwd=ROOT,
        )

    def wait(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.base + "/login/", timeout=2):  # noqa: S310
                    return True
            except urllib.error.HTTPError:
                return True  # it answers; the routes report their own statuses
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Browser:
    """Cookies and CSRF for a session, over plain urllib (one connection per request)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        req = urllib.request.Request(  # noqa: S310 - a local address we started
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username: str, password: str) -> bool:
        self.request("GET", "/login/")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
            }
        ).encode()
        self.request(
            "POST",
            "/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + "/login/"},
        )
        return bool(self.cookie("sessionid"))


def measure_http(
    routes: list[Route],
    env: dict[str, str],
    viewer: Any,
    password: str,
    warmup: int,
    workers: int,
) -> list[Row]:
    rows = []
    server = Server(env, workers)
    try:
        if not server.wait():
            row = Row("HTTP server")
            row.note = "gunicorn did not start; no HTTP figures"
            return [row]
        browser = Browser(server.base)
        logged_in = browser.login(viewer.username, password)
        for route in routes:
            budget = route.budget_ms
            row = Row(f"{route.label}, over HTTP", budget=f"p95 < {budget:g} ms")
            if route.missing:
                row.note = route.missing
                rows.append(row)
                continue
            if route.method == "GET" and not logged_in:
                row.note = f"could not sign in as {viewer.username}; page not measured"
                rows.append(row)
                continue
            statuses: set[int] = set()
            for n, path in enumerate(route.paths):
                body: bytes | None = None
                headers: dict[str, str] = {}
                if route.method == "POST":
                    body = json.dumps(route.body[n]).encode()
                    headers = {
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {route.tokens[n]}",
                    }
                started = time.perf_counter()
                status, _ = browser.request(route.method, path, body, headers)
                elapsed = (time.perf_counter() - started) * 1000
                statuses.add(status)
                if n >= warmup:
                    row.samples.append(elapsed)
            bad = sorted(s for s in statuses if s >= 400)
            if bad:
                row.note = (
                    f"answered {', '.join(map(str, bad))} (the figures include those answers)"
                )
            if route.method == "POST":
                p95 = row.pct(0.95)
                row.within = p95 is not None and p95 < budget
            else:
                row.budget = "(server-side budget above)"
            rows.append(row)
    finally:
        server.stop()
    return rows


# ---------------------------------------------------------------------------------------
# Main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="Size of the organisation.")
    parser.add_argument(
        "--database-url",
        help="A PostgreSQL (or SQLite) database for the benchmark; its name must contain "
        "'bench'. Default: a SQLite file in bench/results/.",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="Use the organisation already in the database."
    )
    parser.add_argument("--samples", type=int, default=300, help="In-process check-ins to time.")
    parser.add_argument("--requests", type=int, default=100, help="Requests per route to time.")
    parser.add_argument("--warmup", type=int, default=10, help="Untimed calls before each series.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
    parser.add_argument("--json", metavar="PATH", help="Also write the figures to this file.")
    parser.add_argument(
        "--check-ins-only",
        action="store_true",
        help="Time the in-process check-ins only (no pages, no HTTP, no full recompute).",
    )
    parser.add_argument(
        "--no-http", action="store_true", help="Leave out the requests over HTTP (gunicorn)."
    )
    args = parser.parse_args(argv)
    if args.people < 10:
        parser.error("--people: at least 10.")
    if args.samples < 1 or args.requests < 1:
        parser.error("--samples and --requests: at least 1.")

    url = database_url(args)
    if not args.reuse:
        reset_database(url)
    env = configure_environment(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from lineofsight.demo.generator import GENERATED_PASSWORD
    from lineofsight.goals import rollup
    from lineofsight.goals.models import CheckIn, KeyResult, Objective
    from lineofsight.people.models import Person, Team

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # pages link hashed files
    built = "reused"
    if args.reuse:
        if not Person.objects.exists():
            sys.exit("--reuse: the benchmark database is empty; run once without --reuse.")
    else:
        started = time.perf_counter()
        call_command("generate", people=args.people, seed=args.seed)
        built = f"built in {time.perf_counter() - started:.0f} s"
    where = connection.vendor
    counts = (
        f"{Person.objects.count():,} people, {Team.objects.filter(kind='team').count():,} teams, "
        f"{Objective.objects.count():,} objectives, {KeyResult.objects.count():,} key results, "
        f"{CheckIn.objects.count():,} check-ins ({built})"
    )

    rng = random.Random(args.seed if not args.reuse else time.time_ns())
    calls = args.samples + args.warmup
    per_route = args.requests + args.warmup
    ids = sample_key_results(calls + 2 * per_route, rng)
    rows = [measure_check_ins(ids[:calls], rng, args.warmup)]
    if args.check_ins_only:
        print_table(f"Line of Sight cascade benchmark on {where}: {counts}", rows)
        write_json(args.json, where, counts, rows)
        return 0
    # Each key result is checked in on once, so every reading moves the whole cascade.
    pages = page_routes(rng, per_route)
    local = [*pages, check_in_route(ids[calls : calls + per_route], rng)]
    remote = [*pages, check_in_route(ids[calls + per_route :], rng)]
    mark_missing(local + remote)
    viewer = page_viewer()
    rows += measure_in_process(local, viewer, args.warmup)
    connections.close_all()
    if not args.no_http:
        rows += measure_http(remote, env, viewer, GENERATED_PASSWORD, args.warmup, args.workers)

    verify = Row("full recompute (rollup --verify)", budget=f"< {BUDGET_VERIFY_S:g} s")
    started = time.perf_counter()
    differences, checked = rollup.verify()
    verify.samples.append((time.perf_counter() - started) * 1000)
    verify.within = verify.samples[0] < BUDGET_VERIFY_S * 1000
    verify.note = f"{checked:,} figures checked, {len(differences)} differences"
    rows.append(verify)

    print_table(f"Line of Sight cascade benchmark on {where}: {counts}", rows)
    write_json(args.json, where, counts, rows)
    return 0


def write_json(path: str | None, where: str, counts: str, rows: list[Row]) -> None:
    if path:
        Path(path).write_text(
            json.dumps(
                {"database": where, "organisation": counts, "rows": [r.as_dict() for r in rows]},
                indent=2,
            )
        )


if __name__ == "__main__":
    raise SystemExit(main())
