"""/api/alignment-links (the cascade's rules as 422s naming the field) and /api/initiatives."""

from __future__ import annotations

import pytest

from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, Initiative, Objective

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def team_objective(cast, title, team, cycle=None, mode="key_results"):
    return actions.create_objective(
        acting_user=cast.hana,
        title=title,
        level="team",
        cycle=cycle or cast.q4,
        owner_team=team,
        progress_mode=mode,
    )


def test_list_and_read_links(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    live = ava.get("/alignment-links").json()
    assert live["count"] == 3
    row = next(i for i in live["items"] if i["child"] == c.ava_obj.pk)
    assert row["parent_objective"] == c.sales.pk and row["parent_key_result"] is None
    assert row["parent_title"] == c.sales.title and row["child_title"] == c.ava_obj.title
    assert row["live"] is True and row["ended_at"] is None
    assert ids(ava.get("/alignment-links", child=c.platform.pk)) == {
        AlignmentLink.objects.get(child=c.platform).pk
    }
    assert len(ids(ava.get("/alignment-links", parent_key_result=c.logos.pk))) == 1
    assert len(ids(ava.get("/alignment-links", parent_objective=c.sales.pk))) == 1
    assert ids(ava.get("/alignment-links", live="false")) == set()
    assert ava.get(f"/alignment-links/{row['id']}").json() == row


def test_create_change_and_end_a_link(cast, as_person):
    c = build_cascade(cast)
    sam = as_person("sam")
    enterprise = team_objective(cast, "Enterprise pipeline", cast.enterprise)
    created = sam.post(
        "/alignment-links",
        {"child": enterprise.pk, "parent_objective": c.sales.pk, "weight": 2},
    )
    assert created.status_code == 201, created.content
    link = created.json()
    assert (link["child"], link["parent_objective"], link["kind"], link["weight"]) == (
        enterprise.pk,
        c.sales.pk,
        "contributes",
        2.0,
    )
    assert link["created_by"] == cast.sam.pk

    changed = sam.patch(f"/alignment-links/{link['id']}", {"weight": 3, "reason": "Bigger bet"})
    assert changed.status_code == 200
    new = changed.json()
    assert new["id"] != link["id"] and new["weight"] == 3.0 and new["live"] is True
    old = sam.get(f"/alignment-links/{link['id']}").json()
    assert old["live"] is False and old["end_reason"] == "Bigger bet"
    assert sam.get("/alignment-links", live="false").json()["items"][0]["id"] == link["id"]

    ended = sam.delete(f"/alignment-links/{new['id']}", reason="Reorganised")
    assert ended.status_code == 204
    gone = AlignmentLink.objects.get(pk=new["id"])
    assert gone.ended_at is not None and gone.end_reason == "Reorganised"
    assert enterprise.pk not in {
        ch["objective"]["id"] for ch in sam.get(f"/objectives/{c.sales.pk}/children").json()
    }
    again = sam.delete(f"/alignment-links/{new['id']}")
    assert again.status_code == 422 and list(again.json()["errors"]) == ["__all__"]


def test_alignment_rules_are_422_naming_the_field(cast, as_person):
    c = build_cascade(cast)
    hana = as_person("hana")
    annual = team_objective(cast, "Annual platform", cast.platform, cycle=cast.fy)
    q3 = actions.create_objective(
        acting_user=cast.hana,
        title="Q3 thing",
        level="team",
        cycle=cast.q3,
        owner_team=cast.sales,
        amendment_reason="test data",
    )
    a = team_objective(cast, "A", cast.enterprise)
    b = team_objective(cast, "B", cast.enterprise)
    actions.align_objective(acting_user=cast.hana, child=a, parent_objective=b, kind="supports")
    # Sales counts towards the company objective; Ava already counts towards Sales.
    actions.update_objective(acting_user=cast.hana, objective=c.company, progress_mode="both")
    actions.align_objective(acting_user=cast.hana, child=c.sales, parent_objective=c.company)
    before = AlignmentLink.objects.count()

    def refused(payload, field, words):
        response = hana.post("/alignment-links", payload)
        assert response.status_code == 422, response.content
        errors = response.json()["errors"]
        assert list(errors) == [field], errors
        assert words in errors[field][0]

    # The parent must lie in the child's cycle or the year around it.
    refused({"child": c.platform.pk, "parent_objective": q3.pk}, "parent_objective", "Q3 2026")
    refused(
        {"child": annual.pk, "parent_key_result": c.verticals.pk},
        "parent_key_result",
        "neither is nor encloses",
    )
    # Loops.
    refused(
        {"child": b.pk, "parent_objective": a.pk, "kind": "supports"},
        "parent_objective",
        "loop",
    )
    # Counting Ava's progress twice in the company objective.
    refused({"child": c.ava_obj.pk, "parent_objective": c.company.pk}, "kind", "count it twice")
    # Contributing to a key result measured by check-ins.
    refused(
        {"child": c.platform.pk, "parent_key_result": c.logos.pk},
        "kind",
        "measured by check-ins",
    )
    # Levels, and one parent only.
    refused(
        {"child": c.sales.pk, "parent_objective": c.ava_obj.pk},
        "parent_objective",
        "A team objective aligns to the same level or above, not to an individual objective.",
    )
    refused({"child": c.sales.pk}, "parent_objective", "either")
    refused(
        {
            "child": c.sales.pk,
            "parent_objective": c.company.pk,
            "parent_key_result": c.logos.pk,
        },
        "parent_objective",
        "either",
    )
    refused({"child": 99999, "parent_objective": c.company.pk}, "child", "99999")
    assert AlignmentLink.objects.count() == before


def test_link_permissions_and_visibility(cast, as_person):
    c = build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Private",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    secret_link = actions.align_objective(
        acting_user=cast.ava, child=hidden, parent_objective=c.sales, kind="supports"
    )
    otto, pia = as_person("otto"), as_person("pia")
    before = AlignmentLink.objects.count()
    assert secret_link.pk not in ids(otto.get("/alignment-links"))
    assert otto.get(f"/alignment-links/{secret_link.pk}").status_code == 404
    assert otto.delete(f"/alignment-links/{secret_link.pk}").status_code == 404
    invisible = otto.post("/alignment-links", {"child": hidden.pk, "parent_objective": c.sales.pk})
    assert invisible.status_code == 422 and list(invisible.json()["errors"]) == ["child"]
    pia_obj = actions.create_objective(
        acting_user=cast.pia,
        title="Pia's",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.pia,
    )
    not_hers = pia.post("/alignment-links", {"child": c.ava_obj.pk, "parent_objective": pia_obj.pk})
    assert not_hers.status_code == 403
    ava_link = AlignmentLink.objects.get(child=c.ava_obj)
    assert pia.patch(f"/alignment-links/{ava_link.pk}", {"weight": 5}).status_code == 403
    assert pia.delete(f"/alignment-links/{ava_link.pk}").status_code == 403
    bad_weight = as_person("ava").patch(f"/alignment-links/{ava_link.pk}", {"weight": 0})
    assert bad_weight.status_code == 422 and list(bad_weight.json()["errors"]) == ["weight"]
    assert AlignmentLink.objects.count() == before
    assert AlignmentLink.objects.get(pk=ava_link.pk).ended_at is None


