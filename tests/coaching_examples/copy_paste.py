"""Copy-paste cascading: children that restate their parent, and children that translate it."""

from __future__ import annotations

from . import Example, flags
from .build import filler_krs, kr, obj, population

OBJECTIVE = "copy_paste.objective"
KEY_RESULT = "copy_paste.key_result"


def wording(
    name: str,
    parent_title: str,
    child_title: str,
    restates: bool,
    *,
    team: str = "Marketing",
    level: str = "team",
    parent_level: str = "company",
) -> Example:
    """A child objective aligned to a parent objective, compared on wording alone."""
    parent = obj(parent_title, level=parent_level,
                 team=None if parent_level == "company" else "Sales")
    owner = {"team": team} if level == "team" else {"person": 4}
    child = obj(child_title, level=level, parent_objective_ids=(parent.id,), **owner)
    return Example(
        name=name,
        population=population(child, parents=(parent,)),
        expected=flags((OBJECTIVE, child.id)) if restates else flags(),
    )


def metric(
    name: str,
    parent_kr: dict[str, object],
    child_kr: dict[str, object],
    repeats: bool,
    *,
    team: str = "Sales",
) -> Example:
    """A child key result against the key results of the parent objective."""
    parent = obj("Grow ARR from $12M to $18M", level="company",
                 krs=(kr(**parent_kr), *filler_krs(2)))  # type: ignore[arg-type]
    mine = kr(**child_kr)  # type: ignore[arg-type]
    child = obj("Build a repeatable enterprise sales motion", team=team,
                krs=(mine, *filler_krs(1)), parent_objective_ids=(parent.id,))
    return Example(
        name=name,
        population=population(child, parents=(parent,)),
        expected=flags((KEY_RESULT, mine.id)) if repeats else flags(),
    )


ARR = "Grow ARR from $12M to $18M"

