"""The standard "Quarterly review" template: a 1-5 rating scale and questions that follow the
four-part conversation -- OKRs (planned versus actual, what was in the person's control, what
they learned), the role's baseline expectations rated on their own, contribution, growth --
plus peer and upward questions."""

from __future__ import annotations

from lineofsight.reviews.models import AnswerKind, Section

DEFAULT_TEMPLATE_NAME = "Quarterly review"
DEFAULT_TEMPLATE_DESCRIPTION = (
    "The quarterly conversation grounded in OKRs: what was planned and what happened, the "
    "role's baseline expectations (rated separately from OKRs), contribution to the team and "
    "growth. OKR attainment is evidence beside the rating, not the rating."
)

TEXT = AnswerKind.TEXT
RATING_TEXT = AnswerKind.RATING_TEXT

# (section, kind, text, help text, self, manager, peer, upward, required)
_Q = tuple[str, str, str, str, bool, bool, bool, bool, bool]

DEFAULT_QUESTIONS: tuple[_Q, ...] = (
    (
        Section.OKRS,
        TEXT,
        "For each objective: what was planned, and what actually happened?",
        "Facts first: the key results as planned and where they landed.",
        True,
        True,
        False,
        False,
        True,
    ),
    (
        Section.OKRS,
        TEXT,
        "What was in your control, and what was not?",
        "Separate the effort and decisions from the market, dependencies and luck.",
        True,
        True,
        False,
        False,
        True,
    ),
    (
        Section.OKRS,
        TEXT,
        "What did you learn, and what would you do differently?",
        "",
        True,
        True,
        False,
        False,
        False,
    ),
    (
        Section.BASELINE,
        RATING_TEXT,
        "Reliability: delivers what was promised, when it was promised.",
        "Rated on its own, separately from OKRs.",
        True,
        True,
        False,
        False,
        True,
    ),
    (
        Section.BASELINE,
        RATING_TEXT,
        "Communication: keeps the people who depend on the work informed.",
        "Rated on its own, separately from OKRs.",
        True,
        True,
        False,
        False,
        True,
    ),
    (
        Section.BASELINE,
        RATING_TEXT,
        "Routine work: the everyday responsibilities of the role are handled well.",
        "Rated on its own, separately from OKRs.",
        True,
        True,
        False,
        False,
        True,
    ),
    (
        Section.CONTRIBUTION,
        TEXT,
        "How did the work help the team and the company? Help given to colleagues, "
        "bottlenecks removed, what a scorecard would miss.",
        "",
        True,
        True,
        False,
        False,
        False,
    ),
    (
        Section.GROWTH,
        TEXT,
        "What will you grow next quarter, and which OKRs will you take on?",
        "Draft next quarter's individual OKRs from next quarter's team OKRs.",
        True,
        True,
        False,
        False,
        False,
    ),
    (
        Section.CONTRIBUTION,
        TEXT,
        "What did this person do well that helped you or the team?",
        "Concrete examples help most.",
        False,
        False,
        True,
        False,
        True,
    ),
    (
        Section.GROWTH,
        TEXT,
        "What could this person do differently to be even more effective?",
        "",
        False,
        False,
        True,
        False,
        False,
    ),
    (
        Section.GENERAL,
        RATING_TEXT,
        "My manager gives me the context and support I need to reach my OKRs.",
        "",
        False,
        False,
        False,
        True,
        True,
    ),
    (
        Section.GENERAL,
        TEXT,
        "What should your manager start, stop or keep doing?",
        "",
        False,
        False,
        False,
        True,
        False,
    ),
)


def default_questions() -> list[dict[str, object]]:
    """The standard questions as the template actions take them."""
    return [
        {
            "section": str(section),
            "kind": str(kind),
            "text": text,
            "help_text": help_text,
            "for_self": for_self,
            "for_manager": for_manager,
            "for_peer": for_peer,
            "for_upward": for_upward,
            "required": required,
        }
        for (
            section,
            kind,
            text,
            help_text,
            for_self,
            for_manager,
            for_peer,
            for_upward,
            required,
        ) in DEFAULT_QUESTIONS
    ]
