"""The standard "Quarterly review" template: a 1-5 rating scale and questions that follow the
four-part conversation -- OKRs (planned versus actual, what was in the person's control, what
they learned), the role's baseline expectations rated on their own, contribution, growth --
plus peer and upward questions. The self review and the manager review each ask their own
version of a question, worded for the person writing it."""

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

# Each kind of feedback asks its own questions, worded for whoever writes it: the self review
# speaks to the person ("your"), the manager review about them ("their"). The baseline
# expectations are statements both rate, so they are asked of both as they stand.
DEFAULT_QUESTIONS: tuple[_Q, ...] = (
    (
        Section.OKRS,
        TEXT,
        "For each of your objectives: what was planned, and what actually happened?",
        "Facts first: the key results as planned and where they landed.",
        True,
        False,
        False,
        False,
        True,
    ),
    (
        Section.OKRS,
        TEXT,
        "For each of their objectives: what was planned, and what actually happened?",
        "Facts first: the key results as planned and where they landed (the evidence pack "
        "has the figures).",
        False,
        True,
        False,
        False,
        True,
    ),
    (
        Section.OKRS,
        TEXT,
        "What was in your control, and what was not?",
        "Separate your effort and decisions from the market, dependencies and luck.",
        True,
        False,
        False,
        False,
        True,
    ),
    (
        Section.OKRS,
        TEXT,
        "What was in their control, and what was not?",
        "Separate their effort and decisions from the market, dependencies and luck.",
        False,
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
        False,
        False,
        False,
        False,
    ),
    (
        Section.OKRS,
        TEXT,
        "What did they learn, and what should they do differently next time?",
        "",
        False,
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
        "How did your work help the team and the company? Help you gave colleagues, "
        "bottlenecks you removed, what a scorecard would miss.",
        "",
        True,
        False,
        False,
        False,
        False,
    ),
    (
        Section.CONTRIBUTION,
        TEXT,
        "How did their work help the team and the company? Help they gave colleagues, "
        "bottlenecks they removed, what a scorecard would miss.",
        "",
        False,
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
        False,
        False,
        False,
        False,
    ),
    (
        Section.GROWTH,
        TEXT,
        "What should they grow next quarter, and which OKRs should they take on?",
        "Draft their next quarter's individual OKRs from next quarter's team OKRs, together.",
        False,
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