EXAMPLES = [
    # Restated wording.
    wording("article 000: marketing repeats the ARR objective",
            "Grow annual recurring revenue by 40%", "Grow annual recurring revenue by 40%",
            True),
    wording("sales copies the worked example's objective", ARR, ARR, True, team="Sales"),
    wording("team name prefixed", ARR, "Marketing: grow ARR to $18M", True),
    wording("abbreviation spelt out, filler added", ARR,
            "Help the company grow annual recurring revenue to $18M", True),
    wording("only the pronoun dropped", "Delight our customers", "Delight customers", True,
            team="Customer Success"),
    wording("hyphen and article", "Build a world-class engineering culture",
            "Build a world class engineering culture", True, team="Platform"),
    wording("support framing", "Expand into Europe", "Support the company to expand into "
            "Europe", True, team="Operations"),
    wording("drive framing", "Increase net revenue retention to 115%",
            "Drive net revenue retention to 115%", True, team="Customer Success"),
    wording("legal restates the company's risk objective", "Reduce operational risk",
            "Reduce operational risk", True, team="Legal"),
    wording("finance adds a year", "Improve profitability", "Improve profitability in 2026",
            True, team="Finance"),
    wording("operations adds framing verbs", "Deliver a world-class customer experience",
            "Support delivering a world-class customer experience", True,
            team="Operations"),
    wording("an account executive repeats the team objective",
            "Generate and close enough enterprise pipeline to hit 40 new logos",
            "Generate and close enterprise pipeline to hit 40 logos", True,
            level="individual", parent_level="team"),
    wording("words reordered", "Make onboarding effortless for new customers",
            "For new customers, make onboarding effortless", True, team="Customer Success"),
    wording("adds only 'faster'", ARR, "Grow ARR faster", True, team="Sales"),
    wording("an engineer repeats the platform objective",
            "Make the platform reliable enough for enterprise customers",
            "Make the platform reliable enough for enterprise customers", True,
            level="individual", parent_level="team"),
    # Translated wording.
    wording("worked example: sales translates ARR", ARR,
            "Generate and close enough enterprise pipeline to hit 40 new logos", False,
            team="Sales"),
    wording("worked example: the AE translates the sales objective",
            "Generate and close enough enterprise pipeline to hit 40 new logos",
            "Build and close enterprise pipeline that supports team quota attainment", False,
            level="individual", parent_level="team"),
    wording("article 000: marketing translates ARR", "Grow annual recurring revenue by 40%",
            "Generate 2,000 qualified opportunities from enterprise accounts", False),
    wording("article 000: HR translates ARR", "Grow annual recurring revenue by 40%",
            "Reduce time-to-hire for revenue-critical roles from 60 days to 35 days", False,
            team="People Ops"),
    wording("near-miss: same verb and metric, a segment and a channel", ARR,
            "Grow ARR in the mid-market segment through partner channels", False,
            team="Sales"),
    wording("near-miss: a segment of the customers", "Delight our customers",
            "Delight our enterprise customers", False, team="Customer Success"),
    wording("near-miss: churn in one region", "Reduce churn",
            "Reduce churn among SMB customers in EMEA", False, team="Customer Success"),
    wording("legal translates ARR", ARR, "Cut contract review cycle from 14 days to 7", False,
            team="Legal"),
    wording("finance translates profitability", "Improve profitability",
            "Close the books in 5 days and forecast cash weekly", False, team="Finance"),
    wording("operations translates the experience objective",
            "Deliver a world-class customer experience",
            "Resolve 90% of support tickets on first contact", False, team="Operations"),
    wording("near-miss: a market within the market", "Win the mid-market",
            "Win the mid-market in the Nordics", False, team="Sales"),
    wording("engineering translates reliability",
            "Make the platform reliable enough for enterprise customers",
            "Cut the time to restore a failed deploy from 2 hours to 15 minutes", False,
            level="individual", parent_level="team"),
    # Key results: the same metric and target, or a translation of it.
    metric("worked example: NRR copied with its target",
           {"title": "NRR from 105% to 115%", "start": 105, "target": 115, "unit": "%"},
           {"title": "Net revenue retention from 105% to 115%", "start": 105, "target": 115,
            "unit": "%"}, True, team="Customer Success"),
    metric("worked example: 40 logos copied",
           {"title": "40 new enterprise logos (ACV > $150K)", "target": 40},
           {"title": "40 new enterprise logos", "target": 40}, True),
    metric("a milestone copied",
           {"title": "Launch in Germany", "kind": "milestone"},
           {"title": "Launch in Germany", "kind": "milestone"}, True, team="Operations"),
    metric("churn ceiling copied",
           {"title": "Monthly churn below 2%", "kind": "stay_below", "target": 2, "unit": "%"},
           {"title": "Keep monthly churn below 2%", "kind": "stay_below", "target": 2,
            "unit": "%"}, True, team="Customer Success"),
    metric("legal copies the contract review target",
           {"title": "Contract review from 14 days to 7", "kind": "decrease", "start": 14,
            "target": 7, "unit": "days"},
           {"title": "Contract review time from 14 to 7 days", "kind": "decrease",
            "start": 14, "target": 7, "unit": "days"}, True, team="Legal"),
    metric("near-miss: its own share of the logos",
           {"title": "40 new enterprise logos", "target": 40},
           {"title": "10 new enterprise logos", "target": 10}, False),
    metric("near-miss: a different retention measure",
           {"title": "NRR from 105% to 115%", "start": 105, "target": 115, "unit": "%"},
           {"title": "Gross revenue retention at 95%", "kind": "stay_above", "target": 95,
            "unit": "%"}, False, team="Customer Success"),
    metric("near-miss: the same figure on another measure",
           {"title": "35% win rate on RFPs", "start": 20, "target": 35, "unit": "%"},
           {"title": "35% of pipeline sourced from partners", "start": 20, "target": 35,
            "unit": "%"}, False),
    metric("near-miss: a milestone that prepares the parent's",
           {"title": "Launch in Germany", "kind": "milestone"},
           {"title": "Hire a country manager for Germany", "kind": "milestone"}, False,
           team="Operations"),
    metric("near-miss: the same measure in another unit",
           {"title": "Deal cycle under 90 days", "kind": "stay_below", "target": 90,
            "unit": "days"},
           {"title": "Deal cycle under 90 hours of effort", "kind": "stay_below", "target": 90,
            "unit": "hours"}, False),
]


