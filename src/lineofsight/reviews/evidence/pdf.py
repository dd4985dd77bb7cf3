"""The review packet as a PDF (fpdf2, pure Python): the same sections and figures as the
print-friendly page, drawn with the PDF core fonts.

The core fonts cover Latin-1; other characters are written in their closest Latin-1 form
(curly quotes become straight ones, accents outside Latin-1 are dropped).
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lineofsight.reviews.evidence import narrative
from lineofsight.reviews.evidence.packet import Packet
from lineofsight.reviews.evidence.shapes import CheckInRow, KeyResultRow, ObjectiveRow

REPLACEMENTS = {
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "→": "->",
    "…": "...",
    "•": "-",
    "≥": ">=",
    "≤": "<=",
    "\u00a0": " ",
}


def latin1(text: str) -> str:
    """Text the core fonts can draw."""
    for old, new in REPLACEMENTS.items():
        text = text.replace(old, new)
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def _grade(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def _reading(c: CheckInRow) -> str:
    if c.value is not None:
        return narrative.number(c.value)
    return "done" if c.done else "not done"


def _pct(value: int | None) -> str:
    return f"{value} %" if value is not None else "-"


class _Doc(FPDF):
    title_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.cell(0, 5, latin1(f"{self.title_text} - page {self.page_no()}"), align="C")


def _write(pdf: FPDF, text: str, size: float = 9, style: str = "", height: float = 4.6) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str, size: float = 12) -> None:
    pdf.ln(2)
    _write(pdf, text, size=size, style="B", height=6)


def _kr_table(pdf: FPDF, rows: list[KeyResultRow], cycle: str = "") -> None:
    widths = (78, 24, 22, 16, 16, 24)
    head = ("Key result", "Planned", "Actual", "Progress", "Grade", "Confidence")
    pdf.set_font("Helvetica", style="B", size=8)
    for w, h in zip(widths, head, strict=True):
        pdf.cell(w, 5, h, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for kr in rows:
        grade = _grade(kr.computed_grade)
        if kr.adjusted_grade is not None:
            grade += f" / {_grade(kr.adjusted_grade)}"
        cells = (
            f"{kr.title} ({kr.cycle})" if kr.cycle and kr.cycle != cycle else kr.title,
            kr.planned,
            kr.landed,
            _pct(kr.percent),
            grade,
            narrative.CONFIDENCE_WORDS.get(kr.confidence, "-"),
        )
        y = pdf.get_y()
        pdf.multi_cell(widths[0], 4, latin1(cells[0]), new_x=XPos.RIGHT, new_y=YPos.TOP)
        bottom = pdf.get_y()
        x = pdf.l_margin + widths[0]
        for w, text in zip(widths[1:], cells[1:], strict=True):
            pdf.set_xy(x, y)
            pdf.cell(w, 4, latin1(text))
            x += w
        pdf.set_y(max(bottom, y + 4) + 0.6)
        notes = [n for n in (kr.abandoned, kr.revision, kr.grade_reason) if n]
        if kr.trend and kr.check_ins:
            notes.append(f"Confidence: {kr.trend}")
        if kr.check_ins:
            readings = ", ".join(f"{c.at:%d %b} {_reading(c)}" for c in kr.check_ins)
            notes.append(f"Check-ins: {readings}")
        for note in notes:
            pdf.set_font("Helvetica", size=7)
            pdf.multi_cell(0, 3.6, latin1(f"    {note}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=8)


def _objective(pdf: FPDF, o: ObjectiveRow, with_retro: bool = True) -> None:
    grade = _grade(o.computed_grade)
    if o.adjusted_grade is not None:
        grade += f", adjusted {_grade(o.adjusted_grade)}"
    _write(pdf, f"{o.title} ({o.owner})", size=10, style="B", height=5)
    line = f"{o.cycle} - {o.commitment} - {o.state} - progress {_pct(o.percent)} - grade {grade}"
    _write(pdf, line, size=8)
    if o.grade_reason:
        _write(pdf, f"Adjusted because: {o.grade_reason}", size=8)
    if o.abandoned:
        _write(pdf, o.abandoned.capitalize(), size=8)
    if o.fed:
        _write(pdf, "Aligned to: " + "; ".join(o.fed), size=8)
    if o.key_results:
        _kr_table(pdf, o.key_results, o.cycle)
    if with_retro and o.retrospective:
        r = o.retrospective
        _write(pdf, f"What happened: {r.what_happened}", size=8)
        if r.in_control:
            _write(pdf, f"What was in their control: {r.in_control}", size=8)
        if r.learned:
            _write(pdf, f"What was learned: {r.learned}", size=8)
    pdf.ln(1.5)


def render_packet(packet: Packet) -> bytes:
    """The packet as PDF bytes."""
    pack = packet.pack
    pdf = _Doc(format="A4")
    pdf.title_text = f"{pack.person} - {pack.review_cycle}"
    pdf.set_title(latin1(pdf.title_text))
    pdf.set_author("Line of Sight")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    _write(pdf, f"Review packet: {pack.person}", size=16, style="B", height=8)
    as_of = f"{pack.as_of:%d %b %Y}"
    when = f"as of the end of {pack.goal_cycle} ({as_of})" if pack.ended else f"as of {as_of}"
    _write(pdf, f"{pack.review_cycle} - OKR evidence {when}. State: {packet.state}.", size=9)
    if pack.annual:
        _write(pdf, "It covers the year's own objectives and those of each quarter inside it.")
    if pack.pending:
        note = "Objectives show their latest roll-ups until their end figures are ready."
        _write(pdf, note, size=9)
    if packet.manager:
        _write(pdf, f"Manager: {packet.manager}", size=9)
    if packet.rating_draft:
        _write(pdf, "Draft rating: only you see it until you submit the manager review.", size=9)
    if packet.rating:
        what = "Draft rating" if packet.rating_draft else "Rating"
        _write(pdf, f"{what}: {packet.rating}", size=9, style="B")
        if packet.potential:
            _write(pdf, f"Potential: {packet.potential}", size=9)
        if packet.rating_explanation:
            _write(pdf, f"Why: {packet.rating_explanation}", size=9)
    if packet.attainment is not None:
        _write(pdf, f"OKR attainment (evidence, not the rating): {packet.attainment:.2f}", size=9)

    _heading(pdf, "1. Context: where the company and the teams landed")
    for o in pack.context.company:
        _objective(pdf, o, with_retro=False)
    for block in pack.context.teams:
        _write(pdf, block.team, size=10, style="BU", height=5)
        for o in block.objectives:
            _objective(pdf, o, with_retro=False)
    if pack.context.shifts:
        _write(pdf, "Strategy shifts during the cycle", size=10, style="B", height=5)
        for s in pack.context.shifts:
            reason = f": {s.reason}" if s.reason else ""
            _write(pdf, f"{s.at:%d %b %Y} - {s.subject} {s.title} - {s.change}{reason}", size=8)

    _heading(pdf, f"2. {pack.person}'s objectives: planned against actual")
    groups = pack.objective_groups
    if not groups:
        _write(pdf, f"No objectives of their own in this {'year' if pack.annual else 'cycle'}.")
    for group in groups:
        if pack.annual or len(groups) > 1:
            _write(pdf, group.label, size=10, style="BU", height=5)
        for o in group.objectives:
            _objective(pdf, o)
    if pack.other_objectives:
        _write(pdf, "Their key results on other objectives", size=10, style="BU", height=5)
        for o in pack.other_objectives:
            _objective(pdf, o)

    _heading(pdf, "3. Contribution")
    _write(pdf, pack.contribution.story, size=10)
    if pack.contribution.initiatives:
        _write(pdf, "Initiatives owned", size=10, style="B", height=5)
        for i in pack.contribution.initiatives:
            _write(pdf, f"- {i.title} ({i.state}) on {i.key_result}", size=8)
    fb = pack.contribution.feedback
    if fb.requested:
        _write(
            pdf,
            f"Peer feedback: {fb.submitted} of {fb.requested} requested submitted"
            + (f"; named: {', '.join(fb.named_authors)}" if fb.named_authors else "")
            + (f". {fb.note}" if fb.note else "."),
            size=8,
        )
    else:
        _write(pdf, f"Peer feedback: {fb.note}", size=8)
    if pack.contribution.kudos:
        _write(pdf, "Kudos received", size=10, style="B", height=5)
        for k in pack.contribution.kudos:
            on = f" (on {k.key_result})" if k.key_result else ""
            _write(pdf, f"- {k.author}{on}: {k.message}", size=8)

    _heading(pdf, "4. Looking forward")
    fw = pack.forward
    if fw.next_cycle:
        _write(pdf, f"Team objectives for {fw.next_cycle}:", size=9)
        for o in fw.team_objectives:
            _write(pdf, f"- {o.owner}: {o.title}", size=8)
        for d in fw.drafts:
            status = "published" if d.published else "draft"
            _write(pdf, f"{status.capitalize()}: {d.title} -> {d.parent}", size=9, style="B")
            if d.rationale:
                _write(pdf, f"Why: {d.rationale}", size=8)
            for kr in d.key_results:
                _write(pdf, f"- {kr}", size=8)
    else:
        _write(pdf, "This review cycle names no next OKR cycle.", size=9)

    if packet.feedback:
        _heading(pdf, "The review")
        for fb_block in packet.feedback:
            status = "" if fb_block.submitted else " (draft)"
            _write(
                pdf, f"{fb_block.kind} by {fb_block.author}{status}", size=10, style="B", height=5
            )
            for a in fb_block.answers:
                answer = " - ".join(p for p in (a.rating, a.text) if p)
                _write(pdf, f"{a.question}: {answer or '-'}", size=8)
    if packet.employee_comment:
        _write(pdf, f"{pack.person}'s comment: {packet.employee_comment}", size=9)
    return bytes(pdf.output())
