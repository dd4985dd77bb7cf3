"""Review templates and the OKR-to-review policy through their actions."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.reviews import policy
from lineofsight.reviews.conversation import actions as conversation
from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.cycles import template_actions as actions
from lineofsight.reviews.cycles.default_template import DEFAULT_TEMPLATE_NAME
from lineofsight.reviews.models import ReviewPolicy, ReviewTemplate, TemplateQuestion

from ..review_conversation import feedback_of, see_team_context
from ..reviews import build_review_cycle

pytestmark = pytest.mark.django_db

SCALE = [
    {"value": 1, "label": "Not yet", "description": "Below the bar."},
    {"value": 2, "label": "Solid", "description": ""},
    {"value": 3, "label": "Strong", "description": ""},
]
QUESTIONS = [
    {"text": "What landed?", "section": "okrs", "for_self": True, "for_manager": True},
    {
        "text": "Reliability",
        "section": "baseline",
        "kind": "rating_text",
        "for_self": True,
        "for_manager": True,
        "required": True,
    },
    {"text": "What helped you?", "for_self": False, "for_manager": False, "for_peer": True},
]


def _create(cast, **overrides):
    kwargs = {"name": "Engineering review", "rating_scale": SCALE, "questions": QUESTIONS}
    kwargs.update(overrides)
    return actions.create_review_template(acting_user=cast.hana, **kwargs)


# -- the standard template ---------------------------------------------------------------


def test_the_standard_template_covers_the_four_part_conversation(cast):
    template = actions.ensure_default_template(acting_user=cast.hana)
    assert template.name == DEFAULT_TEMPLATE_NAME
    assert [lv["value"] for lv in template.rating_scale] == [1, 2, 3, 4, 5]
    questions = list(template.questions.all())
    sections = {q.section for q in questions}
    assert {"okrs", "baseline", "contribution", "growth"} <= sections
    baseline = [q for q in questions if q.section == "baseline"]
    assert [q.text.split(":")[0] for q in baseline] == [
        "Reliability",
        "Communication",
        "Routine work",
    ]
    assert all(q.kind == "rating_text" for q in baseline)
    okr_texts = " ".join(q.text for q in questions if q.section == "okrs")
    for words in ("planned", "in your control", "learn"):
        assert words in okr_texts
    assert any(q.for_peer for q in questions) and any(q.for_upward for q in questions)
    assert [q.position for q in questions] == list(range(1, len(questions) + 1))
    # Each review asks its own questions, worded for its writer: the manager writes about
    # the person ("their"), the person about themselves ("your").
    manager = [q.text for q in questions if q.for_manager]
    own = [q.text for q in questions if q.for_self]
    assert "What was in their control, and what was not?" in manager
    assert not [t for t in manager if re.search(r"\byou(r)?\b", t, re.I)]
    assert not [t for t in own if re.search(r"\b(they|their|them)\b", t, re.I)]
    shared = [q.text for q in questions if q.for_self and q.for_manager]
    assert all(q.section == "baseline" for q in questions if q.text in shared)
    # Asked for again, it is the same template.
    assert actions.ensure_default_template(acting_user=cast.hana).pk == template.pk
    assert ReviewTemplate.objects.count() == 1


def test_templates_and_cycles_made_before_ask_the_manager_its_own_question(cast):
    """The data migration: a question of the old standard template asked of both the person
    and the manager becomes two, and the manager's answers move to the manager's question."""
    split = import_module("lineofsight.reviews.migrations.0005_question_for_each_writer").split
    old = "What was in your control, and what was not?"
    template = actions.create_review_template(
        acting_user=cast.hana,
        name="Made last year",
        questions=[
            {"text": old, "section": "okrs", "for_self": True, "for_manager": True},
            {"text": "What landed?", "section": "okrs", "for_self": True, "for_manager": True},
        ],
    )
    setup = build_review_cycle(cast, template=template)
    review = setup["ava"]
    see_team_context(cast.sam, review)
    (asked, _) = questions_for(review.review_cycle, "manager")
    manager = feedback_of(review, "manager")
    conversation.save_feedback(
        acting_user=cast.sam,
        feedback=manager,
        answers={asked.pk: conversation.AnswerIn(text="The outbound volume was hers.")},
    )
    own = feedback_of(review, "self")
    conversation.save_feedback(
        acting_user=cast.ava,
        feedback=own,
        answers={asked.pk: conversation.AnswerIn(text="Outbound was mine.")},
    )

    split(django_apps, None)

    assert [q.text for q in questions_for(review.review_cycle, "self")] == [old, "What landed?"]
    theirs = [q.text for q in questions_for(review.review_cycle, "manager")]
    assert theirs == ["What was in their control, and what was not?", "What landed?"]
    assert [(a.question.text, a.text) for a in manager.answers.all()] == [
        (theirs[0], "The outbound volume was hers.")
    ]
    assert [(a.question.text, a.text) for a in own.answers.all()] == [(old, "Outbound was mine.")]
    texts = {(q.text, q.for_self, q.for_manager) for q in template.questions.all()}
    assert (old, True, False) in texts and (theirs[0], False, True) in texts
    split(django_apps, None)  # a second run finds nothing left to split
    assert template.questions.count() == 3


# -- create, edit, duplicate, archive ----------------------------------------------------


def test_a_template_keeps_its_scale_and_questions_in_order(cast):
    template = _create(cast, description="For engineers")
    assert template.rating_scale == SCALE
    assert template.rate_potential is False
    stored = list(template.questions.values_list("position", "text", "section", "kind"))
    assert stored == [
        (1, "What landed?", "okrs", "text"),
        (2, "Reliability", "baseline", "rating_text"),
        (3, "What helped you?", "general", "text"),
    ]
    assert AuditEvent.objects.filter(action="create_review_template").count() == 1


def test_editing_replaces_questions_reorders_and_removes(cast):
    template = _create(cast)
    reordered = [QUESTIONS[1], QUESTIONS[0]]
    actions.update_review_template(
        acting_user=cast.hana,
        template=template,
        name="Engineering review (2027)",
        rating_scale=SCALE,
        questions=reordered,
    )
    template.refresh_from_db()
    assert template.name == "Engineering review (2027)"
    assert list(template.questions.values_list("text", flat=True)) == [
        "Reliability",
        "What landed?",
    ]
    assert TemplateQuestion.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"rating_scale": SCALE[:1]}, "rating_scale"),
        ({"rating_scale": [SCALE[0], {**SCALE[2]}]}, "rating_scale"),
        ({"rating_scale": [SCALE[0], {**SCALE[1], "label": ""}]}, "rating_scale.1"),
        ({"rate_potential": True, "potential_scale": []}, "potential_scale"),
        ({"questions": []}, "questions"),
        ({"questions": [QUESTIONS[2]]}, "questions"),  # nothing for the self review
        ({"questions": [{**QUESTIONS[0], "text": ""}]}, "questions.0.text"),
        (
            {"questions": [QUESTIONS[0], {**QUESTIONS[1], "section": "vibes"}]},
            "questions.1.section",
        ),
        ({"questions": [QUESTIONS[0], {**QUESTIONS[1], "kind": "essay"}]}, "questions.1.kind"),
        (
            {
                "questions": [
                    QUESTIONS[0],
                    {"text": "To whom?", "for_self": False, "for_manager": False},
                ]
            },
            "questions.1.audiences",
        ),
        (
            {"questions": [QUESTIONS[0], {**QUESTIONS[1], "required": "maybe"}]},
            "questions.1.required",
        ),
    ],
)
def test_bad_templates_name_the_field_and_write_nothing(cast, overrides, field):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        _create(cast, **overrides)
    assert field in caught.value.errors, caught.value.errors
    assert not ReviewTemplate.objects.exists() and not TemplateQuestion.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_bad_edit_changes_nothing(cast):
    template = _create(cast)
    other = _create(cast, name="Sales review")
    with pytest.raises(InvalidInput) as caught:
        actions.update_review_template(
            acting_user=cast.hana,
            template=template,
            name="SALES REVIEW",
            rating_scale=SCALE,
            questions=QUESTIONS[:1],
        )
    assert "name" in caught.value.errors
    template.refresh_from_db()
    assert template.name == "Engineering review"
    assert template.questions.count() == 3 and other.questions.count() == 3


def test_duplicating_copies_everything_under_a_free_name(cast):
    template = _create(cast, rate_potential=True)
    first = actions.duplicate_review_template(acting_user=cast.hana, template=template)
    second = actions.duplicate_review_template(acting_user=cast.hana, template=template)
    assert first.name == "Copy of Engineering review"
    assert second.name == "Copy of Engineering review (2)"
    assert first.rating_scale == SCALE and first.rate_potential is True
    assert list(first.questions.values_list("text", "position")) == list(
        template.questions.values_list("text", "position")
    )
    with pytest.raises(InvalidInput) as caught:
        actions.duplicate_review_template(
            acting_user=cast.hana, template=template, name="Engineering review"
        )
    assert "name" in caught.value.errors


def test_archiving_and_restoring(cast):
    template = _create(cast)
    actions.archive_review_template(acting_user=cast.hana, template=template)
    assert ReviewTemplate.objects.get().archived is True
    actions.archive_review_template(acting_user=cast.hana, template=template, archived=False)
    assert ReviewTemplate.objects.get().archived is False
    assert AuditEvent.objects.filter(action="restore_review_template").exists()


@pytest.mark.parametrize("who", ["ava", "sam", "cora"])
def test_only_hr_manages_templates(cast, who):
    person = getattr(cast, who)
    with pytest.raises(NotAllowed):
        actions.create_review_template(
            acting_user=person, name="Mine", rating_scale=SCALE, questions=QUESTIONS
        )
    template = _create(cast)
    for call in (
        lambda: actions.update_review_template(
            acting_user=person, template=template, name="X", questions=QUESTIONS
        ),
        lambda: actions.duplicate_review_template(acting_user=person, template=template),
        lambda: actions.archive_review_template(acting_user=person, template=template),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert ReviewTemplate.objects.count() == 1


# -- the policy --------------------------------------------------------------------------


def test_the_default_policy_is_context_not_formula(db):
    current = policy.policy_in_force()
    assert current.published is False and current.mode == "context"
    assert "context, not as a formula" in current.statement
    assert "no penalty" in current.statement
    assert "never a formula of OKR attainment" in current.compensation
    assert current.contribution


def test_publishing_adds_a_version_and_keeps_the_history(cast):
    first = policy.publish_review_policy(
        acting_user=cast.hana, statement="OKRs are context.", reason="First version"
    )
    second = policy.publish_review_policy(
        acting_user=cast.hana,
        statement="OKRs are context, and stretch is welcome.",
        compensation="Pay is decided separately.",
        reason="Clearer about stretch",
    )
    current = policy.policy_in_force()
    assert current.published and current.row == second
    assert current.statement.endswith("stretch is welcome.")
    assert list(policy.policy_history()) == [second, first]
    assert ReviewPolicy.objects.get(pk=first.pk).statement == "OKRs are context."
    event = AuditEvent.objects.get(action="publish_review_policy", subject_id=second.pk)
    assert event.amendment_reason == "Clearer about stretch" and event.actor == cast.hana


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"statement": "  "}, "statement"),
        ({"reason": ""}, "reason"),
        ({"mode": "vibes"}, "mode"),
        ({"contribution": "x" * 20_001}, "contribution"),
    ],
)
def test_a_bad_policy_names_the_field_and_publishes_nothing(cast, overrides, field):
    kwargs = {"statement": "OKRs are context.", "reason": "Because"}
    kwargs.update(overrides)
    with pytest.raises(InvalidInput) as caught:
        policy.publish_review_policy(acting_user=cast.hana, **kwargs)
    assert field in caught.value.errors
    assert not ReviewPolicy.objects.exists()


def test_only_hr_publishes_the_policy(cast):
    with pytest.raises(NotAllowed):
        policy.publish_review_policy(acting_user=cast.sam, statement="Mine", reason="Mine")
    assert not ReviewPolicy.objects.exists()
