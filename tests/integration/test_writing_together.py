"""Writing OKRs together: the one form's action, drafts shared for comment, the approval
workflow, templates and copying an objective to the next cycle."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions, template_library
from lineofsight.goals.actions import KeyResultInput
from lineofsight.goals.models import ApprovalEvent, KeyResult, Objective, OkrTemplate
from lineofsight.integrations.models import InboxItem
from lineofsight.people import actions as people_actions

pytestmark = pytest.mark.django_db(transaction=False)

ROWS = [
    KeyResultInput(title="Signed healthcare pilots", start_value=0, target_value=3, unit="pilots"),
    KeyResultInput(title="Discovery calls held", start_value=0, target_value=20, unit="calls"),
]


def draft(cast, *, title="Open the healthcare market", owner=None, author=None, rows=ROWS):
    return actions.create_objective_with_key_results(
        acting_user=author or cast.ava,
        title=title,
        level="individual",
        cycle=cast.q4,
        owner_person=owner or cast.ava,
        state="draft",
        key_results=rows,
    )


def visible(person, objective) -> bool:
    return Objective.objects.visible_to(person).filter(pk=objective.pk).exists()


def test_one_form_creates_the_objective_and_its_key_results_together(cast):
    objective = draft(cast)
    titles = list(objective.key_results.order_by("position").values_list("title", flat=True))
    assert titles == ["Signed healthcare pilots", "Discovery calls held"]
    assert objective.state == "draft"
    assert AuditEvent.objects.filter(action="objective.create_with_key_results").count() == 1


def test_one_form_names_the_row_and_field_and_saves_nothing(cast):
    rows = [ROWS[0], KeyResultInput(title="Calls", kind="increase", start_value=0)]
    before = Objective.objects.count()
    with pytest.raises(InvalidInput) as caught:
        actions.create_objective_with_key_results(
            acting_user=cast.ava,
            title="",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
            key_results=rows,
        )
    errors = caught.value.errors
    assert errors["key_results.1.target_value"][0].startswith("Key result 2: target: ")
    assert "title" in errors
    assert Objective.objects.count() == before
    with pytest.raises(InvalidInput) as caught:
        draft(cast, rows=[ROWS[0]] * 11)
    assert "key_results" in caught.value.errors


def test_a_draft_is_its_authors_and_editors_until_shared(cast, django_capture_on_commit_callbacks):
    objective = draft(cast)
    seeing = {name for name, p in cast.everyone().items() if visible(p, objective)}
    assert seeing == {"ava", "sam", "cora", "hana"}
    with django_capture_on_commit_callbacks(execute=True):
        actions.share_draft(
            acting_user=cast.ava, objective=objective, sharing="people", people=[cast.dev]
        )
    seeing = {name for name, p in cast.everyone().items() if visible(p, objective)}
    assert seeing == {"ava", "sam", "cora", "hana", "dev"}
    assert InboxItem.objects.filter(recipient=cast.dev, subject__contains="shared").exists()
    actions.share_draft(acting_user=cast.ava, objective=objective, sharing="audience")
    assert all(visible(p, objective) for p in cast.everyone().values())  # public visibility
    with pytest.raises(NotAllowed):
        actions.share_draft(acting_user=cast.pia, objective=objective, sharing="nobody")


def test_a_draft_never_counts_in_progress(cast):
    from tests.okrs import build_cascade

    c = build_cascade(cast)
    c.sales.refresh_from_db()
    before = c.sales.progress
    objective = draft(cast)
    actions.align_objective(
        acting_user=cast.sam, child=objective, parent_objective=c.sales, kind="contributes"
    )
    for kr in objective.key_results.all():
        actions.record_check_in(
            acting_user=cast.ava, key_result=kr, value=kr.target_value, confidence="on_track"
        )
    c.sales.refresh_from_db()
    assert c.sales.progress == before
    actions.activate_draft(acting_user=cast.ava, objective=objective)
    c.sales.refresh_from_db()
    assert c.sales.progress > before


def test_approval_workflow(cast, django_capture_on_commit_callbacks):
    people_actions.set_okr_approval(acting_user=cast.hana, on=True)
    with pytest.raises(InvalidInput) as caught:
        draft(cast).pk and actions.create_objective(
            acting_user=cast.ava,
            title="Straight to active",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
    assert "propose it to Sam Sato" in caught.value.errors["state"][0]
    objective = Objective.objects.get(title="Open the healthcare market")
    with pytest.raises(InvalidInput):
        actions.activate_draft(acting_user=cast.ava, objective=objective)
    with django_capture_on_commit_callbacks(execute=True):
        actions.propose_objective(acting_user=cast.ava, objective=objective, note="Ready")
    objective.refresh_from_db()
    assert (objective.approval_state, objective.approver) == ("proposed", cast.sam)
    assert InboxItem.objects.filter(recipient=cast.sam, kind="approval").count() == 1
    with pytest.raises(NotAllowed):
        actions.approve_objective(acting_user=cast.pia, objective=objective)
    with pytest.raises(InvalidInput) as caught:
        actions.request_changes(acting_user=cast.sam, objective=objective, comment=" ")
    assert "comment" in caught.value.errors
    with django_capture_on_commit_callbacks(execute=True):
        actions.request_changes(
            acting_user=cast.sam, objective=objective, comment="Name the three target accounts."
        )
    objective.refresh_from_db()
    assert (objective.state, objective.approval_state) == ("draft", "changes")
    assert objective.approval_note == "Name the three target accounts."
    assert InboxItem.objects.filter(recipient=cast.ava, kind="approval").count() == 1
    actions.propose_objective(acting_user=cast.ava, objective=objective)
    actions.approve_objective(acting_user=cast.sam, objective=objective)
    objective.refresh_from_db()
    assert (objective.state, objective.approval_state) == ("active", "approved")
    kinds = list(objective.approval_events.values_list("kind", flat=True))
    assert kinds == ["proposed", "changes", "proposed", "approved"]
    assert ApprovalEvent.objects.filter(objective=objective).count() == 4


def test_team_objective_by_its_lead_goes_to_the_leads_manager(cast):
    people_actions.set_okr_approval(acting_user=cast.hana, on=True)
    objective = actions.create_objective_with_key_results(
        acting_user=cast.sam,
        title="Land two enterprise logos",
        level="team",
        cycle=cast.q4,
        owner_team=cast.enterprise,
        state="draft",
        key_results=ROWS[:1],
    )
    actions.propose_objective(acting_user=cast.sam, objective=objective)
    objective.refresh_from_db()
    assert objective.approver == cast.cora


def test_without_approval_the_owner_activates(cast):
    objective = draft(cast)
    with pytest.raises(InvalidInput):
        actions.propose_objective(acting_user=cast.ava, objective=objective)
    actions.activate_draft(acting_user=cast.ava, objective=objective)
    objective.refresh_from_db()
    assert objective.state == "active"


def _next_quarter(cast):
    fy27 = actions.create_cycle(
        acting_user=None,
        name="FY 2027",
        kind="annual",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    return actions.create_cycle(
        acting_user=None,
        name="Q1 2027",
        kind="quarter",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        parent=fy27,
    )


def test_copy_to_next_cycle_starts_from_current_values_and_refuses_twice(cast):
    q1 = _next_quarter(cast)
    objective = draft(cast)
    actions.activate_draft(acting_user=cast.ava, objective=objective)
    kr = objective.key_results.order_by("position").first()
    actions.record_check_in(acting_user=cast.ava, key_result=kr, value=1, confidence="on_track")
    plan = actions.plan_copy(acting_user=cast.ava, objective=objective, cycle=q1)
    assert [r.start for r in plan.key_results] == [1, 0]
    assert Objective.objects.filter(cycle=q1).count() == 0  # the plan writes nothing
    copy = actions.copy_objective_to_cycle(acting_user=cast.ava, objective=objective, cycle=q1)
    assert (copy.cycle, copy.state, copy.copied_from) == (q1, "draft", objective)
    assert list(copy.key_results.values_list("start_value", flat=True)) == [1, 0]
    with pytest.raises(InvalidInput) as caught:
        actions.copy_objective_to_cycle(acting_user=cast.ava, objective=objective, cycle=q1)
    assert "Already copied into Q1 2027" in caught.value.errors["cycle"][0]
    with pytest.raises(NotAllowed):
        actions.plan_copy(acting_user=cast.pia, objective=objective, cycle=q1)
    with pytest.raises(InvalidInput):
        actions.plan_copy(acting_user=cast.ava, objective=objective, cycle=cast.q3)


def test_a_development_goal_is_copied_as_a_development_goal(cast):
    q1 = _next_quarter(cast)
    growth = actions.create_objective_with_key_results(
        acting_user=cast.ava,
        title="Learn to negotiate enterprise contracts",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        state="active",
        is_development=True,
        key_results=ROWS[:1],
    )
    copy = actions.copy_objective_to_cycle(acting_user=cast.ava, objective=growth, cycle=q1)
    assert copy.is_development and copy.copied_from == growth


def test_templates_library_and_hr_templates(cast):
    functions = {t.function for t in template_library.BUILT_IN}
    assert functions == set(OkrTemplate.Function.values)
    for function in functions:
        assert len([t for t in template_library.BUILT_IN if t.function == function]) >= 4
    assert {t.id for t in template_library.library(query="churn")} >= {"product-retention"}
    rows = [{"title": "Offer acceptance rate", "kind": "increase", "start_value": 70,
             "target_value": 85, "unit": "%"}]  # fmt: skip
    with pytest.raises(NotAllowed):
        actions.create_template(
            acting_user=cast.sam, function="people", title="Hire well", key_results=rows
        )
    with pytest.raises(InvalidInput) as caught:
        actions.create_template(
            acting_user=cast.hana, function="people", title="Hire well", key_results=[{}]
        )
    assert caught.value.errors["key_results.0.title"][0].startswith("Key result 1: title")
    template = actions.create_template(
        acting_user=cast.hana, function="people", title="Hire well", key_results=rows
    )
    assert template_library.find(f"org-{template.pk}") is not None
    actions.update_template(
        acting_user=cast.hana,
        template=template,
        function="people",
        title="Hire people who stay",
        key_results=rows,
    )
    actions.retire_template(acting_user=cast.hana, template=template)
    assert template_library.find(f"org-{template.pk}") is None
    assert AuditEvent.objects.filter(action__startswith="okr_template.").count() == 3
    assert KeyResult.objects.count() == 0
