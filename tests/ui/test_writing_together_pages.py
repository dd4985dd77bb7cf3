"""Writing OKRs together in the browser (HTTP): the one form, drafts, approval, templates,
copying to the next cycle and the planning page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, Objective, OkrTemplate
from lineofsight.people import actions as people_actions

from .test_editing import objective_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    """A client of its own for each person (so several people take turns in one test)."""

    def login(person) -> Client:
        client = Client()
        client.force_login(person)
        return client

    return login


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def rows(*items: tuple[str, str, str, str]) -> dict[str, str]:
    data = {"kr_count": str(len(items))}
    for i, (title, start, target, unit) in enumerate(items):
        data.update(
            {
                f"kr-{i}-title": title,
                f"kr-{i}-kind": "increase",
                f"kr-{i}-start_value": start,
                f"kr-{i}-target_value": target,
                f"kr-{i}-unit": unit,
            }
        )
    return data


def test_one_form_saves_the_objective_with_its_key_results(cast, as_user):
    client = as_user(cast.ava)
    data = objective_data(cast, state="draft")
    data.update(rows(("Signed pilots", "0", "3", "pilots"), ("Calls", "0", "20", "calls"),
                     ("", "", "", "")))  # fmt: skip
    response = client.post(reverse("objective-new"), data)
    assert response.status_code == 302
    objective = Objective.objects.get(title=data["title"])
    assert objective.state == "draft"
    assert list(objective.key_results.values_list("title", flat=True)) == ["Signed pilots", "Calls"]


def test_one_form_names_the_row_and_saves_nothing(cast, as_user):
    client = as_user(cast.ava)
    data = objective_data(cast)
    data.update(rows(("Signed pilots", "0", "3", "pilots"), ("Calls", "0", "", "calls")))
    response = client.post(reverse("objective-new"), data)
    assert response.status_code == 422
    assert "Key result 2: target:" in text(response)
    assert not Objective.objects.filter(title=data["title"]).exists()


def test_rows_are_added_and_removed_without_scripts(cast, as_user):
    client = as_user(cast.ava)
    data = objective_data(cast)
    data.update(rows(("First", "0", "1", ""), ("Second", "0", "2", "")))
    body = text(client.post(reverse("objective-new"), {**data, "add_row": "1"}))
    assert 'name="kr-2-title"' in body and 'value="First"' in body
    body = text(client.post(reverse("objective-new"), {**data, "remove_row": "0"}))
    assert 'name="kr-1-title"' not in body and 'value="Second"' in body
    assert not Objective.objects.filter(title=data["title"]).exists()


def test_template_library_is_searchable_and_fills_the_form(cast, as_user):
    client = as_user(cast.pia)
    body = text(client.get(reverse("okr-templates"), {"q": "churn"}))
    assert "Make the product a weekly habit" in body
    assert "Grow new business" not in body
    body = text(client.get(reverse("okr-templates"), {"function": "finance"}))
    assert "Close the books fast enough to steer by them" in body
    body = text(client.get(reverse("objective-new"), {"template": "product-retention"}))
    assert 'value="Make the product a weekly habit"' in body
    assert 'value="Weekly active users among licensed seats"' in body


def test_hr_keeps_organisation_templates(cast, as_user):
    assert as_user(cast.sam).get(reverse("okr-template-new")).status_code == 403
    client = as_user(cast.hana)
    data = {"function": "people", "title": "Hire people who stay", "description": ""}
    data.update(rows(("Offer acceptance", "70", "", "%")))
    response = client.post(reverse("okr-template-new"), data)
    assert response.status_code == 422 and "Key result 1: target:" in text(response)
    data.update(rows(("Offer acceptance", "70", "85", "%")))
    assert client.post(reverse("okr-template-new"), data).status_code == 302
    template = OkrTemplate.objects.get()
    assert "Hire people who stay" in text(as_user(cast.ava).get(reverse("okr-templates")))
    client.post(reverse("okr-template-retire", args=[template.pk]))
    assert "Hire people who stay" not in text(as_user(cast.ava).get(reverse("okr-templates")))


def test_propose_ask_for_changes_and_approve_over_http(cast, as_user):
    people_actions.set_okr_approval(acting_user=cast.hana, on=True)
    ava = as_user(cast.ava)
    data = objective_data(cast, state="active")
    data.update(rows(("Signed pilots", "0", "3", "pilots")))
    response = ava.post(reverse("objective-new"), data)
    assert response.status_code == 422 and "propose it to Sam Sato" in text(response)
    data["state"] = "draft"
    ava.post(reverse("objective-new"), data)
    objective = Objective.objects.get(title=data["title"])
    page = text(ava.get(reverse("objective", args=[objective.pk])))
    assert "Propose to Sam Sato" in page and "Activate" not in page
    ava.post(reverse("objective-propose", args=[objective.pk]))
    sam = as_user(cast.sam)
    assert "Awaiting your approval" in text(sam.get(reverse("plan")))
    response = sam.post(reverse("objective-request-changes", args=[objective.pk]), {"comment": ""})
    assert response.status_code == 422
    sam.post(reverse("objective-request-changes", args=[objective.pk]), {"comment": "Name them."})
    assert "Changes asked by Sam Sato" in text(ava.get(reverse("objective", args=[objective.pk])))
    ava.post(reverse("objective-propose", args=[objective.pk]))
    pia = as_user(cast.pia)
    assert pia.post(reverse("objective-approve", args=[objective.pk])).status_code == 404
    sam.post(reverse("objective-approve", args=[objective.pk]))
    objective.refresh_from_db()
    assert objective.state == "active"


def test_share_a_draft_with_chosen_people(cast, as_user):
    ava = as_user(cast.ava)
    data = objective_data(cast, state="draft", title="Secret healthcare move")
    ava.post(reverse("objective-new"), data)
    objective = Objective.objects.get(title="Secret healthcare move")
    url = reverse("objective", args=[objective.pk])
    assert as_user(cast.dev).get(url).status_code == 404
    ava.post(
        reverse("objective-share", args=[objective.pk]),
        {"sharing": "people", "people": [str(cast.dev.pk)]},
    )
    body = text(as_user(cast.dev).get(url))
    assert "Secret healthcare move" in body and "Edit objective" not in body
    assert as_user(cast.pia).get(url).status_code == 404


def _next_quarter() -> Cycle:
    fy = actions.create_cycle(
        acting_user=None,
        name="FY 2027",
        kind="annual",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    return actions.create_cycle(
        acting_user=None,
        name="Q1 2027",
        kind="quarter",
        parent=fy,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )


def test_copy_confirms_before_creating(cast, as_user):
    q1 = _next_quarter()
    objective = actions.create_objective_with_key_results(
        acting_user=cast.ava,
        title="Grow healthcare",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        key_results=[actions.KeyResultInput("Pilots", start_value=0, target_value=3)],
    )
    ava = as_user(cast.ava)
    url = reverse("objective-copy", args=[objective.pk])
    body = text(ava.get(url, {"cycle": q1.pk}))
    assert "What will be created" in body and "Pilots" in body
    assert not Objective.objects.filter(cycle=q1).exists()
    response = ava.post(url, {"cycle": q1.pk, "confirm": "1"})
    assert response.status_code == 302
    copy = Objective.objects.get(cycle=q1)
    assert copy.copied_from == objective and copy.state == "draft"
    response = ava.post(url, {"cycle": q1.pk, "confirm": "1"})
    assert response.status_code == 422 and "Already copied into Q1 2027" in text(response)
    body = text(ava.get(reverse("plan")))
    assert "Grow healthcare" in body and "Q1 2027" in body


def test_hr_adds_the_next_cycle_from_the_plan(cast, as_user):
    hana = as_user(cast.hana)
    assert "Add Q1 2027" in text(hana.get(reverse("plan")))
    assert as_user(cast.ava).post(reverse("plan-create-cycle")).status_code == 403
    assert hana.post(reverse("plan-create-cycle"), {"name": "Q1 2027"}).status_code == 302
    q1 = Cycle.objects.get(name="Q1 2027")
    assert (q1.start_date, q1.end_date, q1.parent.name) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
        "FY 2027",
    )
    assert "Nothing planned yet" in text(as_user(cast.ava).get(reverse("plan")))
