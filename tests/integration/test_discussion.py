"""Discussion through its actions: threads on objectives, key results and check-ins, mentions
checked against who may see the subject, edits that keep history, removal, reactions, and
the messages the inbox gets."""

from __future__ import annotations

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.discussion import actions, selectors
from lineofsight.discussion.models import Comment, CommentVersion, Reaction
from lineofsight.integrations.models import InboxItem, Notification

from ..discussion_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return build_world(cast)


def post(capture, **kwargs):
    with capture(execute=True):
        return actions.post_comment(**kwargs)


def test_a_mention_reaches_the_inbox_and_email_of_someone_who_sees_the_objective(
    cast, world, django_capture_on_commit_callbacks
):
    comment = post(
        django_capture_on_commit_callbacks,
        acting_user=cast.ava,
        objective=world.private,
        body="@sam can you join the legal call on Thursday?",
    )
    assert list(comment.mentions.all()) == [cast.sam]
    item = InboxItem.objects.get(recipient=cast.sam)
    assert item.kind == "mention"
    assert (
        item.subject == "Ava Adams mentioned you on \u201cClose my first two enterprise deals\u201d"
    )
    assert "legal call on Thursday" in item.body
    assert item.url == f"/objectives/{world.private.pk}/#comments"
    assert item.read_at is None
    email = Notification.objects.get(recipient=cast.sam, kind="mention")
    assert email.channel == "email" and email.address == "sam@acme.test"


def test_mentioning_someone_who_cannot_see_the_objective_is_refused_naming_them(cast, world):
    with pytest.raises(InvalidInput) as refused:
        actions.post_comment(
            acting_user=cast.ava, objective=world.private, body="@pia @sam have a look"
        )
    message = refused.value.errors["body"][0]
    assert "Pia Park (@pia) cannot see this objective" in message
    assert not Comment.objects.exists()
    assert not InboxItem.objects.exists()


def test_an_unknown_username_is_refused(cast, world):
    with pytest.raises(InvalidInput) as refused:
        actions.post_comment(acting_user=cast.sam, objective=world.public, body="thanks @nobody!")
    assert "@nobody" in refused.value.errors["body"][0]


def test_someone_who_cannot_see_the_objective_cannot_comment_or_read(cast, world):
    with pytest.raises(NotFound):
        actions.post_comment(acting_user=cast.pia, objective=world.private, body="Hello")
    with pytest.raises(NotFound):
        selectors.subject_for_user(cast.pia, "objective", world.private.pk)
    with pytest.raises(NotFound):
        selectors.subject_for_user(cast.pia, "check_in", world.private_check_in.pk)
    comment = actions.post_comment(acting_user=cast.sam, objective=world.private, body="Noted")
    with pytest.raises(NotFound):
        selectors.get_comment_for_user(cast.pia, comment.pk)
    assert selectors.get_comment_for_user(cast.hana, comment.pk) == comment


def test_a_check_in_note_opens_a_thread_and_its_author_hears_the_replies(
    cast, world, django_capture_on_commit_callbacks
):
    post(
        django_capture_on_commit_callbacks,
        acting_user=cast.sam,
        check_in=world.private_check_in,
        body="I'll ask Otto's team to prioritise it.",
    )
    comment = Comment.objects.get()
    assert comment.subject == "check_in"
    assert comment.key_result == world.private_kr and comment.objective == world.private
    reply = InboxItem.objects.get(recipient=cast.ava)
    assert reply.kind == "reply"
    assert reply.subject.startswith("Sam Sato replied on")
    assert reply.url == f"/discussion/check-ins/{world.private_check_in.pk}/#comment-{comment.pk}"
    subject = selectors.subject_for_user(cast.ava, "check_in", world.private_check_in.pk)
    assert [e.comment for e in selectors.thread(cast.ava, subject)] == [comment]


