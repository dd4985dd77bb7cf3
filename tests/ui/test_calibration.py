"""The calibration pages through the test client: the session page, moves, explanations,
states, HR's set-up and rules pages, and the distribution export."""

from __future__ import annotations

import csv
import io
import re

import pytest

from lineofsight.reviews.calibration import rules
from lineofsight.reviews.models import CalibrationRule, CalibrationSession, RatingChange, Review

from ..calibration import add_people, build_calibration
from ..reviews import build_review_cycle

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def url(c, suffix: str = "") -> str:
    return f"/reviews/calibration/{c.session.pk}/{suffix}"


def test_the_session_page_shows_distribution_grid_people_and_flags(cast, as_user):
    c = build_calibration(cast)
    page = as_user(cast.hana).get(url(c))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-state="live"' in html
    assert "3 people: fewer than 4, so counts and averages are hidden." in html
    assert 'class="box box-2-0" data-count="1"' in html  # Ava: high rating, low attainment
    assert "Rated 4 (Exceeds), in the top 2 levels of the scale, with OKR attainment 30 %" in html
    assert "1 flagged rating needs an explanation before the session can complete" in text_of(html)
    assert f"/reviews/{c.review('ava').pk}/move/" in html
    assert "Complete the session" in html


def test_a_calibrator_never_sees_their_own_row_and_a_participant_cannot_move(cast, as_user):
    c = build_calibration(cast)
    sams = as_user(cast.sam).get(url(c)).content.decode()
    assert f'id="review-{c.review("sam").pk}"' not in sams
    assert f'id="review-{c.review("ava").pk}"' in sams
    elis = as_user(cast.eli).get(url(c)).content.decode()
    assert f'id="review-{c.review("sam").pk}"' in elis
    assert "/move/" not in elis and "Complete the session" not in elis
    assert as_user(cast.eli).get(url(c, f"reviews/{c.review('ava').pk}/move/")).status_code == 403
    for outsider in (cast.cora, cast.otto, cast.ava):
        assert as_user(outsider).get(url(c)).status_code == 404


def test_moving_a_rating_through_the_form_logs_it(cast, as_user):
    c = build_calibration(cast)
    client = as_user(cast.sam)
    move = url(c, f"reviews/{c.review('pia').pk}/move/")
    refused = client.post(move, {"value": "4", "reason": ""})
    assert refused.status_code == 422
    assert "This field is required." in refused.content.decode()
    assert c.review("pia").rating == 3 and not RatingChange.objects.exists()
    done = client.post(move, {"value": "4", "reason": "Carried the renewals."})
    assert done.status_code == 302 and done.url.endswith(f"#review-{c.review('pia').pk}")
    assert c.review("pia").rating == 4
    page = client.get(url(c)).content.decode()
    assert "Sam Sato moved Pia Park's rating from 3 (Meets) to 4 (Exceeds)." in page
    assert "Carried the renewals." in page
    potential = client.post(move + "?field=potential", {"value": "3", "reason": "Ready."})
    assert potential.status_code == 302 and c.review("pia").potential == 3


def test_completing_with_a_missing_explanation_says_who_then_works_once_explained(cast, as_user):
    c = build_calibration(cast)
    refused = as_user(cast.hana).post(url(c, "state/"), {"state": "complete"}, follow=True)
    assert "Explain the flagged ratings first: Ava Adams" in refused.content.decode()
    client = as_user(cast.sam)  # the facilitator explains; his own review is in the session
    assert "Your own review is in this session" in client.get(url(c)).content.decode()
    c.session.refresh_from_db()
    assert c.session.state == "live"
    explain = url(c, f"reviews/{c.review('ava').pk}/explain/")
    form = client.get(explain).content.decode()
    assert "OKR attainment 30 % (below 40 %)" in form
    bad = client.post(explain, {"rule": rules.HIGH_RATING_LOW_ATTAINMENT, "text": ""})
    assert bad.status_code == 422
    good = client.post(
        explain, {"rule": rules.HIGH_RATING_LOW_ATTAINMENT, "text": "Two regional deals."}
    )
    assert good.status_code == 302
    assert "Explained: Two regional deals." in client.get(url(c)).content.decode()
    as_user(cast.hana).post(url(c, "state/"), {"state": "complete"})
    c.session.refresh_from_db()
    assert c.session.state == "complete"
    assert "ratings no longer move here" in client.get(url(c)).content.decode()


