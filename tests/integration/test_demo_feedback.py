"""The demo's review conversation: Jordan's submitted self review and Sofia's named peer
feedback on him, a request waiting for approval, a draft, and anonymous upward feedback on
Priya from her three reports, shown in aggregate once the feedback phase closes."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from lineofsight.reviews.conversation import pages, selectors
from lineofsight.reviews.models import Feedback, Review


def _review(username: str) -> Review:
    return Review.objects.select_related("review_cycle", "subject", "manager").get(
        subject__username=username
    )


def test_jordan_submitted_his_self_review_facts_first(people):
    jordan = _review("jordan")
    assert jordan.state == "manager_review"
    seen = selectors.visible_feedback(people["priya"], jordan)
    words = " ".join(line.text for line in seen.one("self").lines)
    assert "22 qualified, 8 past legal review and 5 closes" in words
    assert [line.rating for line in seen.one("self").lines if line.rating] == [4, 4, 3]


def test_sofia_wrote_named_feedback_on_jordan_and_ahmed_has_yet_to(people):
    jordan = _review("jordan")
    peers = {
        fb.author.username: fb.state
        for fb in Feedback.objects.filter(review=jordan, kind="peer").select_related("author")
    }
    assert peers == {"sofia": "submitted", "ahmed": "open"}
    seen = selectors.visible_feedback(people["priya"], jordan)
    assert [s.feedback.author.username for s in seen.named["peer"]] == ["sofia"]
    ahmed = pages.inbox(people["ahmed"])
    assert any(t.kind == "peer" and t.title == "Peer feedback on Jordan Blake" for t in ahmed.tasks)


def test_a_request_waits_for_approval_and_a_draft_is_kept(people):
    chloe = pages.inbox(people["chloe"])
    assert any(
        t.kind == "approve" and t.title == "Noah Williams asks Ethan Wright for feedback"
        for t in chloe.tasks
    )
    sofia = Feedback.objects.get(review=_review("sofia"), kind="self")
    assert sofia.state == "open" and sofia.answers.count() == 1


def test_upward_feedback_on_priya_reads_in_aggregate_once_released(people):
    priya = _review("priya")
    upward = selectors.visible_feedback(people["daniel"], priya)
    assert "upward" not in upward.named
    assert upward.aggregates["upward"].shown is False  # the feedback phase is still open
    after = priya.review_cycle.peer_feedback_due + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(after, dt.time(12), tzinfo=dt.UTC)):
        aggregate = selectors.visible_feedback(people["daniel"], priya).aggregates["upward"]
    assert aggregate.shown and aggregate.respondents == 3
    rated = next(q for q in aggregate.questions if q.counts)
    assert rated.average == 4.0


def test_the_review_page_reads_whole_for_the_manager_and_facts_first_for_the_person(people):
    jordan = _review("jordan")
    client = Client()
    client.force_login(people["priya"])
    page = client.get(f"/reviews/{jordan.pk}/").content.decode()
    assert "His legal-review checklist saved me two weeks" in page
    assert "Draft rating" in page  # Priya's own draft, marked as such to her
    client.force_login(people["daniel"])
    page = client.get(f"/reviews/{jordan.pk}/").content.decode()
    assert "His legal-review checklist saved me two weeks" in page
    assert "Built most of the team's qualified pipeline" not in page  # Priya's draft
    client.force_login(people["jordan"])
    page = client.get(f"/reviews/{jordan.pk}/").content.decode()
    assert "22 qualified, 8 past legal review and 5 closes" in page  # his own self review
    assert "His legal-review checklist" not in page and "Draft rating" not in page
