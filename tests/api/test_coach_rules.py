"""GET /api/coach/rules and PATCH /api/coach/settings: the coach's limits over the API."""

from __future__ import annotations

import pytest

from lineofsight.people.models import Organisation

pytestmark = pytest.mark.django_db


def test_everyone_reads_the_rules_with_limits_defaults_and_reasons(cast, as_person):
    body = as_person("ava").get("/coach/rules").json()
    assert body["can_edit"] is False
    rules = {rule["name"]: rule for rule in body["rules"]}
    assert {"nesting", "line_of_sight", "rationale", "thin_team"} <= set(rules)
    [missed, closing] = rules["neglect"]["limits"]
    assert missed == {
        "name": "neglect_missed_check_ins",
        "label": "Missed check-ins before neglect",
        "value": 2,
        "default": 2,
        "minimum": 1,
        "maximum": 6,
        "share": False,
        "reason": missed["reason"],
    }
    assert closing["name"] == "closing_days"
    assert rules["rationale"]["limits"] == []
    assert as_person("hana").get("/coach/rules").json()["can_edit"] is True


def test_hr_patches_the_settings(cast, as_person):
    response = as_person("hana").patch(
        "/coach/settings", {"max_nesting_depth": 5, "sandbagging_attainment": 0.9}
    )
    assert response.status_code == 200, response.json()
    limits = {lim["name"]: lim for rule in response.json()["rules"] for lim in rule["limits"]}
    assert limits["max_nesting_depth"]["value"] == 5
    assert Organisation.current().sandbagging_attainment == 0.9
    health = as_person("hana").get("/coach/health", cycle=cast.q4.pk).json()
    assert health["settings"]["max_nesting_depth"] == 5


def test_bad_settings_name_the_field_and_change_nothing(cast, as_person):
    api = as_person("hana")
    response = api.patch("/coach/settings", {"closing_days": 90, "max_nesting_depth": 6})
    assert response.status_code == 422
    assert "closing_days" in str(response.json())
    assert Organisation.current().max_nesting_depth == 4
    response = api.patch("/coach/settings", {"not_a_limit": 3})
    assert response.status_code == 422 and "not_a_limit" in str(response.json())


def test_only_hr_patches(cast, as_person):
    response = as_person("sam").patch("/coach/settings", {"closing_days": 7})
    assert response.status_code == 403
    assert Organisation.current().closing_days == 14
