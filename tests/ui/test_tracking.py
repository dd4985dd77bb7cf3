"""Pace, forecasts and abandoning in the pages: badges with icons and words beside the owner's
confidence, expected vs actual and "how was this projected?" on demand, the same numbers as
goals.tracking, and the abandon forms."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.goals import actions, tracking
from lineofsight.goals.models import CheckIn, KeyResult, Objective, ObjectiveRevision
from lineofsight.insights.templatetags.tracking_badges import PACE_ICONS

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)  # day 46 of Q4: half expected


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Pages read "today" from the clock: hold it in the middle of Q4 2026."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def block(body: str, element_id: str) -> str:
    """The HTML from the element with this id to the next key-result row (or the end)."""
    start = body.index(f'id="{element_id}"')
    end = body.find('<li class="kr-row', start + 1)
    return body[start : end if end > 0 else len(body)]


@pytest.fixture
def history(cast, cascade):
    """Ava's opportunities: steady weekly readings, on pace. Legal review: one early
    reading, now stale. Closes: none yet."""
    for month, day, value in [(10, 6, 2), (10, 13, 4), (10, 20, 6), (10, 27, 8), (11, 3, 10),
                              (11, 10, 12)]:
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=cascade.ava_opps,
            value=value,
            confidence="at_risk",
            at=at(month, day),
        )
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=cascade.ava_legal,
        value=6,
        confidence="on_track",
        at=at(10, 14),
    )
    return cascade


def expected(*krs):
    fresh = KeyResult.objects.filter(pk__in=[kr.pk for kr in krs]).select_related(
        "cycle", "objective"
    )
    return tracking.key_result_tracking(fresh)


def test_objective_page_shows_one_status_per_key_result_and_the_rest_on_demand(
    cast, history, as_user
):
    body = text(as_user(cast.ava).get(reverse("objective", args=[history.ava_obj.pk])))
    want = expected(history.ava_opps, history.ava_legal)
    opps = block(body, f"kr-{history.ava_opps.pk}")
    t = want[history.ava_opps.pk]
    assert t.status == "on_track"  # 12 of 25 = 0.48 of an expected 0.5
    # Beside the progress: one status, the pace, with its icon and words.
    side = opps[opps.index('class="kr-side"') :]
    assert side.count('class="pace ') == 1 and f'data-pace="{t.status}"' in side
    assert f"icon-{PACE_ICONS['on_track']}" in side and "On track</span>" in side
    assert "data-status=" not in side and "data-miss-risk=" not in side
    # The owner's confidence is kept, not replaced, in the disclosure with the forecast.
    details = opps[opps.index('<details class="tracking tracking-more"') : opps.index("</details>")]
    assert "<summary>Confidence, forecast and pace" in details
    assert 'data-status="at_risk"' in details and "At risk</span>" in details
    assert f'data-expected="{t.pace.expected}">50 %' in details
    assert f'data-actual="{t.pace.actual}">48 %' in details
    assert escape(t.pace.explanation) in details
    # The forecast, its band and grade, the miss flag and how it was made.
    assert t.forecast is not None and t.forecast.method == "linear"
    assert f'data-forecast="{t.forecast.progress}"' in details
    assert f"{round(t.forecast.progress * 100)} %" in details
    assert f'data-miss-risk="{t.forecast.miss_risk}"' in details
    assert t.forecast.miss_risk.label in details
    assert escape(t.forecast.explanation) in details
    assert "Success means 70 %" in details
    # Stale is never green, and it wins over the owner's "on track".
    legal = block(body, f"kr-{history.ava_legal.pk}")
    assert want[history.ava_legal.pk].status == "stale"
    legal_side = legal[legal.index('class="kr-side"') :]
    assert 'data-pace="stale"' in legal_side and 'data-pace="on_track"' not in legal
    assert "Stale: check-in overdue" in legal_side and 'data-status="on_track"' in legal


def test_objective_page_rolls_the_risk_up_and_says_what_success_means(cast, history, as_user):
    body = text(as_user(cast.ava).get(reverse("objective", args=[history.ava_obj.pk])))
    rollup = tracking.objective_tracking([Objective.objects.get(pk=history.ava_obj.pk)])[
        history.ava_obj.pk
    ]
    summary = block(body, f"objective-summary-{history.ava_obj.pk}")
    assert f'data-risk-worst="{rollup.worst}"' in summary
    assert f'data-risk-attention="{rollup.attention}"' in summary
    assert f"{rollup.attention} of 3 key results need attention" in summary
    panel = block(body, f"objective-tracking-{history.ava_obj.pk}")
    assert "<strong>Aspirational:</strong> about 70 % (grade 0.7) counts as success" in panel
    assert rollup.forecast is not None
    assert f'data-forecast-progress="{rollup.forecast.progress}"' in panel
    assert escape(rollup.forecast.explanation) in panel
    company = text(as_user(cast.ava).get(reverse("objective", args=[history.company.pk])))
    assert "<strong>Committed:</strong> expected to reach 100 % (grade 1.0)" in company


def test_home_shows_pace_and_forecast_for_my_key_results_and_risk_on_cards(
    cast, history, as_user
):
    body = text(as_user(cast.ava).get(reverse("home")))
    want = expected(history.ava_opps, history.ava_legal, history.ava_closes)
    for kr in (history.ava_opps, history.ava_legal, history.ava_closes):
        row = block(body, f"kr-{kr.pk}")
        assert f'data-pace="{want[kr.pk].status}"' in row
        assert "<summary>Confidence, forecast and pace" in row
    card = body.split(f'data-objective="{history.ava_obj.pk}"', 1)[1]
    assert 'data-risk-worst="stale"' in card.split("</li>", 1)[0]


def test_tree_nodes_show_the_worst_status_and_how_many_need_attention(cast, history, as_user):
    client = as_user(cast.sam)
    body = text(client.get(f"{reverse('tree')}?cycle={cast.q4.pk}"))
    node = block(body, f"node-{history.company.pk}")
    assert 'class="risk"' in node and "data-risk-worst=" in node
    children = text(
        client.get(reverse("tree-children", args=[history.sales.pk]), HTTP_HX_REQUEST="true")
    )
    ava_node = children.split(f'data-objective="{history.ava_obj.pk}"', 1)[1]
    assert 'data-risk-worst="stale"' in ava_node
    assert "3 of 3 key results need attention" not in ava_node  # opportunities is on pace
    assert "2 of 3 key results need attention" in ava_node


def test_a_check_in_refreshes_pace_and_forecast_without_a_reload(cast, history, as_user, htmx):
    response = as_user(cast.ava).post(
        reverse("key-result-check-in", args=[history.ava_legal.pk]),
        {"value": "7", "confidence": "on_track", "context": "objective"},
        **htmx,
    )
    assert response.status_code == 200
    body = text(response)
    row = block(body, f"kr-{history.ava_legal.pk}")
    assert 'data-pace="on_track"' in row  # 0.7 of an expected 0.5: no longer stale
    assert "<summary>Confidence, forecast and pace" in row
    assert f'id="objective-tracking-{history.ava_obj.pk}" hx-swap-oob="true"' in body
    home = text(
        as_user(cast.ava).post(
            reverse("key-result-check-in", args=[history.ava_closes.pk]),
            {"value": "3", "confidence": "on_track", "context": "home"},
            **htmx,
        )
    )
    assert 'data-pace="on_track"' in block(home, f"kr-{history.ava_closes.pk}")
    assert f'id="objective-summary-{history.ava_obj.pk}" hx-swap-oob="true"' in home
    assert "data-risk-worst=" in home


def test_person_and_team_pages_show_the_risk_of_their_objectives(cast, history, as_user):
    client = as_user(cast.pia)
    person = text(client.get(reverse("person", args=[cast.ava.pk])))
    assert 'data-risk-worst="stale"' in person
    team = text(client.get(reverse("team", args=[cast.sales.pk])))
    assert "data-risk-worst=" in team


# -- abandoning ---------------------------------------------------------------------------


def test_abandoning_an_objective_from_its_page(cast, history, as_user):
    client = as_user(cast.ava)
    page = text(client.get(reverse("objective", args=[history.ava_obj.pk])))
    url = reverse("objective-abandon", args=[history.ava_obj.pk])
    assert f'href="{url}">Abandon objective</a>' in page
    form = text(client.get(url))
    assert "Why is it abandoned?" in form and "stops counting towards" in form
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422
    assert "This field is required." in text(refused)
    assert Objective.objects.get(pk=history.ava_obj.pk).state == "active"
    done = client.post(url, {"reason": "Territory moved to SMB"})
    assert done.status_code == 302 and done.url == reverse("objective", args=[history.ava_obj.pk])
    objective = Objective.objects.get(pk=history.ava_obj.pk)
    assert objective.state == "abandoned"
    page = text(client.get(reverse("objective", args=[objective.pk])))
    assert "Abandoned on 15 Nov 2026: Territory moved to SMB." in page
    assert "Abandon objective" not in page
    assert reverse("key-result-check-in", args=[history.ava_opps.pk]) not in page
    assert 'data-pace="' not in block(page, f"kr-{history.ava_opps.pk}")  # no longer tracked
    # Its parent's explanation says it no longer counts, when and why.
    why = text(client.get(reverse("objective-explain", args=[history.sales.pk])))
    assert "abandoned on 2026-11-15: Territory moved to SMB, not counted" in why
    # Its history shows the revision with the reason.
    past = text(client.get(reverse("objective-history", args=[objective.pk])))
    assert "Revision 2" in past and "Reason: Territory moved to SMB" in past
    assert '<span class="badge state-abandoned">Abandoned</span>' in past
    assert "Changed: state" in past
    # A second attempt goes back to the page with a message, and changes nothing.
    again = client.get(url, follow=True)
    assert "abandoned already" in text(again)
    assert ObjectiveRevision.objects.filter(objective=objective).count() == 2


def test_abandoning_a_key_result_from_its_row(cast, history, as_user):
    client = as_user(cast.sam)
    url = reverse("key-result-abandon", args=[history.ava_legal.pk])
    page = text(client.get(reverse("objective", args=[history.ava_obj.pk])))
    assert f'href="{url}">Abandon<span class="visually-hidden">' in page
    assert client.post(url, {"reason": "  "}).status_code == 422
    assert client.post(url, {"reason": "Legal queue is not ours"}).status_code == 302
    kr = KeyResult.objects.get(pk=history.ava_legal.pk)
    assert kr.state == "abandoned"
    page = text(client.get(reverse("objective", args=[history.ava_obj.pk])))
    row = block(page, f"kr-{kr.pk}")
    assert "Abandoned on 15 Nov 2026: Legal queue is not ours. Not counted" in row
    assert reverse("key-result-check-in", args=[kr.pk]) not in row
    assert url not in row
    why = text(client.get(reverse("objective-explain", args=[history.ava_obj.pk])))
    assert "abandoned on 2026-11-15: Legal queue is not ours, not counted" in why
    assert CheckIn.objects.filter(key_result=kr).count() == 1  # its reading stays


def test_abandon_pages_refuse_non_editors(cast, history, as_user):
    client = as_user(cast.pia)
    assert client.get(reverse("objective-abandon", args=[history.ava_obj.pk])).status_code == 403
    response = client.post(
        reverse("key-result-abandon", args=[history.ava_opps.pk]), {"reason": "Mine now"}
    )
    assert response.status_code == 403
    assert KeyResult.objects.get(pk=history.ava_opps.pk).state == "active"


def test_editing_an_objective_with_check_ins_asks_for_a_reason(cast, history, as_user):
    client = as_user(cast.ava)
    objective = history.ava_obj
    data = {
        "title": "Build pipeline",
        "description": "",
        "owner": f"person-{cast.ava.pk}",
        "visibility": "public",
        "state": "active",
        "commitment": "aspirational",
        "progress_mode": "key_results",
        "rationale": "",
        "reason": "",
    }
    refused = client.post(reverse("objective-edit", args=[objective.pk]), data)
    assert refused.status_code == 422
    assert "This objective has check-ins; say why its definition changes" in text(refused)
    data["reason"] = "Narrower focus"
    assert client.post(reverse("objective-edit", args=[objective.pk]), data).status_code == 302
    assert Objective.objects.get(pk=objective.pk).title == "Build pipeline"


def test_history_says_what_each_key_result_revision_changed(cast, history, as_user):
    actions.update_key_result(
        acting_user=cast.ava,
        key_result=history.ava_opps,
        target_value=30,
        reason="Territory grew",
    )
    body = text(as_user(cast.pia).get(reverse("objective-history", args=[history.ava_obj.pk])))
    row = body.split("(revision 2)", 1)[1].split("</tr>", 1)[0]
    assert "0 → 30" in row and "<td>target</td>" in row and "Territory grew" in row
    assert "first definition" in body
