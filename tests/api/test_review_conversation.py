"""The review conversation over the API: my reviews, feedback (get, save, submit), the
rating, peer requests and approval, upward feedback, sharing, acknowledgement, amendments
and anonymous aggregates -- with the same access policy and errors naming the field."""

from __future__ import annotations

import pytest
import time_machine

from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.models import Amendment, Answer, Feedback, RatingChange, Review

from ..review_conversation import (
    ask_peers,
    complete_answers,
    feedback_of,
    see_team_context,
    shared_review,
    submit_manager,
    submit_self,
    write_peer,
)
from ..reviews import AFTER_FEEDBACK, DEADLINES_AHEAD, build_review_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    return build_review_cycle(cast)


def body(fb: Feedback) -> list[dict]:
    return [
        {"question": qid, "text": a.text, "rating": a.rating}
        for qid, a in complete_answers(fb).items()
    ]


def version(fb: Feedback) -> int:
    """The version a client would have read last."""
    return Feedback.objects.get(pk=fb.pk).version


def test_my_reviews_lists_tasks_and_my_own_reviews(cast, setup, as_person):
    got = as_person("ava").get("/my-reviews")
    assert got.status_code == 200
    data = got.json()
    kinds = {t["kind"]: t for t in data["tasks"]}
    assert kinds["self"]["due"] == "2026-10-09"
    assert kinds["self"]["url"] == f"/reviews/feedback/{kinds['self']['feedback']}/"
    assert kinds["upward-offer"]["review"] == setup["sam"].pk
    (mine,) = data["reviews"]
    assert (mine["id"], mine["state"], mine["shared"]) == (setup["ava"].pk, "self_review", False)
    sam = as_person("sam").get("/my-reviews").json()
    assert sorted(t["title"] for t in sam["tasks"] if t["kind"] == "manager") == [
        "Manager review of Ava Adams",
        "Manager review of Pia Park",
    ]


