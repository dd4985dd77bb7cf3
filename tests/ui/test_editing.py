"""Creating and editing objectives, key results, initiatives and alignment in the browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.goals import actions
from lineofsight.goals.models import (
    AlignmentLink,
    Initiative,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def errors(response, field: str, form: str = "form") -> str:
    return " ".join(response.context[form].errors.get(field, []))


def objective_data(cast, **overrides) -> dict[str, str]:
    data = {
        "title": "Close the two biggest deals",
        "description": "",
        "level": "individual",
        "owner": f"person-{cast.ava.pk}",
        "cycle": str(cast.q4.pk),
        "visibility": "public",
        "state": "active",
        "commitment": "committed",
        "progress_mode": "key_results",
        "rationale": "Big deals move the team's number.",
        "parent": "",
        "align_kind": "contributes",
        "align_weight": "1",
    }
    data.update(overrides)
    return data


# -- New objective ---------------------------------------------------------------------


def test_new_objective_form_preselects_the_parent(cast, cascade, as_user):
    client = as_user(cast.ava)
    body = text(client.get(reverse("objective-new"), {"parent": cascade.sales.pk}))
    assert f'value="o-{cascade.sales.pk}" checked' in body
    assert 'id="picker-q"' in body and reverse("alignment-candidates") in body
    body = text(client.get(reverse("objective-new"), {"parent_kr": cascade.logos.pk}))
    assert f'value="k-{cascade.logos.pk}" checked' in body
    assert '<option value="individual" selected>' in body  # Ava sets individual ones only
    body = text(as_user(cast.sam).get(reverse("objective-new"), {"parent_kr": cascade.logos.pk}))
    assert '<option value="team" selected>' in body  # one level under the company


def _options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


@pytest.mark.parametrize(
    ("who", "levels", "teams"),
    [
        ("ava", ["individual"], []),
        ("sam", ["team", "individual"], ["enterprise", "sales"]),
        ("cora", ["company", "team", "individual"], None),
        ("hana", ["company", "team", "individual"], None),
    ],
)
def test_the_form_offers_only_the_levels_and_owners_one_may_set(cast, as_user, who, levels, teams):
    """An individual contributor is not offered "Company" (only to be refused on the owner
    field); a team lead is offered the teams they lead, not every team they belong to."""
    body = text(as_user(getattr(cast, who)).get(reverse("objective-new")))
    assert _options(body, "level") == levels
    owners = _options(body, "owner")
    if teams is not None:
        assert sorted(o for o in owners if o.startswith("team-")) == sorted(
            f"team-{getattr(cast, t).pk}" for t in teams
        )
    if who == "ava":
        assert owners == [f"person-{cast.ava.pk}"]
        assert "Company" not in re.search(r'<select name="level".*?</select>', body).group(0)
    assert f"person-{getattr(cast, who).pk}" in owners


def test_new_objective_with_an_invisible_parent_is_404(cast, cascade, as_user):
    actions.update_objective(acting_user=cast.ava, objective=cascade.ava_obj, visibility="private")
    response = as_user(cast.otto).get(reverse("objective-new"), {"parent": cascade.ava_obj.pk})
    assert response.status_code == 404


def test_create_objective(cast, cascade, as_user):
    response = as_user(cast.ava).post(reverse("objective-new"), objective_data(cast))
    objective = Objective.objects.get(title="Close the two biggest deals")
    assert response.status_code == 302
    assert response["Location"] == reverse("objective", args=[objective.pk])
    assert objective.owner_person == cast.ava and objective.commitment == "committed"
    assert not objective.parent_links.exists()


def test_create_objective_with_its_alignment(cast, cascade, as_user):
    data = objective_data(cast, parent=f"o-{cascade.sales.pk}", align_weight="2")
    response = as_user(cast.ava).post(reverse("objective-new"), data)
    assert response.status_code == 302
    link = AlignmentLink.objects.get(child__title="Close the two biggest deals")
    assert link.parent_objective == cascade.sales
    assert link.kind == "contributes" and link.weight == 2


def test_alignment_error_saves_nothing_and_names_the_field(cast, cascade, as_user):
    before = Objective.objects.count()
    # Nothing can count towards a key result measured by check-ins.
    data = objective_data(
        cast, level="team", owner=f"team-{cast.enterprise.pk}", parent=f"k-{cascade.logos.pk}"
    )
    response = as_user(cast.sam).post(reverse("objective-new"), data)
    assert response.status_code == 422
    assert "measured by check-ins" in errors(response, "align_kind")
    assert Objective.objects.count() == before
    assert not Objective.objects.filter(title=data["title"]).exists()
    body = text(response)
    assert f'value="k-{cascade.logos.pk}" checked' in body  # the choice is kept
    assert 'value="Close the two biggest deals"' in body


def test_action_error_is_put_on_its_field(cast, cascade, as_user):
    data = objective_data(cast, owner=f"team-{cast.enterprise.pk}")
    response = as_user(cast.sam).post(reverse("objective-new"), data)
    assert response.status_code == 422
    assert "An individual objective is owned by a person." in errors(response, "owner")
    assert 'data-field="owner"' in text(response)
    assert not Objective.objects.filter(title=data["title"]).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 301}, "title", "at most 300 characters"),
        ({"level": "galaxy"}, "level", "Select a valid choice."),
        ({"owner": "person-999999"}, "owner", "Select a valid choice."),
        ({"cycle": "999999"}, "cycle", "Select a valid choice."),
        ({"parent": "x-1"}, "parent", "Choose an objective or key result from the list."),
        ({"parent": "o-999999"}, "parent", "No such objective or key result."),
        ({"parent": "o-1", "align_weight": "-2"}, "align_weight", "Enter a weight more than 0."),
        ({"parent": "o-1", "align_weight": "0"}, "align_weight", "Enter a weight more than 0."),
    ],
)
def test_bad_input_names_the_field(cast, cascade, as_user, overrides, field, message):
    before = Objective.objects.count()
    response = as_user(cast.ava).post(reverse("objective-new"), objective_data(cast, **overrides))
    assert response.status_code == 422
    assert message in errors(response, field)
    assert Objective.objects.count() == before


def test_a_level_or_owner_one_may_not_set_is_refused_on_its_field(cast, cascade, as_user):
    data = objective_data(cast, level="company", owner=f"person-{cast.ava.pk}")
    response = as_user(cast.ava).post(reverse("objective-new"), data)
    assert response.status_code == 422
    assert "Select a valid choice. company is not one of" in errors(response, "level")
    assert not errors(response, "owner")
    data = objective_data(cast, owner=f"person-{cast.ava.pk}")
    response = as_user(cast.pia).post(reverse("objective-new"), data)
    assert response.status_code == 422
    assert "Select a valid choice" in errors(response, "owner")
    assert not Objective.objects.filter(title=data["title"]).exists()


def test_closed_cycle_is_not_offered(cast, as_user):
    body = text(as_user(cast.ava).get(reverse("objective-new")))
    assert "Q4 2026 (active)" in body and "Q3 2026" not in body
    response = as_user(cast.ava).post(
        reverse("objective-new"), objective_data(cast, cycle=str(cast.q3.pk))
    )
    assert "Select a valid choice." in errors(response, "cycle")


# -- Alignment candidates --------------------------------------------------------------


def test_candidates_for_a_new_objective(cast, cascade, as_user, htmx):
    client = as_user(cast.ava)
    response = client.get(
        reverse("alignment-candidates"), {"level": "team", "cycle": cast.q4.pk, "q": "ARR"}, **htmx
    )
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert f'value="o-{cascade.company.pk}"' in body
    assert f'value="k-{cascade.verticals.pk}"' in body and "can contribute" in body
    assert f'value="k-{cascade.logos.pk}"' in body and "support only" in body
    assert cascade.ava_obj.title not in body  # a team objective does not align downwards
    body = text(
        client.get(
            reverse("alignment-candidates"),
            {
                "level": "individual",
                "cycle": cast.q4.pk,
                "q": "",
                "parent": f"o-{cascade.sales.pk}",
            },
            **htmx,
        )
    )
    assert cascade.ava_obj.title in body  # same level is allowed
    assert f'value="o-{cascade.sales.pk}" checked' in body
    assert body.index(cascade.company.title) < body.index(cascade.ava_obj.title)
    body = text(client.get(reverse("alignment-candidates"), {"q": "nothing like this"}, **htmx))
    assert "No objectives match" in body


def test_candidates_for_an_existing_objective(cast, cascade, as_user, htmx):
    response = as_user(cast.ava).get(
        reverse("objective-alignment-candidates", args=[cascade.ava_obj.pk]),
        {"q": "pipeline"},
        **htmx,
    )
    body = text(response)
    assert cascade.sales.title in body
    assert f'value="o-{cascade.ava_obj.pk}"' not in body  # not itself


# -- Editing objectives ----------------------------------------------------------------


def edit_data(objective, **overrides) -> dict[str, str]:
    owner = (
        f"team-{objective.owner_team_id}"
        if objective.owner_team_id
        else f"person-{objective.owner_person_id}"
    )
    data = {
        "title": objective.title,
        "description": objective.description,
        "owner": owner,
        "visibility": objective.visibility,
        "state": objective.state,
        "commitment": objective.commitment,
        "progress_mode": objective.progress_mode,
        "rationale": objective.rationale,
        "reason": "",
    }
    data.update(overrides)
    return data


def test_edit_objective_keeps_a_revision_with_the_reason(cast, cascade, as_user):
    client = as_user(cast.sam)  # Ava's manager
    body = text(client.get(reverse("objective-edit", args=[cascade.ava_obj.pk])))
    assert 'name="reason"' in body and "objective-align" not in body
    assert reverse("objective-alignment-candidates", args=[cascade.ava_obj.pk]) in body
    response = client.post(
        reverse("objective-edit", args=[cascade.ava_obj.pk]),
        edit_data(cascade.ava_obj, title="Build the enterprise pipeline", reason="Clearer"),
    )
    assert response.status_code == 302
    revision = ObjectiveRevision.objects.filter(objective=cascade.ava_obj).latest("number")
    assert revision.title == "Build the enterprise pipeline" and revision.reason == "Clearer"


def test_abandoning_needs_a_reason(cast, cascade, as_user):
    client = as_user(cast.ava)
    response = client.post(
        reverse("objective-edit", args=[cascade.ava_obj.pk]),
        edit_data(cascade.ava_obj, state="abandoned"),
    )
    assert response.status_code == 422
    assert "Say why the objective is abandoned" in errors(response, "reason")
    assert Objective.objects.get(pk=cascade.ava_obj.pk).state == "active"
    response = client.post(
        reverse("objective-edit", args=[cascade.ava_obj.pk]),
        edit_data(cascade.ava_obj, state="abandoned", reason="Territory moved"),
    )
    assert response.status_code == 302
    assert Objective.objects.get(pk=cascade.ava_obj.pk).state == "abandoned"


def test_edit_by_a_non_editor_is_403(cast, cascade, as_user):
    client = as_user(cast.otto)
    assert client.get(reverse("objective-edit", args=[cascade.ava_obj.pk])).status_code == 403
    response = client.post(
        reverse("objective-edit", args=[cascade.ava_obj.pk]),
        edit_data(cascade.ava_obj, title="Hijacked"),
    )
    assert response.status_code == 403
    assert Objective.objects.get(pk=cascade.ava_obj.pk).title != "Hijacked"


# -- Alignment links -------------------------------------------------------------------


def test_align_an_objective(cast, cascade, as_user):
    client = as_user(cast.ava)
    assert client.get(reverse("objective-align", args=[cascade.ava_obj.pk])).status_code == 200
    response = client.post(
        reverse("objective-align", args=[cascade.ava_obj.pk]),
        {"parent": f"k-{cascade.logos.pk}", "kind": "supports", "weight": "1"},
    )
    assert response.status_code == 302
    assert (
        AlignmentLink.objects.live()
        .filter(child=cascade.ava_obj, parent_key_result=cascade.logos, kind="supports")
        .exists()
    )


def test_align_errors_name_the_field(cast, cascade, as_user):
    client = as_user(cast.ava)
    url = reverse("objective-align", args=[cascade.ava_obj.pk])
    response = client.post(
        url, {"parent": f"o-{cascade.sales.pk}", "kind": "supports", "weight": "1"}
    )
    assert response.status_code == 422
    assert "already aligned" in errors(response, "parent", "align_form")
    response = client.post(url, {"parent": "", "kind": "supports", "weight": "1"})
    assert "Choose the objective or key result" in errors(response, "parent", "align_form")
    response = client.post(
        url, {"parent": f"k-{cascade.logos.pk}", "kind": "contributes", "weight": "1"}
    )
    assert "measured by check-ins" in errors(response, "kind", "align_form")
    assert AlignmentLink.objects.filter(child=cascade.ava_obj).count() == 1


def test_align_by_a_non_editor_is_403(cast, cascade, as_user):
    response = as_user(cast.otto).post(
        reverse("objective-align", args=[cascade.ava_obj.pk]),
        {"parent": f"k-{cascade.logos.pk}", "kind": "supports", "weight": "1"},
    )
    assert response.status_code == 403
    assert AlignmentLink.objects.filter(child=cascade.ava_obj).count() == 1


def test_change_and_end_a_link(cast, cascade, as_user):
    link = AlignmentLink.objects.get(child=cascade.ava_obj)
    client = as_user(cast.ava)
    assert client.get(reverse("link-change", args=[link.pk])).status_code == 200
    response = client.post(
        reverse("link-change", args=[link.pk]), {"kind": "contributes", "weight": "-1"}
    )
    assert response.status_code == 422
    assert "Enter a weight more than 0." in errors(response, "weight")
    response = client.post(
        reverse("link-change", args=[link.pk]),
        {"kind": "contributes", "weight": "3", "reason": "Most of the pipeline"},
    )
    assert response.status_code == 302
    new = AlignmentLink.objects.live().get(child=cascade.ava_obj)
    assert new.weight == 3 and new.pk != link.pk
    response = client.post(reverse("link-end", args=[new.pk]), {"reason": "Reorganised"})
    assert response.status_code == 302
    assert response["Location"] == reverse("objective", args=[cascade.ava_obj.pk])
    new.refresh_from_db()
    assert new.ended_at is not None and new.end_reason == "Reorganised"
    response = client.post(reverse("link-end", args=[new.pk]), {"reason": "again"}, follow=True)
    assert b"already removed" in response.content


def test_link_changes_by_a_non_editor_are_403(cast, cascade, as_user):
    link = AlignmentLink.objects.get(child=cascade.ava_obj)
    client = as_user(cast.otto)
    assert client.post(reverse("link-end", args=[link.pk]), {"reason": "x"}).status_code == 403
    response = client.post(
        reverse("link-change", args=[link.pk]), {"kind": "supports", "weight": "1"}
    )
    assert response.status_code == 403
    assert AlignmentLink.objects.live().get(pk=link.pk).kind == "contributes"


def test_links_of_invisible_objectives_are_404(cast, cascade, as_user):
    actions.update_objective(acting_user=cast.ava, objective=cascade.ava_obj, visibility="private")
    link = AlignmentLink.objects.get(child=cascade.ava_obj)
    client = as_user(cast.otto)
    assert client.post(reverse("link-end", args=[link.pk])).status_code == 404
    assert client.get(reverse("link-change", args=[link.pk])).status_code == 404


# -- Key results -----------------------------------------------------------------------


def kr_data(cast, **overrides) -> dict[str, str]:
    data = {
        "title": "Three reference customers",
        "kind": "increase",
        "unit": "customers",
        "start_value": "0",
        "target_value": "3",
        "signal": "lagging",
        "weight": "1",
        "owner": str(cast.ava.pk),
        "source": "check_ins",
        "cycle": str(cast.q4.pk),
    }
    data.update(overrides)
    return data


def test_add_key_result(cast, cascade, as_user):
    response = as_user(cast.ava).post(
        reverse("key-result-new", args=[cascade.ava_obj.pk]), kr_data(cast)
    )
    assert response.status_code == 302
    kr = KeyResult.objects.get(title="Three reference customers")
    assert kr.objective == cascade.ava_obj and kr.unit == "customers" and kr.target_value == 3


def test_key_result_errors_name_the_field(cast, cascade, as_user):
    client = as_user(cast.ava)
    url = reverse("key-result-new", args=[cascade.ava_obj.pk])
    response = client.post(url, kr_data(cast, start_value="10", target_value="3"))
    assert response.status_code == 422
    assert "target at or above its start" in errors(response, "target_value")
    response = client.post(url, kr_data(cast, target_value=""))
    assert "required for this kind" in errors(response, "target_value")
    response = client.post(url, kr_data(cast, weight="0"))
    assert errors(response, "weight")
    assert not KeyResult.objects.filter(title="Three reference customers").exists()


EQUAL_START_AND_TARGET = "The target equals the start, so there is nothing to"


@pytest.mark.parametrize(
    ("kind", "suggestion"),
    [("increase", "Stay at or above a threshold"), ("decrease", "Stay at or below a threshold")],
)
def test_start_equal_to_target_is_refused_on_the_target(cast, cascade, as_user, kind, suggestion):
    url = reverse("key-result-new", args=[cascade.ava_obj.pk])
    response = as_user(cast.ava).post(
        url, kr_data(cast, kind=kind, start_value="0", target_value="0")
    )
    assert response.status_code == 422
    assert EQUAL_START_AND_TARGET in errors(response, "target_value")
    assert suggestion in errors(response, "target_value")
    assert not KeyResult.objects.filter(title="Three reference customers").exists()


def test_key_result_pages_for_non_editors(cast, cascade, as_user):
    client = as_user(cast.otto)
    assert client.get(reverse("key-result-new", args=[cascade.ava_obj.pk])).status_code == 403
    assert (
        client.post(reverse("key-result-new", args=[cascade.ava_obj.pk]), kr_data(cast)).status_code
        == 403
    )
    assert client.get(reverse("key-result-edit", args=[cascade.ava_opps.pk])).status_code == 403
    assert not KeyResult.objects.filter(title="Three reference customers").exists()


def kr_edit_data(kr, **overrides) -> dict[str, str]:
    data = {
        "title": kr.title,
        "kind": kr.kind,
        "unit": kr.unit,
        "start_value": "" if kr.start_value is None else str(kr.start_value),
        "target_value": "" if kr.target_value is None else str(kr.target_value),
        "signal": kr.signal,
        "weight": str(kr.weight),
        "owner": str(kr.owner_id),
        "source": kr.source,
        "state": kr.state,
        "reason": "",
    }
    data.update(overrides)
    return data


def test_changing_the_target_after_check_ins_needs_a_reason(cast, cascade, as_user):
    actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=10, confidence="on_track"
    )
    client = as_user(cast.ava)
    url = reverse("key-result-edit", args=[cascade.ava_opps.pk])
    response = client.post(url, kr_edit_data(cascade.ava_opps, target_value="30"))
    assert response.status_code == 422
    assert "say why its target or scoring changes" in errors(response, "reason")
    assert KeyResult.objects.get(pk=cascade.ava_opps.pk).target_value == 25
    response = client.post(
        url, kr_edit_data(cascade.ava_opps, target_value="30", reason="Territory grew")
    )
    assert response.status_code == 302
    assert KeyResult.objects.get(pk=cascade.ava_opps.pk).target_value == 30
    revision = KeyResultRevision.objects.filter(key_result=cascade.ava_opps).latest("number")
    assert revision.reason == "Territory grew"


# -- Initiatives -----------------------------------------------------------------------


def test_initiatives(cast, cascade, as_user):
    client = as_user(cast.ava)
    url = reverse("initiative-new", args=[cascade.ava_opps.pk])
    data = {
        "title": "Outbound campaign",
        "owner": str(cast.ava.pk),
        "state": "planned",
        "link": "nope",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "http://" in errors(response, "link")
    assert not Initiative.objects.exists()
    response = client.post(url, {**data, "link": "https://crm.example/c/1"})
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    edit = reverse("initiative-edit", args=[initiative.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**data, "link": "", "state": "in_progress"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.state == "in_progress" and initiative.link == ""
    response = client.post(edit, {**data, "title": ""})
    assert "This field is required." in errors(response, "title")
    other = as_user(cast.otto)
    assert other.get(edit).status_code == 403
    assert other.post(edit, {**data, "title": "Mine now"}).status_code == 403
    assert other.post(url, data).status_code == 403
    assert Initiative.objects.get().title == "Outbound campaign"