def test_ending_a_contributing_link_updates_the_parent(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    ava.post("/check-ins", {"key_result": c.ava_opps.pk, "value": 25, "confidence": "on_track"})
    with_ava = Objective.objects.get(pk=c.sales.pk).progress
    link = AlignmentLink.objects.get(child=c.ava_obj)
    assert ava.delete(f"/alignment-links/{link.pk}", reason="Moved team").status_code == 204
    assert Objective.objects.get(pk=c.sales.pk).progress < with_ava


def test_initiatives(cast, as_person):
    c = build_cascade(cast)
    ava, pia, otto = as_person("ava"), as_person("pia"), as_person("otto")
    created = ava.post(
        "/initiatives",
        {
            "key_result": c.ava_opps.pk,
            "title": "Outbound sequence for hospitals",
            "link": "https://wiki.example.com/outbound",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == cast.ava.pk and body["state"] == "planned"
    assert otto.get(f"/initiatives/{body['id']}").json() == body
    assert ids(otto.get("/initiatives", key_result=c.ava_opps.pk)) == {body["id"]}
    assert ids(otto.get("/initiatives", owner=cast.pia.pk)) == set()
    assert ids(otto.get("/initiatives", state="planned")) == {body["id"]}

    moved = ava.patch(f"/initiatives/{body['id']}", {"state": "in_progress", "owner": cast.pia.pk})
    assert moved.status_code == 200
    assert (moved.json()["state"], moved.json()["owner"]) == ("in_progress", cast.pia.pk)
    # Pia owns it now, so she may change it; Otto may not.
    assert pia.patch(f"/initiatives/{body['id']}", {"state": "done"}).json()["state"] == "done"
    assert otto.patch(f"/initiatives/{body['id']}", {"state": "cancelled"}).status_code == 403

    count = Initiative.objects.count()
    for payload, field in [
        ({"key_result": c.ava_opps.pk, "title": "T", "link": "wiki/page"}, "link"),
        ({"key_result": c.ava_opps.pk, "title": "T", "state": "someday"}, "state"),
        ({"key_result": c.ava_opps.pk, "title": "T", "owner": 9999}, "owner"),
        ({"key_result": 9999, "title": "T"}, "key_result"),
        ({"key_result": c.ava_opps.pk}, "title"),
    ]:
        response = ava.post("/initiatives", payload)
        assert response.status_code == 422, payload
        assert list(response.json()["errors"]) == [field], response.json()
    assert (
        pia.post("/initiatives", {"key_result": c.ava_legal.pk, "title": "Help"}).status_code == 403
    )
    assert ava.patch(f"/initiatives/{body['id']}", {"title": None}).status_code == 422
    assert Initiative.objects.count() == count
