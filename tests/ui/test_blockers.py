"""Blockers in the browser pages: raised from the check-in form, listed on the assignee's
home, the team dashboard and the key result (objective page), moved and reassigned on the
blocker's own page, hidden with their objective."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from lineofsight.goals import actions
from lineofsight.goals.models import Blocker

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def raise_one(cast, kr, words="Legal review queue is three weeks long", assignee=None):
    ci = actions.record_check_in(
        acting_user=cast.ava,
        key_result=kr,
        value=3,
        confidence="at_risk",
        blockers=[actions.BlockerInput(words, assignee.pk if assignee else None)],
    )
    return ci.raised_blockers.get()


def test_the_check_in_form_raises_blockers_with_assignees(cast, cascade, as_user):
    client = as_user(cast.ava)
    url = reverse("key-result-check-in", args=[cascade.ava_opps.pk])
    form = text(client.get(url))
    assert 'name="blocker_1_assignee"' in form and f'value="{cast.sam.pk}"' in form  # manager
    response = client.post(
        url,
        {
            "value": "4",
            "confidence": "at_risk",
            "blocker_1": "CRM export broken",
            "blocker_1_assignee": str(cast.pia.pk),
            "blocker_2": "Pricing sign-off",
            "context": "objective",
        },
    )
    assert response.status_code == 302
    rows = list(Blocker.objects.order_by("pk").values_list("text", "assignee__username"))
    assert rows == [("CRM export broken", "pia"), ("Pricing sign-off", None)]


def test_an_assignee_without_text_is_refused_on_its_field(cast, cascade, as_user):
    client = as_user(cast.ava)
    url = reverse("key-result-check-in", args=[cascade.ava_opps.pk])
    response = client.post(
        url, {"value": "4", "confidence": "at_risk", "blocker_1_assignee": str(cast.pia.pk)}
    )
    assert response.status_code == 422
    assert "Say what is in the way before assigning it." in text(response)
    assert not Blocker.objects.exists() and not cascade.ava_opps.check_ins.exists()


def test_home_lists_the_blockers_assigned_to_me(cast, cascade, as_user):
    blocker = raise_one(cast, cascade.ava_opps, assignee=cast.pia)
    body = text(as_user(cast.pia).get(reverse("home")))
    assert "Blockers assigned to you" in body
    assert "Legal review queue is three weeks long" in body
    assert escape(cascade.ava_opps.title) in body and "raised by Ava" in body
    assert reverse("blocker", args=[blocker.pk]) in body
    assert "Blockers assigned to you" not in text(as_user(cast.sam).get(reverse("home")))


def test_the_team_dashboard_lists_open_blockers(cast, cascade, as_user):
    raise_one(cast, cascade.ava_opps, assignee=cast.pia)
    done = raise_one(cast, cascade.ava_legal, words="Old blocker")
    actions.set_blocker_state(acting_user=cast.ava, blocker=done, state="resolved", note="Fixed")
    body = text(as_user(cast.sam).get(reverse("dashboard-team", args=[cast.enterprise.pk])))
    assert "Open blockers" in body and "Legal review queue is three weeks long" in body
    assert "Old blocker" not in body
    empty = text(as_user(cast.eli).get(reverse("dashboard-team", args=[cast.platform.pk])))
    assert "Nothing is blocking the team's key results." in empty


def test_the_key_result_shows_open_and_recently_resolved_blockers(cast, cascade, as_user):
    raise_one(cast, cascade.ava_opps, assignee=cast.pia)
    done = raise_one(cast, cascade.ava_opps, words="Old blocker")
    actions.set_blocker_state(acting_user=cast.ava, blocker=done, state="resolved", note="Fixed")
    body = text(as_user(cast.pia).get(reverse("objective", args=[cascade.ava_obj.pk])))
    kr_row = body[body.index(f'id="kr-{cascade.ava_opps.pk}"') :]
    assert "Blockers" in kr_row and "Legal review queue" in kr_row and "for Pia" in kr_row
    assert "Old blocker" in kr_row and "Resolved" in kr_row


def test_the_blocker_page_resolves_with_a_note_and_reassigns(cast, cascade, as_user):
    blocker = raise_one(cast, cascade.ava_opps, assignee=cast.pia)
    client = as_user(cast.pia)
    page = text(client.get(reverse("blocker", args=[blocker.pk])))
    assert "Change its state" in page and "Being handled" in page
    assert "Assign it" not in page  # the assignee moves it but does not reassign it
    refused = client.post(reverse("blocker-state", args=[blocker.pk]), {"state": "resolved"})
    assert refused.status_code == 422
    assert "Say in a few words how it was resolved." in text(refused)
    client.post(
        reverse("blocker-state", args=[blocker.pk]),
        {"state": "resolved", "note": "Legal added a reviewer."},
    )
    blocker.refresh_from_db()
    assert blocker.state == "resolved" and blocker.resolution_note == "Legal added a reviewer."
    page = text(client.get(reverse("blocker", args=[blocker.pk])))
    assert "Reopen" in page and "Legal added a reviewer." in page
    assert "moved it from open to resolved" in page
    sam = as_user(cast.sam)
    sam.post(reverse("blocker-assign", args=[blocker.pk]), {"assignee": str(cast.ava.pk)})
    blocker.refresh_from_db()
    assert blocker.assignee == cast.ava


def test_a_private_objectives_blocker_is_a_404_to_outsiders(cast, cascade, as_user):
    actions.update_objective(
        acting_user=cast.ava, objective=cascade.ava_obj, visibility="private", reason="Private"
    )
    blocker = raise_one(cast, cascade.ava_opps)
    assert as_user(cast.pia).get(reverse("blocker", args=[blocker.pk])).status_code == 404
    assert (
        as_user(cast.pia)
        .post(reverse("blocker-state", args=[blocker.pk]), {"state": "handling"})
        .status_code
        == 404
    )
    assert as_user(cast.sam).get(reverse("blocker", args=[blocker.pk])).status_code == 200
    assert as_user(cast.otto).get(reverse("blocker", args=[blocker.pk])).status_code == 404
    blocker.refresh_from_db()
    assert blocker.state == "open"
