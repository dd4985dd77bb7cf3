"""Leading and lagging: people whose key results are all outcomes, teams with no leading one."""

from __future__ import annotations

from dataclasses import replace

from . import Example, flags
from .build import kr, obj, population

PERSON = "lagging_only.person"
TEAM = "lagging_only.team"


def lead(title: str, **kw: object) -> object:
    return kr(title, signal="leading", **kw)  # type: ignore[arg-type]


def lag(title: str, **kw: object) -> object:
    return kr(title, signal="lagging", **kw)  # type: ignore[arg-type]


def mine(who: int, *krs: object, title: str = "Build and close enterprise pipeline",
         **kw: object) -> object:
    return obj(title, level="individual", person=who, krs=tuple(krs), **kw)  # type: ignore


def ours(team: str, *krs: object, title: str = "Make renewals predictable",
         **kw: object) -> object:
    return obj(title, team=team, krs=tuple(krs), **kw)  # type: ignore


def ex(name: str, *objectives: object, expect: tuple[tuple[str, int], ...] = ()) -> Example:
    return Example(name, population(*objectives), flags(*expect))  # type: ignore[arg-type]


AE_LEADING = (
    lead("25 enterprise opportunities qualified from outbound", target=25),
    lead("10 deals past legal review", target=10),
    lag("6 new enterprise closes", target=6),
)
AE_UNTAGGED = tuple(replace(k, signal="lagging") for k in AE_LEADING)  # type: ignore

