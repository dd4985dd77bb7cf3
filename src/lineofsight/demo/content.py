"""What the demo organisation holds: Northwind, its people, teams and OKRs.

Pure data, read by ``demo.loader``. The cascade follows the worked example: the company's
ARR objective, the Sales team's pipeline objective and an account executive (Jordan Blake)
whose previous quarter ends at 22 of 25 opportunities qualified, 8 of 10 past legal review
and 5 of 6 closes, while the company lands 34 of its 40 new logos. Every other team
translates the company's objectives into what it can move itself.

Key results carry their story as a plan: the value after the quarter's last weekly check-in
(``end``; for the current quarter, where it is heading), the week a milestone is done, the
weeks a threshold is breached. The loader turns plans into weekly check-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PREVIOUS = "previous"
CURRENT = "current"

ORGANISATION_NAME = "Northwind Analytics"
EMAIL_DOMAIN = "northwind.example"


@dataclass(frozen=True)
class PersonSpec:
    username: str
    name: str
    title: str
    manager: str | None = None
    hr: bool = False
    executive: bool = False
    role: str = ""  # shown in the demo's login table when set


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    kind: str
    parent: str | None
    lead: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class KRSpec:
    key: str
    title: str
    kind: str
    owner: str
    start: float | None = None
    target: float | None = None
    unit: str = ""
    signal: str = "lagging"
    weight: float = 1.0
    aligned: bool = False
    end: float | None = None  # value at the quarter's last check-in (or year end, for annual)
    done_week: int | None = None  # milestones: the week it gets done (None: not this quarter)
    breach_weeks: tuple[int, ...] = ()  # thresholds: weeks the reading is on the wrong side
    decimals: int = 0
    notes: dict[int, tuple[str, str]] = field(default_factory=dict)  # week: (note, blockers)


@dataclass(frozen=True)
class LinkSpec:
    parent: str  # an objective key, or "kr:<key>" for a key result
    kind: str = "contributes"
    weight: float = 1.0


@dataclass(frozen=True)
class InitiativeSpec:
    kr: str
    title: str
    owner: str
    state: str


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    title: str
    by: str  # who writes it (the owner, or the owning team's lead)
    level: str = "team"
    team: str | None = None
    person: str | None = None
    commitment: str = "aspirational"
    visibility: str = "public"
    mode: str = "key_results"
    rationale: str = ""
    description: str = ""
    key_results: tuple[KRSpec, ...] = ()
    links: tuple[LinkSpec, ...] = ()
    initiatives: tuple[InitiativeSpec, ...] = ()


# ---------------------------------------------------------------------------------------
# People and teams

PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("maya", "Maya Okafor", "Chief Executive Officer", executive=True, role="CEO"),
    PersonSpec(
        "fatima",
        "Fatima Al-Sayed",
        "Head of People",
        "maya",
        hr=True,
        executive=True,
        role="HR admin",
    ),
    PersonSpec(
        "daniel",
        "Daniel Reyes",
        "Chief Revenue Officer",
        "maya",
        executive=True,
        role="Executive, Sales",
    ),
    PersonSpec("elena", "Elena Petrova", "VP Marketing", "maya", executive=True),
    PersonSpec("kenji", "Kenji Watanabe", "Chief Technology Officer", "maya", executive=True),
    PersonSpec("victor", "Victor Alvarez", "General Counsel", "maya", role="Head of Legal"),
    PersonSpec("samuel", "Samuel Adeyemi", "Chief Financial Officer", "maya", executive=True),
    PersonSpec(
        "priya",
        "Priya Natarajan",
        "Enterprise Sales Manager",
        "daniel",
        role="Manager, Enterprise Sales",
    ),
    PersonSpec(
        "jordan",
        "Jordan Blake",
        "Account Executive",
        "priya",
        role="Account executive (the worked example)",
    ),
    PersonSpec("sofia", "Sofia Marin", "Account Executive", "priya"),
    PersonSpec("ahmed", "Ahmed Hassan", "Solutions Engineer", "priya"),
    PersonSpec("chloe", "Chloe Dubois", "Sales Development Lead", "daniel"),
    PersonSpec("noah", "Noah Williams", "Sales Development Representative", "chloe"),
    PersonSpec("olivia", "Olivia Brown", "Head of Account Management", "daniel"),
    PersonSpec("ethan", "Ethan Wright", "Account Manager", "olivia"),
    PersonSpec("marcus", "Marcus Johnson", "Demand Generation Manager", "elena"),
    PersonSpec("aisha", "Aisha Khan", "Content Marketing Manager", "marcus"),
    PersonSpec("tom", "Tom Becker", "Marketing Operations Manager", "elena"),
    PersonSpec(
        "grace",
        "Grace Liu",
        "Engineering Manager, Vertical Editions",
        "kenji",
        role="Manager, Engineering",
    ),
    PersonSpec("omar", "Omar Farouk", "Senior Engineer", "grace", role="Engineer"),
    PersonSpec("hannah", "Hannah Schmidt", "Engineer", "grace"),
    PersonSpec("lucas", "Lucas Silva", "Engineering Manager, Onboarding", "kenji"),
    PersonSpec("zoe", "Zoe Martin", "Senior Engineer", "lucas"),
    PersonSpec("ravi", "Ravi Patel", "Product Designer", "lucas"),
    PersonSpec("ines", "Ines Costa", "Product Manager", "kenji"),
    PersonSpec("mei", "Mei Tanaka", "Site Reliability Engineer", "kenji"),
    PersonSpec("ben", "Ben Carter", "Talent Acquisition Lead", "fatima"),
    PersonSpec("julia", "Julia Kowalski", "Recruiter", "ben"),
    PersonSpec("lena", "Lena Novak", "People Partner", "fatima"),
    PersonSpec("nadia", "Nadia Rahman", "Contracts Manager", "victor"),
)

TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("northwind", "Northwind Analytics", "company", None, "maya", ("samuel",)),
    TeamSpec("sales", "Sales", "department", "northwind", "daniel"),
    TeamSpec(
        "enterprise-sales",
        "Enterprise Sales",
        "team",
        "sales",
        "priya",
        ("jordan", "sofia", "ahmed"),
    ),
    TeamSpec("sales-development", "Sales Development", "team", "sales", "chloe", ("noah",)),
    TeamSpec("account-management", "Account Management", "team", "sales", "olivia", ("ethan",)),
    TeamSpec("marketing", "Marketing", "department", "northwind", "elena", ("tom",)),
    TeamSpec("demand-generation", "Demand Generation", "team", "marketing", "marcus", ("aisha",)),
    TeamSpec(
        "product-engineering",
        "Product & Engineering",
        "department",
        "northwind",
        "kenji",
        ("ines", "mei"),
    ),
    TeamSpec(
        "vertical-editions",
        "Vertical Editions",
        "team",
        "product-engineering",
        "grace",
        ("omar", "hannah"),
    ),
    TeamSpec("onboarding", "Onboarding", "team", "product-engineering", "lucas", ("zoe", "ravi")),
    TeamSpec("people", "People", "department", "northwind", "fatima", ("lena",)),
    TeamSpec("talent-acquisition", "Talent Acquisition", "team", "people", "ben", ("julia",)),
    TeamSpec("legal", "Legal", "department", "northwind", "victor", ("nadia",)),
)


# ---------------------------------------------------------------------------------------
# Company objectives: annual, reviewed quarterly


def company_objectives() -> tuple[ObjectiveSpec, ...]:
    """The company's annual objectives. The ARR objective is rolling: its key results are
    set each quarter (``company_quarter_key_results``)."""
    return (
        ObjectiveSpec(
            key="arr",
            title="Grow ARR from $12M to $18M",
            by="maya",
            level="company",
            team="northwind",
            commitment="committed",
            mode="both",
            description=(
                "The year's plan in one line: new enterprise logos, expansion of the accounts "
                "we have, and two new verticals. Key results are set afresh each quarter."
            ),
        ),
        ObjectiveSpec(
            key="adopt",
            title="Make Northwind the easiest enterprise analytics platform to adopt",
            by="maya",
            level="company",
            team="northwind",
            mode="both",
            description="Customers who see value in two weeks renew and expand.",
            key_results=(
                KRSpec(
                    "ttv",
                    "Median time-to-value for new customers from 30 days to 14",
                    "decrease",
                    "lucas",
                    30,
                    14,
                    "days",
                    end=17,
                ),
                KRSpec(
                    "uptime",
                    "Platform uptime stays above 99.9% every week",
                    "stay_above",
                    "mei",
                    None,
                    99.9,
                    "%",
                    end=99.96,
                    decimals=2,
                    breach_weeks=(5,),
                    notes={
                        5: (
                            "A failed database failover cost us 40 minutes on Tuesday.",
                            "Failover runbook was out of date; rewriting it this week.",
                        )
                    },
                ),
            ),
        ),
        ObjectiveSpec(
            key="team",
            title="Build the team that can carry $18M ARR",
            by="maya",
            level="company",
            team="northwind",
            commitment="committed",
            mode="both",
            key_results=(
                KRSpec(
                    "tth",
                    "Time-to-hire for revenue-critical roles from 60 days to 35",
                    "decrease",
                    "ben",
                    60,
                    35,
                    "days",
                    end=40,
                ),
                KRSpec(
                    "hires",
                    "24 revenue-critical hires this year",
                    "increase",
                    "fatima",
                    0,
                    24,
                    "hires",
                    end=21,
                ),
            ),
        ),
    )


def company_quarter_key_results(phase: str) -> tuple[KRSpec, ...]:
    """The ARR objective's key results for one quarter (a rolling objective)."""
    if phase == PREVIOUS:
        return (
            KRSpec(
                "logos",
                "40 new enterprise logos (ACV > $150K)",
                "increase",
                "daniel",
                0,
                40,
                "logos",
                end=34,
                notes={
                    6: (
                        "Behind the weekly pace: three healthcare deals are waiting on security "
                        "review.",
                        "Security questionnaires take ten days on our side.",
                    ),
                    13: (
                        "34 of 40. Four deals slipped into next quarter on legal and security "
                        "review; the two others were lost on price.",
                        "",
                    ),
                },
            ),
            KRSpec(
                "nrr",
                "Net revenue retention from 105% to 115%",
                "increase",
                "olivia",
                105,
                115,
                "%",
                end=111,
                decimals=1,
            ),
            KRSpec(
                "verticals",
                "Two new verticals with more than 10 paying customers each",
                "increase",
                "kenji",
                0,
                2,
                "verticals",
                aligned=True,
            ),
        )
    return (
        KRSpec(
            "logos",
            "42 new enterprise logos (ACV > $150K)",
            "increase",
            "daniel",
            0,
            42,
            "logos",
            end=39,
        ),
        KRSpec(
            "nrr",
            "Net revenue retention from 111% to 115%",
            "increase",
            "olivia",
            111,
            115,
            "%",
            end=113.5,
            decimals=1,
        ),
        KRSpec(
            "verticals",
            "Healthcare and logistics editions each past 10 paying customers",
            "increase",
            "kenji",
            0,
            2,
            "verticals",
            aligned=True,
        ),
    )


