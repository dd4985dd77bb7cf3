"""Problems planted in the demo's current quarter, so a new user sees the coach at work.

Pure data, read by ``demo.loader`` with the rest of the quarter's OKRs (they get their weekly
check-ins like every other key result). Real programmes slip in exactly these ways:

* **Copy-paste cascading.** Demand Generation restates the company's ARR objective instead of
  translating it, and copies the company's net-revenue-retention key result, target and all.
* **Too many objectives.** Sofia Marin takes on a fourth objective this quarter.
* **An activity key result.** One of Sofia's key results counts customer meetings.
* **An orphan.** Sofia's pricing objective is aligned to nothing.

The worked example (Jordan Blake, the Sales team, the ARR objective) is left as it is.
"""

from __future__ import annotations

from lineofsight.demo.content import CURRENT, KRSpec, LinkSpec, ObjectiveSpec

COPY_PASTE_TITLE = "Grow ARR from $12M to $18M this year"
ORPHAN_TITLE = "Become the team's go-to expert on logistics pricing"
ACTIVITY_KEY_RESULT = "Have 12 customer meetings with logistics prospects"
FOURTH_OBJECTIVE_OWNER = "sofia"
PLANTED_TITLES = frozenset(
    {
        COPY_PASTE_TITLE,
        ORPHAN_TITLE,
        "Win the Atlas Freight renewal early",
        "Build relationships with logistics prospects",
    }
)


def planted_objectives(phase: str) -> tuple[ObjectiveSpec, ...]:
    """The planted objectives of a quarter (the current one only)."""
    if phase != CURRENT:
        return ()
    copy_paste = ObjectiveSpec(
        key="coach_copy",
        title=COPY_PASTE_TITLE,
        by="marcus",
        team="demand-generation",
        rationale="The company's number is everyone's number.",
        key_results=(
            KRSpec(
                "coach_copy_nrr",
                "Net revenue retention from 111% to 115%",
                "increase",
                "marcus",
                111,
                115,
                "%",
                end=113,
                decimals=1,
            ),
            KRSpec(
                "coach_copy_mql",
                "400 marketing-qualified leads from enterprise accounts",
                "increase",
                "aisha",
                0,
                400,
                "leads",
                "leading",
                end=330,
            ),
        ),
        links=(LinkSpec("arr", kind="supports"),),
    )
    orphan = ObjectiveSpec(
        key="coach_orphan",
        title=ORPHAN_TITLE,
        by="sofia",
        level="individual",
        person="sofia",
        key_results=(
            KRSpec(
                "coach_orphan_playbook",
                "Logistics pricing playbook published for the team",
                "milestone",
                "sofia",
                done_week=9,
            ),
            KRSpec(
                "coach_orphan_discount",
                "Average discount on logistics deals from 22% to 15%",
                "decrease",
                "sofia",
                22,
                15,
                "%",
                "leading",
                end=17,
            ),
        ),
    )
    renewal = ObjectiveSpec(
        key="coach_renewal",
        title="Win the Atlas Freight renewal early",
        by="sofia",
        level="individual",
        person="sofia",
        commitment="committed",
        rationale="Atlas Freight is our largest logistics customer; an early renewal is a logo "
        "we keep.",
        key_results=(
            KRSpec(
                "coach_renewal_sponsors",
                "3 executive sponsors engaged at Atlas Freight",
                "increase",
                "sofia",
                0,
                3,
                "sponsors",
                "leading",
                end=3,
            ),
            KRSpec(
                "coach_renewal_signed",
                "Atlas Freight renewal signed",
                "milestone",
                "sofia",
                done_week=11,
            ),
        ),
        links=(LinkSpec("sales"),),
    )
    meetings = ObjectiveSpec(
        key="coach_meetings",
        title="Build relationships with logistics prospects",
        by="sofia",
        level="individual",
        person="sofia",
        rationale="More logistics pilots now are logos next quarter.",
        key_results=(
            KRSpec(
                "coach_meetings_count",
                ACTIVITY_KEY_RESULT,
                "increase",
                "sofia",
                0,
                12,
                "meetings",
                "leading",
                end=10,
            ),
            KRSpec(
                "coach_meetings_pilots",
                "4 logistics pilots started",
                "increase",
                "sofia",
                0,
                4,
                "pilots",
                end=3,
            ),
        ),
        links=(LinkSpec("sales"),),
    )
    return (copy_paste, orphan, renewal, meetings)
