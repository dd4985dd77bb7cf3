"""/api/objectives: list, filters, create with alignment, read, change, explain, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, Objective, ObjectiveRevision

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def private_objective(cast):
    return actions.create_objective(
        acting_user=cast.ava,
        title="Private stretch",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )


class Unchanged:
    """Counts rows before and after, to show that a refused request saved nothing."""

    def __init__(self):
        self.before = self.counts()

    @staticmethod
    def counts():
        return (
            Objective.objects.count(),
            AlignmentLink.objects.count(),
            ObjectiveRevision.objects.count(),
            AuditEvent.objects.count(),
        )

    def check(self):
        assert self.counts() == self.before


def test_list_filters_and_pages(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    everything = ava.get("/objectives")
    assert everything.json()["count"] == 4
    assert ids(ava.get("/objectives", level="team")) == {c.sales.pk, c.platform.pk}
    assert ids(ava.get("/objectives", cycle=cast.fy.pk)) == {c.company.pk}
    assert ids(ava.get("/objectives", owner_person=cast.ava.pk)) == {c.ava_obj.pk}
    assert ids(ava.get("/objectives", owner_team=cast.platform.pk)) == {c.platform.pk}
    assert ids(ava.get("/objectives", q="healthcare")) == {c.platform.pk}
    assert ids(ava.get("/objectives", aligned_to=c.sales.pk)) == {c.ava_obj.pk}
    # Via its key results, too.
    assert ids(ava.get("/objectives", aligned_to=c.company.pk)) == {c.sales.pk, c.platform.pk}
    assert ids(ava.get("/objectives", state="draft")) == set()
    assert ids(ava.get("/objectives", visibility="public")) == {
        c.company.pk,
        c.sales.pk,
        c.ava_obj.pk,
        c.platform.pk,
    }

    first = ava.get("/objectives", limit=3).json()
    second = ava.get("/objectives", limit=3, offset=3).json()
    assert (first["count"], first["limit"], first["offset"]) == (4, 3, 0)
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert {i["id"] for i in first["items"] + second["items"]} == ids(everything)
    assert ava.get("/objectives", offset=10).json()["items"] == []


def test_list_rows_carry_progress_and_status(cast, as_person):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=20, confidence="at_risk"
    )
    row = next(
        i for i in as_person("pia").get("/objectives").json()["items"] if i["id"] == c.ava_obj.pk
    )
    assert row["progress"] == pytest.approx(0.8 / 3)
    assert row["percent"] == 27
    assert row["status"] == "at_risk"
    assert row["key_result_count"] == 3
    assert row["owner_person"] == cast.ava.pk and row["owner_team"] is None
    assert row["owner_name"] == "Ava Adams"
    assert row["created_at"].endswith("+00:00")


def test_invisible_objectives_are_not_listed_and_answer_404(cast, as_person):
    hidden = private_objective(cast)
    otto = as_person("otto")
    assert hidden.pk not in ids(otto.get("/objectives"))
    missing = otto.get("/objectives/999999")
    assert missing.status_code == 404
    for suffix in ("", "/explanation", "/children", "/revisions"):
        response = otto.get(f"/objectives/{hidden.pk}{suffix}")
        assert response.status_code == 404
        assert response.json() == missing.json() == {"detail": "Not found.", "errors": {}}
    patch = otto.patch(f"/objectives/{hidden.pk}", {"title": "Mine now"})
    assert patch.status_code == 404
    # Her manager sees it.
    assert as_person("sam").get(f"/objectives/{hidden.pk}").status_code == 200


def test_detail_has_progress_key_results_and_parents(cast, as_person):
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_closes, value=3, confidence="on_track"
    )
    body = as_person("ava").get(f"/objectives/{c.ava_obj.pk}").json()
    assert body["progress"] == pytest.approx(0.5 / 3)
    assert body["percent"] == 17
    assert body["status"] == "on_track"
    assert [kr["id"] for kr in body["key_results"]] == [
        c.ava_opps.pk,
        c.ava_legal.pk,
        c.ava_closes.pk,
    ]
    closes = body["key_results"][2]
    assert (closes["current_value"], closes["progress"], closes["percent"]) == (3.0, 0.5, 50)
    assert [p["parent_objective"] for p in body["parents"]] == [c.sales.pk]
    assert body["parents"][0]["kind"] == "contributes"
    assert body["can_edit"] is True
    assert body["revision_count"] == 1
    assert as_person("pia").get(f"/objectives/{c.ava_obj.pk}").json()["can_edit"] is False


def test_create_with_alignment(cast, as_person):
    c = build_cascade(cast)
    response = as_person("pia").post(
        "/objectives",
        {
            "title": "Open the healthcare segment",
            "level": "individual",
            "cycle": cast.q4.pk,
            "owner_person": cast.pia.pk,
            "rationale": "Healthcare logos count towards the team's pipeline.",
            "align_to": [
                {"parent_objective": c.sales.pk, "kind": "contributes", "weight": 2},
                {"parent_key_result": c.logos.pk, "kind": "supports"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Open the healthcare segment"
    assert body["state"] == "active" and body["visibility"] == "public"
    links = AlignmentLink.objects.filter(child_id=body["id"]).order_by("pk")
    assert [
        (link.parent_objective_id, link.parent_key_result_id, link.kind, link.weight)
        for link in links
    ] == [
        (c.sales.pk, None, "contributes", 2.0),
        (None, c.logos.pk, "supports", 1.0),
    ]
    assert {p["id"] for p in body["parents"]} == {link.pk for link in links}


def test_create_is_all_or_nothing(cast, as_person):
    c = build_cascade(cast)
    pia = as_person("pia")
    unchanged = Unchanged()
    response = pia.post(
        "/objectives",
        {
            "title": "Half aligned",
            "level": "individual",
            "cycle": cast.q4.pk,
            "owner_person": cast.pia.pk,
            "align_to": [
                {"parent_objective": c.sales.pk},
                # Contributing to a key result measured by check-ins is refused.
                {"parent_key_result": c.logos.pk, "kind": "contributes"},
            ],
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["align_to.1.kind"]
    unchanged.check()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"title", "level", "cycle"}),
        ({"title": "", "level": "galaxy", "cycle": 1}, {"title", "level"}),
        ({"title": "x" * 301, "level": "team", "cycle": "1"}, {"title", "cycle"}),
        ({"title": "T", "level": "team", "cycle": 1, "colour": "red"}, {"colour"}),
        ({"title": "T", "level": "team", "cycle": 1, "owner_team": True}, {"owner_team"}),
        (
            {"title": "T", "level": "team", "cycle": 1, "align_to": [{"weight": 0}]},
            {"align_to.0.weight"},
        ),
        (
            {"title": "T", "level": "team", "cycle": 1, "align_to": [{"weight": 1e9}]},
            {"align_to.0.weight"},
        ),
        (
            {"title": "T", "level": "team", "cycle": 1, "align_to": [{"kind": "maybe"}]},
            {"align_to.0.kind"},
        ),
    ],
)
def test_create_schema_errors_name_the_fields(cast, as_person, payload, fields):
    sam = as_person("sam")
    unchanged = Unchanged()
    response = sam.post("/objectives", payload)
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == fields
    assert all(isinstance(m, str) and m for msgs in body["errors"].values() for m in msgs)
    assert body["detail"]
    unchanged.check()


def test_create_rejects_nan_and_infinity(cast, as_person):
    sam = as_person("sam")
    for raw in ("NaN", "Infinity", "-Infinity", "1e999"):
        body = (
            f'{{"title": "T", "level": "team", "cycle": {cast.q4.pk}, '
            f'"owner_team": {cast.sales.pk}, '
            f'"align_to": [{{"parent_objective": 1, "weight": {raw}}}]}}'
        )
        response = sam.client.post("/api/objectives", body, content_type="application/json")
        assert response.status_code == 422, raw
        assert set(response.json()["errors"]) == {"align_to.0.weight"}
    assert Objective.objects.count() == 0


def test_create_foreign_references_are_422_naming_the_field(cast, as_person):
    hidden = private_objective(cast)
    otto = as_person("otto")
    unchanged = Unchanged()
    response = otto.post(
        "/objectives",
        {
            "title": "Contracts in 7 days",
            "level": "individual",
            "cycle": 999,
            "owner_person": 999,
            "owner_team": 998,
            "align_to": [{"parent_objective": hidden.pk}, {"parent_key_result": 12345}],
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "cycle",
        "owner_person",
        "owner_team",
        "align_to.0.parent_objective",
        "align_to.1.parent_key_result",
    }
    unchanged.check()


def test_create_action_errors_name_the_fields(cast, as_person):
    sam = as_person("sam")
    hana = as_person("hana")
    unchanged = Unchanged()
    no_owner = sam.post("/objectives", {"title": "T", "level": "team", "cycle": cast.q4.pk})
    assert no_owner.status_code == 422
    assert "owner_person" in no_owner.json()["errors"]
    two_parents = sam.post(
        "/objectives",
        {
            "title": "T",
            "level": "team",
            "cycle": cast.q4.pk,
            "owner_team": cast.sales.pk,
            "align_to": [{"parent_objective": 1, "parent_key_result": 1}],
        },
    )
    assert two_parents.status_code == 422
    assert "align_to.0.parent_objective" in two_parents.json()["errors"]
    closed = hana.post(
        "/objectives",
        {"title": "Late", "level": "team", "cycle": cast.q3.pk, "owner_team": cast.sales.pk},
    )
    assert closed.status_code == 422
    assert list(closed.json()["errors"]) == ["amendment_reason"]
    unchanged.check()


def test_create_for_someone_you_do_not_manage_is_403(cast, as_person):
    pia = as_person("pia")
    unchanged = Unchanged()
    response = pia.post(
        "/objectives",
        {"title": "Ava's", "level": "individual", "cycle": cast.q4.pk, "owner_person": cast.ava.pk},
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    unchanged.check()


def test_a_level_one_may_not_set_is_refused_naming_the_level(cast, as_person):
    """The rule the form applies to the levels it offers (``/me``'s ``objective_levels``)."""
    pia, sam, cora = as_person("pia"), as_person("sam"), as_person("cora")
    unchanged = Unchanged()
    assert pia.get("/me").json()["objective_levels"] == ["individual"]
    assert sam.get("/me").json()["objective_levels"] == ["team", "individual"]
    assert cora.get("/me").json()["objective_levels"] == ["company", "team", "individual"]
    for level, owner, words in (
        ("company", {"owner_team": cast.acme.pk}, "Company objectives are set by executives"),
        ("team", {"owner_person": cast.pia.pk}, "Team objectives are set by the people who"),
    ):
        response = pia.post(
            "/objectives", {"title": "Mine", "level": level, "cycle": cast.q4.pk, **owner}
        )
        assert response.status_code == 422
        [message] = response.json()["errors"]["level"]
        assert message.startswith(words) and message.endswith("Choose individual.")
    unchanged.check()


def test_patch_keeps_revisions(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    response = ava.patch(
        f"/objectives/{c.ava_obj.pk}",
        {
            "title": "Build and close pipeline for the quota",
            "commitment": "committed",
            "reason": "Clearer wording",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Build and close pipeline for the quota"
    assert body["commitment"] == "committed"
    assert body["revision_count"] == 2
    revisions = ava.get(f"/objectives/{c.ava_obj.pk}/revisions").json()
    assert [(r["number"], r["title"], r["reason"]) for r in revisions] == [
        (1, "Build and close enterprise pipeline for the team quota", "Created"),
        (2, "Build and close pipeline for the quota", "Clearer wording"),
    ]
    assert revisions[1]["author"] == cast.ava.pk


def test_patch_owner_and_errors(cast, as_person):
    c = build_cascade(cast)
    sam = as_person("sam")
    moved = sam.patch(f"/objectives/{c.sales.pk}", {"owner_team": cast.enterprise.pk})
    assert moved.status_code == 200
    assert moved.json()["owner_team"] == cast.enterprise.pk

    unchanged = Unchanged()
    for payload, field in [
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"state": "abandoned"}, "reason"),
        ({"visibility": "secret"}, "visibility"),
        ({"owner_team": 4242}, "owner_team"),
        ({"owner_person": cast.ava.pk, "owner_team": cast.sales.pk}, "owner_person"),
        ({"progress": 1.0}, "progress"),
    ]:
        response = sam.patch(f"/objectives/{c.sales.pk}", payload)
        assert response.status_code == 422, payload
        assert field in response.json()["errors"], (payload, response.json())
    unchanged.check()


def test_patch_visible_but_not_editable_is_403(cast, as_person):
    c = build_cascade(cast)
    pia = as_person("pia")
    unchanged = Unchanged()
    response = pia.patch(f"/objectives/{c.ava_obj.pk}", {"title": "Pia's now"})
    assert response.status_code == 403
    unchanged.check()


def test_children_lists_visible_aligned_objectives(cast, as_person):
    c = build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.eli,
        title="Secret platform work",
        level="team",
        cycle=cast.q4,
        owner_team=cast.platform,
        visibility="private",
    )
    actions.align_objective(
        acting_user=cast.eli, child=hidden, parent_key_result=c.verticals, weight=1
    )
    children = as_person("ava").get(f"/objectives/{c.company.pk}/children").json()
    assert {(ch["objective"]["id"], ch["link"]["parent_key_result"]) for ch in children} == {
        (c.sales.pk, c.logos.pk),
        (c.platform.pk, c.verticals.pk),
    }
    assert {ch["link"]["kind"] for ch in children} == {"supports", "contributes"}
    assert len(as_person("eli").get(f"/objectives/{c.company.pk}/children").json()) == 3


def test_explanation_now_and_as_of_a_past_date(cast, as_person):
    now = timezone.now()
    start = now - dt.timedelta(days=20)
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Referrals",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        at=start,
    )
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="10 referrals",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
        at=start,
    )
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=kr,
        value=2,
        confidence="at_risk",
        at=now - dt.timedelta(days=10),
    )
    ava = as_person("ava")
    moved = ava.post("/check-ins", {"key_result": kr.pk, "value": 7, "confidence": "on_track"})
    assert moved.status_code == 201

    current = ava.get(f"/objectives/{objective.pk}/explanation").json()
    assert current["result"] == pytest.approx(0.7) and current["percent"] == 70
    assert current["terms"][0]["id"] == kr.pk and current["terms"][0]["kind"] == "key_result"
    assert "Weighted mean" in current["formula"]

    day = (now - dt.timedelta(days=5)).date().isoformat()
    past = ava.get(f"/objectives/{objective.pk}/explanation", as_of=day).json()
    assert past["result"] == pytest.approx(0.2) and past["percent"] == 20
    assert past["as_of"] == f"{day}T23:59:59.999999+00:00"

    instant = (now - dt.timedelta(days=15)).isoformat()
    before = ava.get(f"/objectives/{objective.pk}/explanation", as_of=instant).json()
    assert before["result"] == 0.0

    kr_past = ava.get(f"/key-results/{kr.pk}/explanation", as_of=day).json()
    assert kr_past["result"] == pytest.approx(0.2)
    for bad in ("yesterday", "2026-02-30", "2026-10-01T25:00", "0001-01-01", "9999-12-31"):
        response = ava.get(f"/objectives/{objective.pk}/explanation", as_of=bad)
        assert response.status_code == 422, bad
        assert list(response.json()["errors"]) == ["as_of"]