# ---------------------------------------------------------------------------------------
# Team and individual objectives: one set per quarter


def quarter_objectives(phase: str, quarter_name: str) -> tuple[ObjectiveSpec, ...]:
    prev = phase == PREVIOUS
    return (
        *_sales(prev),
        *_marketing(prev),
        *_product(prev, quarter_name),
        *_people(prev),
        *_legal(prev),
    )


def _sales(prev: bool) -> tuple[ObjectiveSpec, ...]:
    logos = 40 if prev else 42
    sales = ObjectiveSpec(
        key="sales",
        title=f"Generate and close enough enterprise pipeline to hit {logos} new logos",
        by="daniel",
        team="sales",
        commitment="committed",
        mode="both",
        rationale=(
            f"{logos} new logos are most of the ARR gap, and every one of them comes from "
            "pipeline we qualify and close. If we hit this, the company's logo key result "
            "follows."
        ),
        key_results=(
            KRSpec(
                "opps",
                f"{200 if prev else 210} qualified enterprise opportunities",
                "increase",
                "priya",
                0,
                200 if prev else 210,
                "opportunities",
                "leading",
                end=176 if prev else 190,
            ),
            KRSpec(
                "cycle",
                "Deal cycle under 90 days",
                "decrease",
                "daniel",
                120 if prev else 98,
                90,
                "days",
                end=98 if prev else 93,
            ),
            KRSpec(
                "rfp",
                "35% win rate on RFPs",
                "increase",
                "priya",
                25 if prev else 31,
                35,
                "%",
                end=31 if prev else 33,
            ),
        ),
        links=(LinkSpec("arr", weight=2),),
    )
    sdr = ObjectiveSpec(
        key="sdr",
        title="Book first meetings with the enterprise accounts that matter",
        by="chloe",
        team="sales-development",
        rationale=(
            "Qualified opportunities start as first meetings; more meetings with the right "
            "accounts make the pipeline target more likely."
        ),
        key_results=(
            KRSpec(
                "meetings",
                f"{120 if prev else 130} first meetings with target enterprise accounts",
                "increase",
                "chloe",
                0,
                120 if prev else 130,
                "meetings",
                "leading",
                end=104 if prev else 118,
            ),
            KRSpec(
                "conversion",
                f"Meeting-to-opportunity conversion from {30 if prev else 36}% to 40%",
                "increase",
                "noah",
                30 if prev else 36,
                40,
                "%",
                end=36 if prev else 38,
            ),
        ),
        links=(LinkSpec("sales"),),
    )
    am = ObjectiveSpec(
        key="am",
        title="Expand our top 40 accounts before they renew",
        by="olivia",
        team="account-management",
        rationale=(
            "Expansion in the accounts we already have is the fastest way to move net revenue "
            "retention."
        ),
        key_results=(
            KRSpec(
                "expansion",
                f"Expansion pipeline in the top 40 accounts reaches ${1.5 if prev else 1.8}M",
                "increase",
                "olivia",
                0,
                1_500_000 if prev else 1_800_000,
                "$",
                "leading",
                end=1_220_000 if prev else 1_560_000,
                decimals=-4,
            ),
            KRSpec(
                "ebr",
                "Executive business reviews with all 40 top accounts",
                "increase",
                "ethan",
                0,
                40,
                "reviews",
                "leading",
                end=33 if prev else 38,
            ),
        ),
        links=(LinkSpec("kr:nrr", kind="supports"),),
    )
    if prev:
        jordan = ObjectiveSpec(
            key="jordan",
            title="Build and close enterprise pipeline that supports team quota attainment",
            by="jordan",
            level="individual",
            person="jordan",
            commitment="committed",
            rationale=(
                "My qualified pipeline and my closes are a direct share of the team's 40 logos."
            ),
            key_results=(
                KRSpec(
                    "ae_opps",
                    "25 enterprise opportunities qualified from outbound",
                    "increase",
                    "jordan",
                    0,
                    25,
                    "opportunities",
                    "leading",
                    end=22,
                    notes={
                        8: (
                            "Healthcare sequence is working: four qualified this week.",
                            "",
                        ),
                        13: (
                            "22 of 25. Three targets went quiet after a budget freeze in "
                            "healthcare.",
                            "",
                        ),
                    },
                ),
                KRSpec(
                    "ae_legal",
                    "10 opportunities past legal review",
                    "increase",
                    "jordan",
                    0,
                    10,
                    "opportunities",
                    "leading",
                    end=8,
                    notes={
                        9: (
                            "Two deals waiting on MSA redlines.",
                            "Legal review takes two weeks per deal; Nadia's fallback clauses "
                            "should help.",
                        ),
                        13: (
                            "8 past legal, not 10: two are still in security review with "
                            "procurement.",
                            "Customer-side security review at Halvorsen and Brightwater.",
                        ),
                    },
                ),
                KRSpec(
                    "ae_closes",
                    "6 new enterprise closes",
                    "increase",
                    "jordan",
                    0,
                    6,
                    "closes",
                    end=5,
                    notes={
                        13: (
                            "5 closed. Brightwater slipped to next quarter after their CFO left.",
                            "",
                        ),
                    },
                ),
            ),
            links=(LinkSpec("sales"),),
            initiatives=(
                InitiativeSpec(
                    "ae_opps",
                    "Outbound sequence for the top 50 healthcare accounts",
                    "jordan",
                    "done",
                ),
                InitiativeSpec(
                    "ae_legal",
                    "Pre-approved fallback clauses for security and liability terms",
                    "nadia",
                    "done",
                ),
            ),
        )
    else:
        jordan = ObjectiveSpec(
            key="jordan",
            title="Turn late-stage pipeline into closed enterprise deals",
            by="jordan",
            level="individual",
            person="jordan",
            commitment="committed",
            rationale=(
                "Last quarter four deals stalled in review; closing them early is the surest "
                "share of the team's logos."
            ),
            key_results=(
                KRSpec(
                    "ae_opps",
                    "20 enterprise opportunities qualified from outbound",
                    "increase",
                    "jordan",
                    0,
                    20,
                    "opportunities",
                    "leading",
                    end=18,
                ),
                KRSpec(
                    "ae_legal",
                    "8 opportunities past legal review",
                    "increase",
                    "jordan",
                    0,
                    8,
                    "opportunities",
                    "leading",
                    end=7,
                ),
                KRSpec(
                    "ae_closes",
                    "6 new enterprise closes",
                    "increase",
                    "jordan",
                    0,
                    6,
                    "closes",
                    end=5,
                ),
            ),
            links=(LinkSpec("sales"),),
            initiatives=(
                InitiativeSpec(
                    "ae_closes",
                    "Mutual close plans for the four deals carried over",
                    "jordan",
                    "in_progress",
                ),
            ),
        )
    sofia = ObjectiveSpec(
        key="sofia",
        title=(
            "Open the logistics vertical with three lighthouse customers"
            if prev
            else "Turn logistics lighthouse customers into a repeatable motion"
        ),
        by="sofia",
        level="individual",
        person="sofia",
        rationale="Logistics logos count towards the team's number and prove the new vertical.",
        key_results=(
            KRSpec(
                "sofia_opps",
                f"{15 if prev else 20} logistics opportunities qualified",
                "increase",
                "sofia",
                0,
                15 if prev else 20,
                "opportunities",
                "leading",
                end=11 if prev else 17,
            ),
            KRSpec(
                "sofia_wins",
                f"{3 if prev else 5} logistics customers signed",
                "increase",
                "sofia",
                0,
                3 if prev else 5,
                "customers",
                end=2 if prev else 3,
            ),
        ),
        links=(LinkSpec("sales"),),
    )
    noah = ObjectiveSpec(
        key="noah",
        title=(
            "Grow into a full-cycle account executive role"
            if prev
            else "Run small enterprise deals end to end"
        ),
        by="noah",
        level="individual",
        person="noah",
        visibility="private",
        rationale="One more closer on the team next year; meanwhile my meetings convert better.",
        key_results=(
            KRSpec(
                "noah_calls",
                "Shadow 6 enterprise discovery calls" if prev else "Lead 6 discovery calls",
                "increase",
                "noah",
                0,
                6,
                "calls",
                "leading",
                end=6 if prev else 4,
            ),
            KRSpec(
                "noah_solo",
                "Lead 3 discovery calls with Chloe's review"
                if prev
                else "First deal closed as the account owner",
                "increase" if prev else "milestone",
                "noah",
                0 if prev else None,
                3 if prev else None,
                "calls" if prev else "",
                "leading",
                end=2 if prev else None,
                done_week=None if prev else 11,
            ),
        ),
        links=(LinkSpec("sdr", kind="supports"),),
    )
    return (sales, sdr, am, jordan, sofia, noah)


