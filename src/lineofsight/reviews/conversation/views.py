"""The review conversation in the browser.

* ``/reviews/``: my reviews -- what I must write or decide now, with deadlines and phase, and
  my own reviews (readable once shared).
* ``/reviews/feedback/<id>/``: a feedback form (self, manager, peer, upward) for its author:
  save a draft without a reload (htmx), submit; read-only once submitted, and for those who
  may read it (a draft is its author's alone). The form carries the version it was loaded
  at: a save from an older one is refused (409) with the newer text shown beside the form.
  The manager review opens only after the team's OKR summary (team context first).
* ``/reviews/<id>/``: the review page (header, evidence, feedback, rating, history,
  acknowledgement), per the access policy: the person's own from the start, its outcome
  once shared.
* ``/reviews/<id>/peers/``: asking colleagues for feedback, and approving or declining the
  requests; ``/reviews/<id>/upward/`` starts upward feedback on one's manager.
* ``/reviews/<id>/share/``, ``/reviews/<id>/acknowledge/``, ``/reviews/<id>/amend/``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, is_htmx, page, render_page
from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer, feedback_closed_because
from lineofsight.reviews.conversation import actions, pages, selectors, team_context
from lineofsight.reviews.conversation.actions.requests import requests_closed_because
from lineofsight.reviews.conversation.forms import (
    AcknowledgeForm,
    AmendForm,
    DeclineForm,
    FeedbackForm,
    PeerRequestForm,
)
from lineofsight.reviews.models import Feedback, Review

NAV = "reviews"


@page
@require_GET
def my_reviews(request: SignedInRequest) -> HttpResponse:
    return render_page(
        request,
        "reviews/conversation/inbox.html",
        {"nav": NAV, "inbox": pages.inbox(request.user)},
    )


# ---------------------------------------------------------------------------------------
# Feedback forms


def _feedback_context(
    request: SignedInRequest, fb: Feedback, form: FeedbackForm | None, sheet: Any
) -> dict[str, Any]:
    review = fb.review
    cycle = review.review_cycle
    viewer = ReviewViewer.of(request.user)
    is_author = viewer.writes_feedback(fb)
    context: dict[str, Any] = {
        "nav": NAV,
        "fb": fb,
        "review": review,
        "cycle": cycle,
        "form": form,
        "sheet": sheet,
        "is_author": is_author,
        "is_subject": review.subject_id == viewer.pk,
        "closed": feedback_closed_because(fb),
        "phase": pages.phase_of(cycle),
        "policy_line": pages.policy_line(cycle),
        "rating": None,
        "requests": None,
        "version": fb.version,
    }
    if fb.kind == Feedback.Kind.MANAGER:
        context["rating"] = selectors.rating_view(viewer, review, fb if is_author else None)
        context["team_context_url"] = team_context.url(review, viewer)
    if fb.kind == Feedback.Kind.SELF and is_author:
        context["requests"] = selectors.peer_requests(request.user, review)
    return context


def _sent_version(request: SignedInRequest) -> int:
    """The version the form was loaded at (a form without one is older than any)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def _conflict(
    request: SignedInRequest, fb: Feedback, form: FeedbackForm, exc: Conflict
) -> HttpResponse:
    """A save made from an older version: the newer stored text beside the form, which keeps
    what was typed (and the current version, so saving again after merging goes through)."""
    fresh = selectors.get_feedback_for_user(request.user, fb.pk)
    form.apply(exc)
    context = _feedback_context(request, fresh, form, selectors.feedback_sheet(fresh))
    context["newer"] = context["sheet"]
    response = render_page(request, "reviews/conversation/feedback.html", context, status=409)
    if is_htmx(request):
        response["HX-Retarget"] = f"#feedback-{fb.pk}"
        response["HX-Reswap"] = "outerHTML show:#feedback-conflict:top"
    return response


