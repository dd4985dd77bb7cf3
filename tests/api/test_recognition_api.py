"""Recognition over the API: kudos and spot-bonus nominations."""

from __future__ import annotations

import pytest

from lineofsight.reviews.models import Kudos, SpotBonusNomination

pytestmark = pytest.mark.django_db


def test_kudos_are_given_and_listed_by_person_and_key_result(cast, cascade, as_person):
    pia = as_person("pia")
    made = pia.post(
        "/kudos",
        {"recipient": cast.ava.pk, "message": "Great calls.", "key_result": cascade.ava_opps.pk},
    )
    assert made.status_code == 201
    assert made.json()["key_result_title"] == cascade.ava_opps.title
    assert made.json()["author_name"] == "Pia Park"
    pia.post("/kudos", {"recipient": cast.sam.pk, "message": "Thanks for the coaching."})
    otto = as_person("otto")
    assert otto.get("/kudos").json()["count"] == 2
    by_person = otto.get("/kudos", recipient=cast.ava.pk).json()
    assert [k["message"] for k in by_person["items"]] == ["Great calls."]
    by_kr = otto.get("/kudos", key_result=cascade.ava_opps.pk).json()
    assert by_kr["count"] == 1


def test_bad_kudos_name_the_field_and_change_nothing(cast, as_person):
    ava = as_person("ava")
    self_given = ava.post("/kudos", {"recipient": cast.ava.pk, "message": "Me"})
    assert self_given.status_code == 422
    assert self_given.json()["errors"] == {"recipient": ["You cannot give kudos to yourself."]}
    unknown = ava.post("/kudos", {"recipient": 999999, "message": "Hi"})
    assert unknown.status_code == 422 and "recipient" in unknown.json()["errors"]
    empty = ava.post("/kudos", {"recipient": cast.pia.pk, "message": "  "})
    assert empty.status_code == 422 and "message" in empty.json()["errors"]
    extra = ava.post("/kudos", {"recipient": cast.pia.pk, "message": "Hi", "amount": 100})
    assert extra.status_code == 422
    assert not Kudos.objects.exists()


def test_nominations_are_private_to_the_chain_hr_and_the_nominator(cast, as_person):
    made = as_person("pia").post(
        "/spot-bonus-nominations", {"nominee": cast.ava.pk, "reason": "Saved the renewal."}
    )
    assert made.status_code == 201
    nomination = made.json()["id"]
    assert made.json()["state"] == "submitted"
    for who in ("pia", "sam", "cora", "hana"):
        assert as_person(who).get(f"/spot-bonus-nominations/{nomination}").status_code == 200
        assert as_person(who).get("/spot-bonus-nominations").json()["count"] == 1
    for who in ("ava", "otto", "eli", "dev"):
        assert as_person(who).get(f"/spot-bonus-nominations/{nomination}").status_code == 404
        assert as_person(who).get("/spot-bonus-nominations").json()["count"] == 0
    refused = as_person("sam").post(
        f"/spot-bonus-nominations/{nomination}/decision",
        {"decision": "approved", "note": "Yes"},
    )
    assert refused.status_code == 403
    bad = as_person("hana").post(
        f"/spot-bonus-nominations/{nomination}/decision", {"decision": "approved", "note": ""}
    )
    assert bad.status_code == 422 and "note" in bad.json()["errors"]
    decided = as_person("hana").post(
        f"/spot-bonus-nominations/{nomination}/decision",
        {"decision": "approved", "note": "Well earned."},
    )
    assert decided.status_code == 200
    assert (
        decided.json()["state"] == "approved" and decided.json()["decision_note"] == "Well earned."
    )
    assert as_person("hana").get("/spot-bonus-nominations", state="submitted").json()["count"] == 0


def test_a_nomination_needs_a_reason_and_someone_else(cast, as_person):
    pia = as_person("pia")
    assert pia.post("/spot-bonus-nominations", {"nominee": cast.pia.pk, "reason": "Me"}).json()[
        "errors"
    ] == {"nominee": ["You cannot nominate yourself."]}
    no_reason = pia.post("/spot-bonus-nominations", {"nominee": cast.ava.pk, "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    assert not SpotBonusNomination.objects.exists()
