"""Sandbagging: targets met in full cycle after cycle, or confidence that never wavers."""

from __future__ import annotations

from lineofsight.coach.rules.facts import CoachSettings, OwnerHistory

from . import Example, flags
from .build import kr, obj, population

ATTAINMENT = "sandbagging.attainment"
CONFIDENCE = "sandbagging.confidence"

ON = "on_track"
RISK = "at_risk"
OFF = "off_track"


def history(name: str, kind: str, owner: int, grades: tuple[float, ...], flagged: bool,
            settings: CoachSettings | None = None) -> Example:
    return Example(
        name,
        population(history=(OwnerHistory(kind, owner, grades),)),
        flags((ATTAINMENT, owner)) if flagged else flags(),
        settings,
    )


def confident(name: str, *key_results: tuple[str, ...], commitment: str = "aspirational",
              kind: str = "increase", team: str | None = None, who: int = 4,
              flagged: bool) -> Example:
    krs = tuple(
        kr(f"Key result {i + 1} of the quarter", kind=kind, confidences=c,
           check_in_count=len(c))
        for i, c in enumerate(key_results)
    )
    owner: dict[str, object] = {"team": team} if team else {"person": who}
    objective = obj("Win the healthcare vertical", level="team" if team else "individual",
                    krs=krs, commitment=commitment, **owner)  # type: ignore[arg-type]
    subject = 11 if team == "Customer Success" else (3 if team else who)
    return Example(name, population(objective),
                   flags((CONFIDENCE, subject)) if flagged else flags())


LENIENT = CoachSettings(sandbagging_attainment=0.9, sandbagging_cycles=3)

EXAMPLES = [
    # Attainment, cycle after cycle.
    history("100 % three quarters running", "person", 4, (1.0, 1.05, 1.1), True),
    history("exactly 100 % twice", "person", 5, (1.0, 1.0), True),
    history("one perfect quarter is not a pattern", "person", 5, (1.0,), False),
    history("a stretch quarter, then two easy ones", "person", 7, (0.7, 1.0, 1.0), True),
    history("two easy quarters, then a stretch", "person", 7, (1.0, 1.0, 0.7), False),
    history("within the 95 % tolerance: 95 %, 99 %, 98 %", "person", 9, (0.95, 0.99, 0.98),
            True),
    history("100 %, 100 %, then 97 %: still hitting everything", "person", 9, (1.0, 1.0, 0.97),
            True),
    history("close but under the tolerance: 93 %, 94 %", "person", 9, (0.93, 0.94), False),
    history("100 %, then 92 %: the run is broken", "person", 9, (1.0, 0.92), False),
    history("a team at 120 %, 100 %, 100 %", "team", 3, (1.2, 1.0, 1.0), True),
    history("a healthy stretch team around 70 %", "team", 6, (0.68, 0.74, 0.71), False),
    history("alternating", "person", 10, (1.0, 0.6, 1.0, 0.6, 1.0), False),
    history("no closed cycles yet", "person", 2, (), False),
    history("finance: always the close target, four quarters", "team", 8,
            (1.0, 1.0, 1.0, 1.0), True),
    history("legal: a recovering team", "team", 7, (0.4, 0.55, 0.7), False),
    history("lenient rule: 90 % three times", "person", 4, (0.92, 0.95, 0.91), True, LENIENT),
    history("lenient rule: 90 % only twice", "person", 4, (0.5, 0.95, 0.91), False, LENIENT),
    history("lenient rule: 100 % twice is not three", "person", 4, (1.0, 1.0), False, LENIENT),
    history("way over target twice (targets far too easy)", "person", 9, (1.8, 2.1), True),
    history("a bad quarter long ago, then perfect", "team", 11, (0.3, 1.0, 1.0, 1.0), True),
    # Confidence that never wavers.
    confident("two stretch key results on track at every check-in", (ON,) * 5, (ON,) * 6,
              flagged=True),
    confident("three stretch key results, always on track", (ON,) * 4, (ON,) * 4, (ON,) * 3,
              flagged=True),
    confident("one of them at risk once", (ON,) * 5, (ON, RISK, ON, ON), flagged=False),
    confident("started off track, then on track", (OFF, ON, ON, ON), (ON,) * 4,
              flagged=False),
    confident("committed key results are meant to be met: on track is expected",
              (ON,) * 6, (ON,) * 6, commitment="committed", flagged=False),
    confident("only one key result has enough check-ins", (ON,) * 5, (ON, ON),
              flagged=False),
    confident("too early to tell: two check-ins each", (ON, ON), (ON, ON), flagged=False),
    confident("milestones are not counted", (ON,) * 5, (ON,) * 5, kind="milestone",
              flagged=False),
    confident("a team always on track on its stretch", (ON,) * 6, (ON,) * 6, (ON,) * 6,
              team="Enterprise Sales", flagged=True),
    confident("a team that said at risk when it was", (ON,) * 6, (ON, ON, RISK, RISK, ON),
              team="Enterprise Sales", flagged=False),
    confident("customer success: on track from week one", (ON,) * 8, (ON,) * 8,
              team="Customer Success", flagged=True),
    confident("no check-ins at all yet", (), (), flagged=False),
    confident("honest confidence, off track late", (ON, ON, ON, OFF), (ON,) * 4,
              flagged=False),
]


def _mixed() -> list[Example]:
    stretch = obj("Win the healthcare vertical", level="individual", person=5,
                  commitment="aspirational", krs=(
                      kr("Healthcare pipeline to $2M", confidences=(ON,) * 4),
                      kr("Five healthcare logos", confidences=(ON,) * 4)))
    honest = obj("Open the Nordics", level="individual", person=5, commitment="aspirational",
                 krs=(kr("Nordic pipeline to $1M", confidences=(ON, RISK, OFF)),
                      kr("Two Nordic logos", confidences=(ON, ON, RISK))))
    committed = obj("Keep the lights on", level="individual", person=9,
                    commitment="committed", krs=(
                        kr("Uptime above 99.9%", kind="stay_above", confidences=(ON,) * 6),
                        kr("Backups verified weekly", confidences=(ON,) * 6)))
    sure = obj("Make renewals predictable", level="individual", person=9,
               commitment="aspirational", krs=(
                   kr("Renewals forecast within 5%", confidences=(ON,) * 4),
                   kr("Churned logos below 3", confidences=(ON,) * 4)))
    return [
        Example("sure on one stretch objective, honest on the other",
                population(stretch, honest)),
        Example("steady on committed work, and never in doubt on stretch work",
                population(committed, sure), flags((CONFIDENCE, 9))),
        Example("a sure history and sure confidence",
                population(sure, history=(OwnerHistory("person", 9, (1.0, 1.1)),)),
                flags((CONFIDENCE, 9), (ATTAINMENT, 9))),
    ]


EXAMPLES += _mixed()
