"""Search through the selector: the index kept current by the actions, the access policy,
ranking and grouping. Runs on SQLite (FTS5) and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from lineofsight.goals import actions as goals
from lineofsight.people import actions as people
from lineofsight.search import build as search_build
from lineofsight.search import index
from lineofsight.search.selectors import search

from ..search_world import Searchable
from ..search_world import build as build_searchable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast) -> Searchable:  # type: ignore[no-untyped-def]
    return build_searchable(cast)


def titles(person, text: str, kind: str | None = None, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    found = search(person, text, kinds=[kind] if kind else None, **kw)
    return [r.title for g in found.groups for r in g.results]


def test_prefix_finds_as_you_type(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    for typed in ("o", "on", "onb", "onbo", "onboarding", "ONBOARDING"):
        assert world.public.title in titles(cast.pia, typed, "objective"), typed


def test_every_kind_is_found_and_grouped(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    found = search(cast.hana, "onboarding")
    kinds = [g.kind for g in found.groups]
    assert kinds[:2] == ["objective", "key_result"]
    assert search(cast.hana, "zephyrine").groups[0].results[0].id == world.private.pk
    assert [g.kind for g in search(cast.hana, "quetzal").groups] == ["key_result"]
    assert [g.kind for g in search(cast.hana, "xylograph").groups] == ["initiative"]
    person = search(cast.ava, "haddad").groups[0]
    assert (person.kind, person.results[0].title) == ("person", "Hana Haddad")
    assert person.results[0].context == "HR Director"
    team = search(cast.ava, "enterpr").groups[0]
    assert (team.kind, team.results[0].title, team.results[0].context) == (
        "team",
        "Enterprise Sales",
        "Team",
    )


def test_cycle_owner_and_state_are_shown(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    (group,) = search(cast.pia, "onboarding", kinds=["objective"]).groups
    by_id = {r.id: r for r in group.results}
    assert by_id[world.public.pk].context == "Q4 2026 · Ava Adams"
    assert by_id[world.public.pk].state == ""
    assert by_id[world.abandoned.pk].state == "Abandoned"
    assert by_id[world.last_quarter.pk].context.startswith("Q3 2026")
    assert by_id[world.public.pk].url == f"/objectives/{world.public.pk}/"
    kr = search(cast.pia, "completion").groups[0].results[0]
    assert kr.url == f"/objectives/{world.public.pk}/#kr-{world.public_kr.pk}"
    assert "in “Onboarding that customers finish”" in kr.context


def test_ranking_titles_live_and_current_first(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    order = titles(cast.pia, "onboarding", "objective")
    # Live and in the current quarter, then the closed quarter's, then the abandoned one.
    assert order == [world.public.title, world.last_quarter.title, world.abandoned.title]
    # A title match comes before a match in the description only.
    goals.update_objective(
        acting_user=cast.ava,
        objective=world.team,
        description="Customers first, customers always.",
        reason="Scope.",
    )
    assert titles(cast.ava, "customers", "objective") == [world.public.title, world.team.title]
    # Exact words before prefixes.
    goals.create_objective(
        acting_user=cast.ava,
        title="Onboard the two new hires",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    assert titles(cast.pia, "onboard", "objective")[0] == "Onboard the two new hires"


def test_private_things_never_appear_to_outsiders(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    for word in ("zephyrine", "quetzal", "xylograph"):
        for outsider in (cast.pia, cast.dev, cast.otto, cast.eli):
            assert search(outsider, word).groups == [], (word, outsider.username)
        for insider in (cast.ava, cast.sam, cast.cora, cast.hana):
            assert search(insider, word).total == 1, (word, insider.username)
    # Team-visible: her teammate sees it, the outsider does not.
    assert titles(cast.pia, "renewal playbook") == [world.team.title]
    assert titles(cast.otto, "renewal playbook") == []


def test_inactive_people_are_not_found(cast) -> None:  # type: ignore[no-untyped-def]
    people.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    assert titles(cast.ava, "otto") == []
    assert search(cast.otto, "ava").groups == []  # nor does an inactive person search


def test_actions_keep_the_index_current(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    goals.update_objective(
        acting_user=cast.ava,
        objective=world.public,
        title="Activation that customers finish",
        reason="Wording.",
    )
    assert titles(cast.pia, "activation", "objective") == ["Activation that customers finish"]
    assert world.public.pk not in [
        r.id for g in search(cast.pia, "onboarding customers").groups for r in g.results
    ]
    goals.update_key_result(
        acting_user=cast.ava,
        key_result=world.public_kr,
        title="Activated accounts doubled",
        reason="Clearer.",
    )
    assert titles(cast.pia, "activated", "key_result") == ["Activated accounts doubled"]
    goals.update_initiative(
        acting_user=cast.ava, initiative=world.private_initiative, title="Yarrow hidden workshop"
    )
    assert titles(cast.ava, "yarrow") == ["Yarrow hidden workshop"]
    assert titles(cast.ava, "xylograph") == []
    people.update_person(acting_user=cast.hana, person=cast.dev, display_name="Devika Diaz")
    assert titles(cast.ava, "devika") == ["Devika Diaz"]
    people.update_team(acting_user=cast.hana, team=cast.legal, name="Legal and Compliance")
    assert titles(cast.ava, "compliance") == ["Legal and Compliance"]
    team = people.create_team(acting_user=cast.hana, name="Quokka Guild", parent=cast.acme)
    assert titles(cast.ava, "quokka") == ["Quokka Guild"]
    people.delete_team(acting_user=cast.hana, team=team)
    assert titles(cast.ava, "quokka") == []
    assert search_build.verify().ok


def test_check_ins_leave_the_index_alone(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    before = index.contents()
    goals.record_check_in(
        acting_user=cast.ava, key_result=world.public_kr, value=5, confidence="on_track"
    )
    assert index.contents() == before


def test_rebuild_and_verify(cast, world: Searchable) -> None:  # type: ignore[no-untyped-def]
    assert search_build.verify().ok
    index.remove("objective", [world.public.pk])
    index.write([index.Document("objective", world.team.pk, "Stale words", "")])
    index.write([index.Document("team", 999_999, "Gone", "")])
    result = search_build.verify()
    assert (result.missing, result.stale, result.extra) == (1, 1, 1)
    out = io.StringIO()
    with pytest.raises(Exception, match="differs from the data"):
        call_command("search", verify=True, stdout=out)
    call_command("search", rebuild=True, stdout=out)
    assert "Search index rebuilt" in out.getvalue()
    assert search_build.verify().ok
    assert world.public.title in titles(cast.pia, "onboarding", "objective")


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        "'onbo",
        'onbo"',
        "onbo*",
        "NOT",
        "AND OR",
        "a:b",
        "(x",
        "NEAR(a b)",
        "x" * 200,
        "é" * 200,
        "💥",
        "\x00",
        "-",
        "title:onbo",
        "^onbo",
        "{title body}: x",
        "onbo & !x | y",
    ],
)
def test_bad_input_never_fails(cast, world: Searchable, typed: str) -> None:  # type: ignore[no-untyped-def]
    search(cast.hana, typed)  # no exception: quotes and operators are plain separators


def test_limit_per_group(cast) -> None:  # type: ignore[no-untyped-def]
    for n in range(8):
        goals.create_objective(
            acting_user=cast.ava,
            title=f"Wombat idea {n}",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
    assert len(titles(cast.pia, "wombat")) == 5
    assert len(titles(cast.pia, "wombat", limit=20)) == 8


def test_the_index_is_the_databases_own(db) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_gin'"
            )
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()
