"""How well the coaching checks do on their labelled examples: precision and recall.

    .venv/bin/python bench/coach_quality.py                  # the table
    .venv/bin/python bench/coach_quality.py --verbose        # and every example's verdict
    .venv/bin/python bench/coach_quality.py --people 10000   # and the checks' time at scale

Each check runs over its labelled set (``tests/coaching_examples/``): realistic OKRs, good
and bad, each with the findings it should produce. A finding expected and produced is a true
positive, produced but not expected a false positive, expected but not produced a false
negative; a good example left alone is a true negative. Pure Python: no database, no
Django settings. Prints; never fails on a figure (the unit tests hold the bar).

With ``--people N`` it also times every check, in-process, on a synthetic organisation of N
people built in memory (2 objectives each, 4 per team of 10, 4 per department of 50 teams,
5 company objectives; 3 key results per objective, check-in dates and histories spread at
random with a fixed seed): the cost of the rules alone, without loading anything from a
database. CPU time is printed next to wall time: it is far less disturbed by other work on
a busy machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.coaching_examples import MODULES, Score, evaluate  # noqa: E402

from lineofsight.coach.rules import CHECKS, run_checks  # noqa: E402
from lineofsight.coach.rules.facts import (  # noqa: E402
    CycleFacts,
    KeyResultFacts,
    ObjectiveFacts,
    OwnerHistory,
    Population,
    RatingPoint,
)

WORDS = (
    "grow", "revenue", "pipeline", "enterprise", "healthcare", "renewals", "churn",
    "onboarding", "margin", "cost", "contracts", "review", "hiring", "platform", "reliability",
    "deploys", "support", "tickets", "partners", "europe", "security", "audit", "pricing",
    "trials", "activation", "retention", "quality", "cycle", "time", "forecast", "cash",
)
KR_TITLES = (
    "Qualified opportunities", "Net revenue retention", "Time to first response",
    "Gross margin", "Trial-to-paid conversion", "Escaped defects per release",
    "Have customer meetings", "Work on churn", "Contract review time", "Deploys per week",
)


def synthetic(people: int, seed: int = 7) -> Population:
    """A quarter of an organisation of ``people``, in memory."""
    rng = random.Random(seed)
    cycle = CycleFacts(30, "Q3 2026", date(2026, 7, 1), date(2026, 9, 30), date(2026, 8, 20))
    ids = iter(range(1, 10**9))
    objectives: list[ObjectiveFacts] = []

    def title() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()

    def key_results(objective_id: int, owner: int | None) -> tuple[KeyResultFacts, ...]:
        out = []
        for _ in range(rng.choice((2, 3, 3, 3, 4, 5))):
            last = rng.choice((None, *range(1, 40)))
            out.append(KeyResultFacts(
                id=next(ids), objective_id=objective_id, title=rng.choice(KR_TITLES),
                kind=rng.choice(("increase", "increase", "decrease", "milestone")),
                start_value=0.0, target_value=rng.choice((None, 10.0, 20.0, 40.0)),
                signal=rng.choice(("leading", "lagging", "lagging")), owner_id=owner,
                last_check_in_at=None if last is None else datetime(
                    2026, 8, 20, tzinfo=UTC) - timedelta(days=last),
                check_in_count=0 if last is None else rng.randint(1, 7),
                confidences=tuple(rng.choice(("on_track", "on_track", "at_risk"))
                                  for _ in range(rng.randint(0, 6))),
            ))
        return tuple(out)

    def add(level: str, parents: list[int], **owner: int) -> int:
        objective_id = next(ids)
        objectives.append(ObjectiveFacts(
            id=objective_id, title=title(), level=level, cycle_id=30 if level != "company"
            else 20, parent_objective_ids=tuple(rng.sample(parents, 1)) if parents and
            rng.random() > 0.05 else (), key_results=key_results(
                objective_id, owner.get("owner_person_id")),
            commitment=rng.choice(("committed", "aspirational")), **owner,
        ))
        return objective_id

    company = [add("company", [], owner_team_id=1) for _ in range(5)]
    teams = max(1, people // 10)
    departments = max(1, teams // 50)
    department_objectives = {d: [add("team", company, owner_team_id=2 + d) for _ in range(4)]
                             for d in range(departments)}
    team_objectives = {}
    for t in range(teams):
        parent = department_objectives[t % departments]
        team_objectives[t] = [add("team", parent, owner_team_id=10_000 + t)
                              for _ in range(rng.choice((3, 4, 4, 6)))]
    for p in range(people):
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            add("individual", team_objectives[p % teams], owner_person_id=p + 1)
    return Population(
        cycle=cycle,
        objectives=tuple(objectives),
        key_result_objective={kr.id: o.id for o in objectives for kr in o.key_results},
        people_names={p + 1: f"Person {p + 1}" for p in range(people)},
        team_names={10_000 + t: f"Team {t}" for t in range(teams)},
        history=tuple(OwnerHistory("person", p + 1, tuple(
            rng.choice((0.6, 0.7, 1.0, 1.1)) for _ in range(3))) for p in range(people)),
        ratings=tuple(RatingPoint(p + 1, rng.randint(1, 5), rng.random())
                      for p in range(min(people, 2000))),
    )


def scale(people: int) -> None:
    started = time.perf_counter()
    population = synthetic(people)
    built = time.perf_counter() - started
    krs = sum(len(o.key_results) for o in population.objectives)
    print(f"\nsynthetic organisation: {people:,} people, {len(population.objectives):,} "
          f"objectives, {krs:,} key results (built in {built:.1f} s)")
    print(f"{'check':<18} {'findings':>9} {'wall s':>7} {'CPU s':>7}")
    wall_total = cpu_total = 0.0
    for name in CHECKS:
        started, started_cpu = time.perf_counter(), time.process_time()
        found = run_checks(population, checks=[name])
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        wall_total, cpu_total = wall_total + wall, cpu_total + cpu
        print(f"{name:<18} {len(found):>9,} {wall:>7.2f} {cpu:>7.2f}")
    print(f"{'all':<18} {'':>9} {wall_total:>7.2f} {cpu_total:>7.2f}")


def table(scores: list[Score]) -> str:
    header = (
        f"{'check':<18} {'examples':>8} {'flagged':>8} {'TP':>4} {'FP':>4} {'FN':>4} "
        f"{'TN':>4} {'precision':>9} {'recall':>7}"
    )
    lines = [header, "-" * len(header)]
    for s in scores:
        lines.append(
            f"{s.check:<18} {s.examples:>8} {s.flagged_examples:>8} {s.tp:>4} {s.fp:>4} "
            f"{s.fn:>4} {s.tn:>4} {s.precision:>9.2f} {s.recall:>7.2f}"
        )
    tp, fp, fn = (sum(getattr(s, k) for s in scores) for k in ("tp", "fp", "fn"))
    lines.append("-" * len(header))
    lines.append(
        f"{'all':<18} {sum(s.examples for s in scores):>8} "
        f"{sum(s.flagged_examples for s in scores):>8} {tp:>4} {fp:>4} {fn:>4} "
        f"{sum(s.tn for s in scores):>4} {tp / (tp + fp) if tp + fp else 1.0:>9.2f} "
        f"{tp / (tp + fn) if tp + fn else 1.0:>7.2f}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every example")
    parser.add_argument("--people", type=int, default=0,
                        help="also time the checks on a synthetic organisation this size")
    parser.add_argument("checks", nargs="*", metavar="check",
                        help=f"only these checks ({', '.join(MODULES)})")
    args = parser.parse_args()
    unknown = [c for c in args.checks if c not in MODULES]
    if unknown:
        parser.error(f"unknown check: {', '.join(unknown)} (known: {', '.join(MODULES)})")
    started = time.perf_counter()
    scores = [evaluate(check) for check in (args.checks or MODULES)]
    elapsed = time.perf_counter() - started
    if args.verbose:
        for s in scores:
            print(f"\n{s.check}")
            for row in s.rows:
                verdict = "ok  " if row.correct else "MISS"
                expected = ", ".join(sorted(c for c, _ in row.example.expected)) or "-"
                print(f"  {verdict} {row.example.name} [expected: {expected}]")
                if not row.correct:
                    for f in row.found:
                        print(f"         produced {f.code} on {f.subject.value} "
                              f"{f.subject_id}: {f.message}")
        print()
    print(table(scores))
    print(f"\n{sum(s.examples for s in scores)} examples checked in {elapsed * 1000:.0f} ms")
    for s in scores:
        for row in s.mistakes:
            print(f"mistake in {s.check}: {row.example.name}")
    if args.people:
        scale(args.people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
