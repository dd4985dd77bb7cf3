"""Recognition through its actions and selectors: kudos (public, tied to key results) and
spot-bonus nominations (private to the nominee's chain, HR and the nominator)."""

from __future__ import annotations

import pytest
from django.core import mail

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions as goal_actions
from lineofsight.integrations.delivery import deliver_due
from lineofsight.integrations.models import Notification
from lineofsight.reviews.models import Kudos, SpotBonusNomination
from lineofsight.reviews.recognition import actions
from lineofsight.reviews.recognition import selectors as recognition

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def private_key_result(cast):
    objective = goal_actions.create_objective(
        acting_user=cast.ava,
        title="Move to the healthcare territory",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    return goal_actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="8 healthcare discovery calls",
        kind="increase",
        start_value=0,
        target_value=8,
        owner=cast.ava,
    )


def test_kudos_for_a_key_result_are_public_and_the_recipient_is_told(
    cast, django_capture_on_commit_callbacks
):
    c = build_cascade(cast)
    with django_capture_on_commit_callbacks(execute=True):
        kudos = actions.give_kudos(
            acting_user=cast.pia,
            recipient=cast.ava,
            message="Your discovery script got me two meetings.",
            key_result=c.ava_opps,
        )
    assert kudos.key_result == c.ava_opps
    for who in (cast.otto, cast.dev, cast.ava):
        assert list(recognition.kudos_for_person(who, cast.ava)) == [kudos]
        assert list(recognition.kudos_for_key_result(who, c.ava_opps)) == [kudos]
    event = AuditEvent.objects.get(action="recognition.give_kudos")
    assert event.data == {"recipient": cast.ava.pk, "key_result": c.ava_opps.pk}
    note = Notification.objects.get(recipient=cast.ava, dedupe_key=f"kudos:{kudos.pk}")
    assert note.subject == "Pia Park gave you kudos"
    assert "Your discovery script" in note.body
    assert note.state == "pending" and mail.outbox == []  # the next delivery run sends it


def test_kudos_about_a_private_key_result_show_only_where_it_may_be_seen(cast):
    kr = private_key_result(cast)
    kudos = actions.give_kudos(
        acting_user=cast.sam, recipient=cast.ava, message="Bold", key_result=kr
    )
    assert list(recognition.kudos_for_person(cast.cora, cast.ava)) == [kudos]  # her chain
    assert list(recognition.kudos_for_person(cast.otto, cast.ava)) == []
    assert list(recognition.kudos_for_person(cast.pia, cast.ava)) == []


def test_nobody_gives_kudos_to_themselves_and_bad_input_changes_nothing(cast):
    kr = private_key_result(cast)
    with pytest.raises(InvalidInput) as caught:
        actions.give_kudos(acting_user=cast.ava, recipient=cast.ava, message="Me!")
    assert caught.value.errors == {"recipient": ["You cannot give kudos to yourself."]}
    with pytest.raises(InvalidInput) as caught:
        actions.give_kudos(acting_user=cast.otto, recipient=cast.ava, message=" ", key_result=kr)
    assert set(caught.value.errors) == {"message", "key_result"}  # a key result Otto cannot see
    with pytest.raises(InvalidInput) as caught:
        actions.give_kudos(acting_user=cast.pia, recipient=cast.ava, message="x" * 2001)
    assert "under 2000 characters" in caught.value.errors["message"][0]
    assert not Kudos.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="recognition.").exists()


def test_a_nomination_is_seen_by_the_chain_hr_and_the_nominator_never_the_nominee(cast):
    c = build_cascade(cast)
    nomination = actions.nominate_spot_bonus(
        acting_user=cast.pia,
        nominee=cast.ava,
        reason="Rescued the Globex renewal over a weekend.",
        key_result=c.ava_closes,
    )
    seen = {
        name
        for name, person in cast.everyone().items()
        if nomination in recognition.nominations_for_user(person)
    }
    assert seen == {"pia", "sam", "cora", "hana"}
    with pytest.raises(NotFound):
        recognition.get_nomination_for_user(cast.ava, nomination.pk)
    assert AuditEvent.objects.get(action="recognition.nominate_spot_bonus").data == {
        "nominee": cast.ava.pk,
        "key_result": c.ava_closes.pk,
    }
    assert not Notification.objects.filter(recipient=cast.ava).exists()


def test_an_hr_admin_never_sees_a_nomination_of_themselves(cast):
    nomination = actions.nominate_spot_bonus(
        acting_user=cast.sam, nominee=cast.hana, reason="Ran the review cycle flawlessly."
    )
    assert list(recognition.nominations_for_user(cast.hana)) == []
    assert list(recognition.nominations_for_user(cast.cora)) == [nomination]
    with pytest.raises(NotAllowed):
        actions.decide_spot_bonus(
            acting_user=cast.hana, nomination=nomination, decision="approved", note="Me"
        )


def test_hr_decides_with_a_note_and_the_nominator_is_told(cast, django_capture_on_commit_callbacks):
    nomination = actions.nominate_spot_bonus(
        acting_user=cast.pia, nominee=cast.ava, reason="Rescued the renewal."
    )
    with pytest.raises(NotAllowed):
        actions.decide_spot_bonus(
            acting_user=cast.sam, nomination=nomination, decision="approved", note="Yes"
        )
    with pytest.raises(InvalidInput) as caught:
        actions.decide_spot_bonus(
            acting_user=cast.hana, nomination=nomination, decision="maybe", note=""
        )
    assert set(caught.value.errors) == {"decision", "note"}
    nomination.refresh_from_db()
    assert nomination.state == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        decided = actions.decide_spot_bonus(
            acting_user=cast.hana, nomination=nomination, decision="approved", note="Well earned."
        )
    assert decided.state == "approved" and decided.decided_by == cast.hana
    assert decided.decided_at is not None and decided.decision_note == "Well earned."
    note = Notification.objects.get(recipient=cast.pia)
    assert note.subject == "Your spot-bonus nomination of Ava Adams was approved"
    assert note.state == "pending" and mail.outbox == []  # queued for the next delivery run
    deliver_due()
    assert [m.subject for m in mail.outbox] == [note.subject] and mail.outbox[0].to == [
        "pia@acme.test"
    ]
    assert not Notification.objects.filter(recipient=cast.ava).exists()
    with pytest.raises(InvalidInput) as caught:
        actions.decide_spot_bonus(
            acting_user=cast.hana, nomination=nomination, decision="declined", note="Changed"
        )
    assert "approved already" in caught.value.errors["__all__"][0]


def test_nominations_carry_no_amount_and_nobody_nominates_themselves(cast):
    assert not any(
        "amount" in f.name or "pay" in f.name for f in SpotBonusNomination._meta.get_fields()
    )
    with pytest.raises(InvalidInput) as caught:
        actions.nominate_spot_bonus(acting_user=cast.pia, nominee=cast.pia, reason="Me")
    assert caught.value.errors == {"nominee": ["You cannot nominate yourself."]}
    assert not SpotBonusNomination.objects.exists()
