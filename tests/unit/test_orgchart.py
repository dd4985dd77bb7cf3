"""Reading and planning an org-chart file, without a database: every kind of error names its
row and column, loops are refused with their rows, and the plan lists every change."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.people import orgchart, orgchart_plan
from lineofsight.people.orgchart import FileProblems
from lineofsight.people.orgchart_plan import Org, OrgPerson, OrgTeam

HEADER = "email,name,manager_email,team_path,title,hr,start_date,active"


def table(*lines: str, header: str = HEADER) -> orgchart.Table:
    return orgchart.read_table(("\n".join([header, *lines]) + "\n").encode())


def problems(*lines: str, header: str = HEADER, org: Org | None = None) -> list[str]:
    sheet, found = orgchart.parse(table(*lines, header=header))
    if found:
        return [str(p) for p in found]
    plan = orgchart_plan.plan(sheet, org or empty_org())
    return [str(p) for p in plan.problems]


def empty_org() -> Org:
    return Org(name="Acme", people=[], teams=[])


def person(pk: int, email: str, name: str, manager: int | None = None, **kw: object) -> OrgPerson:
    defaults: dict[str, object] = {
        "username": email.split("@")[0],
        "title": "",
        "hr": False,
        "superuser": False,
        "start_date": dt.date(2024, 1, 1),
        "active": True,
        "team_ids": frozenset(),
    }
    defaults.update(kw)
    return OrgPerson(id=pk, email=email, name=name, manager_id=manager, **defaults)  # type: ignore[arg-type]


def small_org() -> Org:
    teams = [
        OrgTeam(1, "Acme", None, "company", 10),
        OrgTeam(2, "Engineering", 1, "department", 11),
        OrgTeam(3, "Platform", 2, "team", None),
    ]
    people = [
        person(10, "cora@acme.test", "Cora Chen", title="CEO", team_ids=frozenset({1})),
        person(11, "eli@acme.test", "Eli Evans", 10, team_ids=frozenset({2})),
        person(12, "dev@acme.test", "Dev Diaz", 11, title="Engineer", team_ids=frozenset({3})),
    ]
    return Org(name="Acme", people=people, teams=teams)


def plan_of(*lines: str, org: Org | None = None, **kw: object) -> orgchart_plan.Plan:
    sheet, found = orgchart.parse(table(*lines))
    assert not found, found
    return orgchart_plan.plan(sheet, org or small_org(), **kw)  # type: ignore[arg-type]


# -- the header -----------------------------------------------------------------------------


def test_an_unknown_column_is_named():
    found = problems("a@x.test,A", header="email,name,salary")
    assert found == [
        "Row 1, salary: unknown column; the columns are email, name, manager_email, "
        "team_path, title, hr, start_date, active."
    ]


def test_a_missing_required_column_is_named():
    assert problems("A", header="name") == ["Row 1, email: missing column; every file needs it."]


def test_a_column_twice_is_refused():
    assert problems("a@x.test,A,B", header="email,name,name") == [
        "Row 1, name: the column appears twice."
    ]


def test_headers_are_read_loosely():
    sheet, found = orgchart.parse(table("a@x.test,A", header="Email, Name "))
    assert not found and sheet.rows[0].name == "A"


def test_an_empty_file_is_refused():
    with pytest.raises(FileProblems, match="The file is empty"):
        orgchart.read_table(b"  \n")


def test_a_file_that_is_neither_text_nor_a_workbook_is_refused():
    with pytest.raises(FileProblems, match="neither UTF-8"):
        orgchart.read_table(b"\xff\xfe\x00garbage\x81")


# -- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("not-an-email,A,,,,,,", "Row 2, email: 'not-an-email' is not an email address."),
        (",A,,,,,,", "Row 2, email: enter the person's email."),
        ("a@x.test,,,,,,,", "Row 2, name: enter the person's name."),
        ("a@x.test,A,boss,,,,,", "Row 2, manager_email: 'boss' is not an email address."),
        ("a@x.test,A,A@x.test,,,,,", "Row 2, manager_email: a person cannot be their own manager."),
        ("a@x.test,A,,,,maybe,,", "Row 2, hr: 'maybe' is not yes or no."),
        ("a@x.test,A,,,,,,sometimes", "Row 2, active: 'sometimes' is not yes or no."),
        (
            "a@x.test,A,,,,,14/03/2021,",
            "Row 2, start_date: '14/03/2021' is not a date; use YYYY-MM-DD.",
        ),
        (
            "a@x.test,A,,Eng // Platform,,,,",
            "Row 2, team_path: 'Eng // Platform' has an empty team name between slashes.",
        ),
    ],
)
def test_each_bad_cell_names_its_row_and_column(line, expected):
    assert problems(line) == [expected]


def test_a_date_out_of_range_is_refused():
    (found,) = problems("a@x.test,A,,,,,1066-10-14,")
    assert found.startswith("Row 2, start_date:")


def test_a_duplicate_email_names_the_first_row():
    found = problems("a@x.test,A,,,,,,", "b@x.test,B,,,,,,", "A@X.test,A again,,,,,,")
    assert found == ["Row 4, email: a@x.test is also on row 2; one row per person."]


def test_a_manager_nobody_has_is_named():
    found = problems("a@x.test,A,ghost@x.test,,,,,")
    assert found == [
        "Row 2, manager_email: nobody in the file or the organisation has the email ghost@x.test."
    ]


def test_every_problem_of_the_file_is_reported_at_once():
    found = problems("bad,A,,,,,,", "b@x.test,,,,,nope,,")
    assert found == [
        "Row 2, email: 'bad' is not an email address.",
        "Row 3, name: enter the person's name.",
        "Row 3, hr: 'nope' is not yes or no.",
    ]


def test_yes_no_and_dates_are_read():
    sheet, _ = orgchart.parse(table("a@x.test,A,,,,Yes,2021-03-14,n"))
    row = sheet.rows[0]
    assert (row.hr, row.start_date, row.active) == (True, dt.date(2021, 3, 14), False)


def test_a_formula_guard_is_taken_off():
    sheet, _ = orgchart.parse(table("a@x.test,'=Eve,,,,,,"))
    assert sheet.rows[0].name == "=Eve"


def test_semicolons_separate_the_cells_when_the_file_uses_them():
    data = b"email;name;title\na@x.test;Ann;Chief, Things\n"
    sheet, found = orgchart.parse(orgchart.read_table(data))
    assert not found and sheet.rows[0].title == "Chief, Things"


# -- loops ----------------------------------------------------------------------------------


def test_a_loop_in_the_file_lists_its_rows():
    found = problems(
        "a@x.test,A,c@x.test,,,,,",
        "b@x.test,B,a@x.test,,,,,",
        "c@x.test,C,b@x.test,,,,,",
        "d@x.test,D,,,,,,",
    )
    assert found == [
        "Row 2, manager_email: these rows make a loop in the reporting line: row 2, row 4, row 3."
    ]


def test_a_loop_through_the_organisation_is_refused():
    # Cora manages Eli, who manages Dev: Cora reporting to Dev closes a loop.
    found = problems(
        "cora@acme.test,Cora Chen,dev@acme.test", header="email,name,manager_email", org=small_org()
    )
    assert len(found) == 1
    assert found[0].startswith("Row 2, manager_email: these rows make a loop")
    assert "row 2" in found[0] and "Dev Diaz" in found[0] and "Eli Evans" in found[0]


def test_two_people_managing_each_other_is_a_loop():
    found = problems("a@x.test,A,b@x.test,,,,,", "b@x.test,B,a@x.test,,,,,")
    assert found == [
        "Row 2, manager_email: these rows make a loop in the reporting line: row 2, row 3."
    ]


# -- the plan -------------------------------------------------------------------------------


def test_the_plan_lists_creates_changes_and_moves():
    plan = plan_of(
        "cora@acme.test,Cora Chen,,Acme,CEO,no,2024-01-01,yes",
        "eli@acme.test,Eli Evans,cora@acme.test,Engineering,Engineering Manager,no,2024-01-01,yes",
        "dev@acme.test,Dev Diaz,cora@acme.test,Engineering / Storage,Engineer,yes,2024-01-01,yes",
        "new@acme.test,Nia New,dev@acme.test,Engineering / Storage,Engineer,no,2025-02-03,yes",
    )
    assert plan.ok, plan.problems
    steps = [(s.kind, s.row, s.who, s.field, s.old, s.new) for s in plan.steps]
    assert steps == [
        ("new_team", None, "Engineering / Storage", "", "", ""),
        ("change", 3, "eli@acme.test", "title", "", "Engineering Manager"),
        ("change", 4, "dev@acme.test", "hr", "no", "yes"),
        ("move", 4, "dev@acme.test", "manager", "eli@acme.test", "cora@acme.test"),
        (
            "move",
            4,
            "dev@acme.test",
            "team_path",
            "Engineering / Platform",
            "Engineering / Storage",
        ),
        (
            "create",
            5,
            "new@acme.test",
            "",
            "",
            "manager dev@acme.test, in Engineering / Storage, Engineer",
        ),
    ]
    assert plan.new_teams == [(("Engineering", "Storage"), 2)]
    assert plan.updates[12] == {"is_hr_admin": True, "is_staff": True}
    assert plan.managers == {12: 10, "new@acme.test": 12}
    assert plan.leaves == [(12, 3)]


def test_a_column_left_out_changes_nothing():
    plan = plan_of_columns("email,name", "dev@acme.test,Dev Diaz")
    assert plan.ok and plan.steps == []


def plan_of_columns(header: str, *lines: str, **kw: object) -> orgchart_plan.Plan:
    sheet, found = orgchart.parse(table(*lines, header=header))
    assert not found
    return orgchart_plan.plan(sheet, small_org(), **kw)  # type: ignore[arg-type]


def test_missing_people_are_deactivated_only_when_asked():
    header = "email,name"
    assert plan_of_columns(header, "dev@acme.test,Dev Diaz").count("deactivate") == 0
    plan = plan_of_columns(header, "dev@acme.test,Dev Diaz", deactivate_missing=True, acting_id=10)
    assert [(s.kind, s.who) for s in plan.steps] == [("deactivate", "eli@acme.test")]
    assert plan.deactivations == [11]
    assert plan.notes == [
        "You are not in the file; you stay active (nobody deactivates themselves)."
    ]


def test_taking_a_lead_out_of_their_team_is_refused():
    plan = plan_of_columns("email,name,team_path", "eli@acme.test,Eli Evans,")
    assert [str(p) for p in plan.problems] == [
        "Row 2, team_path: Eli Evans leads Engineering; choose a new lead for it before "
        "taking them out of it."
    ]


def test_an_empty_organisation_gets_its_company_and_nested_teams():
    plan = plan_of(
        "a@x.test,Ann,,Engineering / Platform / Storage,,,,",
        "b@x.test,Bo,a@x.test,Engineering,,,,",
        org=empty_org(),
    )
    assert plan.new_teams == [
        (("Engineering",), ()),
        (("Engineering", "Platform"), ("Engineering",)),
        (("Engineering", "Platform", "Storage"), ("Engineering", "Platform")),
    ]
    assert plan.notes[0].startswith("The organisation has no teams yet: 'Acme' is created")
    assert plan.count("create") == 2


def test_the_digest_follows_the_plan():
    one = plan_of("dev@acme.test,Dev Diaz,eli@acme.test,,Engineer,,,")
    same = plan_of("dev@acme.test,Dev Diaz,eli@acme.test,,Engineer,,,")
    other = plan_of("dev@acme.test,Dev Diaz,cora@acme.test,,Engineer,,,")
    assert one.digest == same.digest != other.digest


def test_export_rows_round_trip_through_the_plan():
    org = small_org()
    data = orgchart.to_csv(orgchart_plan.export_rows(org))
    sheet, found = orgchart.parse(orgchart.read_table(data))
    assert not found
    plan = orgchart_plan.plan(sheet, org)
    assert plan.ok and plan.steps == []


def test_xlsx_is_read_like_csv():
    rows = [["a@x.test", "=Ann", "", "Eng / Core", "Lead", "yes", "2021-03-14", "yes"]]
    data = orgchart.to_xlsx(rows)
    sheet, found = orgchart.parse(orgchart.read_table(data, "people.xlsx"))
    assert not found
    row = sheet.rows[0]
    assert (row.email, row.name, row.team_paths, row.hr) == (
        "a@x.test",
        "=Ann",
        (("Eng", "Core"),),
        True,
    )


def test_a_broken_workbook_is_refused():
    with pytest.raises(FileProblems, match="not an Excel workbook"):
        orgchart.read_table(b"PK\x03\x04 not really a zip")


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    data = b'email,name,title\n\na@x.test,Ann,"two\nlines"\nbad,Bo,\n'
    sheet, found = orgchart.parse(orgchart.read_table(data))
    assert [str(p) for p in found] == ["Row 4, email: 'bad' is not an email address."]
    assert sheet.rows[0].number == 3
