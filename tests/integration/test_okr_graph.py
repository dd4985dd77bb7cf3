"""The OKR graph's export and import: the JSON format against its schema, a round trip into
an empty organisation, re-imports that update, what a person's export leaves out, the
spreadsheets, and bad files that name their problem and change nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from lineofsight.core.errors import NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions, rollup
from lineofsight.goals.exchange import apply as exchange
from lineofsight.goals.exchange import graph, spreadsheet
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
    ObjectiveRevision,
)

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

PRIVATE_TITLE = "Move to the healthcare territory"


def build_graph(cast: Any) -> Any:
    c = build_cascade(cast)
    private = actions.create_objective(
        acting_user=cast.ava,
        title=PRIVATE_TITLE,
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=private,
        title="8 healthcare discovery calls",
        kind="increase",
        start_value=0,
        target_value=8,
        owner=cast.ava,
    )
    actions.record_check_in(acting_user=cast.ava, key_result=kr, value=3, confidence="at_risk")
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=12, confidence="on_track", note="ok"
    )
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_closes, value=2, confidence="at_risk"
    )
    actions.create_initiative(
        acting_user=cast.ava, key_result=c.ava_opps, title="Outbound campaign", owner=cast.ava
    )
    actions.update_objective(
        acting_user=cast.ava,
        objective=c.ava_obj,
        title="Build and close my pipeline",
        reason="Closer to what the team asks of me.",
    )
    return c


def export(user: Any = None, cycle: Cycle | None = None) -> dict[str, Any]:
    data = b"".join(exchange.export_stream(acting_user=user, cycle=cycle))
    document = json.loads(data)
    Draft202012Validator(graph.schema()).validate(document)
    return document


def wipe_okrs() -> None:
    Objective.objects.all().delete()
    Cycle.objects.filter(parent__isnull=False).delete()
    Cycle.objects.all().delete()


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The graph without what belongs to one installation: ids become section and position."""
    names: dict[str, str] = {}
    for section in graph.SECTIONS:
        for n, item in enumerate(document[section]):
            names[item["id"]] = f"{section}#{n}"
    out: dict[str, Any] = {}
    for section in graph.SECTIONS:
        rows = []
        for item in document[section]:
            row = {k: (names.get(v, v) if isinstance(v, str) else v) for k, v in item.items()}
            rows.append(row)
        out[section] = rows
    return out


def test_every_export_follows_the_schema_and_a_round_trip_gives_the_same_graph(cast):
    build_graph(cast)
    first = export()
    assert first["format"] == "lineofsight.okr-graph" and first["version"] == 1
    assert {len(first[s]) > 0 for s in graph.SECTIONS} == {True}
    titles = {o["title"] for o in first["objectives"]}
    assert PRIVATE_TITLE in titles and "Build and close my pipeline" in titles

    wipe_okrs()
    assert not Objective.objects.exists()
    plan = exchange.apply_import(
        acting_user=cast.hana, data=json.dumps(first).encode(), filename="graph.json"
    )
    assert plan.count("create", "objectives") == len(first["objectives"])
    again = export()
    assert normalised(again) == normalised(first)
    differences, checked = rollup.verify()
    assert differences == [] and checked > 0
    event = AuditEvent.objects.filter(action="okr_graph.import").get()
    assert event.actor == cast.hana
    assert event.data["created"]["check_ins"] == len(first["check_ins"])


def test_the_streamed_file_says_what_the_export_holds(cast):
    build_graph(cast)
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=KeyResult.objects.get(title="8 healthcare discovery calls"),
        value=4.5,
        confidence="on_track",
        note='Café "quoted" \\ line\nbreak — ok',
    )
    streamed = export()
    built = graph.export_document(graph.Scope())
    for document in (streamed, built):
        del document["exported_at"]
    assert streamed == built
    assert any(c["note"].startswith("Café") for c in streamed["check_ins"])


def test_a_reimport_updates_instead_of_duplicating(cast):
    build_graph(cast)
    first = export()
    wipe_okrs()
    data = json.dumps(first).encode()
    exchange.apply_import(acting_user=cast.hana, data=data)
    counts = (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())

    plan = exchange.dry_run(acting_user=cast.hana, data=data)
    assert plan.ok and plan.steps == []
    changed = copy.deepcopy(first)
    changed["objectives"][0]["title"] = "Grow ARR from $12M to $20M"
    changed["key_results"][0]["target_value"] = 45.0
    plan = exchange.dry_run(acting_user=cast.hana, data=json.dumps(changed).encode())
    assert [(s.action, s.field, s.old, s.new) for s in plan.steps] == [
        ("change", "title", "Grow ARR from $12M to $18M", "Grow ARR from $12M to $20M"),
        ("change", "target_value", "40", "45"),
    ]
    assert plan.steps[0].where == "objectives[0].title"
    exchange.apply_import(acting_user=cast.hana, data=json.dumps(changed).encode())
    assert (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count()) == (
        counts
    )
    company = Objective.objects.get(title="Grow ARR from $12M to $20M")
    latest = ObjectiveRevision.objects.filter(objective=company).order_by("-number").first()
    assert latest is not None and latest.title == company.title and latest.number >= 2
    assert rollup.verify()[0] == []