def _marketing(prev: bool) -> tuple[ObjectiveSpec, ...]:
    marketing = ObjectiveSpec(
        key="marketing",
        title="Generate qualified opportunities from enterprise accounts",
        by="elena",
        team="marketing",
        mode="both",
        rationale=(
            "About half the logos we need start as marketing-sourced opportunities in "
            "enterprise accounts; more of them makes the ARR target more likely."
        ),
        key_results=(
            KRSpec(
                "mql",
                f"{90 if prev else 100} marketing-sourced qualified enterprise opportunities",
                "increase",
                "elena",
                0,
                90 if prev else 100,
                "opportunities",
                end=81 if prev else 92,
            ),
            KRSpec(
                "engaged",
                f"{60 if prev else 70} target accounts with three or more stakeholders engaged",
                "increase",
                "tom",
                0,
                60 if prev else 70,
                "accounts",
                "leading",
                end=47 if prev else 58,
            ),
            KRSpec(
                "campaign",
                "Healthcare vertical campaign launched"
                if prev
                else "Logistics vertical campaign launched",
                "milestone",
                "aisha",
                signal="leading",
                done_week=6 if prev else 5,
            ),
        ),
        links=(LinkSpec("arr"), LinkSpec("kr:opps", kind="supports")),
    )
    demand = ObjectiveSpec(
        key="demand",
        title="Fill the enterprise funnel from the accounts on our target list",
        by="marcus",
        team="demand-generation",
        rationale="Target-account programmes feed most marketing-sourced opportunities.",
        key_results=(
            KRSpec(
                "cpo",
                f"Cost per qualified enterprise opportunity from ${4000 if prev else 3100:,} "
                "to $2,500",
                "decrease",
                "marcus",
                4000 if prev else 3100,
                2500,
                "$",
                end=3100 if prev else 2700,
                decimals=-1,
            ),
            KRSpec(
                "abm",
                f"{12 if prev else 15} account-based campaigns live in target accounts",
                "increase",
                "marcus",
                0,
                12 if prev else 15,
                "campaigns",
                "leading",
                end=12 if prev else 13,
            ),
        ),
        links=(LinkSpec("marketing"),),
    )
    aisha = ObjectiveSpec(
        key="aisha",
        title=(
            "Give healthcare buyers the proof they ask for"
            if prev
            else "Give logistics buyers the proof they ask for"
        ),
        by="aisha",
        level="individual",
        person="aisha",
        rationale="Case studies and buyer's guides are the assets campaigns and AEs ask for most.",
        key_results=(
            KRSpec(
                "guide",
                "Healthcare buyer's guide published"
                if prev
                else "Logistics buyer's guide published",
                "milestone",
                "aisha",
                signal="leading",
                done_week=7 if prev else 6,
            ),
            KRSpec(
                "cases",
                f"{6 if prev else 4} enterprise case studies published",
                "increase",
                "aisha",
                0,
                6 if prev else 4,
                "case studies",
                "leading",
                end=5 if prev else 3,
            ),
        ),
        initiatives=(
            InitiativeSpec("cases", "Customer advisory board interviews", "aisha", "in_progress"),
        ),
        links=(LinkSpec("demand"),),
    )
    return (marketing, demand, aisha)


