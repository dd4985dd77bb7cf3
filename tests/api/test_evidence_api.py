"""The evidence pack over the API: the same numbers as the page, the packet PDF, team context
and the forward drafts, under the same access policy."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from lineofsight.reviews.evidence.models import ForwardDraft, TeamContextVisit

from ..reviews import build_annual_review_cycle, build_review_cycle
from ..worked_example import after_the_year, build_example, build_year

pytestmark = pytest.mark.django_db

PACK_API_MAX = 26


@pytest.fixture
def world(cast):
    example = build_example(cast)
    setup = build_review_cycle(cast)
    return cast, example, setup


def test_the_pack_has_the_same_numbers_as_the_page(world, as_person, client):
    cast, ex, setup = world
    review = setup["ava"]
    response = as_person("sam").get(f"/reviews/{review.pk}/evidence")
    assert response.status_code == 200
    pack = response.json()
    assert pack["ended"] is True and pack["as_of"].startswith("2026-09-30T23:59:59")
    story = pack["contribution"]["story"]
    assert story.startswith("Ava qualified 22 of 25 enterprise opportunities")
    assert pack["contribution"]["company"]["actual"] == 34
    krs = pack["objectives"][0]["key_results"]
    assert [(k["actual"], k["target"], k["computed_grade"]) for k in krs] == [
        (22, 25, 0.88),
        (8, 10, 0.8),
        (5, 6, 0.83),
    ]
    client.force_login(cast.sam)
    page = client.get(f"/reviews/{review.pk}/evidence/").content.decode()
    assert story in page.replace("&#x27;", "'")


def test_the_pack_counts_key_results_on_others_objectives_and_the_cycles_it_covers(
    world, as_person
):
    cast, ex, setup = world
    pack = as_person("hana").get(f"/reviews/{setup['sam'].pk}/evidence").json()
    assert pack["contribution"]["story"].startswith("Sam reached 34 of 40 new enterprise logos")
    assert [
        (o["title"], [k["title"] for k in o["key_results"]]) for o in pack["other_objectives"]
    ] == [(ex.company.title, [ex.logos.title]), (ex.team.title, [ex.team_opps.title])]
    assert [(p["name"], p["kind"]) for p in pack["periods"]] == [
        ("Q3 2026", "quarter"),
        ("FY 2026", "annual"),
    ]
    assert pack["other_objectives"][0]["key_results"][0]["cycle"] == "Q3 2026"


def test_an_annual_pack_over_the_api(cast, as_person):
    ex = build_example(cast)
    year = build_year(cast, ex)
    with after_the_year():
        setup = build_annual_review_cycle(cast)
        pack = as_person("sam").get(f"/reviews/{setup['ava'].pk}/evidence").json()
    assert pack["as_of"].startswith("2026-12-31T23:59:59")
    assert [p["name"] for p in pack["periods"]] == ["FY 2026", "Q3 2026", "Q4 2026"]
    assert [(o["cycle"], o["title"]) for o in pack["objectives"]] == [
        ("Q3 2026", ex.ava.title),
        ("Q4 2026", year.logistics.title),
    ]
    assert pack["contribution"]["story"].startswith("In Q3 2026, Ava qualified 22 of 25")


def test_reviews_are_private(world, as_person):
    cast, ex, setup = world
    review = setup["ava"]
    for who in ("otto", "pia"):
        assert as_person(who).get(f"/reviews/{review.pk}/evidence").status_code == 404
        assert as_person(who).get(f"/reviews/{review.pk}/packet.pdf").status_code == 404
    # The person reads their own pack (the OKR facts) before the review is shared.
    assert as_person("ava").get(f"/reviews/{review.pk}/evidence").status_code == 200
    assert as_person("hana").get("/reviews/999999/evidence").status_code == 404


def test_the_packet_pdf(world, as_person):
    cast, ex, setup = world
    review = setup["ava"]
    response = as_person("cora").get(f"/reviews/{review.pk}/packet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "got 8 of 10 past legal review and closed 5 of 6" in text


def test_team_context_over_the_api(world, as_person):
    cast, ex, setup = world
    url = f"/review-cycles/{setup.cycle.pk}/teams/{cast.enterprise.pk}/context"
    assert as_person("ava").get(url).status_code == 404
    assert not TeamContextVisit.objects.exists()
    response = as_person("sam").get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["team"] == "Enterprise Sales"
    assert [o["title"] for o in body["objectives"]] == [ex.team.title]
    assert body["discipline_due"] >= body["discipline_kept"] > 0
    assert TeamContextVisit.objects.filter(visitor=cast.sam).exists()


def test_drafts_over_the_api(world, as_person):
    cast, ex, setup = world
    review = setup["ava"]
    sam = as_person("sam")
    proposed = sam.post(f"/reviews/{review.pk}/drafts")
    assert proposed.status_code == 200
    (draft,) = proposed.json()
    assert draft["parent_id"] == ex.next_team.pk and draft["published"] is False
    bad = sam.patch(
        f"/forward-drafts/{draft['id']}",
        {"title": "Close four deals", "key_results": [{"title": "4 closes", "start_value": 0}]},
    )
    assert bad.status_code == 422
    assert "key_results.0.target_value" in bad.json()["errors"]
    assert ForwardDraft.objects.get(pk=draft["id"]).objective.title.startswith("My part in")
    unknown = sam.patch(f"/forward-drafts/{draft['id']}", {"colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json()["errors"]
    good = sam.patch(
        f"/forward-drafts/{draft['id']}",
        {
            "title": "Close four deals",
            "rationale": "My share of the 42 logos.",
            "key_results": [
                {"title": "4 new enterprise closes", "start_value": 0, "target_value": 4}
            ],
        },
    )
    assert good.status_code == 200 and good.json()["key_results"] == ["4 new enterprise closes"]
    assert as_person("pia").post(f"/forward-drafts/{draft['id']}/publish").status_code == 404
    published = sam.post(f"/forward-drafts/{draft['id']}/publish")
    assert published.status_code == 200 and published.json()["published"] is True
    listed = sam.get(f"/reviews/{review.pk}/drafts").json()
    assert [d["title"] for d in listed] == ["Close four deals"]


def test_the_pack_endpoint_runs_a_fixed_number_of_queries(world, as_person):
    cast, ex, setup = world
    review = setup["ava"]
    api = as_person("sam")
    api.get(f"/reviews/{review.pk}/evidence")  # warms the caches
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(f"/reviews/{review.pk}/evidence").status_code == 200
    assert len(ctx.captured_queries) <= PACK_API_MAX
