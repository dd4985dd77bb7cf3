"""Discussion pages and htmx fragments: a thread (objective, key result, check-in), writing,
editing and removing a comment, reactions, a comment's earlier versions and the people one
may mention. The objective page, its key results and its check-in history load the thread
from here; every URL is also a whole page, so it works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.core.web import SignedInRequest, apply_errors, is_htmx, page, render_page
from lineofsight.discussion import actions, selectors
from lineofsight.discussion.access import DiscussionViewer
from lineofsight.discussion.models import BODY_MAX, Comment
from lineofsight.discussion.selectors import Subject

KINDS: dict[str, str] = {
    "objectives": Comment.Subject.OBJECTIVE,
    "key-results": Comment.Subject.KEY_RESULT,
    "check-ins": Comment.Subject.CHECK_IN,
}
SLUG: dict[str, str] = {v: k for k, v in KINDS.items()}
ROUTE: dict[str, str] = {
    Comment.Subject.OBJECTIVE: "objective-discussion",
    Comment.Subject.KEY_RESULT: "key-result-discussion",
    Comment.Subject.CHECK_IN: "check-in-discussion",
}


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "data-mention-input": ""}),
        help_text="Mention someone with @username; they are told in their inbox.",
    )


def _form(subject: Subject, data: Any = None) -> CommentForm:
    """A comment form whose ids are unique on a page showing several threads."""
    return CommentForm(data, auto_id=f"id_{SLUG[subject.kind]}_{subject.pk}_%s")


def _subject(request: SignedInRequest, kind: str, pk: int) -> Subject:
    if kind not in KINDS:
        raise NotFound("Not found.")
    return selectors.subject_for_user(request.user, KINDS[kind], pk)


def thread_url(subject: Subject) -> str:
    return reverse(ROUTE[subject.kind], args=[subject.pk])


def _subject_page_url(subject: Subject) -> str:
    base = reverse("objective", args=[subject.objective.pk])
    if subject.key_result is not None:
        return f"{base}#kr-{subject.key_result.pk}"
    return base


def _render_thread(
    request: SignedInRequest, subject: Subject, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    slug = SLUG[subject.kind]
    return render_page(
        request,
        "discussion/thread.html",
        {
            "subject": subject,
            "slug": slug,
            "entries": selectors.thread(request.user, subject),
            "form": form or _form(subject),
            "thread_url": thread_url(subject),
            "subject_url": _subject_page_url(subject),
            "mentions_url": reverse("discussion-mentions", args=[subject.objective.pk]),
            "nav": "tree",
        },
        status=status,
    )


def _thread(request: SignedInRequest, subject: Subject) -> HttpResponse:
    """The thread (GET); write in it (POST)."""
    if request.method == "GET":
        return _render_thread(request, subject)
    form = _form(subject, request.POST)
    if form.is_valid():
        try:
            actions.post_in(
                acting_user=request.user, subject=subject, body=form.cleaned_data["body"]
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            if is_htmx(request):
                return _render_thread(request, subject)
            return redirect(thread_url(subject) + "#comments")
    return _render_thread(request, subject, form, status=422)


@page
@require_http_methods(["GET", "POST"])
def objective_thread(request: SignedInRequest, objective_id: int) -> HttpResponse:
    return _thread(request, _subject(request, "objectives", objective_id))


@page
@require_http_methods(["GET", "POST"])
def key_result_thread(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    return _thread(request, _subject(request, "key-results", key_result_id))


@page
@require_http_methods(["GET", "POST"])
def check_in_thread(request: SignedInRequest, check_in_id: int) -> HttpResponse:
    return _thread(request, _subject(request, "check-ins", check_in_id))


def _comment(request: SignedInRequest, comment_id: int) -> tuple[Comment, Subject]:
    comment = selectors.get_comment_for_user(request.user, comment_id)
    return comment, selectors.subject_of(comment)


def _render_comment(request: SignedInRequest, comment: Comment, **extra: Any) -> HttpResponse:
    entry = selectors.entry(request.user, comment)
    return render_page(
        request, "discussion/comment_page.html", {"entry": entry, "nav": "tree", **extra}
    )


@page
@require_http_methods(["GET", "POST"])
def comment_edit(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment, subject = _comment(request, comment_id)
    if not DiscussionViewer.of(request.user).can_edit_comment(comment):
        raise NotAllowed("Only the author edits a comment.")
    if request.method == "GET":
        form = CommentForm(initial={"body": comment.body})
        return render_page(
            request,
            "discussion/comment_edit.html",
            {
                "entry": selectors.entry(request.user, comment),
                "form": form,
                "nav": "tree",
                "thread_url": thread_url(subject),
            },
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.edit_comment(
                acting_user=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            if is_htmx(request):
                return _render_comment(request, comment)
            return redirect(thread_url(subject) + f"#comment-{comment.pk}")
    return render_page(
        request,
        "discussion/comment_edit.html",
        {
            "entry": selectors.entry(request.user, comment),
            "form": form,
            "nav": "tree",
            "thread_url": thread_url(subject),
        },
        status=422,
    )


@page
@require_POST
def comment_remove(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment, subject = _comment(request, comment_id)
    actions.remove_comment(acting_user=request.user, comment=comment)
    if is_htmx(request):
        return _render_comment(request, comment)
    return redirect(thread_url(subject) + f"#comment-{comment.pk}")


@page
@require_POST
def comment_react(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment, subject = _comment(request, comment_id)
    try:
        actions.toggle_reaction(
            acting_user=request.user, comment=comment, emoji=request.POST.get("emoji", "")
        )
    except InvalidInput as exc:
        return HttpResponse(exc.summary(), status=422, content_type="text/plain")
    if is_htmx(request):
        return _render_comment(request, comment)
    return redirect(thread_url(subject) + f"#comment-{comment.pk}")


@page
@require_GET
def comment_versions(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment, subject = _comment(request, comment_id)
    return render_page(
        request,
        "discussion/comment_versions.html",
        {
            "entry": selectors.entry(request.user, comment),
            "versions": selectors.versions_of(request.user, comment),
            "thread_url": thread_url(subject),
            "nav": "tree",
        },
    )


@page
@require_GET
def mention_candidates(request: SignedInRequest, objective_id: int) -> HttpResponse:
    """People the writer may mention in the objective's threads (who may see it), as they
    type."""
    subject = _subject(request, "objectives", objective_id)
    query = request.GET.get("q", "")
    people = selectors.mention_candidates(request.user, subject, query)
    return render_page(
        request, "discussion/mention_candidates.html", {"people": people, "query": query}
    )