def _product(prev: bool, quarter_name: str) -> tuple[ObjectiveSpec, ...]:
    healthcare = ObjectiveSpec(
        key="healthcare",
        title=(
            "Ship the healthcare edition to its first ten paying customers"
            if prev
            else "Grow the healthcare edition past ten paying customers"
        ),
        by="grace",
        team="vertical-editions",
        rationale="Ten paying healthcare customers is half of the company's verticals result.",
        key_results=(
            KRSpec(
                "hc_ga",
                "Healthcare edition generally available",
                "milestone",
                "omar",
                signal="leading",
                done_week=9,
            )
            if prev
            else KRSpec(
                "hc_import",
                "HL7 import used by 80% of healthcare customers",
                "increase",
                "omar",
                0,
                80,
                "%",
                "leading",
                end=70,
            ),
            KRSpec(
                "hc_customers",
                f"Paying healthcare customers from {0 if prev else 7} to {10 if prev else 14}",
                "increase",
                "grace",
                0 if prev else 7,
                10 if prev else 14,
                "customers",
                end=7 if prev else 12,
            ),
        ),
        links=(LinkSpec("kr:verticals"),),
    )
    logistics = ObjectiveSpec(
        key="logistics",
        title=(
            "Ship the logistics edition to its first paying customers"
            if prev
            else "Take the logistics edition to general availability"
        ),
        by="grace",
        team="vertical-editions",
        rationale="The second vertical of the company's key result; logistics is the next bet.",
        key_results=(
            KRSpec(
                "lg_release",
                "Logistics edition in public beta"
                if prev
                else "Logistics edition generally available",
                "milestone",
                "hannah",
                signal="leading",
                done_week=11 if prev else 10,
            ),
            KRSpec(
                "lg_customers",
                f"Paying logistics customers from {0 if prev else 3} to 10",
                "increase",
                "grace",
                0 if prev else 3,
                10,
                "customers",
                end=3 if prev else 8,
                notes={
                    7: (
                        "Pilot customers like it but wait for GA before paying.",
                        "Route-planning integration is late.",
                    )
                }
                if prev
                else {},
            ),
        ),
        links=(LinkSpec("kr:verticals"),),
    )
    omar = ObjectiveSpec(
        key="omar",
        title=(
            "Ship the healthcare edition's data import"
            if prev
            else "Make healthcare onboarding self-serve"
        ),
        by="omar",
        level="individual",
        person="omar",
        rationale="Healthcare customers cannot go live until their records import cleanly.",
        key_results=(
            KRSpec(
                "omar_ship",
                "HL7 and FHIR import in production" if prev else "Self-serve HL7 mapping shipped",
                "milestone",
                "omar",
                signal="leading",
                done_week=8 if prev else 9,
            ),
            KRSpec(
                "omar_errors",
                f"Import errors per 1,000 records from {40 if prev else 9} to {5 if prev else 3}",
                "decrease",
                "omar",
                40 if prev else 9,
                5 if prev else 3,
                "errors",
                end=9 if prev else 4,
            ),
        ),
        links=(LinkSpec("healthcare"),),
    )
    onboarding = ObjectiveSpec(
        key="onboarding",
        title=(
            "Cut time-to-value for new customers from 30 days to 14"
            if prev
            else "Make every new customer's first two weeks a success"
        ),
        by="lucas",
        team="onboarding",
        rationale=(
            "Time-to-value is the company's adoption measure; we own the product path to it."
        ),
        key_results=(
            KRSpec(
                "selfsetup",
                "Customers completing setup without a support ticket from 40% to 75%",
                "increase",
                "ines",
                40,
                75,
                "%",
                "leading",
                end=66,
            )
            if prev
            else KRSpec(
                "nps",
                "Onboarding NPS stays above 40",
                "stay_above",
                "ines",
                None,
                40,
                "",
                end=45,
                breach_weeks=(3,),
            ),
            KRSpec(
                "dashboard",
                f"New customers reaching a first dashboard within 14 days from "
                f"{35 if prev else 58}% to {70 if prev else 75}%",
                "increase",
                "lucas",
                35 if prev else 58,
                70 if prev else 75,
                "%",
                end=58 if prev else 70,
            ),
        ),
        links=(LinkSpec("adopt"),),
    )
    zoe = ObjectiveSpec(
        key="zoe",
        title=(
            f"Ship the onboarding flow redesign by the end of {quarter_name}, reducing steps "
            "from 12 to 7"
            if prev
            else "Guide every new admin through setup in one sitting"
        ),
        by="zoe",
        level="individual",
        person="zoe",
        rationale="Fewer steps is the most direct lever on time-to-value.",
        key_results=(
            KRSpec(
                "zoe_ship",
                "Onboarding flow redesign shipped" if prev else "In-app setup checklist shipped",
                "milestone",
                "zoe",
                signal="leading",
                done_week=12 if prev else 6,
            ),
            KRSpec(
                "zoe_steps",
                "Onboarding steps from 12 to 7" if prev else "Setup drop-off from 30% to 15%",
                "decrease",
                "zoe",
                12 if prev else 30,
                7 if prev else 15,
                "steps" if prev else "%",
                "leading",
                end=8 if prev else 18,
            ),
        ),
        initiatives=(
            InitiativeSpec(
                "zoe_ship",
                "Usability tests with five new admins",
                "ravi",
                "done" if prev else "in_progress",
            ),
        ),
        links=(LinkSpec("onboarding"),),
    )
    platform = ObjectiveSpec(
        key="platform",
        title=(
            "Make the platform ready for regulated enterprise buyers"
            if prev
            else "Give enterprise admins the controls security reviews ask for"
        ),
        by="kenji",
        team="product-engineering",
        commitment="committed",
        rationale=(
            "Regulated buyers adopt only what passes their security review; clearing it makes "
            "adoption easier and shortens deal cycles."
        ),
        key_results=(
            KRSpec(
                "security",
                "SOC 2 Type II report issued"
                if prev
                else "SSO and SCIM provisioning generally available",
                "milestone",
                "mei",
                signal="leading",
                done_week=10 if prev else 8,
            ),
            KRSpec(
                "questionnaire",
                f"Security questionnaire turnaround from {10 if prev else 4} days to "
                f"{3 if prev else 2}",
                "decrease",
                "ahmed",
                10 if prev else 4,
                3 if prev else 2,
                "days",
                end=4 if prev else 2.5,
                decimals=1,
            ),
        ),
        links=(LinkSpec("adopt"), LinkSpec("sales", kind="supports")),
    )
    return (healthcare, logistics, omar, onboarding, zoe, platform)


