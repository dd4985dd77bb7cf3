"""Team retrospectives through the actions and selectors: who writes, publishes and reads;
last-writer protection and versions; when it opens; when it is due; the published message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import TestCase

from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import TeamRetrospective, TeamRetrospectiveVersion
from lineofsight.goals.team_retros import selectors as retros
from lineofsight.integrations.models import InboxItem, Notification

from ..team_retros import closed_q3

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3(cast):
    return closed_q3(cast)


def save(cast, who="ava", version=None, **texts):
    texts.setdefault("what_moved", "Healthcare pipeline doubled.")
    return actions.save_team_retrospective(
        acting_user=getattr(cast, who),
        team=cast.enterprise,
        cycle=cast.q3,
        base_version=version,
        **texts,
    )


def visible(cast, who):
    return set(
        TeamRetrospective.objects.visible_to(getattr(cast, who)).values_list("pk", flat=True)
    )


def test_members_and_the_lead_write_it_together_keeping_every_version(cast, q3):
    first = save(cast, "ava", links={"moved": [q3.public.pk]})
    second = save(cast, "sam", version=first.version, learned="Discovery calls first.")
    assert second.pk == first.pk and second.version == 2
    assert second.updated_by == cast.sam
    versions = list(TeamRetrospectiveVersion.objects.filter(retrospective=second))
    assert [(v.version, v.saved_by_id) for v in versions] == [(2, cast.sam.pk), (1, cast.ava.pk)]
    assert versions[1].links == {"moved": [q3.public.pk]}
    assert versions[0].learned == "Discovery calls first."
    assert second.state == "draft"


def test_a_save_from_an_older_version_is_refused_and_changes_nothing(cast, q3):
    first = save(cast, "ava")
    save(cast, "pia", version=first.version, what_moved="Pia's words")
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        save(cast, "sam", version=first.version, what_moved="Sam's words")
    assert "Pia Park saved this retrospective" in refused.value.errors["version"][0]
    assert "your changes were not saved" in refused.value.errors["version"][0]
    retro = TeamRetrospective.objects.get()
    assert (retro.what_moved, retro.version) == ("Pia's words", 2)
    assert AuditEvent.objects.count() == events
    # Starting afresh while one exists is refused the same way.
    with pytest.raises(Conflict):
        save(cast, "sam", version=None)


def test_only_the_team_writes_and_only_the_lead_publishes(cast, q3):
    for who in ("cora", "hana", "otto", "eli"):
        with pytest.raises(NotAllowed):
            save(cast, who)
    save(cast, "pia")
    with pytest.raises(NotAllowed):
        actions.publish_team_retrospective(
            acting_user=cast.ava, team=cast.enterprise, cycle=cast.q3
        )
    retro = actions.publish_team_retrospective(
        acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
    )
    assert retro.state == "published" and retro.published_by == cast.sam


def test_bad_input_names_the_field_and_changes_nothing(cast, q3):
    with pytest.raises(InvalidInput) as empty:
        save(cast, what_moved="  ")
    assert "what_moved" in empty.value.errors
    with pytest.raises(InvalidInput) as too_long:
        save(cast, learned="x" * 10_001)
    assert "learned" in too_long.value.errors
    with pytest.raises(InvalidInput) as foreign:
        save(cast, links={"moved": [999_999]})
    assert "links" in foreign.value.errors
    with pytest.raises(InvalidInput) as section:
        save(cast, links={"elsewhere": [q3.public.pk]})
    assert "links" in section.value.errors
    with pytest.raises(InvalidInput) as unwritten:
        actions.publish_team_retrospective(
            acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
        )
    assert "retrospective" in unwritten.value.errors
    assert not TeamRetrospective.objects.exists()


def test_it_opens_two_weeks_before_the_cycle_ends(cast, q3):
    with time_machine.travel(dt.datetime(2026, 12, 17, 12, tzinfo=dt.UTC), tick=False):
        with pytest.raises(InvalidInput) as early:
            actions.save_team_retrospective(
                acting_user=cast.ava, team=cast.enterprise, cycle=cast.q4, what_moved="Too soon"
            )
        assert "opens on 18 December 2026" in early.value.errors["cycle"][0]
    with time_machine.travel(dt.datetime(2026, 12, 18, 12, tzinfo=dt.UTC), tick=False):
        actions.save_team_retrospective(
            acting_user=cast.ava, team=cast.enterprise, cycle=cast.q4, what_moved="In time"
        )


def test_a_draft_is_the_teams_alone_and_published_follows_the_objectives(cast, q3):
    retro = save(cast, "ava")
    team = {"sam", "ava", "pia"}
    for who in cast.everyone():
        assert (retro.pk in visible(cast, who)) is (who in team), who
    actions.publish_team_retrospective(acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3)
    # A public objective of the team in Q3: everyone who may see it.
    for who in cast.everyone():
        assert retro.pk in visible(cast, who), who


def test_published_without_a_public_objective_reaches_the_chain_and_hr(cast, q3):
    from lineofsight.goals.models import Objective

    Objective.objects.filter(pk=q3.public.pk).update(visibility="private")
    save(cast, "ava")
    retro = actions.publish_team_retrospective(
        acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
    )
    readers = {who for who in cast.everyone() if retro.pk in visible(cast, who)}
    assert readers == {"sam", "ava", "pia", "cora", "hana"}


def test_the_view_shows_grades_of_the_objectives_the_viewer_may_see(cast, q3):
    save(cast, "sam", links={"moved": [q3.public.pk, q3.private.pk]})
    actions.publish_team_retrospective(acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3)
    with pytest.raises(InvalidInput):  # Ava does not see the private team objective
        save(cast, "ava", links={"moved": [q3.private.pk]})
    lead = retros.team_retrospective(cast.sam, cast.enterprise, cast.q3)
    assert [g.objective.pk for g in lead.objectives] == [q3.public.pk, q3.private.pk]
    mine = retros.team_retrospective(cast.ava, cast.enterprise, cast.q3)
    assert [g.objective.pk for g in mine.objectives] == [q3.public.pk]
    public = mine.objectives[0].grade
    assert (public.computed, public.adjusted) == (0.6, 0.7)
    assert public.reason == "Two deals signed the week after the quarter ended"
    outsider = retros.team_retrospective(cast.otto, cast.enterprise, cast.q3)
    assert [g.objective.pk for g in outsider.objectives] == [q3.public.pk]
    moved = outsider.sections[0]
    assert moved.key == "moved" and [o.pk for o in moved.objectives] == [q3.public.pk]


def test_last_team_retrospective_is_the_latest_before_the_cycle(cast, q3):
    assert retros.last_team_retrospective(cast.otto, cast.enterprise, cast.q4) is None
    save(cast, "ava")
    assert retros.last_team_retrospective(cast.otto, cast.enterprise, cast.q4) is None  # draft
    mine = retros.last_team_retrospective(cast.pia, cast.enterprise, cast.q4)
    assert mine is not None and mine.is_draft
    actions.publish_team_retrospective(acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3)
    summary = retros.last_team_retrospective(cast.otto, cast.enterprise, cast.q4)
    assert summary is not None and summary.cycle == cast.q3 and not summary.is_draft
    assert summary.average_grade == 0.6
    # Not for a cycle that starts before Q3 ended, nor of another kind.
    assert retros.last_team_retrospective(cast.otto, cast.enterprise, cast.q3) is None
    assert retros.last_team_retrospective(cast.otto, cast.enterprise, cast.fy) is None


def test_due_while_missing_or_a_draft_for_the_teams_writers(cast, q3):
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC), tick=False):
        due = retros.due_team_retrospectives(cast.sam, led_only=True)
        assert [(d.team, d.cycle, d.state) for d in due] == [(cast.enterprise, cast.q3, "")]
        assert retros.due_team_retrospectives(cast.otto) == []
        assert [d.team for d in retros.due_team_retrospectives(cast.ava)] == [cast.enterprise]
        assert retros.due_team_retrospectives(cast.ava, led_only=True) == []
        save(cast, "ava")
        assert [d.state for d in retros.due_team_retrospectives(cast.sam)] == ["draft"]
        actions.publish_team_retrospective(
            acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
        )
        assert retros.due_team_retrospectives(cast.sam) == []
    # Six weeks after the end it is no longer asked for (it may still be written).
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        assert retros.due_team_retrospectives(cast.pia) == []


def test_publishing_tells_the_team_once_without_the_text(cast, q3):
    save(cast, "ava", what_moved="Secret words of the team")
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.publish_team_retrospective(
            acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.publish_team_retrospective(
            acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
        )
    items = InboxItem.objects.filter(kind="team_retro")
    assert sorted(i.recipient.username for i in items) == ["ava", "pia"]
    for item in items:
        assert "Enterprise Sales's retrospective of Q3 2026" in item.subject
        assert "Secret words" not in item.subject + item.body
    assert not Notification.objects.filter(kind="team_retro", channel="email").exists()


def test_the_audit_log_never_holds_the_text(cast, q3):
    save(cast, "ava", what_moved="Words only the team reads")
    events = AuditEvent.objects.filter(action__startswith="team.retrospective")
    assert events.count() == 1
    assert "Words only" not in str(events.get().data)
