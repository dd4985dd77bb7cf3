"""The product's icons: small inline SVG drawn with the text's colour.

Symbols such as a check mark, an hourglass or an alarm clock are missing from many fonts (a
browser then draws an empty box), so every status, toggle and marker icon is an inline SVG
from this one table. Icons are decoration: the words beside them carry the meaning, so each
is hidden from assistive technology.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

# 16 x 16 outlines, stroked with ``currentColor`` by the stylesheet's ``.icon`` rule;
# shapes meant to be filled carry the ``filled`` class.
PATHS: dict[str, str] = {
    "check": '<path d="M3 8.5l3.2 3.2L13 4.8"/>',
    "search": '<circle cx="7" cy="7" r="4.2"/><path d="M10.2 10.2L13.5 13.5"/>',
    "cross": '<path d="M4 4l8 8M12 4l-8 8"/>',
    "alert": '<path d="M8 2.5v7"/><circle class="filled" cx="8" cy="12.8" r="1.1"/>',
    "hourglass": '<path d="M4 2h8M4 14h8M5 2c0 4 6 4 6 6s-6 2-6 6M11 2c0 4-6 4-6 6s6 2 6 6"/>',
    "clock": '<circle cx="8" cy="8" r="5.8"/><path d="M8 4.6V8l2.4 1.6"/>',
    "dash": '<path d="M4 8h8"/>',
    "ellipsis": (
        '<circle class="filled" cx="3.5" cy="8" r="1.1"/><circle class="filled" cx="8" cy="8" '
        'r="1.1"/><circle class="filled" cx="12.5" cy="8" r="1.1"/>'
    ),
    "dot": '<circle class="filled" cx="8" cy="8" r="3.5"/>',
    "circle": '<circle cx="8" cy="8" r="4"/>',
    "up": '<path class="filled" d="M8 3.5l5 8H3z"/>',
    "down": '<path class="filled" d="M8 12.5l5-8H3z"/>',
    "diamond": '<path class="filled" d="M8 2.8l5.2 5.2L8 13.2 2.8 8z"/>',
    "question": '<path d="M5.8 6a2.3 2.3 0 1 1 3.2 2.1c-.7.3-1 .8-1 1.5v.6"/>'
    '<circle class="filled" cx="8" cy="12.9" r="1"/>',
    "chevron-right": '<path d="M6 3.5L10.5 8 6 12.5"/>',
    "chevron-down": '<path d="M3.5 6L8 10.5 12.5 6"/>',
    "arrow-up": '<path d="M8 13V3.5M4 7.5l4-4 4 4"/>',
    "arrow-down": '<path d="M8 3v9.5M4 8.5l4 4 4-4"/>',
    "arrow-up-right": '<path d="M5 11l6-6M6 5h5v5"/>',
    "carried-from": '<path d="M6 4L3 7l3 3M3 7h6.5a3.5 3.5 0 0 1 0 7H8"/>',
    "carried-into": '<path d="M10 4l3 3-3 3M13 7H6.5a3.5 3.5 0 0 0 0 7H8"/>',
    "square": '<rect class="filled" x="3.5" y="3.5" width="9" height="9" rx="1"/>',
    "diamond-outline": '<path d="M8 2.8l5.2 5.2L8 13.2 2.8 8z"/>',
    "warning": '<path d="M8 2.2L14.5 13.5h-13z"/><path d="M8 6.5v3.2"/>'
    '<circle class="filled" cx="8" cy="11.7" r="0.8"/>',
    "thumbs-up": (
        '<path d="M5 7v6.5H2.5V7z"/><path d="M5 7l2.5-4.5c1 0 1.6.7 1.4 1.7L8.5 6.5h4a1 1 0 0 1 '
        '1 1.2l-1 4.8a1.2 1.2 0 0 1-1.2 1H5"/>'
    ),
    "party": '<path d="M2.5 13.5l3-8.5 5.5 5.5z"/><path d="M9 2.5v2M12 4l-1.5 1.5M13.5 7h-2"/>',
    "eyes": (
        '<circle cx="5" cy="8" r="2.7"/><circle cx="11" cy="8" r="2.7"/>'
        '<circle class="filled" cx="5.6" cy="8.4" r="1"/>'
        '<circle class="filled" cx="11.6" cy="8.4" r="1"/>'
    ),
    "menu": '<path d="M2.5 4.5h11M2.5 8h11M2.5 11.5h11"/>',
    "plus": '<path d="M8 3v10M3 8h10"/>',
    "minus": '<path d="M3 8h10"/>',
}


def icon(name: str, extra_class: str = "") -> SafeString:
    """The named icon as inline SVG (``KeyError`` for an unknown name: a typo is a bug)."""
    css = f"icon icon-{name}" + (f" {extra_class}" if extra_class else "")
    return mark_safe(  # noqa: S308 - fixed markup from the table above
        f'<svg class="{css}" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" '
        f'focusable="false">{PATHS[name]}</svg>'
    )