def test_hr_sets_up_a_session_and_bad_input_names_the_field(cast, as_user):
    setup = build_review_cycle(cast)
    client = as_user(cast.hana)
    assert client.get(f"/reviews/calibration/new/?cycle={setup.cycle.pk}").status_code == 200
    fields = {
        "review_cycle": setup.cycle.pk,
        "name": "Legal",
        "facilitator": cast.hana.pk,
        "population_teams": [cast.legal.pk],
        "grid": "rating_attainment",
    }
    made = client.post("/reviews/calibration/new/", fields)
    session = CalibrationSession.objects.get()
    assert made.status_code == 302 and made.url == f"/reviews/calibration/{session.pk}/"
    assert list(session.reviews.values_list("subject__username", flat=True)) == ["otto"]
    again = client.post("/reviews/calibration/new/", fields)
    assert again.status_code == 422 and "has a session called" in again.content.decode()
    missing = client.post(
        "/reviews/calibration/new/",
        {"review_cycle": setup.cycle.pk, "name": "", "facilitator": cast.sam.pk,
         "grid": "rating_attainment"},
    )  # fmt: skip
    assert missing.status_code == 422
    body = missing.content.decode()
    assert 'data-field="name"' in body and "This field is required." in body
    assert CalibrationSession.objects.count() == 1
    assert as_user(cast.sam).get("/reviews/calibration/new/").status_code == 403


def test_hr_changes_a_draft_and_others_cannot(cast, as_user):
    c = build_calibration(cast, live=False)
    edit = url(c, "edit/")
    assert as_user(cast.sam).get(edit).status_code == 403
    assert as_user(cast.otto).get(edit).status_code == 404
    client = as_user(cast.hana)
    saved = client.post(
        edit,
        {"name": "Sales and Engineering", "facilitator": cast.sam.pk,
         "participants": [cast.eli.pk], "population_teams": [cast.sales.pk, cast.engineering.pk],
         "grid": "rating_attainment"},
    )  # fmt: skip
    assert saved.status_code == 302
    c.session.refresh_from_db()
    assert c.session.name == "Sales and Engineering" and c.session.reviews.count() == 5


def test_the_distribution_export_hides_small_groups(cast, as_user):
    add_people(cast, cast.enterprise, 2, cast.sam, "sales")
    setup = build_review_cycle(cast)
    ratings = {"sam": (3, 0.7), "ava": (4, 0.5), "pia": (3, 0.5), "sales0": (2, 0.5)}
    ratings["sales1"] = (4, 0.5)
    c = build_calibration(cast, setup=setup, ratings=ratings)
    response = as_user(cast.eli).get(url(c, "distribution.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by = {(r["scope"], r["group"]): r for r in rows}
    everyone = by[("session", "Everyone in the session")]
    assert everyone["people"] == "5" and everyone["mean"] == "3.20"
    assert everyone["level_4"] == "2"
    cora = by[("manager", "Cora Chen")]
    assert cora["people"] == "1" and cora["mean"] == "" and cora["level_3"] == ""
    assert "hidden" in cora["note"]
    assert by[("manager", "Sam Sato")]["mean"] == "3.25"
    assert as_user(cast.otto).get(url(c, "distribution.csv")).status_code == 404


def test_the_session_list_shows_only_ones_sessions(cast, as_user):
    c = build_calibration(cast)
    assert c.session.name in as_user(cast.eli).get("/reviews/calibration/").content.decode()
    other = as_user(cast.otto).get("/reviews/calibration/").content.decode()
    assert c.session.name not in other and "not in any calibration session" in other


def test_hr_edits_the_rules(cast, as_user):
    client = as_user(cast.hana)
    page = client.get("/reviews/calibration/rules/").content.decode()
    assert "High rating, low OKR attainment" in page and "The defaults." in page
    edit = f"/reviews/calibration/rules/{rules.BIG_MOVE}/"
    bad = client.post(edit, {"enabled": "on", "levels": "0"})
    assert bad.status_code == 422 and "from 1 to 10" in bad.content.decode()
    assert not CalibrationRule.objects.exists()
    good = client.post(edit, {"enabled": "on", "requires_explanation": "on", "levels": "3"})
    assert good.status_code == 302
    rule = CalibrationRule.objects.get(code=rules.BIG_MOVE)
    assert rule.params == {"levels": 3} and rule.requires_explanation
    assert client.get("/reviews/calibration/rules/nope/").status_code == 404
    assert as_user(cast.sam).get("/reviews/calibration/rules/").status_code == 403
    assert as_user(cast.sam).post(edit, {"levels": "3"}).status_code == 403


def test_a_shared_review_shows_no_move_button(cast, as_user):
    c = build_calibration(cast)
    Review.objects.filter(pk=c.review("pia").pk).update(state=Review.State.SHARED)
    html = as_user(cast.hana).get(url(c)).content.decode()
    assert f"/reviews/{c.review('pia').pk}/move/" not in html
    assert f"/reviews/{c.review('ava').pk}/move/" in html
