"""``lineofsight teams``: list (tree), add, move, set-lead, add-member, remove-member."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from lineofsight.people.models import Membership, Team


def test_list_prints_the_tree(cast, run):
    out = run("teams", "list")
    lines = out.splitlines()
    assert lines[0].startswith("Acme [acme] (company, lead cora")
    assert any(line.startswith("├── Engineering [engineering]") for line in lines)
    assert any(line.startswith("│   └── Platform [platform] (team, lead eli") for line in lines)
    assert any("└── Sales [sales] (department, lead sam" in line for line in lines)


def test_list_json_nests_children(cast, run):
    (acme,) = json.loads(run("teams", "list", "--json"))
    sales = next(t for t in acme["children"] if t["slug"] == "sales")
    assert [t["slug"] for t in sales["children"]] == ["enterprise-sales"]
    assert sales["children"][0]["members"] == 3 and sales["lead"] == "sam"


def test_add_a_team_with_a_lead(cast, run):
    out = run("teams", "add", "Mid-Market Sales", "--parent", "sales", "--lead", "pia")
    assert "Added team Mid-Market Sales [mid-market-sales] in Sales." in out
    team = Team.objects.get(slug="mid-market-sales")
    assert team.parent == cast.sales and team.path == cast.sales.subtree_prefix
    assert team.lead == cast.pia and Membership.objects.filter(team=team, person=cast.pia).exists()


def test_add_a_department_with_its_own_slug(cast, run):
    run("teams", "add", "Finance", "--kind", "department", "--parent", "acme", "--slug", "fin")
    assert Team.objects.get(slug="fin").kind == "department"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Ops"], "--parent: Choose the team or department"),
        (["Ops", "--parent", "nowhere"], "--parent: no team has the slug 'nowhere'"),
        (["Ops", "--parent", "acme", "--lead", "ghost"], "--lead: nobody has the username"),
        (["Ops", "--parent", "acme", "--slug", "sales"], "--slug: The slug 'sales' is taken"),
        (["Ops", "--parent", "acme", "--slug", "no spaces"], "--slug: Use letters"),
        (["  ", "--parent", "acme"], "NAME: Enter the team's name"),
        (["Ops", "--kind", "squad", "--parent", "acme"], "--kind.*invalid choice"),
        (["Holding", "--kind", "company"], "--kind: there is a company already \\(Acme\\)"),
    ],
)
def test_add_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("teams", "add", *args)


def test_move_re_paths_the_subtree(cast, run):
    assert "Moved Engineering into Sales." in run(
        "teams", "move", "engineering", "--parent", "sales"
    )
    platform = Team.objects.get(slug="platform")
    assert platform.ancestor_ids == [cast.acme.pk, cast.sales.pk, cast.engineering.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sales", "--parent", "enterprise-sales"], "--parent: A team cannot sit inside itself"),
        (["sales", "--parent", "sales"], "--parent: A team cannot sit inside itself"),
        (["acme", "--parent", "sales"], "SLUG: Acme is the company"),
        (["nowhere", "--parent", "sales"], "SLUG: no team has the slug 'nowhere'"),
        (["sales"], "--parent"),
    ],
)
def test_move_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("teams", "move", *args)


def test_set_lead_and_none(cast, run):
    assert "pia leads Enterprise Sales." in run("teams", "set-lead", "enterprise-sales", "pia")
    assert Team.objects.get(slug="enterprise-sales").lead == cast.pia
    assert "has no lead now" in run("teams", "set-lead", "legal", "--none")
    assert Team.objects.get(slug="legal").lead is None


def test_set_lead_refusals_change_nothing(cast, run, unchanged):
    with unchanged(), pytest.raises(CommandError, match="USERNAME: nobody has the username"):
        run("teams", "set-lead", "legal", "ghost")
    with unchanged(), pytest.raises(CommandError, match="SLUG: no team has the slug"):
        run("teams", "set-lead", "ghost-team", "otto")


def test_add_and_remove_members(cast, run):
    assert "Added otto to Platform." in run("teams", "add-member", "platform", "otto")
    assert Membership.objects.filter(team=cast.platform, person=cast.otto).exists()
    assert "already in Platform" in run("teams", "add-member", "platform", "otto")
    assert "Removed otto from Platform." in run("teams", "remove-member", "platform", "otto")
    assert not Membership.objects.filter(team=cast.platform, person=cast.otto).exists()


@pytest.mark.parametrize(
    ("sub", "args", "message"),
    [
        ("remove-member", ["platform", "eli"], "USERNAME: Eli Evans leads Platform"),
        ("remove-member", ["platform", "otto"], "USERNAME: otto is not a member of Platform"),
        ("add-member", ["platform", "ghost"], "USERNAME: nobody has the username 'ghost'"),
        ("add-member", ["ghost-team", "otto"], "SLUG: no team has the slug 'ghost-team'"),
    ],
)
def test_membership_refusals_change_nothing(cast, run, unchanged, sub, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("teams", sub, *args)


def test_the_company_comes_first(db, run):
    assert "No teams yet" in run("teams", "list")
    assert "Added company Acme [acme]." in run("teams", "add", "Acme", "--kind", "company")
    assert Team.objects.get().path == "/"
