"""A mixed load on several app servers and workers: the deployment at 10,000 people.

    createdb -h 127.0.0.1 -U postgres -T lineofsight_bench load_bench
    .venv/bin/python bench/mixed_load.py \
        --database-url postgres://postgres@127.0.0.1:5432/load_bench

It serves a copy of the 10,000-person organisation (see ``bench/benchdb.py``: a PostgreSQL
database of your own made from the shared one, or by default a SQLite copy) with
``--servers`` separate gunicorn instances (``--server-workers`` processes each) and
``--workers`` ``lineofsight worker`` processes on the database task queue (at niceness
``--worker-nice``, as the deployment's worker unit runs them), with the
reminder and snapshot jobs made due every ``--jobs-every`` seconds, to run during the load. Then
``--users`` virtual users, each a person of the organisation signed in to one of the
servers (as a load balancer with sticky sessions would), act for ``--duration`` seconds with
a think time of ``--think`` seconds on average between actions: 70 % page views (home, the
alignment tree, an objective, a dashboard), 20 % API reads with the person's token and
10 % check-ins on their own key results.

It prints the requests made, errors, and the server-side times gunicorn logs for each
request (the ``%(D)s`` field of its access log, from reading the request to the last byte
written) by kind, p50 / p95 / p99, beside what the users saw; then checks that every check-in
a server acknowledged is stored, runs ``lineofsight rollup --verify``, and lists what the
workers ran meanwhile. It prints figures; it never fails on a timing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402
from cascade import free_port, reading_for  # noqa: E402

ROOT = benchdb.ROOT
BIN = Path(sys.executable).parent
KINDS = ("page", "api", "check-in")


@dataclass
class Person:
    """A virtual user: who they are, their session and token, and what they may open."""

    pk: int
    session: str
    token: str
    server: int
    key_results: list[Any]  # as read before the load: what each check-in's reading starts from
    team_objectives: list[int]
    team: int | None


@dataclass
class Outcome:
    kind: str
    path: str
    status: int
    millis: float
    check_in: int | None = None


@dataclass
class Results:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def parse_args() -> Any:
    p = benchdb.parser(__doc__, seed=1)
    p.add_argument("--users", type=int, default=100, help="Virtual users (100).")
    p.add_argument("--duration", type=float, default=60.0, help="Seconds of load (60).")
    p.add_argument("--think", type=float, default=3.0, help="Mean seconds between actions (3).")
    p.add_argument("--servers", type=int, default=2, help="gunicorn instances (2).")
    p.add_argument("--server-workers", type=int, default=1, help="Processes per instance (1).")
    p.add_argument("--workers", type=int, default=2, help="lineofsight worker processes (2).")
    p.add_argument(
        "--worker-nice", type=int, default=10,
        help="The workers' niceness, as the deployment's worker unit sets it (10).",
    )
    p.add_argument("--warmup-seconds", type=float, default=10.0, help="Untimed load first (10).")
    p.add_argument(
        "--jobs-every",
        type=int,
        default=60,
        help="Seconds between the reminder and snapshot jobs' runs (60: once in a minute's "
        "load; they default to 5 and 15 minutes in production).",
    )
    return p.parse_args()


# ---------------------------------------------------------------------------------------
# Setting up (in this process, on the benchmark database)


def prepare_people(count: int, servers: int, rng: random.Random) -> tuple[int, list[Person]]:
    """Sign ``count`` people in (a session each, as a sign-in would make) and give each an
    API token; returns the active quarter's id and the virtual users."""
    from django.conf import settings
    from django.test import Client

    from lineofsight.core import tokens
    from lineofsight.goals.models import Cycle, KeyResult, Objective

    quarter = Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
    if quarter is None:
        sys.exit("The benchmark database has no active quarter; rebuild it.")
    owners = list(
        KeyResult.objects.filter(
            cycle=quarter, state="active", source="check_ins", objective__level="individual"
        )
        .values_list("owner_id", flat=True)
        .distinct()
        .order_by("owner_id")
    )
    chosen = rng.sample(owners, min(count, len(owners)))
    krs: dict[int, list[Any]] = defaultdict(list)
    for kr in KeyResult.objects.filter(
        cycle=quarter, state="active", source="check_ins", owner_id__in=chosen
    ):
        krs[kr.owner_id].append(kr)
    team_objectives = list(
        Objective.objects.filter(
            cycle=quarter, visibility="public", owner_team__kind="team"
        ).values_list("pk", "owner_team_id")
    )
    from lineofsight.people.models import Membership
    from lineofsight.people.models import Person as Member

    members = Member.objects.in_bulk(chosen)
    teams = dict(
        Membership.objects.filter(person_id__in=chosen).values_list("person_id", "team_id")
    )
    people = []
    for n, pk in enumerate(chosen):
        member = members[pk]
        client = Client()
        client.force_login(member)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        _, token = tokens.create_token(acting_user=None, person=member, name="mixed load")
        own_team = teams.get(pk)
        nearby = [o for o, t in team_objectives if t == own_team] or [
            o for o, _ in rng.sample(team_objectives, min(20, len(team_objectives)))
        ]
        people.append(
            Person(
                pk=pk,
                session=session,
                token=token,
                server=n % servers,
                key_results=krs[pk],
                team_objectives=nearby,
                team=own_team,
            )
        )
    return quarter.pk, people


