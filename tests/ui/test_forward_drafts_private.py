"""Next quarter's draft objectives proposed in a review are private like the review: the
person, their managers and HR -- not their colleagues, not the rest of the company -- until
the person chooses to show them to more people."""

from __future__ import annotations

import pytest
from django.test import Client

from lineofsight.core.errors import InvalidInput
from lineofsight.reviews.evidence import actions
from lineofsight.reviews.models import Review

from ..reviews import build_review_cycle
from ..worked_example import build_example

pytestmark = pytest.mark.django_db

TITLE = "Close four late-stage deals"


@pytest.fixture
def draft(cast):
    build_example(cast)
    review = build_review_cycle(cast)["ava"]
    (made,) = actions.propose_forward_drafts(acting_user=cast.sam, review=review)
    actions.update_forward_draft(
        acting_user=cast.sam,
        draft=made,
        title=TITLE,
        rationale="Four closes are my share of the 42 logos.",
        new_key_results=[{"title": "4 new enterprise closes", "start_value": 0, "target_value": 4}],
    )
    return made


def reads(person, objective_id: int) -> list[tuple[int, bool]]:
    client = Client()
    client.force_login(person)
    out = []
    for url in (
        f"/objectives/{objective_id}/",
        f"/api/objectives/{objective_id}",
        "/api/objectives",
        "/objectives/",
    ):
        got = client.get(url)
        out.append((got.status_code, TITLE in got.content.decode()))
    return out


def test_a_proposed_draft_is_seen_by_the_person_their_managers_and_hr_only(cast, draft):
    objective = draft.objective
    assert objective.visibility == "private"
    for who in (cast.pia, cast.dev, cast.otto, cast.eli):
        detail, api, listed, page = reads(who, objective.pk)
        assert detail == (404, False) and api == (404, False), who.username
        assert not listed[1] and not page[1], who.username
    for who in (cast.ava, cast.sam, cast.cora, cast.hana):
        assert reads(who, objective.pk)[0] == (200, True), who.username


def test_publishing_keeps_it_private_unless_the_person_chooses(cast, draft):
    with pytest.raises(InvalidInput) as refused:
        actions.publish_forward_draft(acting_user=cast.sam, draft=draft, visibility="public")
    assert "Only Ava Adams chooses who sees their objective" in refused.value.summary()
    published = actions.publish_forward_draft(acting_user=cast.sam, draft=draft)
    assert (published.state, published.visibility) == ("active", "private")
    assert reads(cast.otto, published.pk)[0] == (404, False)


def test_the_person_publishing_chooses_who_sees_it(cast, draft):
    Review.objects.filter(pk=draft.review_id).update(state="shared")
    client = Client()
    client.force_login(cast.ava)
    page = client.get(f"/reviews/{draft.review_id}/evidence/").content.decode()
    assert 'name="visibility"' in page and "you, your managers and HR" in page
    published = client.post(f"/reviews/drafts/{draft.pk}/publish/", {"visibility": "public"})
    assert published.status_code == 302
    draft.objective.refresh_from_db()
    assert (draft.objective.state, draft.objective.visibility) == ("active", "public")
    assert reads(cast.otto, draft.objective_id)[0] == (200, True)