def _through_a_key_result() -> list[Example]:
    """A child aligned to a parent key result rather than to the objective."""
    verticals = kr("Launch two new verticals with more than 10 paying customers each",
                   target=2)
    parent = obj(ARR, level="company", krs=(verticals, *filler_krs(2)))
    copied = obj("Launch two new verticals with 10+ paying customers", team="Marketing",
                 parent_key_result_ids=(verticals.id,))
    translated = obj("Find the first 10 paying customers in healthcare", team="Sales",
                     parent_key_result_ids=(verticals.id,))
    company_twin = obj(ARR, level="company")  # company objectives have no parent to copy
    abandoned = obj(ARR, team="Finance", parent_objective_ids=(parent.id,), state="abandoned")
    return [
        Example("a team objective restates the company key result it aligns to",
                population(copied, parents=(parent,)), flags((OBJECTIVE, copied.id))),
        Example("a team objective translates the company key result",
                population(translated, parents=(parent,))),
        Example("company objectives are not compared with each other",
                population(company_twin, parents=(parent,))),
        Example("an abandoned copy is left alone", population(abandoned, parents=(parent,))),
    ]


EXAMPLES += _through_a_key_result()

# A second batch, written from what teams actually type rather than from the rules.
EXAMPLES += [
    wording("a segment of the region is a translation", "Achieve profitable growth",
            "Achieve profitable growth in EMEA", False, team="Sales"),
    wording("a ranking spelt out", "Be the #1 choice for mid-market HR teams",
            "Be the number one choice for mid-market HR teams", True, team="Sales"),
    wording("an audience added is a translation", "Make Acme the best place to work",
            "Make Acme the best place to work for engineers", False, team="Platform"),
    wording("the market launch repeated by marketing", "Launch our product in the US market",
            "Marketing: launch the product in the US market", True),
    wording("the same words in another order", "Improve customer retention",
            "Improve retention of our customers", True, team="Customer Success"),
    wording("a year added", "Scale the business profitably",
            "Scale the business profitably this year", True, team="Finance"),
    wording("a synonym verb and a hyphen", "Reduce time to hire", "Cut time-to-hire", True,
            team="People Ops"),
    wording("onboarding as the translation of churn", "Reduce churn",
            "Make onboarding stick: every new account live in 14 days", False,
            team="Customer Success"),
    wording("cloud spend as the translation of cash flow", "Become cash-flow positive",
            "Cut cloud spend by 20% without slowing releases", False, team="Platform"),
    wording("security reviews as the translation of enterprise", "Win enterprise",
            "Win enterprise security reviews on the first pass", False, team="Platform"),
    metric("churn copied in fewer words",
           {"title": "Reduce churn from 3% to 2%", "kind": "decrease", "start": 3,
            "target": 2, "unit": "%"},
           {"title": "Churn at 2%", "kind": "stay_below", "target": 2, "unit": "%"}, True,
           team="Customer Success"),
    metric("near-miss: the same availability figure on another service",
           {"title": "Uptime 99.9%", "kind": "stay_above", "target": 99.9, "unit": "%"},
           {"title": "Checkout availability 99.9%", "kind": "stay_above", "target": 99.9,
            "unit": "%"}, False, team="Platform"),
]

# A third batch, written after the rules settled and first run without changing them.
EXAMPLES += [
    wording("a qualifier dropped", "Build the best developer experience in the industry",
            "Build the best developer experience", True, team="Platform"),
    wording("the same words, one compound", "Grow revenue from existing customers",
            "Grow existing-customer revenue", True, team="Customer Success"),
    wording("the verb made a noun", "Expand into the public sector",
            "Public sector expansion", True, team="Sales"),
    wording("the article changed", "Make our platform enterprise-ready",
            "Make the platform enterprise ready", True, team="Platform"),
    metric("ARR target copied in other words",
           {"title": "ARR to $18M", "start": 12, "target": 18, "unit": "$M"},
           {"title": "Reach $18M ARR", "start": 12, "target": 18, "unit": "$M"}, True),
    wording("a renewal desk translates revenue growth", "Grow revenue from existing customers",
            "Run a renewal desk that catches every at-risk account 90 days out", False,
            team="Customer Success"),
    wording("certifications translate enterprise readiness",
            "Make our platform enterprise-ready",
            "Get SOC 2 Type II and SSO in place for enterprise deals", False,
            team="Platform"),
    wording("first pilots translate the expansion", "Expand into the public sector",
            "Win the first three public sector pilots", False, team="Sales"),
    metric("near-miss: its own share of ARR",
           {"title": "ARR to $18M", "start": 12, "target": 18, "unit": "$M"},
           {"title": "Partner-sourced ARR to $3M", "start": 1, "target": 3, "unit": "$M"},
           False),
    wording("time to first call translates developer experience",
            "Build the best developer experience in the industry",
            "Cut time to first API call from 30 minutes to 5", False, team="Platform"),
]