# ---------------------------------------------------------------------------------------
# The processes


class Processes:
    """The gunicorn instances and the workers, each with its own log."""

    def __init__(
        self, env: dict[str, str], servers: int, server_workers: int, workers: int,
        worker_nice: int = 0,
    ):
        self.env = env
        self.logs = benchdb.RESULTS / "mixed-load"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.ports = [free_port() for _ in range(servers)]
        self.access = [self.logs / f"access-{n}.log" for n in range(servers)]
        self.procs: list[subprocess.Popen[bytes]] = []
        for n, port in enumerate(self.ports):
            self.access[n].unlink(missing_ok=True)
            self.procs.append(
                self._start(
                    [
                        str(BIN / "gunicorn"),
                        "lineofsight.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(server_workers),
                        "--access-logfile",
                        str(self.access[n]),
                        "--access-logformat",
                        "%(m)s %(U)s %(s)s %(D)s",
                        "--log-level",
                        "warning",
                    ],
                    f"server-{n}",
                )
            )
        for n in range(workers):
            self.procs.append(
                self._start(
                    [str(BIN / "lineofsight"), "worker", "--concurrency", "2"], f"worker-{n}",
                    nice=worker_nice,
                )
            )

    def _start(self, argv: list[str], name: str, nice: int = 0) -> subprocess.Popen[bytes]:
        out = (self.logs / f"{name}.out").open("wb")
        return subprocess.Popen(  # noqa: S603 - our own programs
            argv, env={**os.environ, **self.env}, cwd=ROOT, stdout=out, stderr=out,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,  # noqa: PLW1509
        )

    def wait_for_servers(self, timeout: float = 90) -> bool:
        deadline = time.monotonic() + timeout
        for port in self.ports:
            while True:
                if time.monotonic() > deadline:
                    return False
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # noqa: S310
                        break
                except urllib.error.HTTPError:
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.3)
        return True

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# ---------------------------------------------------------------------------------------
# The virtual users


