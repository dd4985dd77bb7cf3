"""Reading pages for OKRs: My OKRs, the alignment tree, the objective page, explanations,
history, and the check-in form that saves without reloading the page.

Creating and editing objectives, key results, initiatives and alignment links lives in
``goals.editing``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.web import (
    SignedInRequest,
    apply_errors,
    is_htmx,
    page,
    parse_as_of,
    render_page,
    safe_next,
)
from lineofsight.goals import actions, drafts, history, scoring, selectors, tracking
from lineofsight.goals import blockers as blocker_selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.closing import selectors as closing_selectors
from lineofsight.goals.forms import CheckInForm, ShareDraftForm
from lineofsight.goals.models import (
    AlignmentLink,
    Cycle,
    KeyResult,
    KeyResultRevision,
    Objective,
)
from lineofsight.goals.my_team import my_team, shows_one_on_ones
from lineofsight.goals.team_retros import selectors as team_retros
from lineofsight.people.models import Person

CHECK_IN_CONTEXTS = ("objective", "home")


# ---------------------------------------------------------------------------------------
# Shared helpers


def selected_cycle(request: SignedInRequest) -> Cycle | None:
    """The cycle named by ``?cycle=``, else the current one."""
    raw = request.GET.get("cycle")
    if raw:
        try:
            return selectors.get_cycle_for_user(request.user, raw)
        except NotFound:
            raise Http404("No such cycle.") from None
    return selectors.current_cycle()


def may_change(user: Person, cycle: Cycle) -> bool:
    """Whether writes in this cycle are open to the user (closed cycles: HR amends)."""
    return not cycle.is_closed or bool(user.is_hr_admin)


def needs_amendment(user: Person, cycle: Cycle) -> bool:
    return cycle.is_closed and bool(user.is_hr_admin)


def require_open(user: Person, cycle: Cycle) -> None:
    if not may_change(user, cycle):
        raise NotAllowed(f"{cycle.name} is closed; only HR can amend it.")


def check_in_open(user: Person, kr: KeyResult, objective: Objective) -> bool:
    """Whether the check-in button makes sense for this key result (no queries)."""
    return (
        kr.source == KeyResult.Source.CHECK_INS
        and kr.state == KeyResult.State.ACTIVE
        and objective.state in (Objective.State.ACTIVE, Objective.State.DRAFT)
        and may_change(user, kr.cycle)
    )


def _decorate_rows(user: Person, objective: Objective, rows: list[Any]) -> None:
    for row in rows:
        kr = row.key_result
        row.check_in_open = row.can_check_in and check_in_open(user, kr, objective)
        row.can_edit = row.can_check_in and may_change(user, kr.cycle)


def _track_page(data: selectors.ObjectivePage) -> None:
    """Pace and forecast of the objective and its key results, the pace of the objectives
    aligned to it (a fixed number of queries), and when and why abandoned key results were
    abandoned."""
    tracked = tracking.annotate_cards([data.card, *data.children], forecast=[data.objective.pk])
    abandoned = [r.key_result.pk for r in data.key_results if r.key_result.state != "active"]
    gone = history.key_result_abandonments(abandoned)
    for row in data.key_results:
        kr = row.key_result
        kr.tracking = tracked.key_results.get(kr.pk)  # type: ignore[attr-defined]
        kr.abandonment = gone.get(kr.pk)  # type: ignore[attr-defined]


def _cycles(user: Person) -> list[Cycle]:
    return list(selectors.cycles_for_user(user).order_by("-start_date", "end_date"))


# ---------------------------------------------------------------------------------------
# My OKRs and the alignment tree


@page
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    cycle = selected_cycle(request)
    okrs = selectors.my_okrs(request.user, cycle)
    context = tracking.tracking_context()
    tracking.annotate_cards(okrs.mine + okrs.teams, context=context)
    tracking.annotate_key_results(okrs.key_results, context=context)
    key_results = [(kr, check_in_open(request.user, kr, kr.objective)) for kr in okrs.key_results]
    assigned, assigned_total = blocker_selectors.assigned_to(request.user)
    team = my_team(request.user, cycle)
    return render_page(
        request,
        "goals/home.html",
        {
            "nav": "home",
            "cycle": cycle,
            "cycles": _cycles(request.user),
            "okrs": okrs,
            "key_results": key_results,
            "assigned_blockers": assigned,
            "assigned_blockers_total": assigned_total,
            "my_team": team,
            "team_retros_due": team_retros.due_team_retrospectives(request.user, led_only=True),
            "one_on_ones": shows_one_on_ones(),
        },
    )


@page
@require_GET
def tree(request: SignedInRequest) -> HttpResponse:
    cycle = selected_cycle(request)
    roots = selectors.tree_roots(request.user, cycle) if cycle else []
    unaligned = selectors.unaligned_roots(request.user, cycle) if cycle else []
    tracking.annotate_cards(roots + unaligned)
    return render_page(
        request,
        "goals/tree.html",
        {
            "nav": "tree",
            "cycle": cycle,
            "cycles": _cycles(request.user),
            "roots": roots,
            "unaligned": unaligned,
        },
    )


@page
@require_GET
def tree_children(request: SignedInRequest, objective_id: int) -> HttpResponse:
    """What aligns to an objective, in the tree of ``?cycle=`` (its cycles only)."""
    parent = selectors.get_objective_for_user(request.user, objective_id)
    cycle = selected_cycle(request) if request.GET.get("cycle") else None
    offset = request.GET.get("offset", "0")
    if not offset.isdigit() or int(offset) > 10**9:
        return HttpResponseBadRequest("offset: give a whole number of objectives to skip.")
    start = int(offset)
    level = selectors.tree_level(
        request.user, parent, cycle, offset=start, limit=selectors.PAGE_CHILDREN
    )
    tracking.annotate_cards(level.children)
    shown = start + len(level.children)
    remaining = max(level.parent.child_count - shown, 0) if level.children else 0
    return render_page(
        request,
        "goals/tree_children.html",
        {
            "parent": parent,
            "cycle": cycle,
            "children": level.children,
            "first_page": start == 0,
            "hidden": level.parent.hidden_child_count,
            "prefix": f"{parent.pk}-",
            "shown": shown,
            "remaining": remaining,
            "next_page": min(remaining, selectors.PAGE_CHILDREN),
        },
    )


# ---------------------------------------------------------------------------------------
# The objective page, its explanation and history


@page
@require_GET
def objective_detail(request: SignedInRequest, objective_id: int) -> HttpResponse:
    user = request.user
    objective = selectors.get_objective_for_user(user, objective_id)
    data = selectors.objective_page(user, objective)
    _decorate_rows(user, objective, data.key_results)
    _track_page(data)
    closing = closing_selectors.for_objective_page(user, objective, data.key_results)
    can_edit = data.can_edit and may_change(user, objective.cycle)
    abandoned = objective.state == Objective.State.ABANDONED
    draft = drafts.draft_panel(user, objective, can_edit)
    return render_page(
        request,
        "goals/objective_detail.html",
        {
            "nav": "tree",
            "objective": objective,
            "page": data,
            "card": data.card,
            "can_edit": can_edit,
            "amend": needs_amendment(user, objective.cycle),
            "can_add_key_results": can_edit
            and objective.state in (Objective.State.ACTIVE, Objective.State.DRAFT),
            "can_abandon": can_edit and not abandoned,
            "can_copy": can_edit and not abandoned,
            "draft": draft,
            "sharing_label": drafts.sharing_label(objective, draft.readers) if draft else "",
            "share_form": ShareDraftForm(
                initial={
                    "sharing": objective.draft_sharing,
                    "people": [str(p.pk) for p in draft.readers],
                },
                people_choices=drafts.share_people_choices(user),
            )
            if draft is not None and draft.can_share
            else None,
            "closing": closing,
            "abandonment": (
                history.objective_abandonments([objective.pk]).get(objective.pk)
                if abandoned
                else None
            ),
        },
    )


def _explanation(
    request: SignedInRequest, subject: Any, explain: Any, url: str, panel_id: str
) -> HttpResponse:
    raw = request.GET.get("as_of", "").strip()
    error = ""
    status = 200
    try:
        as_of = parse_as_of(raw)
    except InvalidInput as exc:
        error = exc.errors["as_of"][0]
        as_of = None
        status = 400
    figure = explain(request.user, subject, as_of)
    return render_page(
        request,
        "goals/explain.html",
        {
            "figure": figure,
            "explanation": figure.explanation,
            "subject": subject,
            "url": url,
            "panel_id": panel_id,
            "as_of_raw": raw,
            "as_of_error": error,
            "historical": as_of is not None,
        },
        status=status,
    )


@page
@require_GET
def objective_explain(request: SignedInRequest, objective_id: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, objective_id)
    return _explanation(
        request,
        objective,
        selectors.explain_objective,
        reverse("objective-explain", args=[objective.pk]),
        f"explain-objective-{objective.pk}",
    )


@page
@require_GET
def key_result_explain(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    kr = selectors.get_key_result_for_user(request.user, key_result_id)
    return _explanation(
        request,
        kr,
        selectors.explain_key_result,
        reverse("key-result-explain", args=[kr.pk]),
        f"explain-kr-{kr.pk}",
    )


@page
@require_GET
def objective_history(request: SignedInRequest, objective_id: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, objective_id)
    revisions = list(objective.revisions.select_related("author").order_by("-number"))
    kr_revisions = list(
        KeyResultRevision.objects.filter(key_result__objective=objective)
        .select_related("key_result", "author", "owner")
        .order_by("-valid_from", "-number")
    )
    ended_links = list(
        selectors.links_for_user(request.user)
        .filter(child=objective, ended_at__isnull=False)
        .select_related("parent_key_result__objective", "ended_by")
        .order_by("-ended_at")
    )
    changes = history.changed_fields(revisions, history.OBJECTIVE_FIELD_LABELS, "objective_id")
    for rev in revisions:
        rev.changed = changes.get(rev.pk, [])  # type: ignore[attr-defined]
    kr_changes = history.changed_fields(
        kr_revisions, history.KEY_RESULT_FIELD_LABELS, "key_result_id"
    )
    for kr_rev in kr_revisions:
        kr_rev.changed = kr_changes.get(kr_rev.pk, [])  # type: ignore[attr-defined]
    return render_page(
        request,
        "goals/objective_history.html",
        {
            "nav": "tree",
            "objective": objective,
            "revisions": revisions,
            "kr_revisions": kr_revisions,
            "ended_links": ended_links,
        },
    )


# ---------------------------------------------------------------------------------------
# Check-ins


def _check_in_context(request: SignedInRequest) -> str:
    raw = request.POST.get("context") or request.GET.get("context") or "objective"
    return raw if raw in CHECK_IN_CONTEXTS else "objective"


def _check_in_saved(request: SignedInRequest, kr: KeyResult, where: str) -> HttpResponse:
    """The refreshed key-result row, plus out-of-band updates of the objective's figures."""
    user = request.user
    objective = selectors.get_objective_for_user(user, kr.objective_id)
    if where == "home":
        fresh = selectors.get_key_result_for_user(user, kr.pk)
        card = selectors.cards(user, [objective])[0]
        context = tracking.tracking_context()
        tracking.annotate_cards([card], context=context)
        tracking.annotate_key_results([fresh], context=context)
        return render_page(
            request,
            "goals/check_in_saved_home.html",
            {
                "kr": fresh,
                "open": check_in_open(user, fresh, objective),
                "card": card,
            },
        )
    data = selectors.objective_page(user, objective)
    _decorate_rows(user, objective, data.key_results)
    _track_page(data)
    closing_selectors.for_objective_page(user, objective, data.key_results)
    row = next(r for r in data.key_results if r.key_result.pk == kr.pk)
    return render_page(
        request,
        "goals/check_in_saved.html",
        {
            "row": row,
            "objective": objective,
            "page": data,
            "card": data.card,
            "can_edit": data.can_edit and may_change(user, objective.cycle),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_check_in(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    user = request.user
    kr = selectors.get_key_result_for_user(user, key_result_id)
    if not GoalViewer.of(user).can_check_in(kr):
        raise NotAllowed("Only the key result's owner and the objective's editors check in.")
    require_open(user, kr.cycle)
    amend = needs_amendment(user, kr.cycle)
    where = _check_in_context(request)
    objective_url = reverse("objective", args=[kr.objective_id])
    status = 200
    assignees = blocker_selectors.assignee_choices(user, kr)
    if request.method == "POST":
        form = CheckInForm(request.POST, key_result=kr, amend=amend, assignees=assignees)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.record_check_in(
                    acting_user=user,
                    key_result=kr,
                    confidence=data["confidence"],
                    value=data.get("value"),
                    done=data.get("done") if "done" in form.fields else None,
                    blockers=form.blocker_inputs(),
                    note=data.get("note", ""),
                    amendment_reason=data.get("amendment_reason", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc, {"key_result": "__all__", **form.blocker_field_map()})
            else:
                if is_htmx(request):
                    return _check_in_saved(request, kr, where)
                messages.success(request, f"Check-in recorded on {kr.title!r}.")
                fallback = reverse("home") if where == "home" else objective_url
                return redirect(safe_next(request, fallback))
        status = 422
    else:
        initial: dict[str, Any] = {
            "confidence": kr.confidence or scoring.Confidence.ON_TRACK.value,
            "done": kr.done,
        }
        if kr.current_value is not None:
            initial["value"] = kr.current_value
        form = CheckInForm(initial=initial, key_result=kr, amend=amend, assignees=assignees)
    response = render_page(
        request,
        "goals/check_in_form.html",
        {
            "kr": kr,
            "form": form,
            "where": where,
            "objective_url": objective_url,
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
        status=status,
    )
    if is_htmx(request) and request.method == "POST":
        response["HX-Retarget"] = f"#checkin-slot-{kr.pk}"
        response["HX-Reswap"] = "innerHTML"
    return response


def live_parent_links(user: Person, objective: Objective) -> list[AlignmentLink]:
    return list(
        selectors.links_for_user(user)
        .filter(child=objective, ended_at__isnull=True)
        .select_related("parent_key_result__objective")
        .order_by("pk")
    )
