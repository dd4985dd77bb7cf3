"""Fuzz every endpoint from the API's own OpenAPI schema, loaded from the WSGI app.

For each operation, Schemathesis generates requests from the schema (valid ones, and ones
that break it on purpose) and sends them in-process, with a personal token of an ordinary
employee (Ava), over the named cast and the small cascade. Every answer must be free of
server errors and match the schema: a documented status code, content type and body; and
every request that breaks the schema must be refused.

Random integers rarely name a row that exists, so in the valid requests most ids (in the
path, the query and the body) are drawn from the ids of the rows the fixtures made: the
requests then reach real objectives, key results and people, visible or not, editable or
not. Generation is derandomized and bounded, so runs are repeatable and quick.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lineofsight.api.api import api
from lineofsight.core import tokens
from lineofsight.core.models import ApiToken
from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, CheckIn, Cycle, Initiative, KeyResult, Objective
from lineofsight.people.models import Person, Team
from lineofsight.wsgi import application

from ..okrs import build_cascade

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,  # requests that break the schema are refused (4xx)
]
EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 10}
REFERENCES = {
    "id",
    "cycle",
    "owner",
    "owner_person",
    "owner_team",
    "objective",
    "key_result",
    "child",
    "parent_objective",
    "parent_key_result",
    "aligned_to",
    "author",
    "manager",
    "team",
    "parent",
}

# Which operations exist is read from the API object (listing them needs no database); the
# schema the requests are generated from is fetched over WSGI by the first test that needs it.
OPERATIONS = sorted(
    (path, method.upper())
    for path, item in api.get_openapi_schema(path_params={})["paths"].items()
    for method in item
)


def _known_ids(data: st.DataObject, known: st.SearchStrategy[int], values: Any) -> None:
    """Point most integer references of a valid request at rows the fixtures made."""
    if isinstance(values, dict):
        for key, value in values.items():
            if key in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
                if data.draw(st.integers(0, 3)):
                    values[key] = data.draw(known)
            elif isinstance(value, dict | list):
                _known_ids(data, known, value)
    elif isinstance(values, list):
        for item in values:
            _known_ids(data, known, item)


def fixture_ids() -> list[int]:
    """The ids of every row the fixtures made (they differ between database engines)."""
    models = [Objective, KeyResult, CheckIn, AlignmentLink, Initiative, Cycle, Person, Team]
    models.append(ApiToken)
    return sorted({pk for model in models for pk in model.objects.values_list("pk", flat=True)})


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests sent straight to the WSGI app would close the database connection at their
    start and end (the test's transaction with it); Django's test client avoids that the
    same way: by not closing connections between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(cast, wsgi_in_test_transaction) -> str:
    c = build_cascade(cast)
    actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=12, confidence="on_track"
    )
    actions.create_initiative(
        acting_user=cast.ava, key_result=c.ava_opps, title="Outbound", owner=cast.ava
    )
    for name in ("laptop", "spreadsheet"):  # so that revoking a random id rarely hits ours
        tokens.create_token(acting_user=cast.ava, person=cast.ava, name=name)
    _, secret = tokens.create_token(acting_user=cast.ava, person=cast.ava, name="fuzzing")
    return secret


def fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    known = st.sampled_from(fixture_ids())

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, data: st.DataObject) -> None:
        if mode is GenerationMode.POSITIVE:
            _known_ids(data, known, case.path_parameters)
            _known_ids(data, known, case.query)
            _known_ids(data, known, case.body)
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@functools.cache
def served_schema() -> Any:
    """The schema as the API serves it, fetched over WSGI once per process: building it takes
    seconds, and it is the same for every operation."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_endpoint_never_fails_and_matches_the_schema(path, method, fuzz_token):
    operation = served_schema()[path][method]
    for mode in EXAMPLES:
        fuzz(operation, mode, {"Authorization": f"Bearer {fuzz_token}"})
