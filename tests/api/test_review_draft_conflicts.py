"""Two copies of one draft over the API: ``version`` is required; a save or submit made from
an older version is refused (409) with the feedback as it is saved now."""

from __future__ import annotations

import json

import pytest

from lineofsight.reviews.models import Answer

from ..review_conversation import own_self_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return own_self_review(cast)


def test_the_api_refuses_a_save_from_an_older_version_with_the_newer_feedback(
    cast, draft, as_person
):
    fb, question = draft
    ava = as_person("ava")
    version = ava.get(f"/feedback/{fb.pk}").json()["version"]
    first = ava.put(
        f"/feedback/{fb.pk}",
        {"answers": [{"question": question.pk, "text": "From A"}], "version": version},
    )
    assert first.status_code == 200 and first.json()["version"] == version + 1
    stale = ava.put(
        f"/feedback/{fb.pk}",
        {"answers": [{"question": question.pk, "text": "From B"}], "version": version},
    )
    assert stale.status_code == 409
    got = stale.json()
    assert "version" in got["errors"] and "saved elsewhere" in got["detail"]
    current = {a["question"]: a["text"] for a in got["current"]["answers"]}
    assert current[question.pk] == "From A" and got["current"]["version"] == version + 1
    assert Answer.objects.get(feedback=fb, question=question).text == "From A"
    submitted = ava.post(f"/feedback/{fb.pk}/submit", {"answers": [], "version": version})
    assert submitted.status_code == 409  # submitting from an older version is refused too
    missing = ava.put(f"/feedback/{fb.pk}", {"answers": []})
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    assert "From B" not in json.dumps(ava.get(f"/feedback/{fb.pk}").json())
