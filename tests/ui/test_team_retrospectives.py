"""The team retrospective in the browser views: the page (write, refused stale save, publish,
history), the grades beside it, and where it is asked for and summarised (team page, home,
close-out, team dashboard)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from django.test import Client

from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, TeamRetrospective

from ..closing import next_quarter
from ..team_retros import closed_q3

pytestmark = pytest.mark.django_db

IN_OCTOBER = dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC)


def text(response) -> str:
    words = re.sub(r"<(strong|/strong|span[^>]*|/span)>", "", response.content.decode())
    return html.unescape(re.sub(r"\s+", " ", words))


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def q3(cast):
    return closed_q3(cast)


def url(cast, suffix=""):
    return f"/teams/{cast.enterprise.pk}/retrospectives/{cast.q3.pk}/{suffix}"


def form(version=0, **fields):
    data = {"version": str(version), "what_moved": "", "what_did_not_move": "", "learned": ""}
    data.update({"will_change": ""}, **fields)
    return data


def test_a_member_writes_it_and_sees_the_grades_beside_it(cast, q3):
    client = signed_in(cast.ava)
    page = text(client.get(url(cast)))
    assert "Objectives and grades" in page
    assert "0.60" in page and "0.70" in page
    assert "Two deals signed the week after the quarter ended" in page
    assert 'name="what_moved"' in page
    response = client.post(
        url(cast), form(what_moved="Healthcare doubled", links_moved=[str(q3.public.pk)])
    )
    assert response.status_code == 302
    retro = TeamRetrospective.objects.get()
    assert retro.what_moved == "Healthcare doubled" and retro.version == 1
    assert list(retro.links.values_list("objective_id", flat=True)) == [q3.public.pk]
    page = text(client.get(url(cast)))
    assert "History: 1 version" in page and "Draft" in page


def test_a_stale_save_is_refused_with_a_clear_message_and_keeps_the_text(cast, q3):
    signed_in(cast.ava).post(url(cast), form(what_moved="Ava's first words"))
    signed_in(cast.pia).post(url(cast), form(1, what_moved="Pia's words"))
    response = signed_in(cast.sam).post(url(cast), form(1, what_moved="Sam's words"))
    assert response.status_code == 409
    page = text(response)
    assert "Pia Park saved this retrospective" in page
    assert "Sam's words" in page  # still in the form
    assert "The latest saved version (2)" in page and "Pia's words" in page
    assert TeamRetrospective.objects.get().what_moved == "Pia's words"


def test_bad_input_names_the_field(cast, q3):
    response = signed_in(cast.ava).post(url(cast), form())
    assert response.status_code == 422
    assert "Write at least one section." in text(response)
    assert not TeamRetrospective.objects.exists()


def test_the_lead_publishes_and_then_everyone_who_sees_the_objectives_reads_it(cast, q3):
    signed_in(cast.ava).post(url(cast), form(what_moved="Healthcare doubled"))
    assert "Healthcare doubled" not in text(signed_in(cast.otto).get(url(cast)))
    assert "Publish the retrospective" not in text(signed_in(cast.ava).get(url(cast)))
    assert signed_in(cast.ava).post(url(cast, "publish/")).status_code == 403
    lead = signed_in(cast.sam)
    assert "Publish the retrospective" in text(lead.get(url(cast)))
    assert lead.post(url(cast, "publish/")).status_code == 302
    page = text(signed_in(cast.otto).get(url(cast)))
    assert "Healthcare doubled" in page and "Published" in page
    assert 'name="what_moved"' not in page  # not his to write
    assert "History" not in page


def test_the_team_page_asks_for_it_and_then_summarises_it(cast, q3):
    team_url = f"/teams/{cast.enterprise.pk}/"
    with time_machine.travel(IN_OCTOBER, tick=False):
        page = text(signed_in(cast.ava).get(team_url))
        assert "write the team's retrospective together" in page
        assert "Write the retrospective" in page
        assert "write the team's retrospective" not in text(signed_in(cast.otto).get(team_url))
        signed_in(cast.ava).post(url(cast), form(what_moved="Healthcare doubled"))
        signed_in(cast.sam).post(url(cast, "publish/"))
        page = text(signed_in(cast.otto).get(team_url))
        assert "Looking back: Enterprise Sales in Q3 2026" in page
        assert "Healthcare doubled" in page and "Read it" in page


def test_the_leads_home_and_the_close_out_page_ask_for_it(cast, q3):
    with time_machine.travel(IN_OCTOBER, tick=False):
        home = text(signed_in(cast.sam).get("/"))
        assert "Enterprise Sales has no retrospective of Q3 2026 yet." in home
        assert "has no retrospective" not in text(signed_in(cast.ava).get("/"))  # not a lead
        close_out = text(signed_in(cast.ava).get(f"/cycles/{cast.q3.pk}/close-out/"))
        assert "Enterprise Sales has no retrospective of Q3 2026 yet." in close_out
        signed_in(cast.ava).post(url(cast), form(what_moved="Healthcare doubled"))
        home = text(signed_in(cast.sam).get("/"))
        assert "is a draft: finish and publish it" in home


def test_the_team_dashboard_shows_it_while_the_next_cycle_is_planned(cast, q3):
    signed_in(cast.ava).post(url(cast), form(what_moved="Healthcare doubled"))
    actions.publish_team_retrospective(acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3)
    dashboard = f"/dashboards/teams/{cast.enterprise.pk}/"
    assert "Looking back" not in text(signed_in(cast.eli).get(dashboard))
    nxt = next_quarter(cast)
    Cycle.objects.filter(pk__in=[nxt.year.pk, nxt.quarter.pk]).update(state=Cycle.State.PLANNING)
    page = text(signed_in(cast.eli).get(dashboard))
    assert "Q1 2027 is being planned" in page
    assert "Looking back: Enterprise Sales in Q3 2026" in page and "Healthcare doubled" in page


def test_the_plan_shows_the_teams_last_retrospective_to_whoever_may_read_it(cast, q3):
    team_plan = f"/plan/?team={cast.enterprise.pk}"
    with time_machine.travel(IN_OCTOBER, tick=False):
        signed_in(cast.ava).post(url(cast), form(what_moved="Healthcare doubled"))
        own = text(signed_in(cast.ava).get("/plan/"))
        assert "Looking back: Enterprise Sales in Q3 2026 Draft" in own
        assert "Healthcare doubled" in own
        assert "Healthcare doubled" in text(signed_in(cast.sam).get(team_plan))
        outsider = text(signed_in(cast.otto).get(team_plan))
        assert "Looking back" not in outsider and "Healthcare doubled" not in outsider
        actions.publish_team_retrospective(
            acting_user=cast.sam, team=cast.enterprise, cycle=cast.q3
        )
        outsider = text(signed_in(cast.otto).get(team_plan))
        assert "Looking back: Enterprise Sales in Q3 2026" in outsider
        assert "Healthcare doubled" in outsider and "Q3 2026 Draft" not in outsider