EXAMPLES = [
    ex("worked example: the account executive, tagged", mine(4, *AE_LEADING)),
    ex("worked example: the same key results, all left as lagging", mine(4, *AE_UNTAGGED),
       expect=((PERSON, 4),)),
    ex("revenue and NRR only", mine(5, lag("Closed-won revenue from $0.8M to $1.2M"),
                                     lag("NRR of my book from 104% to 110%")),
       expect=((PERSON, 5),)),
    ex("NPS and churn for a support agent", mine(9, lag("NPS from 30 to 45"),
                                                  lag("Logo churn below 2%")),
       expect=((PERSON, 9),)),
    ex("one leading, one lagging", mine(9, lag("NPS from 30 to 45"),
                                        lead("First response under 2 hours for 95% of "
                                             "tickets"))),
    ex("all leading is not lagging-only", mine(7, lead("Deploys per week from 3 to 10"),
                                                lead("Pull requests reviewed within a day"))),
    ex("the only leading key result was abandoned",
       mine(5, lag("Closed-won revenue"),
            replace(lead("Discovery calls that reach a demo from 20% to 35%"),  # type: ignore
                    state="abandoned")),
       expect=((PERSON, 5),)),
    ex("the leading key result is on an abandoned objective",
       mine(5, lag("Closed-won revenue"), lag("Gross margin on my deals")),
       mine(5, lead("Qualified opportunities from 10 to 25"), title="Build partner pipeline",
            state="abandoned"),
       expect=((PERSON, 5),)),
    ex("the leading key result is on another of their objectives",
       mine(5, lag("Closed-won revenue"), lag("Gross margin on my deals")),
       mine(5, lead("Qualified opportunities from 10 to 25"), title="Build partner pipeline")),
    ex("a closed objective from last cycle does not help",
       mine(10, lag("Monthly active users from 40k to 55k"), lag("Retention at day 30")),
       mine(10, lead("Experiments shipped"), title="Learn fast", state="closed"),
       expect=((PERSON, 10),)),
    ex("a key result owned in a team objective counts for the person",
       mine(4, lag("Closed-won revenue"), lag("Deal size")),
       ours("Enterprise Sales", lead("Qualified opportunities", owner_id=4),
            lead("Proposals sent within 48 hours")),
       ),
    ex("a person owning only a lagging key result on a team objective",
       ours("Customer Success", lag("NRR from 105% to 115%", owner_id=9),
            lead("Health checks completed for top 50 accounts", owner_id=10)),
       expect=((PERSON, 9),)),
    ex("someone else owns the lagging key results of my objective",
       mine(4, lag("Closed-won revenue", owner_id=3), lead("Qualified opportunities")),
       expect=((PERSON, 3),)),
    # Teams.
    ex("finance: close days and DSO, both outcomes",
       ours("Finance", lag("Month-end close from 10 days to 5"),
            lag("DSO from 52 to 40 days"), title="Make finance a strategic partner"),
       expect=((TEAM, 8),)),
    ex("finance with a leading indicator",
       ours("Finance", lag("Month-end close from 10 days to 5"),
            lead("Reconciliations automated from 30% to 80%"),
            title="Make finance a strategic partner")),
    ex("legal: review time and a template library",
       ours("Legal", lag("Contract review from 14 days to 7"),
            lead("Standard templates cover 80% of contracts"),
            title="Make contract review a competitive advantage")),
    ex("legal: review time only",
       ours("Legal", lag("Contract review from 14 days to 7"),
            lag("Contracts signed without escalation from 60% to 80%"),
            title="Make contract review a competitive advantage"),
       expect=((TEAM, 7),)),
    ex("worked example: the sales team, tagged",
       ours("Sales", lead("200 qualified enterprise opportunities"),
            lag("Deal cycle under 90 days"), lag("35% win rate on RFPs"),
            title="Generate and close enough enterprise pipeline to hit 40 new logos")),
    ex("worked example: the sales team, all left as lagging",
       ours("Sales", lag("200 qualified enterprise opportunities"),
            lag("Deal cycle under 90 days"), lag("35% win rate on RFPs"),
            title="Generate and close enough enterprise pipeline to hit 40 new logos"),
       expect=((TEAM, 2),)),
    ex("a team's leading indicator sits on its second objective",
       ours("Platform", lag("Uptime above 99.9%"), lag("P1 incidents per month below 2")),
       ours("Platform", lead("Services with runbooks from 40% to 100%"),
            lag("Mean time to restore under 30 minutes"), title="Make on-call humane")),
    ex("a team whose every objective lacks leading indicators",
       ours("Operations", lag("Orders shipped within 24 hours from 80% to 97%"),
            lag("Cost per order from $4.10 to $3.50")),
       ours("Operations", lag("Warehouse injuries: zero"), lag("Inventory accuracy 99.5%"),
            title="Run the safest warehouse in the region"),
       expect=((TEAM, 9),)),
    ex("an abandoned team objective with leading indicators does not count",
       ours("Marketing", lag("Pipeline from marketing from $2M to $3M"),
            lag("Cost per opportunity below $900")),
       ours("Marketing", lead("Webinar attendees from 200 to 500"), lead("Trials started"),
            title="Own the healthcare conversation", state="abandoned"),
       expect=((TEAM, 4),)),
    ex("a team with no key results yet", ours("People Ops")),
    ex("a draft team objective with only lagging key results (caught while writing)",
       ours("People Ops", lag("Regretted attrition below 5%"), lag("eNPS from 10 to 30"),
            state="draft", title="Make Acme a place people stay"),
       expect=((TEAM, 10),)),
    ex("a team and one of its people both lagging only",
       ours("Customer Success", lag("NRR from 105% to 115%", owner_id=9),
            lag("Logo churn below 2%", owner_id=9)),
       expect=((TEAM, 11), (PERSON, 9))),
    ex("a team whose people own leading key results",
       ours("Customer Success", lag("NRR from 105% to 115%", owner_id=9),
            lead("QBRs held with the top 30 accounts", owner_id=10)),
       expect=((PERSON, 9),)),
    ex("people with mixed key results across a team",
       ours("Enterprise Sales", lead("Qualified opportunities", owner_id=4),
            lag("New logos", owner_id=4), lead("Proposals sent", owner_id=5),
            lag("Win rate", owner_id=5))),
    ex("an engineer with deploys and uptime",
       mine(7, lead("Deploys per week from 3 to 10"), lag("Uptime above 99.9%"))),
    ex("an engineer with uptime and incidents",
       mine(7, lag("Uptime above 99.9%"), lag("P1 incidents below 2 a month")),
       expect=((PERSON, 7),)),
    ex("a recruiter with a mix",
       mine(2, lead("Qualified candidates in pipeline per role from 4 to 8"),
            lag("Time to hire from 60 days to 35"))),
    ex("a single lagging key result (too few, and lagging only)",
       mine(8, lag("Contract review from 14 days to 7")), expect=((PERSON, 8),)),
    ex("nobody answers for key results with no owner at all",
       obj("Loose objective", level="individual", krs=(lag("Revenue"), lag("Margin")))),
]