@page
@require_http_methods(["GET", "POST"])
def feedback(request: SignedInRequest, feedback_id: int) -> HttpResponse:
    fb = selectors.get_feedback_for_user(request.user, feedback_id)
    viewer = ReviewViewer.of(request.user)
    sheet = selectors.feedback_sheet(fb)
    writable = viewer.can_write_feedback(fb)
    if request.method == "POST" and not viewer.writes_feedback(fb):
        raise NotAllowed("Only its author writes this feedback.")
    if (
        writable
        and request.method == "GET"
        and fb.kind == Feedback.Kind.MANAGER
        and not team_context.seen(viewer, fb.review)
        and (where := team_context.url(fb.review, viewer))
    ):
        # Team context first: the team's OKR summary for the cycle, then this form.
        messages.info(request, team_context.first_message(fb.review, viewer))
        return redirect(f"{where}?next={request.path}")
    with_rating = fb.kind == Feedback.Kind.MANAGER
    if not writable:
        if request.method == "POST":
            messages.error(request, feedback_closed_because(fb) or "This feedback is closed.")
            return redirect("review-feedback", fb.pk)
        return render_page(
            request,
            "reviews/conversation/feedback.html",
            _feedback_context(request, fb, None, sheet),
        )
    if request.method == "GET":
        form = FeedbackForm(sheet=sheet, review=fb.review, draft=fb, with_rating=with_rating)
        return render_page(
            request,
            "reviews/conversation/feedback.html",
            _feedback_context(request, fb, form, sheet),
        )
    form = FeedbackForm(
        request.POST, sheet=sheet, review=fb.review, draft=fb, with_rating=with_rating
    )
    submitting = request.POST.get("action") == "submit"
    if form.is_valid():
        rating = form.rating_values() if with_rating else {}
        write = actions.submit_feedback if submitting else actions.save_feedback
        try:
            write(
                acting_user=request.user,
                feedback=fb,
                answers=form.answers(),
                version=_sent_version(request),
                **rating,
            )
        except Conflict as exc:
            return _conflict(request, fb, form, exc)
        except InvalidInput as exc:
            form.apply(exc)
        else:
            if submitting:
                messages.success(request, f"Submitted: {fb.get_kind_display().lower()}.")
                if fb.kind == Feedback.Kind.MANAGER:
                    return redirect("review", fb.review_id)
                return redirect("my-reviews")
            if is_htmx(request):
                fb.refresh_from_db(fields=["version"])
                return render_page(
                    request,
                    "reviews/conversation/draft_saved.html",
                    {"saved_at": timezone.now(), "version": fb.version},
                )
            messages.success(request, "Draft saved.")
            return redirect("review-feedback", fb.pk)
    if is_htmx(request) and not submitting:
        return render_page(
            request,
            "reviews/conversation/draft_saved.html",
            {"errors": form.errors, "form": form},
            status=422,
        )
    context = _feedback_context(request, fb, form, sheet)
    return render_page(request, "reviews/conversation/feedback.html", context, status=422)


# ---------------------------------------------------------------------------------------
# The review page


@page
@require_GET
def review(request: SignedInRequest, review_id: int) -> HttpResponse:
    item = selectors.get_review_for_user(request.user, review_id)
    data = pages.review_page(request.user, item)
    return render_page(
        request,
        "reviews/conversation/review.html",
        {
            "nav": NAV,
            "review": item,
            "cycle": item.review_cycle,
            "data": data,
            "ack_form": AcknowledgeForm() if data.can["acknowledge"] else None,
        },
    )


@page
@require_POST
def share(request: SignedInRequest, review_id: int) -> HttpResponse:
    item = selectors.get_review_for_user(request.user, review_id)
    try:
        actions.share_review(acting_user=request.user, review=item)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, f"Shared with {item.subject.name}; they have been told.")
    return redirect("review", item.pk)


