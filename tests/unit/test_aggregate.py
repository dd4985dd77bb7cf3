"""Dashboard aggregates (insights.aggregate): weeks, subjects, scopes and the at-risk order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from lineofsight.insights import aggregate
from lineofsight.insights.aggregate import KeyResultFact, ObjectiveFact

START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)


def test_weeks_end_every_seventh_day_and_on_the_last_day() -> None:
    weeks = aggregate.week_endings(START, END)
    assert weeks[:3] == [dt.date(2026, 10, 7), dt.date(2026, 10, 14), dt.date(2026, 10, 21)]
    assert weeks[-2:] == [dt.date(2026, 12, 30), dt.date(2026, 12, 31)]
    assert len(weeks) == 14
    assert aggregate.week_endings(START, dt.date(2026, 10, 7)) == [dt.date(2026, 10, 7)]
    assert aggregate.week_endings(START, dt.date(2026, 10, 3)) == [dt.date(2026, 10, 3)]


@given(st.integers(min_value=-30, max_value=120))
def test_every_day_falls_in_the_week_ending_after_it(offset: int) -> None:
    day = START + dt.timedelta(days=offset)
    ending = aggregate.week_ending_for(START, END, day)
    assert ending in aggregate.week_endings(START, END)
    if START <= day <= END:
        assert day <= ending < day + dt.timedelta(days=7)


def test_key_results_count_towards_their_owning_team_and_every_team_above() -> None:
    ancestors = {1: (), 2: (1,), 3: (1, 2), 4: (1,)}
    assert aggregate.counting_teams(3, (), ancestors) == frozenset({1, 2, 3})
    # A person's objective counts for every team the person belongs to.
    assert aggregate.counting_teams(None, (3, 4), ancestors) == frozenset({1, 2, 3, 4})
    assert aggregate.counting_teams(None, (), ancestors) == frozenset()


def fact(pk: int, objective: int, *, public: bool = True, teams: tuple[int, ...] = (),
         status: str = "on_track", risk: str | None = "unlikely", due: int = 2,
         kept: int = 2) -> KeyResultFact:
    return KeyResultFact(pk, objective, public, frozenset(teams), status, risk, due, kept)


def test_tally_adds_up_subjects_in_both_scopes() -> None:
    objectives = [
        ObjectiveFact(10, True, "company", 1, 0.5),
        ObjectiveFact(11, True, "team", 2, 0.2),
        ObjectiveFact(12, False, "team", 2, 0.8),  # private: only in "all"
        ObjectiveFact(13, True, "individual", None, 0.9),
    ]
    krs = [
        fact(1, 10, teams=(1,), status="on_track"),
        fact(2, 11, teams=(1, 2), status="at_risk", risk="likely", kept=1),
        fact(3, 12, public=False, teams=(1, 2), status="stale", risk="possible", kept=0),
        fact(4, 13, teams=(1, 2, 3), status="off_track"),
    ]
    t = aggregate.tally(krs, objectives, teams=[1, 2, 3, 5])
    org_all = t[("all", "organisation", 0)]
    org_public = t[("public", "organisation", 0)]
    assert (org_all.key_results, org_public.key_results) == (4, 3)
    assert org_all.progress == 0.5  # mean of the company objectives
    assert org_all.statuses["stale"] == 1 and org_public.statuses["stale"] == 0
    assert org_all.attention == 3 and org_public.attention == 2
    assert (org_all.likely_to_miss, org_all.could_miss) == (1, 1)
    assert (org_all.periods_due, org_all.periods_kept) == (8, 5)
    assert org_all.discipline == 5 / 8
    sales_all, sales_public = t[("all", "team", 2)], t[("public", "team", 2)]
    assert sales_all.progress == 0.5  # (0.2 + 0.8) / 2: the team's own objectives
    assert sales_public.progress == 0.2  # the private one left out
    assert (sales_all.key_results, sales_public.key_results) == (3, 2)
    # A team nothing counts towards is still reported, with no progress.
    empty = t[("all", "team", 5)]
    assert (empty.key_results, empty.progress, empty.discipline) == (0, None, None)
    # Company objectives have rows of their own (scope "all"; read through the policy).
    assert t[("all", "objective", 10)].progress == 0.5
    assert t[("all", "objective", 10)].key_results == 1
    assert ("public", "objective", 10) not in t


def test_the_at_risk_order() -> None:
    off = aggregate.attention_rank("off_track", "unlikely", 0.9)
    stale = aggregate.attention_rank("stale", None, 0.1)
    at_risk_likely = aggregate.attention_rank("at_risk", "likely", 0.5)
    at_risk = aggregate.attention_rank("at_risk", "possible", 0.2)
    on_track_likely = aggregate.attention_rank("on_track", "likely", 0.6)
    assert off > stale > at_risk_likely > at_risk > on_track_likely
    # Among equals, the lower projection first.
    assert aggregate.attention_rank("at_risk", None, 0.2) > aggregate.attention_rank(
        "at_risk", None, 0.6
    )
    assert aggregate.needs_attention("on_track", "likely")
    assert aggregate.needs_attention("stale", None)
    assert not aggregate.needs_attention("on_track", "possible")
    assert not aggregate.needs_attention("pending", "unknown")


statuses = st.sampled_from(aggregate.STATUSES)
risks = st.sampled_from([None, "unlikely", "possible", "likely", "unknown"])


@given(
    st.lists(
        st.tuples(st.booleans(), statuses, risks, st.integers(0, 5), st.integers(0, 5),
                  st.sets(st.integers(1, 4), max_size=3)),
        max_size=40,
    )
)
def test_public_figures_are_a_part_of_the_whole(
    rows: list[tuple[bool, str, str | None, int, int, set[int]]],
) -> None:
    krs = [
        fact(i, 100 + i, public=pub, teams=tuple(teams), status=s, risk=r, due=due,
             kept=min(kept, due))
        for i, (pub, s, r, due, kept, teams) in enumerate(rows)
    ]
    t = aggregate.tally(krs, [], teams=[1, 2, 3, 4])
    for kind, pk in [("organisation", 0), ("team", 1), ("team", 2), ("team", 3), ("team", 4)]:
        whole, part = t[("all", kind, pk)], t[("public", kind, pk)]
        assert part.key_results <= whole.key_results
        assert sum(whole.statuses.values()) == whole.key_results
        for status in aggregate.STATUSES:
            assert part.statuses[status] <= whole.statuses[status]
        assert part.periods_kept <= part.periods_due <= whole.periods_due
        assert whole.periods_kept <= whole.periods_due
    # Every key result is in the organisation once.
    assert t[("all", "organisation", 0)].key_results == len(krs)
