"""The OKR template library: outcome objectives by function, each with measurable key
results (what changes, not what is done), and the organisation's own templates beside them
(``OkrTemplate``, kept by HR). "Use this template" fills the one objective form.

A built-in template's id is its slug; an organisation's is ``org-<pk>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineofsight.goals.models import OkrTemplate

F = OkrTemplate.Function


@dataclass(frozen=True)
class TemplateKeyResult:
    title: str
    kind: str  # "increase", "decrease", "threshold" or "milestone"
    unit: str = ""
    start_value: float | None = None
    target_value: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "start_value": self.start_value,
            "target_value": self.target_value,
        }


@dataclass(frozen=True)
class Template:
    id: str
    function: str
    title: str
    description: str
    key_results: tuple[TemplateKeyResult, ...]
    built_in: bool = True

    @property
    def function_label(self) -> str:
        return F(self.function).label


def _kr(title: str, kind: str, unit: str = "", start: float | None = None,
        target: float | None = None) -> TemplateKeyResult:  # fmt: skip
    return TemplateKeyResult(title, kind, unit, start, target)


def _t(slug: str, function: str, title: str, description: str,
       *key_results: TemplateKeyResult) -> Template:  # fmt: skip
    return Template(slug, function, title, description, tuple(key_results))


INC, DEC, THR = "increase", "decrease", "threshold"

BUILT_IN: tuple[Template, ...] = (
    # -- Sales
    _t(
        "sales-new-revenue",
        F.SALES,
        "Grow new business in our core segment",
        "More customers choose us, at a healthy price, without lengthening the cycle.",
        _kr("New annual recurring revenue booked", INC, "k€", 0, 1200),
        _kr("Win rate on qualified opportunities", INC, "%", 18, 25),
        _kr("Median sales cycle for new logos", DEC, "days", 74, 60),
    ),
    _t(
        "sales-pipeline",
        F.SALES,
        "Build a pipeline we can rely on",
        "Next quarter's number is covered before the quarter starts.",
        _kr("Qualified pipeline for next quarter, as a multiple of quota", INC, "x", 2.1, 3.5),
        _kr("Forecast accuracy at the start of the quarter", INC, "%", 70, 90),
        _kr("Opportunities older than 120 days", DEC, "deals", 45, 15),
    ),
    _t(
        "sales-expansion",
        F.SALES,
        "Grow within the customers we already have",
        "Customers buy more because they get more value.",
        _kr("Net revenue retention", INC, "%", 104, 115),
        _kr("Expansion revenue booked", INC, "k€", 0, 600),
        _kr("Accounts with two or more products", INC, "accounts", 40, 70),
    ),
    _t(
        "sales-efficiency",
        F.SALES,
        "Make every seller more productive",
        "Sellers spend their time with buyers, and new sellers ramp fast.",
        _kr("Months for a new seller to reach full quota", DEC, "months", 7, 4),
        _kr("Sellers at or above 80 % of quota", INC, "%", 55, 75),
        _kr("Customer-facing share of a seller's week", INC, "%", 35, 50),
    ),
    # -- Marketing
    _t(
        "marketing-demand",
        F.MARKETING,
        "Create demand that turns into revenue",
        "Marketing is measured by the pipeline it starts, not the leads it counts.",
        _kr("Marketing-sourced qualified pipeline", INC, "k€", 0, 2500),
        _kr("Lead-to-opportunity conversion", INC, "%", 6, 10),
        _kr("Cost per qualified opportunity", DEC, "€", 1400, 950),
    ),
    _t(
        "marketing-brand",
        F.MARKETING,
        "Become the name buyers think of first",
        "When our category comes up, buyers already know us.",
        _kr("Unaided awareness among target buyers", INC, "%", 12, 20),
        _kr("Share of voice in our category", INC, "%", 15, 22),
        _kr("Direct and branded-search visits per month", INC, "visits", 18000, 27000),
    ),
    _t(
        "marketing-launch",
        F.MARKETING,
        "Make the spring launch land with customers",
        "Customers adopt what we launch, and say why it matters to them.",
        _kr("Existing customers using the new capability", INC, "%", 0, 30),
        _kr("Launch-influenced pipeline", INC, "k€", 0, 800),
        _kr("Win rate where the new capability was shown", THR, "%", None, 30),
    ),
    _t(
        "marketing-website",
        F.MARKETING,
        "Turn the website into our best seller",
        "Visitors find what they need and take the next step.",
        _kr("Visitor-to-demo-request conversion", INC, "%", 0.8, 1.5),
        _kr("Organic sign-ups per month", INC, "sign-ups", 300, 520),
        _kr("Bounce rate on the pricing page", DEC, "%", 58, 40),
    ),
    # -- Engineering
    _t(
        "engineering-reliability",
        F.ENGINEERING,
        "Make the product reliable enough to forget",
        "Customers stop noticing outages because there are so few.",
        _kr("Availability of the customer-facing service", THR, "%", None, 99.95),
        _kr("Incidents customers notice", DEC, "per quarter", 9, 3),
        _kr("Median time to restore service", DEC, "minutes", 95, 30),
    ),
    _t(
        "engineering-delivery",
        F.ENGINEERING,
        "Ship smaller changes, faster and safer",
        "Ideas reach customers quickly and rarely break anything.",
        _kr("Lead time from merge to production", DEC, "hours", 72, 8),
        _kr("Deployments per week", INC, "deploys", 6, 25),
        _kr("Change failure rate", DEC, "%", 18, 8),
    ),
    _t(
        "engineering-performance",
        F.ENGINEERING,
        "Make the product feel instant",
        "Pages and actions respond before users wait.",
        _kr("95th-percentile page load time", DEC, "ms", 2400, 1200),
        _kr("95th-percentile API response time", DEC, "ms", 800, 300),
        _kr("Sessions with a slow interaction", DEC, "%", 14, 5),
    ),
    _t(
        "engineering-security",
        F.ENGINEERING,
        "Earn our customers' trust in our security",
        "Security reviews pass quickly and nothing serious stays open.",
        _kr("Critical vulnerabilities open longer than 14 days", DEC, "issues", 11, 0),
        _kr("Security questionnaires answered within 5 days", INC, "%", 40, 90),
        _kr("Independent security certification obtained", "milestone"),
    ),
    # -- Product
    _t(
        "product-activation",
        F.PRODUCT,
        "Help new customers reach value in their first week",
        "New accounts see the product do its job before they lose interest.",
        _kr("New accounts activated within 7 days", INC, "%", 35, 55),
        _kr("Median time to first value", DEC, "hours", 52, 12),
        _kr("Trial-to-paid conversion", INC, "%", 11, 16),
    ),
    _t(
        "product-retention",
        F.PRODUCT,
        "Make the product a weekly habit",
        "People come back because it keeps helping them.",
        _kr("Weekly active users among licensed seats", INC, "%", 48, 65),
        _kr("Accounts still active after 90 days", INC, "%", 71, 82),
        _kr("Logo churn", DEC, "% per quarter", 4.5, 3),
    ),
    _t(
        "product-discovery",
        F.PRODUCT,
        "Build what customers need, proved before we build",
        "Bets are tested with customers before the roadmap commits to them.",
        _kr("Roadmap items backed by customer evidence", INC, "%", 30, 80),
        _kr("Shipped features used by 20 % of target accounts in 60 days", INC, "%", 35, 60),
        _kr("Customers interviewed per product manager per month", THR, "interviews", None, 6),
    ),
    _t(
        "product-satisfaction",
        F.PRODUCT,
        "Make customers glad they chose us",
        "Customers would recommend the product, and say so.",
        _kr("Net promoter score", INC, "points", 21, 35),
        _kr("Satisfaction with the core workflow", INC, "out of 5", 3.6, 4.2),
        _kr("Top-10 customer pain points resolved", INC, "issues", 0, 6),
    ),
    # -- Customer Support
    _t(
        "support-first-contact",
        F.SUPPORT,
        "Solve customers' problems the first time",
        "Customers get a real answer without being passed around.",
        _kr("Tickets resolved at first contact", INC, "%", 52, 70),
        _kr("Customer satisfaction after a ticket", INC, "%", 86, 93),
        _kr("Tickets reopened", DEC, "%", 9, 4),
    ),
    _t(
        "support-speed",
        F.SUPPORT,
        "Answer customers while it still matters",
        "Nobody waits long for help, even on busy days.",
        _kr("Median first response time", DEC, "minutes", 190, 45),
        _kr("Urgent tickets answered within one hour", INC, "%", 72, 95),
        _kr("Backlog older than 3 days", DEC, "tickets", 140, 30),
    ),
    _t(
        "support-self-service",
        F.SUPPORT,
        "Let customers help themselves",
        "Most questions are answered before anyone opens a ticket.",
        _kr("Help-centre searches that end without a ticket", INC, "%", 55, 75),
        _kr("Tickets per 100 active accounts", DEC, "tickets", 22, 14),
        _kr("Articles rated helpful", INC, "%", 61, 80),
    ),
    _t(
        "support-retention",
        F.SUPPORT,
        "Turn support into a reason customers stay",
        "At-risk customers are caught early and stay.",
        _kr("At-risk accounts contacted within a week of the signal", INC, "%", 30, 90),
        _kr("Renewal rate of accounts with an escalation", INC, "%", 74, 85),
        _kr("Customer effort score", DEC, "out of 7", 3.9, 2.8),
    ),
    # -- HR/People
    _t(
        "people-hiring",
        F.PEOPLE,
        "Hire the people our plan depends on",
        "Critical roles are filled on time by people who stay and succeed.",
        _kr("Critical roles filled by their planned start date", INC, "%", 55, 85),
        _kr("Median days from opening to accepted offer", DEC, "days", 62, 40),
        _kr("New hires rated successful after six months", INC, "%", 78, 90),
    ),
    _t(
        "people-engagement",
        F.PEOPLE,
        "Make this a place people choose to stay",
        "People grow here and would recommend working here.",
        _kr("Engagement score", INC, "points", 68, 75),
        _kr("Regretted attrition", DEC, "% per year", 11, 7),
        _kr("People who say they grew this year", INC, "%", 58, 72),
    ),
    _t(
        "people-managers",
        F.PEOPLE,
        "Give every team a manager worth following",
        "Managers hold regular, useful conversations with their people.",
        _kr("Teams rating their manager 4 or more out of 5", INC, "%", 63, 80),
        _kr("People with a monthly development conversation", INC, "%", 40, 85),
        _kr("New managers through the leadership programme", INC, "%", 20, 100),
    ),
    _t(
        "people-onboarding",
        F.PEOPLE,
        "Make new joiners productive in their first month",
        "Joiners know what to do and who to ask from day one.",
        _kr("New joiners productive within 30 days, by their manager's rating", INC, "%", 48, 75),
        _kr("Onboarding satisfaction", INC, "out of 5", 3.7, 4.4),
        _kr("First-year voluntary leavers", DEC, "%", 16, 9),
    ),
    # -- Finance
    _t(
        "finance-close",
        F.FINANCE,
        "Close the books fast enough to steer by them",
        "Leaders get reliable numbers while they can still act on them.",
        _kr("Working days to close the month", DEC, "days", 12, 5),
        _kr("Post-close adjustments", DEC, "per month", 14, 3),
        _kr("Budget owners with a monthly variance review", INC, "%", 40, 100),
    ),
    _t(
        "finance-cash",
        F.FINANCE,
        "Strengthen our cash position",
        "We collect what we are owed, on time, and keep enough runway.",
        _kr("Days sales outstanding", DEC, "days", 58, 42),
        _kr("Receivables overdue by more than 60 days", DEC, "k€", 900, 300),
        _kr("Months of runway", INC, "months", 16, 20),
    ),
    _t(
        "finance-spend",
        F.FINANCE,
        "Spend every euro where it earns most",
        "Spending grows slower than revenue without slowing the business.",
        _kr("Operating expenses as a share of revenue", DEC, "%", 74, 66),
        _kr("Spend under a contract negotiated by procurement", INC, "%", 45, 75),
        _kr("Unused software licences", DEC, "licences", 320, 60),
    ),
    _t(
        "finance-forecast",
        F.FINANCE,
        "Forecast well enough to plan with confidence",
        "The plan holds because the forecast was right.",
        _kr("Quarterly revenue forecast error", DEC, "%", 9, 3),
        _kr("Departments planning with a rolling forecast", INC, "departments", 2, 8),
        _kr("Rolling 12-month forecast in place", "milestone"),
    ),
    # -- Operations
    _t(
        "operations-delivery",
        F.OPERATIONS,
        "Deliver every order on time and complete",
        "Customers get what they ordered when we said they would.",
        _kr("Orders delivered on time and in full", INC, "%", 88, 97),
        _kr("Order-to-delivery lead time", DEC, "days", 6, 3),
        _kr("Orders returned for our mistakes", DEC, "%", 2.4, 0.8),
    ),
    _t(
        "operations-cost",
        F.OPERATIONS,
        "Serve each customer at lower cost",
        "The same quality costs less to deliver.",
        _kr("Cost to serve per order", DEC, "€", 14.2, 11),
        _kr("Orders handled without manual steps", INC, "%", 60, 85),
        _kr("Rework hours per week", DEC, "hours", 120, 40),
    ),
    _t(
        "operations-safety",
        F.OPERATIONS,
        "Make every site a safe place to work",
        "Everybody goes home as healthy as they came in.",
        _kr("Lost-time incidents", DEC, "per quarter", 4, 0),
        _kr("Near misses reported and acted on within a week", INC, "%", 50, 90),
        _kr("Sites passing the safety audit first time", INC, "sites", 5, 9),
    ),
    _t(
        "operations-suppliers",
        F.OPERATIONS,
        "Make our supply chain dependable",
        "Suppliers deliver what we need without surprises.",
        _kr("Supplier on-time delivery", INC, "%", 82, 95),
        _kr("Critical parts with a second qualified supplier", INC, "%", 35, 80),
        _kr("Stock-outs on critical parts", DEC, "per quarter", 12, 2),
    ),
)

BY_ID = {t.id: t for t in BUILT_IN}
ORG_PREFIX = "org-"


def _from_row(row: OkrTemplate) -> Template:
    krs = tuple(
        TemplateKeyResult(
            str(kr.get("title", "")),
            str(kr.get("kind", INC)),
            str(kr.get("unit", "") or ""),
            kr.get("start_value"),
            kr.get("target_value"),
        )
        for kr in row.key_results
        if isinstance(kr, dict)
    )
    return Template(f"{ORG_PREFIX}{row.pk}", row.function, row.title, row.description, krs, False)


def library(*, query: str = "", function: str = "") -> list[Template]:
    """The organisation's templates (not retired) and the built-in ones, filtered by function
    and by words in the title, description or key results (one query)."""
    words = [w for w in query.lower().split() if w]
    found = [_from_row(row) for row in OkrTemplate.objects.filter(retired_at__isnull=True)]
    found += list(BUILT_IN)
    out = []
    for template in found:
        if function and template.function != function:
            continue
        text = " ".join(
            [template.title, template.description, template.function_label]
            + [kr.title for kr in template.key_results]
        ).lower()
        if all(w in text for w in words):
            out.append(template)
    order = list(F.values)
    return sorted(out, key=lambda t: (order.index(t.function), t.built_in, t.title))


def find(template_id: str) -> Template | None:
    """One template by id (a retired organisation template is not found)."""
    if template_id.startswith(ORG_PREFIX):
        raw = template_id.removeprefix(ORG_PREFIX)
        if not raw.isdigit():
            return None
        row = OkrTemplate.objects.filter(pk=int(raw), retired_at__isnull=True).first()
        return _from_row(row) if row is not None else None
    return BY_ID.get(template_id)