def request(
    base: str, person: Person, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[int, bytes]:
    headers: dict[str, str] = {}
    data = None
    if path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {person.token}"
    else:
        cookie: SimpleCookie = SimpleCookie()
        cookie["sessionid"] = person.session
        headers["Cookie"] = cookie.output(header="", attrs=[]).strip()
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def pick(person: Person, quarter: int, rng: random.Random) -> tuple[str, str]:
    """(kind, path) of the person's next action."""
    roll = rng.random()
    if roll < 0.7 or not person.key_results:
        choices = [
            "/",
            f"/tree/?cycle={quarter}",
            f"/objectives/{rng.choice(person.team_objectives)}/",
            f"/dashboards/people/{person.pk}/?cycle={quarter}",
        ]
        if person.team:
            choices.append(f"/dashboards/teams/{person.team}/?cycle={quarter}")
        return "page", rng.choice(choices)
    if roll < 0.9:
        return "api", rng.choice(
            [
                f"/api/objectives/{rng.choice(person.team_objectives)}",
                f"/api/key-results/{rng.choice(person.key_results).pk}",
                f"/api/dashboards/people/{person.pk}?cycle={quarter}",
                "/api/check-ins/due",
            ]
        )
    return "check-in", "/api/check-ins"


def run_users(
    people: list[Person],
    bases: list[str],
    quarter: int,
    seconds: float,
    think: float,
    seed: int,
    results: Results,
) -> None:
    """Every virtual user acting at once, each in a thread, for ``seconds``."""
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=user_loop,
            args=(person, bases, quarter, until, think, seed * 1000 + n, results),
        )
        for n, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def user_loop(
    person: Person,
    bases: list[str],
    quarter: int,
    until: float,
    think: float,
    seed: int,
    results: Results,
) -> None:
    rng = random.Random(seed)
    base = bases[person.server]
    time.sleep(rng.uniform(0, think))  # users arrive spread out, not all at once
    while time.monotonic() < until:
        kind, path = pick(person, quarter, rng)
        body = None
        if kind == "check-in":
            kr = rng.choice(person.key_results)
            body = {"key_result": kr.pk, **reading_for(kr, rng)}
        started = time.perf_counter()
        status, content = request(base, person, "POST" if body else "GET", path, body)
        millis = (time.perf_counter() - started) * 1000
        check_in = None
        if kind == "check-in" and status == 201:
            check_in = int(json.loads(content)["check_in"]["id"])
        results.add(Outcome(kind, path, status, millis, check_in))
        time.sleep(max(0.0, min(rng.expovariate(1 / think), until - time.monotonic())))


# ---------------------------------------------------------------------------------------
# Reading the figures


def kind_of(path: str) -> str:
    if path == "/api/check-ins":
        return "check-in"
    return "api" if path.startswith("/api/") else "page"


def route_of(path: str) -> str:
    """The path with its ids left out: ``/objectives/{id}/``."""
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


