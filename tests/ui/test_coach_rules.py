"""/coach/rules/: every check with its limits beside their defaults; HR changes them there,
everyone else reads them."""

from __future__ import annotations

import pytest

from lineofsight.core.models import AuditEvent
from lineofsight.people.actions import COACH_FIELDS
from lineofsight.people.models import Organisation

pytestmark = pytest.mark.django_db


def form(**changes: str) -> dict[str, str]:
    org = Organisation.current()
    return {**{name: f"{getattr(org, name):g}" for name in COACH_FIELDS}, **changes}


def test_everyone_reads_each_check_its_limits_and_the_reasons(cast, as_user):
    html = as_user(cast.ava).get("/coach/rules/").content.decode()
    for check in ("focus", "neglect", "sandbagging", "nesting", "line_of_sight", "rationale",
                  "thin_team"):
        assert f'id="rule-{check}"' in html
    assert "Missed check-ins before neglect" in html
    assert "two missed in a row is a key result left alone" in html
    assert 'data-limit="sandbagging_attainment">95 %' in html
    assert "<form" not in html.split('id="rule-focus"')[1]  # read-only
    assert "Only HR can change them." in html


def test_the_health_page_and_the_cards_link_to_the_rules(cast, cascade, as_user):
    client = as_user(cast.sam)
    assert 'href="/coach/rules/"' in client.get(f"/health/?cycle={cast.q4.pk}").content.decode()
    card = client.get(f"/coach/objectives/{cascade.sales.pk}/").content.decode()
    assert 'href="/coach/rules/"' in card


def test_hr_changes_the_limits_audited(cast, as_user):
    client = as_user(cast.hana)
    page = client.get("/coach/rules/").content.decode()
    assert 'name="neglect_missed_check_ins"' in page and "Save the limits" in page
    response = client.post("/coach/rules/", form(neglect_missed_check_ins="3",
                                                 sandbagging_attainment="0.9"))
    assert response.status_code == 302
    org = Organisation.current()
    assert (org.neglect_missed_check_ins, org.sandbagging_attainment) == (3, 0.9)
    event = AuditEvent.objects.filter(action="organisation.update_coaching").latest("pk")
    assert event.data["to"]["neglect_missed_check_ins"] == 3
    assert event.data["from"]["neglect_missed_check_ins"] == 2
    shown = client.get("/coach/rules/").content.decode()
    assert 'id="limit-neglect_missed_check_ins" class="changed"' in shown


def test_a_bad_value_names_the_field_and_changes_nothing(cast, as_user):
    client = as_user(cast.hana)
    before = Organisation.current()
    response = client.post("/coach/rules/", form(max_nesting_depth="1", closing_days="7"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Alignment levels, at most: Give a whole number from 2 to 10." in html
    assert "Nothing was saved" in html
    assert 'id="id_max_nesting_depth" value="1"' in html  # what was typed is kept
    after = Organisation.current()
    assert (after.max_nesting_depth, after.closing_days) == (
        before.max_nesting_depth, before.closing_days)
    response = client.post("/coach/rules/", form(min_objectives_team="6",
                                                 max_objectives_team="5"))
    assert response.status_code == 422
    assert "The least number of objectives for a team (6) must not exceed the most (5)." in (
        response.content.decode())
    response = client.post("/coach/rules/", form(sandbagging_attainment="lots"))
    assert "Give a number such as 0.8." in response.content.decode()
    assert Organisation.current().min_objectives_team == 3


def test_an_employee_cannot_change_the_limits(cast, as_user):
    response = as_user(cast.ava).post("/coach/rules/", form(closing_days="3"))
    assert response.status_code == 403
    assert Organisation.current().closing_days == 14
    assert not AuditEvent.objects.filter(action="organisation.update_coaching").exists()