def _people(prev: bool) -> tuple[ObjectiveSpec, ...]:
    hiring = ObjectiveSpec(
        key="hiring",
        title=(
            "Hire revenue-critical roles in 35 days, not 60"
            if prev
            else "Get new sellers to their first qualified opportunity in 30 days"
        ),
        by="fatima",
        team="people",
        commitment="committed",
        mode="both",
        rationale=(
            "Every month a sales seat stays empty or unproductive is pipeline the ARR plan "
            "counted on."
        ),
        key_results=(
            KRSpec(
                "ae_hires",
                f"{6 if prev else 5} account executives hired",
                "increase",
                "ben",
                0,
                6 if prev else 5,
                "hires",
                end=5 if prev else 4,
            ),
            KRSpec(
                "acceptance",
                "Offer acceptance rate stays above 80%",
                "stay_above",
                "lena",
                None,
                80,
                "%",
                end=84,
                breach_weeks=(5, 6),
                notes={
                    5: (
                        "Two senior AE candidates took counter-offers.",
                        "Our on-target earnings are below market for senior AEs.",
                    )
                },
            ),
            KRSpec(
                "kits",
                "Structured interview kit for every sales role",
                "milestone",
                "lena",
                signal="leading",
                done_week=4,
            )
            if prev
            else KRSpec(
                "ramp",
                "Ramp to first qualified opportunity from 45 days to 30",
                "decrease",
                "lena",
                45,
                30,
                "days",
                "leading",
                end=34,
            ),
        ),
        links=(LinkSpec("team"),),
    )
    retention = ObjectiveSpec(
        key="retention",
        title="Keep our best sellers through the growth push",
        by="fatima",
        team="people",
        visibility="team",
        rationale="Losing a top seller costs two quarters of their pipeline.",
        key_results=(
            KRSpec(
                "attrition",
                "Regretted attrition in Sales stays below 5%",
                "stay_below",
                "lena",
                None,
                5,
                "%",
                end=3.5,
                decimals=1,
                breach_weeks=(9,) if prev else (),
            ),
            KRSpec(
                "stay",
                "Stay interviews with all 12 top performers"
                if prev
                else "Career paths agreed with all 12 top performers",
                "increase",
                "lena",
                0,
                12,
                "people",
                "leading",
                end=12 if prev else 10,
            ),
        ),
        links=(LinkSpec("team", weight=0.5),),
    )
    talent = ObjectiveSpec(
        key="talent",
        title=(
            "Build a bench of enterprise sellers ready to hire"
            if prev
            else "Keep the enterprise seller bench full"
        ),
        by="ben",
        team="talent-acquisition",
        rationale="A ready bench is what lets us hire in 35 days instead of 60.",
        key_results=(
            KRSpec(
                "bench",
                f"{40 if prev else 30} screened enterprise sellers in the pipeline",
                "increase",
                "julia",
                0,
                40 if prev else 30,
                "candidates",
                "leading",
                end=37 if prev else 28,
            ),
            KRSpec(
                "offer_time",
                f"Time from first interview to offer from {21 if prev else 13} days to "
                f"{10 if prev else 8}",
                "decrease",
                "ben",
                21 if prev else 13,
                10 if prev else 8,
                "days",
                end=13 if prev else 9,
            ),
        ),
        links=(LinkSpec("hiring"),),
    )
    return (hiring, retention, talent)