def test_an_installation_reimporting_its_own_export_changes_nothing(cast):
    build_graph(cast)
    data = b"".join(exchange.export_stream(acting_user=None))
    plan = exchange.dry_run(acting_user=cast.hana, data=data)
    assert plan.ok and plan.steps == []
    before = Objective.objects.count()
    exchange.apply_import(acting_user=cast.hana, data=data)
    assert Objective.objects.count() == before


def test_a_person_exports_only_what_they_may_see(cast):
    build_graph(cast)
    as_pia = export(cast.pia)
    text = json.dumps(as_pia)
    assert PRIVATE_TITLE not in text
    assert "8 healthcare discovery calls" not in text
    assert as_pia["scope"] == {"cycle": None, "view": "person", "person": "pia@acme.test"}
    assert "Build and close my pipeline" in text
    as_ava = json.dumps(export(cast.ava))
    assert PRIVATE_TITLE in as_ava
    assert PRIVATE_TITLE in json.dumps(export(cast.hana))


def test_an_export_by_cycle_holds_that_cycle(cast):
    build_graph(cast)
    q4 = export(cycle=cast.q4)
    cycles = {c["id"]: c["name"] for c in q4["cycles"]}
    assert sorted(cycles.values()) == ["FY 2026", "Q4 2026"]
    assert {cycles[o["cycle"]] for o in q4["objectives"]} == {"Q4 2026"}
    assert "Grow ARR from $12M to $18M" not in {o["title"] for o in q4["objectives"]}
    fy = export(cycle=cast.fy)
    assert len(fy["objectives"]) == Objective.objects.count()


def test_only_hr_imports(cast):
    build_graph(cast)
    data = json.dumps(export()).encode()
    with pytest.raises(NotAllowed):
        exchange.dry_run(acting_user=cast.sam, data=data)
    with pytest.raises(NotAllowed):
        exchange.apply_import(acting_user=cast.ava, data=data)


def refused(cast: Any, data: bytes, filename: str = "") -> list[str]:
    counts = [m.objects.count() for m in (Objective, KeyResult, CheckIn, AlignmentLink, Cycle)]
    with pytest.raises(exchange.ImportRefused) as info:
        exchange.apply_import(acting_user=cast.hana, data=data, filename=filename)
    after = [m.objects.count() for m in (Objective, KeyResult, CheckIn, AlignmentLink, Cycle)]
    assert after == counts
    assert not AuditEvent.objects.filter(action="okr_graph.import").exists()
    return [str(p) for p in info.value.plan.problems]


@pytest.fixture
def document(cast: Any) -> dict[str, Any]:
    build_graph(cast)
    document = export()
    wipe_okrs()
    return document


def test_broken_json_is_refused(cast, document):
    text = json.dumps(document)[:-40]
    problems = refused(cast, text.encode(), "graph.json")
    assert len(problems) == 1 and problems[0].startswith("The file is not valid JSON")


def test_schema_violations_name_their_path(cast, document):
    document["objectives"][1]["level"] = "galactic"
    del document["key_results"][2]["owner"]
    document["alignment_links"][0]["colour"] = "red"
    problems = refused(cast, json.dumps(document).encode())
    assert any(p.startswith("objectives[1].level: \"galactic\" is not one of") for p in problems)
    assert "key_results[2].owner: this field is required." in problems
    assert any(p.startswith("alignment_links[0]: Fields are not allowed") for p in problems)


def test_an_unknown_owner_names_the_field(cast, document):
    document["objectives"][2]["owner"] = {"person": "nobody@acme.test"}
    document["key_results"][1]["owner"] = "ghost@acme.test"
    document["objectives"][0]["owner"] = {"team": "Sales / Nowhere"}
    problems = refused(cast, json.dumps(document).encode())
    assert "objectives[2].owner: no one here has the email 'nobody@acme.test'." in problems
    assert "key_results[1].owner: no one here has the email 'ghost@acme.test'." in problems
    assert "objectives[0].owner: there is no team 'Sales / Nowhere' here." in problems


def test_duplicate_ids_are_refused(cast, document):
    document["key_results"][3]["id"] = document["key_results"][0]["id"]
    problems = refused(cast, json.dumps(document).encode())
    first = document["key_results"][0]["id"]
    assert f"key_results[3].id: {first!r} is also the id of key_results[0]." in problems


