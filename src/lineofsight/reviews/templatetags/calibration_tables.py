"""The calibration session's people table, written here rather than with template loops.

A session holds up to a few thousand people, each row with its rating, attainment, flags,
explanations and controls; building the rows in Python costs a fraction of rendering them
through the template language (as the dashboards do for their long tables). Every text that
comes from data is escaped.
"""

from __future__ import annotations

from html import escape as _escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DASH = '<span class="meta">\u2013</span>'


def escape(text: object) -> str:
    """As Django's ``escape`` (the same five characters), without its lazy-string wrapper:
    called thousands of times per page."""
    return _escape(str(text), quote=True)


def _rating(row: Any) -> str:
    text = (
        escape(row.rating_label)
        if row.rating is not None
        else ('<span class="meta">not rated</span>')
    )
    if row.previous_rating is not None:
        text += f'<br><span class="meta">{escape(row.previous_cycle)}: {row.previous_rating}</span>'
    return f'<td class="rating">{text}</td>'


def _indication(row: Any) -> str:
    i = row.indication
    if i is None or i.value is None:
        return f"<td>{DASH}</td>"
    text = f'<span title="{escape(" ".join(i.lines()))}">{i.value:.2f}</span>'
    if i.left_out:
        n = len(i.left_out)
        text += f' <span class="meta">({n} part{"" if n == 1 else "s"} left out)</span>'
    return f"<td>{text}</td>"


def _flags(row: Any) -> str:
    if not row.flags:
        return f'<td class="flags">{DASH}</td>'
    out = []
    for f in row.flags:
        need = ' <span class="badge">needs an explanation</span>' if f.requires_explanation else ""
        said = row.explanations.get(f.code)
        explained = f'<br><span class="explained">Explained: {escape(said)}</span>' if said else ""
        out.append(
            f'<p class="flag flag-{escape(f.code)}"><strong>{escape(f.title)}</strong>{need}'
            f"<br>{escape(f.reason)}{explained}</p>"
        )
    return f'<td class="flags">{"".join(out)}</td>'


def _actions(row: Any, base: str, me: int, potential: bool) -> str:
    if row.shared:
        return '<td><span class="meta">shared</span></td>'
    if row.subject_id == me:
        return "<td></td>"
    url = f"{base}{row.review_id}/"
    parts = [f'<a class="button small" href="{url}move/">Move rating</a>']
    if potential:
        parts.append(
            f'<a class="button small" href="{url}move/?field=potential">Move potential</a>'
        )
    if row.flags:
        parts.append(f'<a class="button small" href="{url}explain/">Explain</a>')
    return f'<td><div class="row-actions">{" ".join(parts)}</div></td>'


@register.simple_tag
def calibration_rows(board: Any, me: int) -> SafeString:
    """The rows of the session's people table (see reviews/calibration/session.html)."""
    potential = board.potential_scale is not None
    controls = board.can_facilitate and board.live
    base = reverse("calibration-move", args=[board.session.pk, 0]).removesuffix("0/move/")
    out = []
    for row in board.rows:
        flagged = ' class="flagged"' if row.flags else ""
        head = escape(row.name)
        if row.job_title:
            head += f' <span class="meta">{escape(row.job_title)}</span>'
        cells = [
            f'<tr id="review-{row.review_id}" data-review="{row.review_id}"{flagged}>',
            f'<th scope="row">{head}</th>',
            f"<td>{escape(row.team_name) if row.team_name else DASH}</td>",
            f"<td>{escape(row.manager_name) if row.manager_name else DASH}</td>",
            _rating(row),
        ]
        if potential:
            cells.append(f"<td>{escape(row.potential_label) if row.potential_label else DASH}</td>")
        cells.append(
            f"<td>{row.attainment_percent} %</td>"
            if row.attainment is not None
            else '<td><span class="meta">no graded objectives</span></td>'
        )
        if board.formula_cycle:
            cells.append(_indication(row))
        cells.append(_flags(row))
        if controls:
            cells.append(_actions(row, base, me, potential))
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))  # noqa: S308 - every value from data is escaped


@register.simple_tag
def distribution_rows(groups: Any, minimum: int) -> SafeString:
    """The rows of a by-team or by-manager distribution (see reviews/calibration/groups.html):
    a group smaller than ``minimum`` shows its size only."""
    out = []
    for g in groups:
        if g.hidden:
            figures = f'<td colspan="2" class="meta">Hidden: fewer than {minimum} people.</td>'
            attrs = ' class="small-group"'
        else:
            mean = f"{g.mean:.2f}" if g.mean is not None else "\u2013"
            counts = " \u00b7 ".join(f"{level.value}: {level.count}" for level in g.levels)
            figures = f"<td>{mean}</td><td>{counts}</td>"
            attrs = ""
        out.append(
            f'<tr data-group="{escape(g.key)}"{attrs}><th scope="row">{escape(g.name)}</th>'
            f"<td>{g.people}</td>{figures}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value from data is escaped


@register.simple_tag
def manager_rows(managers: Any) -> SafeString:
    """The rows of the managers' means against the session's (see session.html)."""
    return mark_safe(  # noqa: S308 - every value from data is escaped
        "\n".join(
            f'<tr data-manager="{m.manager_id}"><th scope="row">{escape(m.manager_name)}</th>'
            f"<td>{m.ratings}</td><td>{m.mean:.2f}</td><td>{m.population_mean:.2f}</td>"
            f"<td>{m.difference:+.2f}</td></tr>"
            for m in managers
        )
    )
