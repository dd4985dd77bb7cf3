"""The OKR-to-review policy page (every employee) and HR's form to publish a new version."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.reviews import policy
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.cycles.forms import PolicyForm

HISTORY_SHOWN = 50


@page
@require_GET
def policy_page(request: SignedInRequest) -> HttpResponse:
    history = list(policy.policy_history()[:HISTORY_SHOWN])
    return render_page(
        request,
        "reviews/cycles/policy.html",
        {
            "nav": "reviews",
            "policy": policy.policy_in_force(),
            "history": history,
            "can_edit": ReviewViewer.of(request.user).can_manage_reviews(),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def policy_edit(request: SignedInRequest) -> HttpResponse:
    if not ReviewViewer.of(request.user).can_manage_reviews():
        raise NotAllowed("Only HR admins edit the review policy.")
    current = policy.policy_in_force()
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy.publish_review_policy(
                    acting_user=request.user,
                    mode=data["mode"],
                    statement=data["statement"],
                    stretch_penalty=data["stretch_penalty"],
                    contribution=data["contribution"],
                    compensation=data["compensation"],
                    reason=data["reason"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "The review policy is published.")
                return redirect("review-policy")
        status = 422
    else:
        form = PolicyForm(
            initial={
                "mode": current.mode,
                "statement": current.statement,
                "stretch_penalty": current.stretch_penalty,
                "contribution": current.contribution,
                "compensation": current.compensation,
            }
        )
    return render_page(
        request,
        "reviews/cycles/policy_form.html",
        {"nav": "reviews", "form": form, "policy": current},
        status=status,
    )
