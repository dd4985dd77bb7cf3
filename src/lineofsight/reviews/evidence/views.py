"""Pages of the evidence pack.

* ``/reviews/<id>/evidence/``: the review's evidence pack (the review page includes the
  same fragment), with the forward-looking drafts editable in place (htmx; plain forms
  without JavaScript).
* ``/reviews/<id>/packet/`` and ``/reviews/<id>/packet.pdf``: the pack and the review's
  visible content, print-friendly and as a PDF with the same figures.
* ``/reviews/cycles/<id>/teams/<team id>/``: a team's OKR summary for the review cycle's
  period, for its leads, their managers and HR; opening it is recorded (team context first).
* ``/reviews/<id>/drafts/`` (POST: propose), ``/reviews/drafts/<id>/`` (edit),
  ``/reviews/drafts/<id>/publish/`` and ``/discard/`` (POST).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, is_htmx, page, render_page
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence import actions, forward, pdf, selectors, team
from lineofsight.reviews.evidence.models import ForwardDraft
from lineofsight.reviews.evidence.packet import review_packet
from lineofsight.reviews.models import Review


class DraftForm(forms.Form):
    title = forms.CharField(max_length=300)
    rationale = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If I hit this, the team objective becomes more likely because...",
    )
    kr_title = forms.CharField(label="New key result", max_length=300, required=False)
    kr_kind = forms.ChoiceField(
        label="Kind",
        choices=[("increase", "Increase to a target"), ("milestone", "Milestone")],
        initial="increase",
        required=False,
    )
    kr_start = forms.FloatField(label="Start", required=False)
    kr_target = forms.FloatField(label="Target", required=False)
    kr_unit = forms.CharField(label="Unit", max_length=40, required=False)

    FIELD_MAP = {
        "key_results.0.title": "kr_title",
        "key_results.0.kind": "kr_kind",
        "key_results.0.start_value": "kr_start",
        "key_results.0.target_value": "kr_target",
        "key_results.0.unit": "kr_unit",
    }


def _review(request: SignedInRequest, review_id: int) -> Review:
    return selectors.get_review_for_user(request.user, review_id)


def _forward_response(request: SignedInRequest, review: Review, status: int = 200) -> HttpResponse:
    if not is_htmx(request):
        return redirect(reverse("review-evidence", args=[review.pk]) + "#forward")
    pack = selectors.evidence_pack(request.user, review)
    return render_page(
        request,
        "reviews/evidence/forward.html",
        {"pack": pack, "forward": pack.forward, "review_id": review.pk},
        status=status,
    )


@page
@require_GET
def evidence(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    pack = selectors.evidence_pack(request.user, review)
    return render_page(
        request,
        "reviews/evidence/evidence_page.html",
        {"nav": "reviews", "review": review, "pack": pack, "review_id": review.pk},
    )


@page
@require_GET
def packet(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    content = review_packet(request.user, review)
    return render_page(
        request,
        "reviews/evidence/packet.html",
        {
            "nav": "reviews",
            "review": review,
            "packet": content,
            "pack": content.pack,
            "printing": True,
            "review_id": review.pk,
        },
    )


@page
@require_GET
def packet_pdf(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    body = pdf.render_packet(review_packet(request.user, review))
    response = HttpResponse(body, content_type="application/pdf")
    name = slugify(f"{review.subject.name} {review.review_cycle.name}") or "review"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@page
@require_GET
def team_context(request: SignedInRequest, cycle_id: int, team_id: int) -> HttpResponse:
    rc, t = team.get_team_context_for_user(request.user, cycle_id, team_id)
    actions.record_team_context_visit(acting_user=request.user, review_cycle=rc, team=t)
    summary = team.team_context(request.user, rc, t)
    return render_page(
        request,
        "reviews/evidence/team_context.html",
        {"nav": "reviews", "context": summary, "review_cycle": rc},
    )


@page
@require_POST
def drafts_propose(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    try:
        actions.propose_forward_drafts(acting_user=request.user, review=review)
    except InvalidInput as exc:
        return _error(request, review, exc.summary())
    return _forward_response(request, review)


def _error(request: SignedInRequest, review: Review, message: str) -> HttpResponse:
    if is_htmx(request):
        pack = selectors.evidence_pack(request.user, review)
        return render_page(
            request,
            "reviews/evidence/forward.html",
            {"pack": pack, "forward": pack.forward, "review_id": review.pk, "error": message},
            status=422,
        )
    from django.contrib import messages

    messages.error(request, message)
    return redirect(reverse("review-evidence", args=[review.pk]) + "#forward")


def _draft(request: SignedInRequest, draft_id: int) -> ForwardDraft:
    return forward.get_draft_for_user(request.user, draft_id)


def _require_drafting(request: SignedInRequest, draft: ForwardDraft) -> None:
    if not ReviewViewer.of(request.user).can_draft_forward(draft.review):
        raise NotAllowed("Only the review's managers, HR and the person (once shared) draft.")


@page
@require_http_methods(["GET", "POST"])
def draft_edit(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    _require_drafting(request, draft)
    status = 200
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            new: list[dict[str, Any]] = []
            if data["kr_title"]:
                new.append(
                    {
                        "title": data["kr_title"],
                        "kind": data["kr_kind"] or "increase",
                        "start_value": data["kr_start"],
                        "target_value": data["kr_target"],
                        "unit": data["kr_unit"],
                    }
                )
            try:
                actions.update_forward_draft(
                    acting_user=request.user,
                    draft=draft,
                    title=data["title"],
                    rationale=data["rationale"],
                    new_key_results=new,
                )
            except InvalidInput as exc:
                apply_errors(form, exc, DraftForm.FIELD_MAP)
            else:
                return _forward_response(request, draft.review)
        status = 422
    else:
        form = DraftForm(
            initial={"title": draft.objective.title, "rationale": draft.objective.rationale}
        )
    return render_page(
        request,
        "reviews/evidence/draft_form.html",
        {"nav": "reviews", "form": form, "draft": draft, "review_id": draft.review_id},
        status=status,
    )


@page
@require_POST
def draft_publish(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    _require_drafting(request, draft)
    try:
        actions.publish_forward_draft(
            acting_user=request.user,
            draft=draft,
            visibility=request.POST.get("visibility") or None,
        )
    except InvalidInput as exc:
        return _error(request, draft.review, exc.summary())
    return _forward_response(request, draft.review)


@page
@require_POST
def draft_discard(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    _require_drafting(request, draft)
    try:
        actions.discard_forward_draft(acting_user=request.user, draft=draft)
    except InvalidInput as exc:
        return _error(request, draft.review, exc.summary())
    return _forward_response(request, draft.review)