def _legal(prev: bool) -> tuple[ObjectiveSpec, ...]:
    legal = ObjectiveSpec(
        key="legal",
        title=(
            "Take contract review off the critical path of enterprise deals"
            if prev
            else "Keep contract review to a week or less"
        ),
        by="victor",
        team="legal",
        commitment="committed",
        rationale=(
            "Deals wait on us between the verbal yes and the signature; faster review shortens "
            "the deal cycle and brings logos into the quarter."
        ),
        key_results=(
            KRSpec(
                "review",
                f"Contract review from {14 if prev else 9} days to 7",
                "decrease",
                "victor",
                14 if prev else 9,
                7,
                "days",
                end=9 if prev else 7.5,
                decimals=1,
                notes={
                    10: (
                        "Quarter-end rush: eleven contracts in review at once.",
                        "One contracts manager for the whole sales team.",
                    )
                }
                if prev
                else {},
            ),
            KRSpec(
                "clauses",
                "Pre-approved fallback clauses for the 10 most negotiated terms",
                "increase",
                "nadia",
                0,
                10,
                "clauses",
                "leading",
                end=8,
            )
            if prev
            else KRSpec(
                "templates",
                "Self-serve NDA and order form templates live",
                "milestone",
                "nadia",
                signal="leading",
                done_week=4,
            ),
        ),
        links=(LinkSpec("arr", weight=0.5), LinkSpec("kr:cycle", kind="supports")),
    )
    nadia = ObjectiveSpec(
        key="nadia",
        title=(
            "Standardise the enterprise MSA so most deals need no redlines"
            if prev
            else "Give sales self-serve answers to common legal questions"
        ),
        by="nadia",
        level="individual",
        person="nadia",
        rationale="Every deal signed on standard paper skips most of the review queue.",
        key_results=(
            KRSpec(
                "standard",
                "Deals signed on standard paper from 20% to 50%"
                if prev
                else "Legal questions answered from the playbook from 0% to 60%",
                "increase",
                "nadia",
                20 if prev else 0,
                50 if prev else 60,
                "%",
                end=41 if prev else 52,
            ),
            KRSpec(
                "playbook",
                "Redline playbook for sales published"
                if prev
                else "Redline playbook training for every AE",
                "milestone",
                "nadia",
                signal="leading",
                done_week=5 if prev else 7,
            ),
        ),
        links=(LinkSpec("legal"),),
    )
    return (legal, nadia)