def test_a_future_as_of_is_refused_on_every_explanation(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    today = timezone.localdate()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    for path in (f"/objectives/{c.ava_obj.pk}", f"/key-results/{c.ava_opps.pk}"):
        for future in ("2030-01-01", tomorrow, f"{tomorrow}T00:00:00+00:00"):
            response = ava.get(f"{path}/explanation", as_of=future)
            assert response.status_code == 422, (path, future)
            [message] = response.json()["errors"]["as_of"]
            assert "is in the future; figures are known up to today" in message
        assert ava.get(f"{path}/explanation", as_of=today.isoformat()).status_code == 200


def test_explanation_hides_titles_of_objectives_the_caller_cannot_see(cast, as_person):
    c = build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.eli,
        title="Secret platform work",
        level="team",
        cycle=cast.q4,
        owner_team=cast.platform,
        visibility="private",
    )
    proposed = actions.align_objective(
        acting_user=cast.eli, child=hidden, parent_key_result=c.verticals, weight=1
    )
    actions.accept_alignment(acting_user=cast.cora, link=proposed)
    terms = as_person("ava").get(f"/key-results/{c.verticals.pk}/explanation").json()["terms"]
    labels = {t["label"] for t in terms}
    assert "Secret platform work" not in labels
    assert "An objective you cannot see" in labels