def test_an_alignment_loop_is_refused(cast, document):
    link = next(li for li in document["alignment_links"] if li["parent_objective"])
    document["alignment_links"].append(
        {
            "id": "loop-1",
            "child": link["parent_objective"],
            "parent_objective": link["child"],
            "kind": "contributes",
            "weight": 1,
        }
    )
    problems = refused(cast, json.dumps(document).encode())
    assert any("makes an alignment loop" in p for p in problems), problems


def test_a_reference_to_nothing_is_refused(cast, document):
    document["check_ins"][0]["key_result"] = "key-result-99999"
    problems = refused(cast, json.dumps(document).encode())
    assert (
        "check_ins[0].key_result: 'key-result-99999' is neither in the file's key results nor "
        "imported before." in problems
    )


def test_bad_figures_are_refused(cast, document):
    document["key_results"][0]["target_value"] = document["key_results"][0]["start_value"]
    document["check_ins"][0]["value"] = None
    problems = refused(cast, json.dumps(document).encode())
    assert any(p.startswith("key_results[0].target_value: The target equals") for p in problems)
    assert "check_ins[0].value: Enter the current value." in problems


# -- spreadsheets ------------------------------------------------------------------------------


def test_the_spreadsheets_round_trip_objectives_key_results_and_check_ins(cast):
    build_graph(cast)
    book = b"".join(exchange.export_stream(acting_user=None, fmt="xlsx"))
    before = export()
    # Imported back into this installation: its ids name the rows here, nothing changes.
    plan = exchange.dry_run(acting_user=cast.hana, data=book, filename="okrs.xlsx")
    assert plan.ok, plan.problems
    assert plan.steps == []

    wipe_okrs()
    for cycle in before["cycles"]:
        actions.create_cycle(
            acting_user=None,
            name=cycle["name"],
            kind=cycle["kind"],
            start_date=__import__("datetime").date.fromisoformat(cycle["start_date"]),
            end_date=__import__("datetime").date.fromisoformat(cycle["end_date"]),
            parent=Cycle.objects.filter(name="FY 2026").first() if cycle["parent"] else None,
        )
    plan = exchange.apply_import(acting_user=cast.hana, data=book, filename="okrs.xlsx")
    after = export()
    assert sorted(o["title"] for o in after["objectives"]) == sorted(
        o["title"] for o in before["objectives"]
    )
    assert sorted((k["title"], k["target_value"]) for k in after["key_results"]) == sorted(
        (k["title"], k["target_value"]) for k in before["key_results"]
    )
    assert len(after["check_ins"]) == len(before["check_ins"])
    assert rollup.verify()[0] == []
    # Imported a second time, it updates what the first import made.
    again = exchange.dry_run(acting_user=cast.hana, data=book, filename="okrs.xlsx")
    assert again.ok and again.count("create") == 0


def test_a_spreadsheet_row_with_a_bad_number_names_its_row_and_column(cast):
    build_graph(cast)
    header = ",".join(spreadsheet.KR_COLUMNS)
    row = (
        "Q4 2026,,Win healthcare,,individual,ava@acme.test,,,,,,,,,,Calls,increase,calls,0,"
        "lots,,,,,"
    )
    problems = refused(cast, f"{header}\n{row}\n".encode(), "okrs.csv")
    assert problems == ["Row 2, target_value: 'lots' is not a number."]


def test_a_spreadsheet_with_an_unknown_owner_names_its_row(cast):
    build_graph(cast)
    header = ",".join(spreadsheet.KR_COLUMNS)
    row = (
        "Q4 2026,,Win healthcare,,individual,zed@acme.test,,,,,,,,,,Calls,increase,calls,0,"
        "8,,,,,"
    )
    problems = refused(cast, f"{header}\n{row}\n".encode(), "okrs.csv")
    assert problems == ["Row 2, owner_email: no one here has the email 'zed@acme.test'."]


def test_the_templates_read_back(cast):
    book = exchange.template("xlsx")
    import io

    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(book), read_only=True).sheetnames
    assert sheets == ["Key results", "Check-ins"]
    text = exchange.template("csv").decode()
    assert text.splitlines()[0] == ",".join(spreadsheet.KR_COLUMNS)
    assert "Qualify 25 enterprise opportunities" in text
    # The example names people who are not here: the dry-run says so, by row and column.
    plan = exchange.dry_run(acting_user=cast.hana, data=book, filename="template.xlsx")
    assert "Key results row 2, owner_email: no one here has the email 'ada@example.com'." in [
        str(p) for p in plan.problems
    ]
