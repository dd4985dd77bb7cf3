"""Neglect: key results left without check-ins, objectives never updated, untouched at close.

The quarter runs from 1 July to 30 September 2026 (midpoint 15 August; the last 14 days,
from 17 September, are its close). Most examples are judged with the strictest limit (one
missed check-in is neglect: ``STRICT``), which shows the dates at work; those at the end use
the default (two missed check-ins: a few days late is not neglect).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lineofsight.coach.rules.facts import CoachSettings

from . import Example, flags
from .build import QUARTER, at, kr, obj, population

STALE = "neglect.stale_key_result"
NOT_UPDATED = "neglect.objective_not_updated"
UNTOUCHED = "neglect.untouched_at_close"


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def checked(title: str, last: date | None, *, cadence: int = 7, added: date | None = None,
            count: int | None = None, **kw: object) -> object:
    return kr(title, last_check_in_at=at(last) if last else None,
              check_in_count=(1 if last else 0) if count is None else count,
              created_at=at(added or d(6, 25)), cadence_days=cadence, **kw)  # type: ignore


def on(today: date, *objectives: object, closed: bool = False) -> object:
    return population(*objectives, cycle=replace(QUARTER, today=today, closed=closed))  # type: ignore


def team(*krs: object, title: str = "Make renewals predictable", **kw: object) -> object:
    return obj(title, team="Customer Success", krs=tuple(krs), **kw)  # type: ignore


STRICT = CoachSettings(neglect_missed_check_ins=1)


def _examples() -> list[Example]:
    out: list[Example] = []

    def add(name: str, pop: object, *expected: tuple[str, int]) -> None:
        out.append(Example(f"{name} (strict)", pop, flags(*expected), STRICT))  # type: ignore[arg-type]

    def default(name: str, pop: object, *expected: tuple[str, int]) -> None:
        out.append(Example(name, pop, flags(*expected)))  # type: ignore[arg-type]

    a = checked("NRR from 105% to 115%", d(7, 15))
    b = checked("Renewals forecast within 5%", d(7, 16))
    add("weekly check-ins, five days ago", on(d(7, 20), team(a, b)))
    a = checked("NRR from 105% to 115%", d(7, 10))
    b = checked("Renewals forecast within 5%", d(7, 18))
    add("weekly cadence, ten days since the last", on(d(7, 20), team(a, b)), (STALE, a.id))
    a = checked("Month-end close from 10 days to 5", d(7, 10), cadence=14)
    b = checked("DSO from 52 to 40 days", d(7, 12), cadence=14)
    add("every two weeks, ten days since the last", on(d(7, 20), team(a, b)))
    a = checked("Contract review from 14 days to 7", d(7, 2), cadence=30)
    b = checked("Templates cover 80% of contracts", d(7, 3), cadence=30)
    add("legal: monthly cadence, 28 days since", on(d(7, 30), team(a, b)))
    a = checked("Contract review from 14 days to 7", d(7, 2), cadence=30)
    b = checked("Templates cover 80% of contracts", d(8, 1), cadence=30)
    add("legal: monthly cadence, 33 days since", on(d(8, 4), team(a, b)), (STALE, a.id))
    a = checked("Uptime above 99.9%", d(7, 13))
    b = checked("Deploys per week from 3 to 10", d(7, 19))
    add("exactly the cadence: seven days", on(d(7, 20), team(a, b)))
    a = checked("Uptime above 99.9%", d(7, 12))
    add("one day past the cadence", on(d(7, 20), team(a, b)), (STALE, a.id))
    a = checked("Trials started", None, added=d(7, 15))
    b = checked("Trial-to-paid from 12% to 18%", None, added=d(7, 15))
    add("added five days ago, no check-in yet", on(d(7, 20), team(a, b)))
    a = checked("Trials started", None, added=d(6, 20))
    b = checked("Trial-to-paid from 12% to 18%", None, added=d(6, 20))
    add("written before the quarter, first week not over", on(d(7, 6), team(a, b)))
    a = checked("Trials started", None, added=d(7, 1))
    b = checked("Trial-to-paid from 12% to 18%", d(7, 10), added=d(7, 1))
    add("never checked in, twelve days into the quarter", on(d(7, 12), team(a, b)),
        (STALE, a.id))
    a = checked("Trials started", None, added=d(7, 1))
    b = checked("Trial-to-paid from 12% to 18%", None, added=d(7, 1))
    add("before the midpoint: both key results stale, not the objective",
        on(d(7, 12), team(a, b)), (STALE, a.id), (STALE, b.id))
    a = checked("Pipeline from $2M to $3M", None)
    b = checked("Cost per opportunity below $900", None)
    o = team(a, b, title="Own the healthcare conversation")
    add("past the midpoint, never updated: the objective, once", on(d(8, 20), o),
        (NOT_UPDATED, o.id))
    a = checked("Pipeline from $2M to $3M", d(8, 18))
    b = checked("Cost per opportunity below $900", None)
    add("past the midpoint, one of two checked in", on(d(8, 20), team(a, b)), (STALE, b.id))
    a = checked("NRR rolled up from the regions", None, source="aligned")
    b = checked("Renewals forecast within 5%", d(8, 18))
    add("a key result rolled up from aligned objectives needs no check-ins",
        on(d(8, 20), team(a, b)))
    a = checked("NRR from 105% to 115%", None, state="abandoned")
    b = checked("Renewals forecast within 5%", d(8, 18))
    add("an abandoned key result is not neglected", on(d(8, 20), team(a, b)))
    a = checked("Pipeline from $2M to $3M", None)
    b = checked("Cost per opportunity below $900", None)
    add("a draft objective is not neglected yet", on(d(8, 20), team(a, b, state="draft")))
    add("an abandoned objective is not neglected", on(d(8, 20), team(a, b, state="abandoned")))
    o = team(a, b, cycle_id=20, title="Grow ARR from $12M to $18M")
    add("an objective of another cycle is not this quarter's", on(d(8, 20), o))
    a = checked("NRR from 105% to 115% this quarter", d(8, 1), cycle_id=QUARTER.id)
    b = checked("Two verticals with 10 paying customers", d(8, 18), cycle_id=QUARTER.id)
    o = team(a, b, cycle_id=20, title="Grow ARR from $12M to $18M")
    add("an annual objective's key results for this quarter are this quarter's",
        on(d(8, 20), o), (STALE, a.id))
    a = checked("NRR from 105% to 115%", d(9, 20))
    b = checked("Renewals forecast within 5%", None)
    add("closing week: one key result never touched", on(d(9, 24), team(a, b)),
        (STALE, b.id), (UNTOUCHED, QUARTER.id))
    a = checked("Month-end close from 10 days to 5", None)
    b = checked("DSO from 52 to 40 days", None)
    o = team(a, b, title="Make finance a strategic partner")
    add("finance: closing with an objective never updated", on(d(9, 24), o),
        (NOT_UPDATED, o.id), (UNTOUCHED, QUARTER.id))
    a = checked("NRR from 105% to 115%", d(9, 2))
    b = checked("Renewals forecast within 5%", None)
    add("closed quarter with an untouched key result", on(d(10, 5), team(a, b), closed=True),
        (UNTOUCHED, QUARTER.id))
    a = checked("NRR from 105% to 115%", d(9, 2))
    b = checked("Renewals forecast within 5%", d(9, 3))
    add("closed quarter, everything touched, old check-ins do not matter now",
        on(d(10, 5), team(a, b), closed=True))
    a = checked("NRR from 105% to 115%", d(9, 28))
    b = checked("Renewals forecast within 5%", d(9, 29))
    add("the last days, everything current", on(d(9, 30), team(a, b)))
    a = checked("NRR from 105% to 115%", None)
    b = checked("Renewals forecast within 5%", None)
    add("before the quarter starts nothing is due", on(d(6, 28), team(a, b)))
    a = checked("NRR from 105% to 115%", d(9, 1))
    b = checked("Renewals forecast within 5%", d(9, 1))
    add("past the end, not closed yet: no more check-ins are due", on(d(10, 3), team(a, b)))
    a = checked("Orders shipped within 24 hours from 80% to 97%", d(8, 14), cadence=14)
    b = checked("Cost per order from $4.10 to $3.50", d(8, 1), cadence=14)
    add("operations: every two weeks, one slipped", on(d(8, 20), team(a, b)), (STALE, b.id))
    a = checked("Qualified candidates per role from 4 to 8", d(8, 17))
    b = checked("Time to hire from 60 days to 35", d(8, 17))
    c = checked("Offer acceptance from 70% to 85%", d(8, 10))
    add("people ops: two of three current", on(d(8, 20), team(a, b, c)), (STALE, c.id))
    a = checked("NRR from 105% to 115%", d(7, 10), count=3)
    b = checked("Renewals forecast within 5%", None, count=0)
    c = checked("Health checks for the top 50 accounts", None, count=0)
    o1 = team(a, b)
    o2 = team(c, checked("QBRs with the top 30", None, count=0), title="Know every account")
    add("two objectives past the midpoint: one never updated, one stale",
        on(d(8, 20), o1, o2), (STALE, a.id), (STALE, b.id), (NOT_UPDATED, o2.id))
    a = checked("NRR from 105% to 115%", d(8, 19), cadence=1)
    b = checked("Renewals forecast within 5%", d(8, 20), cadence=1)
    add("a daily cadence, yesterday's check-in", on(d(8, 20), team(a, b)))
    a = checked("NRR from 105% to 115%", d(9, 20))
    b = checked("Renewals forecast within 5%", d(9, 10))
    add("closing week, all touched, one stale", on(d(9, 24), team(a, b)), (STALE, b.id))
    a = checked("NRR rolled up from the regions", None, source="aligned")
    b = checked("Renewals forecast within 5%", d(9, 20))
    add("closing week, a rolled-up key result is not untouched", on(d(9, 24), team(a, b)))
    a = checked("NRR from 105% to 115%", d(9, 19))
    b = checked("Renewals forecast within 5%", None, added=d(9, 15))
    out.append(Example("a shorter close (7 days): ten days out, nothing to call out yet",
                       on(d(9, 20), team(a, b)), flags(),  # type: ignore[arg-type]
                       CoachSettings(closing_days=7, neglect_missed_check_ins=1)))
    out.append(Example("a shorter close (7 days): five days out",
                       on(d(9, 25), team(a, b)),  # type: ignore[arg-type]
                       flags((STALE, b.id), (UNTOUCHED, QUARTER.id)),
                       CoachSettings(closing_days=7, neglect_missed_check_ins=1)))

    # The default: two missed check-ins (more than two cadence periods) before neglect.
    a = checked("NRR from 105% to 115%", d(7, 12))
    b = checked("Renewals forecast within 5%", d(7, 18))
    default("weekly, one day late: not neglect", on(d(7, 20), team(a, b)))
    a = checked("NRR from 105% to 115%", d(7, 8))
    b = checked("Renewals forecast within 5%", d(7, 18))
    default("weekly, five days late: not neglect", on(d(7, 20), team(a, b)))
    a = checked("NRR from 105% to 115%", d(7, 6))
    default("weekly, exactly two periods: not yet", on(d(7, 20), team(a, b)))
    a = checked("NRR from 105% to 115%", d(7, 5))
    default("weekly, two check-ins missed", on(d(7, 20), team(a, b)), (STALE, a.id))
    a = checked("Contract review from 14 days to 7", d(7, 2), cadence=30)
    b = checked("Templates cover 80% of contracts", d(8, 1), cadence=30)
    default("legal: monthly, 33 days since: one missed, not neglect", on(d(8, 4), team(a, b)))
    default("legal: monthly, 63 days since", on(d(9, 3), team(a, b)), (STALE, a.id))
    a = checked("Orders shipped within 24 hours from 80% to 97%", d(8, 14), cadence=14)
    b = checked("Cost per order from $4.10 to $3.50", d(7, 20), cadence=14)
    default("operations: every two weeks, a month without", on(d(8, 20), team(a, b)),
            (STALE, b.id))
    a = checked("Trials started", None, added=d(7, 1))
    b = checked("Trial-to-paid from 12% to 18%", d(7, 10), added=d(7, 1))
    default("never checked in, twelve days into the quarter: not yet", on(d(7, 12), team(a, b)))
    default("never checked in, three weeks into the quarter", on(d(7, 16), team(a, b)),
            (STALE, a.id))
    return out


EXAMPLES = _examples()
