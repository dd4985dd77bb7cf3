"""The search results page, ``/search/?q=``, and the list the navigation's box shows as you
type (the same view answering htmx with the short list only)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from lineofsight.core.web import SignedInRequest, is_htmx, page, render_page
from lineofsight.search import selectors

PAGE_LIMIT = 10


@page
def search_page(request: SignedInRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if is_htmx(request) and request.headers.get("HX-Target") == "site-search-results":
        results = selectors.search(request.user, text)
        return render(request, "search/popup.html", {"results": results})
    kinds = [kind] if kind in selectors.KINDS else None
    results = selectors.search(
        request.user, text, kinds=kinds, limit=selectors.MAX_LIMIT if kinds else PAGE_LIMIT
    )
    return render_page(
        request,
        "search/results.html",
        {
            "nav": "search",
            "results": results,
            "kind": kind if kinds else "",
            "labels": selectors.LABELS,
        },
    )