# ---------------------------------------------------------------------------------------
# Words for check-ins without a story of their own

ON_TRACK_NOTES = (
    "On pace for the quarter.",
    "Good week; nothing stuck.",
    "Steady progress, no surprises.",
    "Ahead of the weekly pace after a strong week.",
    "Back on pace after last week's dip.",
    "Quiet week, still on plan.",
    "Reviewed with the team on Monday; we are comfortable with the plan.",
)
AT_RISK_NOTES = (
    "Behind the weekly pace; catching up is still possible.",
    "Slower than planned; re-prioritising the next two weeks.",
    "Two items slipped to next week.",
    "Moving, but not fast enough to reach the target at this rate.",
    "Took a hit this week; the plan to recover is in the team channel.",
)
AT_RISK_BLOCKERS = (
    "Waiting on a decision from the leadership team.",
    "Half the team was out for the conference.",
    "Depends on another team's release, which moved by a week.",
    "Procurement reviews are taking longer than usual.",
    "Two people out sick this week.",
)
OFF_TRACK_NOTES = (
    "Well behind plan; we will not reach the target without help.",
    "Needs a rethink: the current approach is not moving the number.",
    "Lost time to an incident; this needs a new plan.",
    "Asked for help in the leadership meeting; options by Friday.",
)
OFF_TRACK_BLOCKERS = (
    "No owner for the follow-up work since the reorganisation.",
    "Blocked on budget approval.",
    "The key hire is still open and nobody has the time.",
)