@page
@require_http_methods(["GET", "POST"])
def acknowledge(request: SignedInRequest, review_id: int) -> HttpResponse:
    item = selectors.get_review_for_user(request.user, review_id)
    if not ReviewViewer.of(request.user).can_acknowledge(item):
        raise NotAllowed("Only the person reviewed acknowledges their review.")
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.acknowledge_review(
                    acting_user=request.user, review=item, comment=form.cleaned_data["comment"]
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Acknowledged. Thank you.")
                return redirect("review", item.pk)
        status = 422
    return render_page(
        request,
        "reviews/conversation/acknowledge.html",
        {"nav": NAV, "review": item, "form": form},
        status=status,
    )


# ---------------------------------------------------------------------------------------
# Asking for feedback


@page
@require_POST
def upward(request: SignedInRequest, review_id: int) -> HttpResponse:
    item = selectors.get_review_for_upward(request.user, review_id)
    try:
        fb = actions.start_upward_feedback(acting_user=request.user, review=item)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("my-reviews")
    return redirect("review-feedback", fb.pk)


@page
@require_http_methods(["GET", "POST"])
def decline(request: SignedInRequest, feedback_id: int) -> HttpResponse:
    fb = selectors.get_peer_request_for_user(request.user, feedback_id)
    if not ReviewViewer.of(request.user).can_approve_feedback_requests(fb.review):
        raise NotAllowed("Only the person's managers and HR decline feedback requests.")
    form = DeclineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.decline_feedback_request(
                    acting_user=request.user, feedback=fb, reason=form.cleaned_data["reason"]
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Declined the request to {fb.author.name}.")
                return redirect("review-peers", fb.review_id)
        status = 422
    return render_page(
        request,
        "reviews/conversation/decline.html",
        {"nav": NAV, "fb": fb, "review": fb.review, "form": form},
        status=status,
    )


@page
@require_POST
def approve(request: SignedInRequest, feedback_id: int) -> HttpResponse:
    fb = selectors.get_peer_request_for_user(request.user, feedback_id)
    try:
        actions.approve_feedback_request(acting_user=request.user, feedback=fb)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, f"Approved: {fb.author.name} can now write their feedback.")
    return redirect("review-peers", fb.review_id)


def review_url_for(user: Any, item: Review) -> str | None:
    """Where the review itself may be read by this person, if anywhere."""
    return reverse("review", args=[item.pk]) if ReviewViewer.of(user).sees_review(item) else None


@page
@require_http_methods(["GET", "POST"])
def peers(request: SignedInRequest, review_id: int) -> HttpResponse:
    """Who was asked for feedback on a review; ask more; approve or decline requests."""
    item = selectors.get_review_for_requests(request.user, review_id)
    viewer = ReviewViewer.of(request.user)
    suggestions = selectors.peer_suggestions(item)
    form = PeerRequestForm(request.POST or None, suggestions=suggestions)
    status = 200
    if request.method == "POST":
        if not viewer.can_request_peer_feedback(item):
            raise NotAllowed("Only the person and their managers ask for feedback.")
        if form.is_valid():
            chosen = [int(pk) for pk in form.cleaned_data["suggested"]]
            people = list(Person.objects.filter(pk__in=chosen, is_active=True))
            named, unknown = selectors.people_by_handle(form.handles())
            if unknown:
                form.add_error(
                    "others",
                    "Nobody active with this username or email address: "
                    + ", ".join(unknown)
                    + ".",
                )
            else:
                try:
                    made = actions.request_peer_feedback(
                        acting_user=request.user, review=item, peers=people + named
                    )
                except InvalidInput as exc:
                    for message in exc.errors.get("peers", []) + exc.errors.get("__all__", []):
                        form.add_error(None, message)
                else:
                    names = ", ".join(fb.author.name for fb in made)
                    waiting = made and made[0].state == Feedback.State.REQUESTED
                    messages.success(
                        request,
                        f"Asked {names}; "
                        + (
                            "the requests wait for your manager's approval."
                            if waiting
                            else "they have been told."
                        ),
                    )
                    return redirect("review-peers", item.pk)
        status = 422
    manages = viewer.manages_review(item) and item.subject_id != viewer.pk
    return render_page(
        request,
        "reviews/conversation/peers.html",
        {
            "nav": NAV,
            "review": item,
            "cycle": item.review_cycle,
            "form": form,
            "requests": selectors.peer_requests(request.user, item),
            "manages": manages,
            "can_request": viewer.can_request_peer_feedback(item)
            and not feedback_window_closed(item),
            "closed_because": feedback_window_closed(item),
            "review_url": review_url_for(request.user, item),
        },
        status=status,
    )


def feedback_window_closed(item: Review) -> str:
    return requests_closed_because(item)


@page
@require_http_methods(["GET", "POST"])
def amend(request: SignedInRequest, review_id: int) -> HttpResponse:
    """Amend a submitted review (HR; the review's managers until it is shared), with a
    reason: the rating fields, or with ``?feedback=<id>`` one feedback's answers."""
    item = selectors.get_review_for_user(request.user, review_id)
    viewer = ReviewViewer.of(request.user)
    fb = None
    raw = request.GET.get("feedback") or request.POST.get("feedback")
    if raw:
        fb = (
            selectors.feedback_for_user(request.user)
            .filter(pk=as_id(raw) or 0, review=item)
            .select_related(*selectors.FEEDBACK_RELATED)
            .first()
        )
        if fb is None:
            raise NotFound("No such feedback.")
    if not viewer.can_amend(item, fb):
        raise NotAllowed("Only HR (and the manager, until sharing) amends a submitted review.")
    with_rating = viewer.can_amend(item) and (fb is None or fb.kind == Feedback.Kind.MANAGER)
    sheet = selectors.feedback_sheet(fb) if fb is not None else None
    form = AmendForm(request.POST or None, sheet=sheet, review=item, with_rating=with_rating)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.rating_values() if with_rating else {}
            try:
                made = actions.amend_review(
                    acting_user=request.user,
                    review=item,
                    reason=form.cleaned_data["reason"],
                    feedback=fb,
                    answers=form.answers() if fb is not None else None,
                    **values,
                )
            except InvalidInput as exc:
                form.apply(exc)
            else:
                messages.success(request, f"Amended ({len(made)} change(s) recorded).")
                return redirect("review", item.pk)
        status = 422
    return render_page(
        request,
        "reviews/conversation/amend.html",
        {"nav": NAV, "review": item, "fb": fb, "form": form},
        status=status,
    )
