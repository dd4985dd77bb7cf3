"""Orphans: objectives aligned to nothing in force, company objectives nobody contributes to."""

from __future__ import annotations

from . import Example, flags
from .build import filler_krs, kr, obj, population

UNALIGNED = "orphan.unaligned"
NO_CONTRIBUTORS = "orphan.no_contributors"

ARR = "Grow ARR from $12M to $18M"


def _examples() -> list[Example]:
    out: list[Example] = []

    def add(name: str, pop: object, *expected: tuple[str, int]) -> None:
        out.append(Example(name, pop, flags(*expected)))  # type: ignore[arg-type]

    logos = kr("40 new enterprise logos (ACV > $150K)", target=40)
    company = obj(ARR, level="company", krs=(logos, *filler_krs(2)))
    sales = obj("Generate and close enough enterprise pipeline to hit 40 new logos",
                team="Sales", parent_objective_ids=(company.id,))
    ae = obj("Build and close enterprise pipeline that supports team quota attainment",
             level="individual", person=4, parent_objective_ids=(sales.id,))
    add("worked example: the account executive aligned to the sales team",
        population(ae, parents=(sales,)))
    add("worked example: sales aligned to the company", population(sales, parents=(company,)))
    add("worked example: the whole cascade", population(company, sales, ae))

    lone_ae = obj("Become the go-to expert on healthcare procurement", level="individual",
                  person=5)
    add("an individual objective aligned to nothing", population(lone_ae),
        (UNALIGNED, lone_ae.id))
    lone_team = obj("Rebuild the quoting tool", team="Platform")
    add("a team objective aligned to nothing", population(lone_team),
        (UNALIGNED, lone_team.id))
    draft = obj("Win the healthcare vertical", team="Sales", state="draft")
    add("a draft aligned to nothing (caught before publishing)", population(draft),
        (UNALIGNED, draft.id))
    through_kr = obj("Shorten the enterprise deal cycle", team="Sales",
                     parent_key_result_ids=(logos.id,))
    add("aligned through a company key result", population(through_kr, parents=(company,)))

    old_parent = obj("Launch the self-serve plan", team="Marketing", state="closed",
                     cycle_id=29)
    stale = obj("Double self-serve sign-ups", level="individual", person=9,
                parent_objective_ids=(old_parent.id,))
    add("aligned only to last quarter's closed objective", population(stale,
        parents=(old_parent,)), (UNALIGNED, stale.id))
    dropped = obj("Expand into Brazil", level="company", state="abandoned")
    after_drop = obj("Hire a country manager for Brazil", team="People Ops",
                     parent_objective_ids=(dropped.id,))
    add("aligned only to an abandoned company objective (strategy shifted)",
        population(after_drop, parents=(dropped,)), (UNALIGNED, after_drop.id))
    both = obj("Publish the 2027 pricing", team="Marketing",
               parent_objective_ids=(old_parent.id, company.id))
    add("one closed parent and one in force", population(both, parents=(old_parent, company)))
    unknown_parent = obj("Cut contract review from 14 days to 7", team="Legal",
                         parent_objective_ids=(99999,))
    add("a parent the scope does not describe is taken as in force",
        population(unknown_parent))
    unknown_kr = obj("Cut cloud cost per customer by a fifth", team="Platform",
                     parent_key_result_ids=(88888,))
    add("a parent key result the scope does not describe", population(unknown_kr))

    legal_ok = obj("Make contract review a competitive advantage", team="Legal",
                   parent_objective_ids=(company.id,))
    add("legal aligned to revenue through contract speed",
        population(legal_ok, parents=(company,)))
    legal_alone = obj("Make contract review a competitive advantage", team="Legal")
    add("legal objective with no link", population(legal_alone), (UNALIGNED, legal_alone.id))
    finance_alone = obj("Close the books in five days", team="Finance")
    add("finance objective with no link", population(finance_alone),
        (UNALIGNED, finance_alone.id))
    ops_ok = obj("Ship every order within 24 hours", team="Operations",
                 parent_objective_ids=(company.id,))
    add("operations aligned", population(ops_ok, parents=(company,)))
    abandoned_alone = obj("Explore a reseller programme", team="Sales", state="abandoned")
    add("an abandoned objective is not an orphan", population(abandoned_alone))
    closed_alone = obj("Migrate the billing system", team="Platform", state="closed")
    add("a closed objective is not an orphan", population(closed_alone))

    # Company objectives and their contributors.
    nobody = obj("Become the most trusted payments platform", level="company")
    add("a company objective nobody contributes to", population(nobody),
        (NO_CONTRIBUTORS, nobody.id))
    add("the company objective the sales team serves", population(company, sales))
    served_by_kr = obj("Expand into two new verticals", level="company",
                       krs=(kr("Two verticals with 10 paying customers", target=2),
                            *filler_krs(2)))
    via_kr = obj("Find the first 10 paying customers in healthcare", team="Sales",
                 parent_key_result_ids=(served_by_kr.key_results[0].id,))
    add("a company objective served through its key result", population(served_by_kr, via_kr))
    listed = obj("Be the employer of choice in fintech", level="company")
    add("children known to the loader but outside the scope",
        population(listed, company_objective_ids_with_children=frozenset({listed.id})))
    drafted = obj("Enter the public sector", level="company", state="draft")
    add("a company draft with no contributors yet", population(drafted))
    only_abandoned = obj("Cut the cost to serve by a third", level="company")
    gave_up = obj("Automate tier-1 support", team="Customer Success", state="abandoned",
                  parent_objective_ids=(only_abandoned.id,))
    add("a company objective whose only contributor was abandoned",
        population(only_abandoned, gave_up), (NO_CONTRIBUTORS, only_abandoned.id))
    closed_company = obj("Launch in Germany", level="company", state="closed")
    add("a closed company objective", population(closed_company))
    draft_child = obj("Cut the cost to serve by a third", level="company")
    drafting = obj("Automate tier-1 support", team="Customer Success", state="draft",
                   parent_objective_ids=(draft_child.id,))
    add("a company objective with a draft on its way", population(draft_child, drafting))

    # Mixed populations.
    orphan_in_cascade = obj("Write the enterprise security whitepaper", level="individual",
                            person=7)
    add("one orphan among a healthy cascade", population(company, sales, ae,
        orphan_in_cascade), (UNALIGNED, orphan_in_cascade.id))
    second_company = obj("Make the platform reliable enough for enterprise customers",
                         level="company")
    add("two company objectives, one served", population(company, second_company, sales),
        (NO_CONTRIBUTORS, second_company.id))
    people_ok = obj("Reduce time-to-hire for revenue-critical roles from 60 days to 35",
                    team="People Ops", parent_objective_ids=(company.id,))
    add("article 000: HR aligned to ARR", population(people_ok, parents=(company,)))
    two_orphans = [obj("Tidy the shared drive", level="individual", person=10),
                   obj("Learn Rust", level="individual", person=7)]
    add("two orphans", population(*two_orphans), *((UNALIGNED, o.id) for o in two_orphans))
    margin = obj("Grow gross margin to 75%", level="company")
    add("a company objective needs no parent, but here nothing contributes to it",
        population(margin), (NO_CONTRIBUTORS, margin.id))
    gdpr = obj("Pass the external GDPR audit with no major findings", team="Legal",
               parent_key_result_ids=(logos.id,), parent_objective_ids=(dropped.id,))
    add("one link dropped with the strategy, one still in force",
        population(gdpr, parents=(company, dropped)))
    return out


EXAMPLES = _examples()
