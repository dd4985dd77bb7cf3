"""The evidence pack's pages through the test client: the pack, the print-friendly packet and
its PDF, team context first, the drafts edited in place, and their query counts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from lineofsight.goals import actions as goals
from lineofsight.goals.models import AlignmentLink
from lineofsight.people.selectors import forget_organisation_cache
from lineofsight.reviews.evidence.models import ForwardDraft, TeamContextVisit
from lineofsight.reviews.models import Kudos, Review

from ..reviews import build_annual_review_cycle, build_review_cycle
from ..worked_example import after_the_year, at, build_example, build_year

pytestmark = pytest.mark.django_db

# The check-in tables read the blockers each check-in raised, and the navigation shows the
# inbox's unread count: one query more each.
EVIDENCE_MAX = 28
PACKET_MAX = 30
TEAM_CONTEXT_MAX = 26


@pytest.fixture
def world(cast):
    example = build_example(cast)
    setup = build_review_cycle(cast)
    return cast, example, setup


def _text(response) -> str:
    return response.content.decode()


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_evidence_page_shows_the_four_parts(world, as_user):
    cast, ex, setup = world
    review = setup["ava"]
    page = as_user(cast.sam).get(f"/reviews/{review.pk}/evidence/")
    assert page.status_code == 200
    html = _text(page)
    for part in ("1. Context", "2. Ava Adams", "3. Contribution", "4. Looking forward"):
        assert part in html
    assert "qualified 22 of 25 enterprise opportunities" in html
    assert "as of the end of Q3 2026" in html
    assert "Propose drafts" in html


def test_kudos_after_the_cycle_stay_out_of_its_pack(world, as_user):
    cast, ex, setup = world
    for day, message in ((at(9, 2), "Thanks for the September intro."), (at(10, 12), "Q4 thanks.")):
        Kudos.objects.create(
            author=cast.pia, recipient=cast.ava, key_result=ex.opps, message=message, created_at=day
        )
    client = as_user(cast.sam)
    review = setup["ava"]
    page = _text(client.get(f"/reviews/{review.pk}/evidence/"))
    assert "as of the end of Q3 2026" in page
    assert "Thanks for the September intro." in page and "Q4 thanks." not in page
    pdf = _pdf_text(client.get(f"/reviews/{review.pk}/packet.pdf").content)
    assert "Thanks for the September intro." in pdf and "Q4 thanks." not in pdf


def test_key_results_on_a_team_objective_are_the_persons_own(world, as_user):
    cast, ex, setup = world
    page = _text(as_user(cast.hana).get(f"/reviews/{setup['sam'].pk}/evidence/"))
    page = page.replace("&#x27;", "'")
    assert "Sam reached 34 of 40 new enterprise logos and reached 150 of 200" in page
    assert "had no key results" not in page
    assert "Their key results on other objectives" in page
    assert "No peer feedback was requested." in page and "0 of 0" not in page


def test_an_annual_review_shows_each_quarter(cast, as_user):
    ex = build_example(cast)
    year = build_year(cast, ex)
    with after_the_year():
        setup = build_annual_review_cycle(cast)
        client = as_user(cast.sam)
        review = setup["ava"]
        page = _text(client.get(f"/reviews/{review.pk}/evidence/")).replace("&#x27;", "'")
        pdf = _pdf_text(client.get(f"/reviews/{review.pk}/packet.pdf").content)
    assert "as of the end of FY 2026 (31 Dec 2026)" in page
    assert "It covers the year's own objectives and those of each quarter inside it." in page
    for text in (page, pdf):
        assert ex.ava.title in text and year.logistics.title in text
        assert "In Q3 2026, Ava qualified 22 of 25 enterprise opportunities" in text
        assert "In Q4 2026, Ava qualified 3 of 5 logistics opportunities." in text
    assert re.search(r'<h4 class="period-name">Q3 2026</h4>.*' + ex.ava.title, page, re.S)
    assert re.search(
        r'<h4 class="period-name">Q4 2026</h4>.*' + year.logistics.title, page, re.S
    )
    assert "No objectives of their own" not in page


def test_outsiders_get_not_found_and_the_person_reads_the_facts_first(world, client):
    cast, ex, setup = world
    review = setup["ava"]
    for who in (cast.otto, cast.pia):
        client.force_login(who)
        for url in ("evidence/", "packet/", "packet.pdf"):
            assert client.get(f"/reviews/{review.pk}/{url}").status_code == 404, (who, url)
    # Ava, writing her self review, opens her own evidence pack: the OKR facts.
    client.force_login(cast.ava)
    page = client.get(f"/reviews/{review.pk}/evidence/")
    assert page.status_code == 200
    assert "qualified 22 of 25 enterprise opportunities" in _text(page)


def test_the_person_sees_the_pack_once_shared_and_may_draft(world, client):
    cast, ex, setup = world
    review = setup["ava"]
    Review.objects.filter(pk=review.pk).update(state="shared")
    client.force_login(cast.ava)
    page = client.get(f"/reviews/{review.pk}/evidence/")
    assert page.status_code == 200 and "Propose drafts" in _text(page)


def test_the_packet_page_and_its_pdf_show_the_same_figures(world, as_user):
    cast, ex, setup = world
    review = setup["ava"]
    Review.objects.filter(pk=review.pk).update(
        rating=3, rating_explanation="Solid quarter in a hard market.", state="submitted"
    )
    client = as_user(cast.sam)
    page = client.get(f"/reviews/{review.pk}/packet/")
    assert page.status_code == 200
    html = _text(page)
    assert "@media print" not in html  # the print rules are in the stylesheet
    assert "reviews/evidence.css" in html
    assert "3 – Meets" in html
    pdf = client.get(f"/reviews/{review.pk}/packet.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Rating: 3 - Meets" in text and "3 – Meets" in html
    for figure in (
        "Review packet: Ava Adams",
        "Ava qualified 22 of 25 enterprise opportunities, got 8 of 10 past legal review and "
        "closed 5 of 6.",
        "the company came in at 34 of 40 new enterprise logos, so this mattered.",
        "25 enterprise opportunities qualified from outbound",
        "0.88",
        "0.83",
        "Outbound sequence for the top 50 healthcare accounts",
        "Close the late-stage pipeline for 42 new logos",
    ):
        assert figure in text, figure
        assert figure in html.replace("&#x27;", "'"), figure


def test_the_pdf_leaves_out_what_the_viewer_may_not_see(world, client):
    cast, ex, setup = world
    review = setup["ava"]
    Review.objects.filter(pk=review.pk).update(rating=4, state="shared")
    client.force_login(cast.ava)
    shared = _pdf_text(client.get(f"/reviews/{review.pk}/packet.pdf").content)
    assert "Rating: 4 - Exceeds" in shared
    Review.objects.filter(pk=review.pk).update(state="submitted")
    unshared = _pdf_text(client.get(f"/reviews/{review.pk}/packet.pdf").content)
    assert "Review packet: Ava Adams" in unshared
    assert "Rating" not in unshared and "Exceeds" not in unshared


def test_team_context_first_is_recorded(world, as_user):
    cast, ex, setup = world
    rc = setup.cycle
    url = f"/reviews/cycles/{rc.pk}/teams/{cast.enterprise.pk}/"
    client = as_user(cast.sam)
    assert not TeamContextVisit.objects.exists()
    page = client.get(url)
    assert page.status_code == 200
    html = _text(page)
    assert "Team context: Enterprise Sales" in html
    assert ex.team.title in html and "Check-in discipline" in html
    assert TeamContextVisit.objects.filter(visitor=cast.sam, team=cast.enterprise).count() == 1
    client.get(url)
    assert TeamContextVisit.objects.count() == 1


def test_team_context_is_not_for_the_teams_members_or_outsiders(world, client):
    cast, ex, setup = world
    url = f"/reviews/cycles/{setup.cycle.pk}/teams/{cast.enterprise.pk}/"
    for who in (cast.ava, cast.otto, cast.eli):
        client.force_login(who)
        assert client.get(url).status_code == 404
    assert not TeamContextVisit.objects.exists()
    client.force_login(cast.cora)
    assert client.get(f"/reviews/cycles/{setup.cycle.pk}/teams/999999/").status_code == 404


def test_drafts_are_proposed_edited_and_published_in_place(world, as_user, htmx):
    cast, ex, setup = world
    review = setup["ava"]
    client = as_user(cast.sam)
    proposed = client.post(f"/reviews/{review.pk}/drafts/", **htmx)
    assert proposed.status_code == 200
    assert "My part in Enterprise Sales" in _text(proposed)
    draft = ForwardDraft.objects.get(review=review)
    form = client.get(f"/reviews/drafts/{draft.pk}/", **htmx)
    assert form.status_code == 200 and 'name="kr_title"' in _text(form)
    bad = client.post(
        f"/reviews/drafts/{draft.pk}/",
        {"title": "Close four deals", "rationale": "", "kr_title": "4 closes", "kr_start": "0"},
        **htmx,
    )
    assert bad.status_code == 422
    assert "This field is required" in _text(bad)
    draft.objective.refresh_from_db()
    assert draft.objective.title.startswith("My part in")
    saved = client.post(
        f"/reviews/drafts/{draft.pk}/",
        {
            "title": "Close four deals",
            "rationale": "My share of the 42 logos.",
            "kr_title": "4 new enterprise closes",
            "kr_kind": "increase",
            "kr_start": "0",
            "kr_target": "4",
            "kr_unit": "closes",
        },
        **htmx,
    )
    assert saved.status_code == 200 and "4 new enterprise closes" in _text(saved)
    published = client.post(f"/reviews/drafts/{draft.pk}/publish/", **htmx)
    assert published.status_code == 200 and "published" in _text(published)
    assert AlignmentLink.objects.filter(
        child=draft.objective, parent_objective=ex.next_team, ended_at__isnull=True
    ).exists()


def test_drafts_are_proposed_only_from_team_objectives_the_person_may_see(world, as_user, htmx):
    """Enterprise Sales also has a private objective next quarter (its lead's, not its
    members'): no draft of Ava's is proposed from it, so its title is in none of hers."""
    cast, ex, setup = world
    secret = goals.create_objective(
        acting_user=cast.sam,
        title="Merge the two territories quietly",
        level="team",
        cycle=cast.q4,
        owner_team=cast.enterprise,
        visibility="private",
    )
    review = setup["ava"]
    assert as_user(cast.sam).post(f"/reviews/{review.pk}/drafts/", **htmx).status_code == 200
    drafts = list(ForwardDraft.objects.filter(review=review))
    assert [d.parent_objective for d in drafts] == [ex.next_team]
    client = as_user(cast.ava)
    for draft in drafts:
        page = client.get(f"/objectives/{draft.objective_id}/")
        assert page.status_code == 200 and secret.title not in _text(page)


def test_publishing_an_empty_draft_is_refused_and_plain_forms_redirect(world, as_user):
    cast, ex, setup = world
    review = setup["ava"]
    client = as_user(cast.hana)
    response = client.post(f"/reviews/{review.pk}/drafts/")
    assert response.status_code == 302 and response.url.endswith("/evidence/#forward")
    draft = ForwardDraft.objects.get(review=review)
    refused = client.post(f"/reviews/drafts/{draft.pk}/publish/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert "Add at least one key result" in _text(refused)
    draft.objective.refresh_from_db()
    assert draft.objective.state == "draft"
    client.force_login(cast.pia)
    assert client.post(f"/reviews/drafts/{draft.pk}/publish/").status_code == 404


def _count(client, url: str) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_the_heavy_pages_stay_within_their_pinned_counts(world, as_user):
    cast, ex, setup = world
    review = setup["ava"]
    client = as_user(cast.sam)
    client.get(f"/reviews/{review.pk}/evidence/")  # warms the caches
    counts = {
        "evidence": _count(client, f"/reviews/{review.pk}/evidence/"),
        "packet": _count(client, f"/reviews/{review.pk}/packet/"),
        "pdf": _count(client, f"/reviews/{review.pk}/packet.pdf"),
        "team": _count(client, f"/reviews/cycles/{setup.cycle.pk}/teams/{cast.enterprise.pk}/"),
    }
    assert counts["evidence"] <= EVIDENCE_MAX, counts
    assert counts["packet"] <= PACKET_MAX and counts["pdf"] <= PACKET_MAX, counts
    assert counts["team"] <= TEAM_CONTEXT_MAX, counts


def test_the_evidence_tables_name_confidence_in_words_and_keep_rows_in_their_columns(
    world, as_user
):
    cast, ex, setup = world
    html = _text(as_user(cast.sam).get(f"/reviews/{setup['ava'].pk}/evidence/"))
    # The model's labels, never the stored value with its underscore cut out.
    assert ">At risk<" in html and ">Off track<" in html
    for squashed in ("Atrisk", "Offtrack", "Ontrack"):
        assert squashed not in html
    # Each figure is labelled for the narrow layout, where a row reads as a small card.
    assert 'data-label="Confidence"' in html and 'data-label="Planned"' in html
    # The rows are table rows: the objective page's key-result cards style list items only.
    assert '<tr class="kr-row' in html
    stylesheet = finders.find("lineofsight/app.css")
    assert stylesheet and "\nli.kr-row {" in Path(stylesheet).read_text(encoding="utf-8")