def test_feedback_save_and_submit(cast, setup, as_person):
    review = setup["ava"]
    fb = feedback_of(review, "self")
    ava = as_person("ava")
    got = ava.get(f"/feedback/{fb.pk}").json()
    assert got["writable"] is True and got["closed_reason"] == ""
    assert {a["section"] for a in got["answers"]} >= {"okrs", "baseline"}
    first = got["answers"][0]["question"]
    saved = ava.client.put(
        f"/api/feedback/{fb.pk}",
        f'{{"answers": [{{"question": {first}, "text": "Draft"}}], "version": {got["version"]}}}',
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert saved.json()["answers"][0]["text"] == "Draft"
    assert saved.json()["version"] == got["version"] + 1
    # Submitting with a missing required answer names it; nothing is kept from the attempt.
    missing = ava.post(f"/feedback/{fb.pk}/submit", {"answers": [], "version": version(fb)})
    assert missing.status_code == 422
    assert any(key.startswith("answers.") for key in missing.json()["errors"])
    # The whole question names what is missing, never cut in the middle of a word.
    long_one = next(
        q
        for q in questions_for(review.review_cycle, "self")
        if q.required and q.kind == "rating_text" and len(q.text) > 60
    )
    assert missing.json()["errors"][f"answers.{long_one.pk}.rating"] == [
        f"\u201c{long_one.text}\u201d needs a rating."
    ]
    done = ava.post(f"/feedback/{fb.pk}/submit", {"answers": body(fb), "version": version(fb)})
    assert done.status_code == 200
    assert done.json()["state"] == "submitted" and done.json()["writable"] is False
    assert Review.objects.get(pk=review.pk).state == "manager_review"
    again = ava.post(f"/feedback/{fb.pk}/submit", {"answers": body(fb), "version": version(fb)})
    assert again.status_code == 422 and "cannot change" in again.json()["detail"]


def test_bad_feedback_input_names_the_field(cast, setup, as_person):
    fb = feedback_of(setup["ava"], "self")
    q = questions_for(fb.review.review_cycle, "self")[3]  # rated
    ava = as_person("ava")
    out_of_schema = ava.post(
        f"/feedback/{fb.pk}/submit", {"answers": [{"question": q.pk, "rating": 11}]}
    )
    assert out_of_schema.status_code == 422
    assert "answers.0.rating" in out_of_schema.json()["errors"]
    unknown = ava.post(f"/feedback/{fb.pk}/submit", {"answers": [], "colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json()["errors"]
    rating = ava.post(f"/feedback/{fb.pk}/submit", {"answers": [], "rating": 3, "version": 1})
    assert rating.json()["errors"] == {"rating": ["Only the manager review carries the rating."]}
    assert not Answer.objects.filter(feedback=fb).exists()


def test_the_manager_rates_through_the_api(cast, setup, as_person):
    review = setup["ava"]
    submit_self(review)
    fb = feedback_of(review, "manager")
    sam = as_person("sam")
    refused = sam.post(
        f"/feedback/{fb.pk}/submit", {"answers": body(fb), "rating": 4, "version": 1}
    )
    assert refused.status_code == 422 and "Team context first" in refused.json()["detail"]
    see_team_context(cast.sam, review)
    # The rating is kept when left out of a later draft.
    assert (
        sam.client.put(
            f"/api/feedback/{fb.pk}", '{"rating": 3, "version": 1}', content_type="application/json"
        ).json()["rating"]
        == 3
    )
    done = sam.post(
        f"/feedback/{fb.pk}/submit",
        {
            "answers": body(fb),
            "potential": 2,
            "rating_explanation": "Closed 5 of 6.",
            "version": version(fb),
        },
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["rating"], done.json()["potential"]) == (3, 2)
    assert RatingChange.objects.filter(review=review).count() == 2
    # Others who may read it cannot write it.
    cora = as_person("cora")
    assert cora.get(f"/feedback/{fb.pk}").status_code == 200
    assert cora.post(f"/feedback/{fb.pk}/submit", {"answers": []}).status_code == 403
    assert as_person("otto").get(f"/feedback/{fb.pk}").status_code == 404


def test_review_detail_shows_what_the_caller_may_see(cast, setup, as_person):
    review = shared_review(setup, cast)
    for name in ("pia", "dev", "otto", "eli"):
        assert as_person(name).get(f"/reviews/{review.pk}").status_code == 404, name
    got = as_person("ava").get(f"/reviews/{review.pk}").json()
    assert (got["state"], got["rating"], got["rating_label"]) == ("shared", 4, "Exceeds")
    assert [f["kind"] for f in got["feedback"]] == ["self", "manager", "peer"]
    assert got["feedback"][2]["author_name"] == "Pia Park"
    assert got["can"] == {
        "share": False,
        "acknowledge": True,
        "amend": False,
        "request": False,
        "approve": False,
    }
    assert "context, not a formula" in got["policy"] and got["formula"] is None
    assert [h["kind"] for h in got["history"]] == ["rating", "rating"]  # rating and potential


def test_peer_requests_approve_and_decline(cast, setup, as_person):
    review = setup["ava"]
    ava = as_person("ava")
    made = ava.post(f"/reviews/{review.pk}/peer-requests", {"peers": [cast.pia.pk, cast.dev.pk]})
    assert made.status_code == 201
    assert {r["state"] for r in made.json()} == {"requested"}
    bad = ava.post(f"/reviews/{review.pk}/peer-requests", {"peers": [cast.sam.pk, 999_999]})
    assert bad.status_code == 422
    assert bad.json()["errors"]["peers"] == ["No active person with id 999999 that you can see."]
    bad = ava.post(f"/reviews/{review.pk}/peer-requests", {"peers": [cast.sam.pk]})
    assert "writes the manager review" in bad.json()["errors"]["peers"][0]
    pia_id = next(r["id"] for r in made.json() if r["peer"] == cast.pia.pk)
    dev_id = next(r["id"] for r in made.json() if r["peer"] == cast.dev.pk)
    assert ava.post(f"/feedback/{pia_id}/approve").status_code == 403
    sam = as_person("sam")
    approved = sam.post(f"/feedback/{pia_id}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "open"
    no_reason = sam.post(f"/feedback/{dev_id}/decline", {"reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    declined = sam.post(f"/feedback/{dev_id}/decline", {"reason": "Other team."})
    assert declined.json()["status"] == "Declined: Other team."
    listed = ava.get(f"/reviews/{review.pk}/peer-requests").json()
    assert {r["peer_name"]: r["state"] for r in listed} == {
        "Pia Park": "open",
        "Dev Diaz": "declined",
    }
    assert as_person("otto").get(f"/reviews/{review.pk}/peer-requests").status_code == 404


def test_upward_feedback_and_aggregates(cast, as_person):
    sams = build_review_cycle(cast, **DEADLINES_AHEAD)["sam"]
    started = as_person("ava").post(f"/reviews/{sams.pk}/upward-feedback")
    assert started.status_code == 201
    assert (started.json()["kind"], started.json()["anonymous"]) == ("upward", True)
    assert as_person("otto").post(f"/reviews/{sams.pk}/upward-feedback").status_code == 404
    assert as_person("cora").post(f"/reviews/{sams.pk}/upward-feedback").status_code == 403
    fb = Feedback.objects.get(pk=started.json()["id"])
    as_person("ava").post(f"/feedback/{fb.pk}/submit", {"answers": body(fb), "version": 1})
    (agg,) = as_person("cora").get(f"/reviews/{sams.pk}/aggregates").json()
    assert (agg["kind"], agg["shown"], agg["respondents"]) == ("upward", False, None)
    assert "once the feedback phase closes (4 Dec 2026)" in agg["message"]
    with time_machine.travel(AFTER_FEEDBACK):
        (agg,) = as_person("cora").get(f"/reviews/{sams.pk}/aggregates").json()
    assert (agg["kind"], agg["shown"], agg["respondents"]) == ("upward", False, None)
    assert agg["message"] == "Not enough answers to show without revealing who wrote them."


def test_anonymous_peer_aggregates_from_three(cast, as_person):
    setup = build_review_cycle(cast, anonymous_peer_feedback=True, **DEADLINES_AHEAD)
    review = setup["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev, cast.otto)
    for peer, words in ((cast.pia, "Fast"), (cast.dev, "Clear"), (cast.otto, "Kind")):
        write_peer(review, peer, text=words)
    with time_machine.travel(AFTER_FEEDBACK):
        got = as_person("sam").get(f"/reviews/{review.pk}").json()
    assert [f["kind"] for f in got["feedback"]] == []  # nothing one by one
    (agg,) = got["aggregates"]
    assert agg["shown"] and agg["respondents"] == 3
    assert sorted(agg["questions"][0]["texts"]) == ["Clear", "Fast", "Kind"]
    assert (
        as_person("pia").get(f"/feedback/{feedback_of(review, 'peer', cast.dev).pk}").status_code
        == 404
    )


def test_share_acknowledge_and_amend(cast, setup, as_person):
    review = setup["ava"]
    submit_self(review)
    submit_manager(review)
    sam = as_person("sam")
    assert as_person("ava").post(f"/reviews/{review.pk}/share").status_code == 403
    assert as_person("pia").post(f"/reviews/{review.pk}/share").status_code == 404
    shared = sam.post(f"/reviews/{review.pk}/share")
    assert shared.status_code == 200 and shared.json()["state"] == "shared"
    assert sam.post(f"/reviews/{review.pk}/share").status_code == 422
    ava = as_person("ava")
    assert sam.post(f"/reviews/{review.pk}/acknowledge", {"comment": "x"}).status_code == 403
    acked = ava.post(f"/reviews/{review.pk}/acknowledge", {"comment": "Fair."})
    assert acked.json()["state"] == "acknowledged" and acked.json()["employee_comment"] == "Fair."
    hana = as_person("hana")
    assert (
        sam.post(f"/reviews/{review.pk}/amendments", {"reason": "x", "rating": 2}).status_code
        == 403
    )
    no_reason = hana.post(f"/reviews/{review.pk}/amendments", {"reason": "", "rating": 2})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    bad_fb = hana.post(
        f"/reviews/{review.pk}/amendments", {"reason": "x", "feedback": 999_999, "answers": []}
    )
    assert bad_fb.status_code == 422 and "feedback" in bad_fb.json()["errors"]
    made = hana.post(f"/reviews/{review.pk}/amendments", {"reason": "Calibrated.", "rating": 3})
    assert made.status_code == 201
    assert [(a["field"], a["old_value"], a["new_value"]) for a in made.json()] == [
        ("rating", "4", "3")
    ]
    listed = ava.get(f"/reviews/{review.pk}/amendments").json()
    assert [a["reason"] for a in listed] == ["Calibrated."]
    assert Amendment.objects.count() == 1
