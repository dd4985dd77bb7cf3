"""Read the numbers a page carries: the elements with a ``data-value`` inside an element."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0  # > 0 while inside the element
        self.found: list[dict[str, str]] = []
        self.seen = False

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], closes: bool) -> None:
        values = {k: v or "" for k, v in attrs}
        if self.depth == 0 and values.get("id") == self.element_id:
            self.seen = True
            self.depth = 1
            if closes or tag in VOID:
                self.depth = 0
            return
        if self.depth:
            if "data-value" in values:
                self.found.append({"tag": tag, **values})
            if not closes and tag not in VOID:
                self.depth += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closes=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closes=True)

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID:
            self.depth -= 1


def elements_in(html: str, element_id: str) -> list[dict[str, str]]:
    """Every element carrying ``data-value`` inside the element with this id (its attributes,
    plus ``tag``), in document order. Fails when there is no such element."""
    collector = _Collector(element_id)
    collector.feed(html)
    collector.close()
    assert collector.seen, f"no element with id {element_id!r} on the page"
    return collector.found


def values_in(html: str, element_id: str, **where: str) -> list[float]:
    """The ``data-value`` numbers inside an element, optionally only of elements whose
    attributes match ``where`` (``data_segment="at_risk"`` for ``data-segment``)."""
    wanted = {k.replace("_", "-"): v for k, v in where.items()}
    return [
        float(e["data-value"])
        for e in elements_in(html, element_id)
        if e["data-value"] != "" and all(e.get(k) == v for k, v in wanted.items())
    ]
