"""The coach while an objective or a key result is being written.

The objective form and the key-result form send what has been typed so far (debounced, by
htmx) to these endpoints, which answer the findings fragment shown under the form. Nothing
is saved: the draft is turned into plain facts (``ObjectiveFacts``, ``KeyResultFacts``), the
owner's other objectives and the chosen parent are loaded as the writer may see them, and
``coach.rules.check_draft_objective`` runs on them.

Checking is lenient on purpose: a half-typed number or an owner not chosen yet is left out
rather than reported; the form itself says what is wrong when it is submitted. A new
objective is not told it lacks key results: they are added on the next page.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from django.http import QueryDict
from django.views.decorators.http import require_POST

from lineofsight.coach.access import CoachViewer
from lineofsight.coach.facts import load_population
from lineofsight.coach.rules import check_draft_objective
from lineofsight.coach.rules.facts import KeyResultFacts, ObjectiveFacts
from lineofsight.coach.rules.findings import Finding, Subject
from lineofsight.coach.scope import OWNER_TEAM, CoachScope
from lineofsight.coach.selectors import FindingRow, rows_for
from lineofsight.coach.similarity import configured_similarity
from lineofsight.core.errors import NotAllowed, NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.forms import PARENT_RE
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to, teams_visible_to

LEVELS = {choice.value for choice in Objective.Level}
KINDS = {choice.value for choice in KeyResult.Kind}  # type: ignore[attr-defined]
# Findings that a new objective's form does not show: its key results come next.
NOT_YET = {"focus.too_few_key_results"}


def _number(raw: Any) -> float | None:
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _pick(raw: Any, choices: Any, default: str) -> str:
    return str(raw) if raw in choices else default


def _owner(user: Person, raw: str) -> tuple[Person | None, Team | None]:
    kind, _, pk = (raw or "").partition("-")
    found_pk = as_id(pk)
    if found_pk is not None and kind == "person":
        return people_visible_to(user).filter(pk=found_pk).first(), None
    if found_pk is not None and kind == "team":
        return None, teams_visible_to(user).select_related("lead").filter(pk=found_pk).first()
    return None, None


def _parent(user: Person, raw: str) -> tuple[int | None, int | None, int | None]:
    """(parent objective id, parent key result id, the objective to load) of "o-12"/"k-7",
    when the user may see it."""
    match = PARENT_RE.match((raw or "").strip())
    if match is None:
        return None, None, None
    pk = int(match["pk"])
    try:
        if match["kind"] == "o":
            objective = goal_selectors.get_objective_for_user(user, pk)
            return objective.pk, None, objective.pk
        kr = goal_selectors.get_key_result_for_user(user, pk)
        return None, kr.pk, kr.objective_id
    except NotFound:
        return None, None, None


def _scope(cycle: Cycle, person: Person | None, team: Team | None, user: Person) -> CoachScope:
    if team is not None:
        return CoachScope(cycle, OWNER_TEAM, team=team)
    return CoachScope.of_person(cycle, person or user)


def _render(
    request: SignedInRequest,
    findings: list[Finding],
    loaded: Any,
    *,
    what: str,
    checked: bool = True,
) -> Any:
    rows: list[FindingRow] = rows_for(findings, loaded) if findings else []
    return render_page(
        request,
        "coach/draft_findings.html",
        {
            "rows": rows,
            "what": what,
            "checked": checked,
            "base_template": "lineofsight/fragment.html",
        },
    )


@page
@require_POST
def draft_objective(request: SignedInRequest) -> Any:
    """The findings about the objective being written in the objective form (``objective``:
    the id of the one being edited, if any)."""
    user = request.user
    data: QueryDict = request.POST
    existing: Objective | None = None
    raw_existing = request.GET.get("objective") or data.get("objective")
    if raw_existing:
        existing = goal_selectors.get_objective_for_user(user, raw_existing)
    person, team = _owner(user, data.get("owner", ""))
    if existing is not None:
        cycle: Cycle | None = existing.cycle
        level = existing.level
        if person is None and team is None:
            person, team = existing.owner_person, existing.owner_team
    else:
        cycle_id = as_id(data.get("cycle"))
        cycle = (
            goal_selectors.cycles_for_user(user).filter(pk=cycle_id).first()
            if cycle_id is not None
            else None
        ) or goal_selectors.current_cycle()
        level = data.get("level", "") if data.get("level") in LEVELS else "individual"
    if cycle is None:
        return _render(request, [], None, what="objective", checked=False)
    if person is None and team is None:
        person = user
    parent_objective, parent_kr, load_parent = _parent(user, data.get("parent", ""))
    loaded = load_population(
        user,
        _scope(cycle, person, team, user),
        extra_parent_ids=[load_parent] if load_parent else [],
        whole_chains=False,
    )
    stored = loaded.objectives.get(existing.pk) if existing is not None else None
    draft = ObjectiveFacts(
        id=existing.pk if existing is not None else 0,
        title=(data.get("title") or "").strip(),
        level=level,
        cycle_id=cycle.pk,
        description=(data.get("description") or "").strip(),
        owner_person_id=person.pk if person is not None and team is None else None,
        owner_team_id=team.pk if team is not None else None,
        state=_pick(data.get("state"), ("draft", "active"), "active"),
        commitment=data.get("commitment") or "aspirational",
        parent_objective_ids=(
            stored.parent_objective_ids
            if stored is not None
            else ((parent_objective,) if parent_objective else ())
        ),
        parent_key_result_ids=(
            stored.parent_key_result_ids
            if stored is not None
            else ((parent_kr,) if parent_kr else ())
        ),
        key_results=stored.key_results if stored is not None else (),
        progress_mode=data.get("progress_mode") or "key_results",
        is_development=level == "individual"
        and str(data.get("is_development") or "").lower() in ("on", "true", "1"),
    )
    if not draft.title:
        return _render(request, [], loaded, what="objective", checked=False)
    findings = check_draft_objective(
        draft, loaded.population, loaded.settings, similarity=configured_similarity()
    )
    if existing is None:
        findings = [f for f in findings if f.code not in NOT_YET]
    loaded.objective_titles[draft.id] = draft.title
    loaded.objectives[draft.id] = draft
    return _render(request, findings, loaded, what="objective")


@page
@require_POST
def draft_key_result(request: SignedInRequest, objective_id: int) -> Any:
    """The findings about the key result being written in the key-result form of an
    objective (``key_result``: the id of the one being edited, if any)."""
    user = request.user
    data: QueryDict = request.POST
    objective = goal_selectors.get_objective_for_user(user, objective_id)
    viewer = CoachViewer.of(user)
    raw_kr = request.GET.get("key_result") or data.get("key_result")
    existing: KeyResult | None = None
    if raw_kr:
        existing = goal_selectors.get_key_result_for_user(user, raw_kr)
        if existing.objective_id != objective.pk:
            raise NotFound("No such key result.")
        if not viewer.can_edit_key_result(existing):
            raise NotAllowed("You cannot edit this key result.")
    elif not viewer.can_edit_objective(objective):
        raise NotAllowed("You cannot add key results to this objective.")
    loaded = load_population(
        user, CoachScope.owned_by(objective.cycle, objective), whole_chains=False
    )
    stored = loaded.objectives.get(objective.pk)
    title = (data.get("title") or "").strip()
    if stored is None or not title:
        return _render(request, [], loaded, what="key result", checked=False)
    kind = _pick(data.get("kind"), KINDS, "increase")
    owner = as_id(data.get("owner"))
    draft_kr = KeyResultFacts(
        id=existing.pk if existing is not None else 0,
        objective_id=objective.pk,
        title=title,
        kind=kind,
        unit=(data.get("unit") or "").strip(),
        start_value=_number(data.get("start_value")),
        target_value=_number(data.get("target_value")),
        signal=_pick(data.get("signal"), ("leading", "lagging"), "lagging"),
        owner_id=owner if owner is not None else user.pk,
        state=_pick(data.get("state"), ("active", "abandoned"), "active"),
        source=_pick(data.get("source"), ("check_ins", "aligned"), "check_ins"),
    )
    others = tuple(kr for kr in stored.key_results if kr.id != draft_kr.id)
    draft = replace(stored, key_results=(*others, draft_kr))
    findings = [
        f
        for f in check_draft_objective(
            draft, loaded.population, loaded.settings, similarity=configured_similarity()
        )
        if (f.subject is Subject.KEY_RESULT and f.subject_id == draft_kr.id)
        or f.code.startswith("focus.too_")
    ]
    loaded.key_results[draft_kr.id] = draft_kr
    return _render(request, findings, loaded, what="key result")
