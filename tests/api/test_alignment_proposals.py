"""Nobody moves an objective they cannot edit: a contribution into one is a proposal, shown
but counted nowhere until one of its editors accepts it (over the API)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lineofsight.goals import actions, rollup
from lineofsight.goals.models import AlignmentLink, Objective
from lineofsight.integrations.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(cast):
    """A company objective counting its children, at 50 %: Sales's objective, halfway."""
    company = actions.create_objective(
        acting_user=cast.cora,
        title="Win the enterprise market",
        level="company",
        cycle=cast.q4,
        owner_team=cast.acme,
        progress_mode="children",
    )
    sales = actions.create_objective(
        acting_user=cast.sam,
        title="Build enterprise pipeline",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
    )
    kr = actions.create_key_result(
        acting_user=cast.sam,
        objective=sales,
        title="40 qualified opportunities",
        kind="increase",
        start_value=0,
        target_value=40,
        owner=cast.sam,
    )
    actions.record_check_in(acting_user=cast.sam, key_result=kr, value=20, confidence="on_track")
    proposal = actions.align_objective(acting_user=cast.sam, child=sales, parent_objective=company)
    actions.accept_alignment(acting_user=cast.cora, link=proposal)
    return Objective.objects.get(pk=company.pk)


def empty_private_objective(cast, person):
    return actions.create_objective(
        acting_user=person,
        title=f"{person.name}'s side project",
        level="individual",
        cycle=cast.q4,
        owner_person=person,
        visibility="private",
    )


def progress(api, objective) -> float:
    return api.get(f"/objectives/{objective.pk}").json()["progress"]