def test_times_are_written_in_the_organisation_time_zone(cast, as_person):
    from lineofsight.people.models import Organisation
    from lineofsight.people.selectors import forget_organisation_cache

    Organisation.objects.filter(pk=1).update(time_zone="America/New_York")
    forget_organisation_cache()
    c = build_cascade(cast)
    ava = as_person("ava")
    body = ava.get(f"/objectives/{c.ava_obj.pk}").json()
    assert body["created_at"][-6:] in ("-05:00", "-04:00")
    created = dt.datetime.fromisoformat(body["created_at"])
    assert abs(created - c.ava_obj.created_at) < dt.timedelta(seconds=1)
    # A date means the end of that day where the organisation is.
    explained = ava.get(f"/objectives/{c.ava_obj.pk}/explanation", as_of="2026-10-31").json()
    assert explained["as_of"] == "2026-10-31T23:59:59.999999-04:00"
    winter = ava.get(f"/objectives/{c.ava_obj.pk}/explanation", as_of="2026-11-10").json()
    assert winter["as_of"] == "2026-11-10T23:59:59.999999-05:00"
    # An instant with an offset is taken as it is.
    utc = ava.get(
        f"/objectives/{c.ava_obj.pk}/explanation", as_of="2026-11-10T12:00:00+00:00"
    ).json()
    assert utc["as_of"] == "2026-11-10T07:00:00-05:00"
