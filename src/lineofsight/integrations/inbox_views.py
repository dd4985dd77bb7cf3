"""The inbox (``/inbox/``): mentions, replies, alignment proposals, parent objectives
changed, check-ins due and review tasks, newest first; open one (it is marked read), mark
one read, or all."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from lineofsight.core import words
from lineofsight.core.web import SignedInRequest, is_htmx, page, render_page, safe_next
from lineofsight.integrations import actions, selectors
from lineofsight.integrations.inbox import unread_count

PER_PAGE = 30


@page
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    user = request.user
    show = "unread" if request.GET.get("show") == "unread" else "all"
    items = selectors.inbox_for_user(user).order_by("-created_at", "-pk")
    if show == "unread":
        items = items.filter(read_at=None)
    paginator = Paginator(items, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    unread = unread_count(user.pk)
    return render_page(
        request,
        "integrations/inbox.html",
        {
            "nav": "inbox",
            "page_obj": page_obj,
            "items": list(page_obj.object_list),
            "show": show,
            "unread": unread,
            "unread_words": words.count(unread, "unread message"),
        },
    )


@page
@require_POST
def inbox_open(request: SignedInRequest, item_id: int) -> HttpResponse:
    """Open a message: it is marked read and leads where it is about."""
    item = selectors.get_inbox_item_for_user(request.user, item_id)
    actions.mark_read(acting_user=request.user, items=[item])
    target = item.url if item.url.startswith("/") and not item.url.startswith("//") else ""
    return redirect(target or "inbox")


@page
@require_POST
def inbox_read(request: SignedInRequest, item_id: int) -> HttpResponse:
    item = selectors.get_inbox_item_for_user(request.user, item_id)
    actions.mark_read(acting_user=request.user, items=[item])
    if is_htmx(request):
        item.refresh_from_db()
        return render_page(request, "integrations/inbox_item_page.html", {"item": item})
    return redirect(safe_next(request, "/inbox/"))


@page
@require_POST
def inbox_read_all(request: SignedInRequest) -> HttpResponse:
    changed = actions.mark_all_read(acting_user=request.user)
    messages.success(request, f"Marked {words.count(changed, 'message')} read.")
    return redirect("inbox")