def test_earlier_writers_hear_replies_unless_they_turned_the_inbox_off(
    cast, world, django_capture_on_commit_callbacks
):
    from lineofsight.integrations import actions as settings_actions

    capture = django_capture_on_commit_callbacks
    post(capture, acting_user=cast.sam, objective=world.public, body="Pipeline review Friday.")
    post(capture, acting_user=cast.pia, objective=world.public, body="I'll bring my list.")
    assert InboxItem.objects.filter(recipient=cast.sam, kind="reply").count() == 1
    settings_actions.set_notification_preferences(
        acting_user=cast.sam, person=cast.sam, channels={"reply": []}
    )
    post(capture, acting_user=cast.ava, objective=world.public, body="Me too.")
    assert InboxItem.objects.filter(recipient=cast.sam, kind="reply").count() == 1
    assert InboxItem.objects.filter(recipient=cast.pia, kind="reply").count() == 1
    # replies are not emailed by default
    assert not Notification.objects.filter(kind="reply").exists()


def test_edits_keep_history_and_tell_only_the_newly_mentioned(
    cast, world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    comment = post(capture, acting_user=cast.sam, objective=world.public, body="Draft plan")
    with capture(execute=True):
        actions.edit_comment(acting_user=cast.sam, comment=comment, body="Draft plan, @ava")
    with capture(execute=True):
        actions.edit_comment(
            acting_user=cast.sam, comment=comment, body="Final plan, @ava and @pia"
        )
    versions = list(CommentVersion.objects.filter(comment=comment).values_list("body", flat=True))
    assert versions == ["Draft plan", "Draft plan, @ava"]
    assert InboxItem.objects.filter(recipient=cast.ava, kind="mention").count() == 1
    assert InboxItem.objects.filter(recipient=cast.pia, kind="mention").count() == 1
    entry = selectors.entry(cast.dev, comment)
    assert entry.versions == 2 and not entry.can_edit
    with pytest.raises(NotAllowed):
        actions.edit_comment(acting_user=cast.ava, comment=comment, body="Mine now")


def test_removing_leaves_a_marker_and_only_the_author_may(cast, world):
    comment = actions.post_comment(acting_user=cast.sam, objective=world.public, body="Oops")
    with pytest.raises(NotAllowed):
        actions.remove_comment(acting_user=cast.hana, comment=comment)
    actions.remove_comment(acting_user=cast.sam, comment=comment)
    comment.refresh_from_db()
    assert comment.removed and comment.body == ""
    subject = selectors.subject_for_user(cast.ava, "objective", world.public.pk)
    [entry] = selectors.thread(cast.ava, subject)
    assert entry.comment.removed and entry.versions == 0
    assert selectors.versions_of(cast.ava, comment) == []


def test_reactions_are_one_of_each_per_person_and_toggle(cast, world):
    comment = actions.post_comment(acting_user=cast.sam, objective=world.public, body="Won it!")
    assert actions.toggle_reaction(acting_user=cast.ava, comment=comment, emoji="party")
    assert actions.toggle_reaction(acting_user=cast.pia, comment=comment, emoji="party")
    assert actions.toggle_reaction(acting_user=cast.ava, comment=comment, emoji="thumbs_up")
    assert not actions.toggle_reaction(acting_user=cast.ava, comment=comment, emoji="party")
    assert Reaction.objects.filter(comment=comment).count() == 2
    with pytest.raises(InvalidInput) as refused:
        actions.toggle_reaction(acting_user=cast.ava, comment=comment, emoji="heart")
    assert "emoji" in refused.value.errors
    private = actions.post_comment(acting_user=cast.sam, objective=world.private, body="ok")
    with pytest.raises(NotFound):
        actions.toggle_reaction(acting_user=cast.pia, comment=private, emoji="eyes")


def test_an_empty_comment_names_the_field(cast, world):
    with pytest.raises(InvalidInput) as refused:
        actions.post_comment(acting_user=cast.sam, objective=world.public, body="   ")
    assert list(refused.value.errors) == ["body"]


def test_a_thread_reads_in_a_bounded_number_of_queries(cast, world, django_assert_max_num_queries):
    for n in range(12):
        c = actions.post_comment(
            acting_user=cast.sam, objective=world.public, body=f"Update {n} for @ava"
        )
        actions.toggle_reaction(acting_user=cast.pia, comment=c, emoji="eyes")
        actions.edit_comment(acting_user=cast.sam, comment=c, body=f"Update {n}, @ava")
    subject = selectors.subject_for_user(cast.pia, "objective", world.public.pk)
    with django_assert_max_num_queries(6):
        entries = selectors.thread(cast.pia, subject)
    assert len(entries) == 12 and all(e.versions == 1 for e in entries)