def server_times(logs: list[Path]) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds per request from the access logs (emptied after the warm-up), by kind
    and by route."""
    times: dict[str, list[float]] = defaultdict(list)
    routes: dict[str, list[float]] = defaultdict(list)
    for log in logs:
        if not log.exists():
            continue
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) != 4 or parts[1] in ("/healthz", "/readyz"):
                continue
            method, path, _status, micros = parts
            kind = "check-in" if method == "POST" and path == "/api/check-ins" else kind_of(path)
            times[kind].append(int(micros) / 1000)
            routes[f"{method} {route_of(path)}"].append(int(micros) / 1000)
    return times, routes


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<36} no requests"
    ordered = sorted(values)
    return (
        f"  {label:<36} {len(ordered):>6}  p50 {benchdb.percentile(ordered, 0.5):7.1f}"
        f"  p95 {benchdb.percentile(ordered, 0.95):7.1f}"
        f"  p99 {benchdb.percentile(ordered, 0.99):7.1f}  max {ordered[-1]:7.1f} ms"
    )


def main() -> None:
    args = parse_args()
    benchdb.start(args, "mixed-load")
    rng = random.Random(args.seed)
    env = {
        k: os.environ[k]
        for k in (
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "LOS_SECRET_KEY",
            "LOS_DEBUG",
            "LOS_TESTING",
            "LOS_DATA_DIR",
            "LOS_ALLOWED_HOSTS",
            "LOS_LOG_LEVEL",
        )
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "LOS_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            # The reminder and snapshot jobs fall due during the load, not once an hour.
            "LOS_REMIND_INTERVAL": str(args.jobs_every),
            "LOS_SNAPSHOT_INTERVAL": str(args.jobs_every),
            "LOS_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    )
    from django.db import connection

    from lineofsight.goals.models import CheckIn

    quarter, people = prepare_people(args.users, args.servers, rng)
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"{engine}, {len(people)} virtual users on {args.servers} servers x "
        f"{args.server_workers} processes, {args.workers} workers, {args.duration:g} s, "
        f"think time {args.think:g} s on average"
    )
    connection.close()
    procs = Processes(
        env, args.servers, args.server_workers, args.workers, worker_nice=args.worker_nice
    )
    results = Results()
    try:
        if not procs.wait_for_servers():
            sys.exit("The servers did not start; see bench/results/mixed-load/*.out.")
        bases = [f"http://127.0.0.1:{port}" for port in procs.ports]
        # A warm-up at the same load, untimed: every server process imports and connects.
        warm = Results()
        run_users(people, bases, quarter, args.warmup_seconds, args.think, args.seed, warm)
        for log in procs.access:
            log.write_text("")
        started = time.time()
        run_users(people, bases, quarter, args.duration, args.think, args.seed + 1, results)
        elapsed = time.time() - started
    finally:
        procs.stop()
    report(results, server_times(procs.access), elapsed)
    everything = [*warm.outcomes, *results.outcomes]
    acknowledged = [o.check_in for o in everything if o.check_in is not None]
    stored = CheckIn.objects.filter(pk__in=acknowledged).count()
    print(f"\ncheck-ins acknowledged {len(acknowledged)}, stored {stored}")
    verify()
    worker_runs(started)


def report(
    results: Results,
    times: tuple[dict[str, list[float]], dict[str, list[float]]],
    elapsed: float,
) -> None:
    server, routes = times
    outcomes = results.outcomes
    statuses = Counter(o.status for o in outcomes)
    errors = [o for o in outcomes if o.status == 0 or o.status >= 400]
    print(
        f"\n{len(outcomes)} requests in {elapsed:.0f} s ({len(outcomes) / elapsed:.1f}/s); "
        f"answers {dict(sorted(statuses.items()))}; errors {len(errors)}"
    )
    for o in errors[:10]:
        print(f"  error {o.status} {o.kind} {o.path}")
    print("\nserver-side (gunicorn's request time)")
    for kind in KINDS:
        print(summary(kind, server.get(kind, [])))
    print(summary("all", [t for kind in KINDS for t in server.get(kind, [])]))
    print("\nserver-side, by route")
    for route, values in sorted(routes.items()):
        print(summary(route, values).replace("  ", " ", 1))
    print("\nas the users saw it (client side, on the same machine)")
    for kind in KINDS:
        print(summary(kind, [o.millis for o in outcomes if o.kind == kind]))


def verify() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("rollup", verify=True, stdout=out, stderr=out)
        verdict = "clean"
    except SystemExit as exc:
        verdict = f"exit {exc.code}"
    lines = out.getvalue().strip().splitlines()
    print(f"rollup --verify: {verdict}; {lines[-1] if lines else ''}")


def worker_runs(started: float) -> None:
    import datetime as dt

    from lineofsight.core.models import ScheduledRun

    since = dt.datetime.fromtimestamp(started, tz=dt.UTC)
    runs = Counter(ScheduledRun.objects.filter(due_at__gte=since).values_list("job", flat=True))
    print(f"scheduled runs during the load: {dict(sorted(runs.items()))}")
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the queue is a dependency
        return
    tasks = Counter(
        (path.rsplit(".", 1)[-1], status)
        for path, status in DBTaskResult.objects.filter(enqueued_at__gte=since).values_list(
            "task_path", "status"
        )
    )
    print("tasks enqueued during the load, by task and state (left READY: still queued):")
    for (name, status), count in sorted(tasks.items()):
        print(f"  {name:<32} {status:<10} {count:>6}")


if __name__ == "__main__":
    main()
