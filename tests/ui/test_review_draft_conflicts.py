"""Two copies of one draft in the browser: the later save, made from an older version, is
refused (409) with the newer text shown, with and without htmx; nothing is lost silently.
The API's side is in ``tests/api/test_review_draft_conflicts.py``."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lineofsight.reviews.models import Answer

from ..review_conversation import own_self_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return own_self_review(cast)


def window(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def loaded_version(response) -> str:
    found = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert found, "the form carries the version it was loaded at"
    return found.group(1)


def test_the_second_window_is_refused_with_the_newer_text_and_keeps_its_own(cast, draft):
    fb, question = draft
    url = f"/reviews/feedback/{fb.pk}/"
    first, second = window(cast.ava), window(cast.ava)
    v1, v2 = loaded_version(first.get(url)), loaded_version(second.get(url))
    saved = first.post(url, {"action": "save", "version": v1, f"q{question.pk}_text": "From A"})
    assert saved.status_code == 302
    refused = second.post(url, {"action": "save", "version": v2, f"q{question.pk}_text": "From B"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Saved elsewhere since you opened this page" in page
    assert "From A" in page  # the newer text, shown
    assert "From B</textarea>" in page  # and what this window typed, kept in the form
    assert Answer.objects.get(feedback=fb, question=question).text == "From A"  # not lost
    # Merged and saved again from the refusal's page (it carries the newer version): done.
    merged = second.post(
        url,
        {
            "action": "save",
            "version": loaded_version(refused),
            f"q{question.pk}_text": "From A and B",
        },
    )
    assert merged.status_code == 302
    assert Answer.objects.get(feedback=fb, question=question).text == "From A and B"


def test_a_stale_htmx_save_swaps_in_the_refusal(cast, draft, htmx):
    fb, question = draft
    url = f"/reviews/feedback/{fb.pk}/"
    first, second = window(cast.ava), window(cast.ava)
    v1, v2 = loaded_version(first.get(url)), loaded_version(second.get(url))
    saved = first.post(
        url, {"action": "save", "version": v1, f"q{question.pk}_text": "From A"}, **htmx
    )
    assert saved.status_code == 200 and "Draft saved at" in saved.content.decode()
    # The saved fragment moves the page's version on, so the same window saves again.
    assert loaded_version(saved) == str(int(v1) + 1)
    refused = second.post(
        url, {"action": "save", "version": v2, f"q{question.pk}_text": "From B"}, **htmx
    )
    assert refused.status_code == 409
    assert refused["HX-Retarget"] == f"#feedback-{fb.pk}"
    assert "From A" in refused.content.decode() and "<html" not in refused.content.decode()
    assert Answer.objects.get(feedback=fb, question=question).text == "From A"
