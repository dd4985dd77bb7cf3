"""``lineofsight okr export|import|template|schema``."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from lineofsight.goals.models import CheckIn, Objective

from ..integration.test_okr_graph import PRIVATE_TITLE, build_graph, wipe_okrs


def test_export_then_import_into_an_empty_organisation(cast, run, tmp_path):
    build_graph(cast)
    path = tmp_path / "graph.json"
    assert "Wrote the OKR graph to" in run("okr", "export", "-o", str(path))
    document = json.loads(path.read_text())
    assert PRIVATE_TITLE in path.read_text()
    as_pia = run("okr", "export", "--as", "pia@acme.test", "--cycle", "Q4 2026")
    assert PRIVATE_TITLE not in as_pia and json.loads(as_pia)["scope"]["view"] == "person"
    wipe_okrs()

    out = run("okr", "import", str(path), "--dry-run")
    assert f"Create objective {document['objectives'][0]['title']!r}" in out
    assert "[objectives[0]]" in out
    assert out.rstrip().endswith("Dry run: nothing was changed.")
    assert not Objective.objects.exists()
    out = run("okr", "import", str(path))
    assert out.rstrip().endswith("Imported.")
    assert CheckIn.objects.count() == len(document["check_ins"])
    assert "nothing to create or change" in run("okr", "import", str(path), "--dry-run")


def test_a_bad_file_names_its_problem_and_changes_nothing(cast, run, tmp_path):
    build_graph(cast)
    path = tmp_path / "graph.json"
    run("okr", "export", "-o", str(path))
    document = json.loads(path.read_text())
    document["key_results"][0]["owner"] = "ghost@acme.test"
    path.write_text(json.dumps(document))
    before = Objective.objects.count()
    with pytest.raises(CommandError) as info:
        run("okr", "import", str(path))
    assert "key_results[0].owner: no one here has the email 'ghost@acme.test'." in str(info.value)
    assert Objective.objects.count() == before
    with pytest.raises(CommandError, match="--cycle: there is no cycle 'Q9'"):
        run("okr", "export", "--cycle", "Q9")


def test_template_and_schema(cast, run, tmp_path):
    assert run("okr", "template", "--sheet", "key-results").startswith("cycle,objective_id,")
    book = tmp_path / "template.xlsx"
    run("okr", "template", "-o", str(book))
    assert book.read_bytes().startswith(b"PK")
    assert json.loads(run("okr", "schema"))["properties"]["version"] == {"const": 1}
