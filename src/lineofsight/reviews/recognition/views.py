"""Pages for recognition.

* ``/people/<id>/kudos/``: a person's kudos (the ones you may see) and the form to give them
  kudos; the person page loads it as a section.
* ``/key-results/<id>/kudos/``: the kudos about a key result, and the form to thank its owner
  or the owner of one of its initiatives.
* ``/recognition/nominations/``: the spot-bonus nominations you may see (yours, your
  reports', all of them for HR); ``new/`` nominates someone, ``<id>/`` shows one and
  ``<id>/decide/`` is HR's approval or decline with a note.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals import selectors as goals
from lineofsight.people.models import Person
from lineofsight.people.selectors import get_person_for_user, people_visible_to
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.recognition import actions
from lineofsight.reviews.recognition import selectors as recognition
from lineofsight.reviews.recognition.forms import DecisionForm, KudosForm, NominationForm

LIST_LIMIT = recognition.LIST_LIMIT


@page
@require_http_methods(["GET", "POST"])
def person_kudos(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    mine = person.pk == request.user.pk
    form = None
    status = 200
    if not mine:
        form = KudosForm(
            request.POST if request.method == "POST" else None,
            people=None,
            key_results=recognition.kudos_key_results(request.user, person),
        )
    if request.method == "POST":
        if form is None:
            raise NotAllowed("You cannot give kudos to yourself.")
        if form.is_valid():
            try:
                actions.give_kudos(
                    acting_user=request.user,
                    recipient=person,
                    message=form.cleaned_data["message"],
                    key_result=form.cleaned_data.get("key_result"),
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Kudos sent to {person.name}.")
                return redirect("person-kudos", person.pk)
        status = 422
    kudos = list(recognition.kudos_for_person(request.user, person)[: LIST_LIMIT + 1])
    return render_page(
        request,
        "reviews/recognition/kudos.html",
        {
            "nav": "people",
            "person": person,
            "key_result": None,
            "kudos": kudos[:LIST_LIMIT],
            "more": len(kudos) > LIST_LIMIT,
            "form": form,
            "action": reverse("person-kudos", args=[person.pk]),
            "mine": mine,
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_kudos(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    key_result = goals.get_key_result_for_user(request.user, key_result_id)
    people = recognition.key_result_people(key_result).exclude(pk=request.user.pk)
    form = KudosForm(
        request.POST if request.method == "POST" else None,
        people=people,
        key_results=None,
        initial={"recipient": key_result.owner_id},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            recipient = form.cleaned_data["recipient"]
            try:
                actions.give_kudos(
                    acting_user=request.user,
                    recipient=recipient,
                    message=form.cleaned_data["message"],
                    key_result=key_result,
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Kudos sent to {recipient.name}.")
                return redirect("key-result-kudos", key_result.pk)
        status = 422
    kudos = list(recognition.kudos_for_key_result(request.user, key_result)[: LIST_LIMIT + 1])
    return render_page(
        request,
        "reviews/recognition/kudos.html",
        {
            "nav": "tree",
            "person": None,
            "key_result": key_result,
            "kudos": kudos[:LIST_LIMIT],
            "more": len(kudos) > LIST_LIMIT,
            "form": form if people.exists() else None,
            "action": reverse("key-result-kudos", args=[key_result.pk]),
            "mine": False,
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------
# Spot-bonus nominations


@page
@require_GET
def nomination_list(request: SignedInRequest) -> HttpResponse:
    rows = list(recognition.nominations_for_user(request.user)[:200])
    return render_page(
        request,
        "reviews/recognition/nomination_list.html",
        {
            "nav": "reviews",
            "nominations": rows,
            "is_hr": ReviewViewer.of(request.user).can_decide_spot_bonus(),
        },
    )


def _nominee(request: SignedInRequest) -> Person | None:
    raw = request.POST.get("nominee") if request.method == "POST" else None
    raw = raw or request.GET.get("person")
    if not raw:
        return None
    pk = as_id(raw)
    if pk is None:
        return None
    try:
        return get_person_for_user(request.user, pk)
    except Person.DoesNotExist:
        return None


@page
@require_http_methods(["GET", "POST"])
def nomination_new(request: SignedInRequest) -> HttpResponse:
    nominee = _nominee(request)
    people = people_visible_to(request.user).filter(is_active=True).exclude(pk=request.user.pk)
    if request.GET.get("person") and nominee is not None:
        people = people.filter(pk=nominee.pk)
    form = NominationForm(
        request.POST if request.method == "POST" else None,
        people=people.order_by("display_name", "username"),
        key_results=recognition.kudos_key_results(request.user, nominee) if nominee else None,
        initial={"nominee": nominee.pk if nominee else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                nomination = actions.nominate_spot_bonus(
                    acting_user=request.user,
                    nominee=form.cleaned_data["nominee"],
                    reason=form.cleaned_data["reason"],
                    key_result=form.cleaned_data.get("key_result"),
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{nomination.nominee.name} is nominated; HR decides, and "
                    f"{nomination.nominee.name} is not told.",
                )
                return redirect("spot-bonus-nomination", nomination.pk)
        status = 422
    here = reverse("spot-bonus-nomination-new")
    return render_page(
        request,
        "goals/form_page.html",
        {
            "nav": "reviews",
            "form": form,
            "heading": "Nominate for a spot bonus",
            "intro": "Recognise a contribution, with a reason. The nominee's managers and HR "
            "see the nomination, never the nominee; HR decides. Nothing here is computed "
            "from OKRs.",
            "action": f"{here}?person={nominee.pk}" if nominee else here,
            "submit_label": "Nominate",
            "cancel_url": reverse("spot-bonus-nominations"),
        },
        status=status,
    )


@page
@require_GET
def nomination_detail(request: SignedInRequest, nomination_id: int) -> HttpResponse:
    nomination = recognition.get_nomination_for_user(request.user, nomination_id)
    viewer = ReviewViewer.of(request.user)
    can_decide = (
        viewer.can_decide_spot_bonus()
        and nomination.state == "submitted"
        and nomination.nominee_id != request.user.pk
    )
    return render_page(
        request,
        "reviews/recognition/nomination.html",
        {
            "nav": "reviews",
            "nomination": nomination,
            "form": DecisionForm() if can_decide else None,
        },
    )


@page
@require_POST
def nomination_decide(request: SignedInRequest, nomination_id: int) -> HttpResponse:
    nomination = recognition.get_nomination_for_user(request.user, nomination_id)
    if not ReviewViewer.of(request.user).can_decide_spot_bonus():
        raise NotAllowed("Only HR decides spot-bonus nominations.")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_spot_bonus(
                acting_user=request.user,
                nomination=nomination,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Decision saved; the nominator is told.")
            return redirect("spot-bonus-nomination", nomination.pk)
    nomination.refresh_from_db()
    return render_page(
        request,
        "reviews/recognition/nomination.html",
        {"nav": "reviews", "nomination": nomination, "form": form},
        status=422,
    )