def verified() -> bool:
    out = StringIO()
    try:
        call_command("rollup", "--verify", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        return exit_.code in (0, None)
    return "no differences" in out.getvalue()


def test_an_employee_cannot_move_a_company_objective(
    cast, company, as_person, django_capture_on_commit_callbacks
):
    dev, cora = as_person("dev"), as_person("cora")
    assert progress(cora, company) == pytest.approx(0.5)
    side = empty_private_objective(cast, cast.dev)
    with django_capture_on_commit_callbacks(execute=True):
        created = dev.post(
            "/alignment-links",
            {
                "child": side.pk,
                "parent_objective": company.pk,
                "kind": "contributes",
                "weight": 100,
            },
        )
    assert created.status_code == 201, created.content
    link = created.json()
    assert (link["state"], link["counts"], link["live"]) == ("pending", False, True)
    assert link["created_by"] == cast.dev.pk and link["created_by_name"] == "Dev Diaz"
    assert link["decided_at"] is None
    # 50 %, not 3 %: nothing counts until the company objective's editors accept it.
    assert progress(cora, company) == pytest.approx(0.5)
    assert Objective.objects.get(pk=company.pk).progress == pytest.approx(0.5)
    explained = cora.get(f"/objectives/{company.pk}/explanation").json()
    assert [t["label"] for t in explained["terms"]] == ["Build enterprise pipeline"]
    assert verified()
    # Shown on both sides, with who proposed it.
    parents = dev.get(f"/objectives/{side.pk}").json()["parents"]
    assert [(p["id"], p["state"]) for p in parents] == [(link["id"], "pending")]
    children = cora.get(f"/objectives/{company.pk}/children").json()
    assert {c["link"]["id"]: c["link"]["state"] for c in children}[link["id"]] == "pending"
    pending = cora.get("/alignment-links", state="pending").json()["items"]
    assert [p["id"] for p in pending] == [link["id"]]
    # The company objective's decider (its team's lead) is told.
    [told] = Notification.objects.filter(kind="alignment")
    assert told.recipient == cast.cora
    assert told.subject == (
        "Dev Diaz proposes that \u201cDev Diaz's side project\u201d counts towards "
        "\u201cWin the enterprise market\u201d"
    )
    assert "weight 100" in told.body and f"/objectives/{company.pk}/" in told.body
    # ... and finds it among her notifications, by its kind too.
    for listed in (cora.get("/notifications"), cora.get("/notifications", kind="alignment")):
        assert listed.status_code == 200, listed.content
        assert told.subject in [n["subject"] for n in listed.json()["items"]]


def test_an_editor_accepts_setting_the_weight_and_the_proposer_is_told(
    cast, company, as_person, django_capture_on_commit_callbacks
):
    dev, cora = as_person("dev"), as_person("cora")
    side = empty_private_objective(cast, cast.dev)
    link = dev.post(
        "/alignment-links", {"child": side.pk, "parent_objective": company.pk, "weight": 100}
    ).json()
    refused = dev.post(f"/alignment-links/{link['id']}/accept", {})
    assert refused.status_code == 403  # the proposer cannot accept their own proposal
    with django_capture_on_commit_callbacks(execute=True):
        accepted = cora.post(f"/alignment-links/{link['id']}/accept", {"weight": 1})
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert (body["state"], body["counts"], body["weight"]) == ("accepted", True, 1.0)
    assert body["decided_by"] == cast.cora.pk and body["decided_at"]
    assert progress(cora, company) == pytest.approx(0.25)  # (0.5 x 1 + 0 x 1) / 2
    assert verified()
    told = Notification.objects.get(kind="alignment", recipient=cast.dev)
    assert told.subject.startswith("Accepted: ")
    assert "now counts, with weight 1" in told.body
    again = cora.post(f"/alignment-links/{link['id']}/accept", {})
    assert again.status_code == 422 and list(again.json()["errors"]) == ["__all__"]


def test_an_editor_declines_with_a_reason_the_proposer_reads(
    cast, company, as_person, django_capture_on_commit_callbacks
):
    dev, cora = as_person("dev"), as_person("cora")
    side = empty_private_objective(cast, cast.dev)
    link = dev.post("/alignment-links", {"child": side.pk, "parent_objective": company.pk}).json()
    no_reason = cora.post(f"/alignment-links/{link['id']}/decline", {"reason": " "})
    assert no_reason.status_code == 422 and list(no_reason.json()["errors"]) == ["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        declined = cora.post(
            f"/alignment-links/{link['id']}/decline", {"reason": "Not part of this year's plan"}
        )
    assert declined.status_code == 200, declined.content
    body = declined.json()
    assert (body["state"], body["live"], body["counts"]) == ("declined", False, False)
    assert body["decision_reason"] == "Not part of this year's plan"
    assert progress(cora, company) == pytest.approx(0.5)
    told = Notification.objects.get(kind="alignment", recipient=cast.dev)
    assert told.subject.startswith("Declined: ")
    assert "Why: Not part of this year's plan" in told.body
    # Declined and ended, it may be proposed again.
    again = dev.post("/alignment-links", {"child": side.pk, "parent_objective": company.pk})
    assert again.status_code == 201 and again.json()["state"] == "pending"


def test_links_made_by_the_parents_editors_count_at_once(cast, company, as_person):
    cora = as_person("cora")
    own = actions.create_objective(
        acting_user=cast.cora,
        title="Board-level deals",
        level="team",
        cycle=cast.q4,
        owner_team=cast.acme,
    )
    made = cora.post("/alignment-links", {"child": own.pk, "parent_objective": company.pk})
    assert made.json()["state"] == "accepted" and made.json()["counts"] is True
    assert made.json()["decided_by"] == cast.cora.pk
    assert not Notification.objects.filter(kind="alignment").exists()


def test_changing_the_weight_of_a_counted_contribution_is_a_proposal_again(
    cast, company, as_person
):
    sam = as_person("sam")
    link = AlignmentLink.objects.get(parent_objective=company, ended_at__isnull=True)
    changed = sam.patch(f"/alignment-links/{link.pk}", {"weight": 50})
    assert changed.status_code == 200, changed.content
    assert changed.json()["state"] == "pending" and changed.json()["weight"] == 50.0
    # The old link ended; the company objective now counts nothing until Cora decides.
    assert progress(as_person("cora"), company) == 0.0
    assert verified()


def test_a_child_the_deciders_may_not_see_is_not_proposed(cast, as_person):
    """Sam decides for the Sales objective and may not see Dev's private objective: proposing
    it would show it to him, so it is refused (Dev is told what to do instead)."""
    sales = actions.create_objective(
        acting_user=cast.sam,
        title="Sales plan",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
    )
    side = empty_private_objective(cast, cast.dev)
    refused = as_person("dev").post(
        "/alignment-links", {"child": side.pk, "parent_objective": sales.pk}
    )
    assert refused.status_code == 422
    [message] = refused.json()["errors"]["parent_objective"]
    assert message.startswith("Sam Sato, who decides what counts towards 'Sales plan', may not")
    assert "Make it visible to them" in message
    assert not AlignmentLink.objects.filter(child=side).exists()
    assert not Notification.objects.exists()
    # Visible to everyone, it may be proposed.
    actions.update_objective(acting_user=cast.dev, objective=side, visibility="public")
    ok = as_person("dev").post("/alignment-links", {"child": side.pk, "parent_objective": sales.pk})
    assert ok.status_code == 201 and ok.json()["state"] == "pending"


def test_a_proposal_counts_from_its_acceptance_in_the_history(cast, company):
    side = empty_private_objective(cast, cast.dev)
    kr = actions.create_key_result(
        acting_user=cast.dev, objective=side, title="Done", kind="milestone", owner=cast.dev
    )
    actions.record_check_in(acting_user=cast.dev, key_result=kr, done=True, confidence="on_track")
    link = actions.align_objective(acting_user=cast.dev, child=side, parent_objective=company)
    proposed_at = link.created_at
    actions.accept_alignment(acting_user=cast.cora, link=link)
    now = AlignmentLink.objects.get(pk=link.pk).decided_at
    assert rollup.load_snapshot(now).compute().objectives[company.pk].value == pytest.approx(0.75)
    before = rollup.load_snapshot(proposed_at).compute().objectives[company.pk].value
    assert before == pytest.approx(0.5)
