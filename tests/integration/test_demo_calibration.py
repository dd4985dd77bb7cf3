"""The demo's calibration session and recognition: a live session over the Sales department
with a few submitted ratings (a draft one counts nowhere) and one flagged rating, and kudos on
Jordan's key results."""

from __future__ import annotations

from django.test import Client

from lineofsight.reviews.calibration import rules
from lineofsight.reviews.calibration import selectors as calibration
from lineofsight.reviews.models import CalibrationSession, Kudos


def test_the_session_is_live_over_sales_with_one_flagged_rating(people):
    session = CalibrationSession.objects.get(name="Sales calibration")
    assert session.state == "live" and session.facilitator == people["daniel"]
    assert {p.username for p in session.participants.all()} == {"priya", "chloe", "olivia"}
    board = calibration.board(
        people["fatima"], calibration.get_session_for_user(people["fatima"], session.pk)
    )
    rated = {r.name: r.rating for r in board.rows if r.rating is not None}
    # Priya's rating of Jordan is still her draft: not in calibration.
    assert rated == {"Sofia Marin": 2, "Ahmed Hassan": 3, "Ethan Wright": 3}
    flagged = {r.name: [f.code for f in r.flags] for r in board.rows if r.flags}
    assert flagged == {"Sofia Marin": [rules.LOW_RATING_HIGH_RECOGNITION]}
    sofia = next(r for r in board.rows if r.name == "Sofia Marin")
    assert "3 kudos in the period" in sofia.flags[0].reason


def test_the_facilitator_opens_the_session_page_and_an_engineer_cannot(people):
    session = CalibrationSession.objects.get(name="Sales calibration")
    client = Client()
    client.force_login(people["daniel"])
    page = client.get(f"/reviews/calibration/{session.pk}/")
    assert page.status_code == 200
    assert "Low rating despite strong peer recognition" in page.content.decode()
    client.force_login(people["omar"])
    assert client.get(f"/reviews/calibration/{session.pk}/").status_code == 404


def test_jordan_has_kudos_on_his_key_results(people):
    kudos = Kudos.objects.filter(recipient=people["jordan"])
    assert kudos.count() == 3
    assert all(
        k.key_result is not None and k.key_result.owner_id == people["jordan"].pk for k in kudos
    )
    client = Client()
    client.force_login(people["omar"])
    page = client.get(f"/people/{people['jordan'].pk}/kudos/").content.decode()
    assert "22 qualified opportunities from outbound" in page
