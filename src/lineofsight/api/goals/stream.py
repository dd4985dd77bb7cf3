"""/api/cycles/{id}/stream: a whole cycle as the caller may see it, one objective per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router

from lineofsight.api.auth import caller
from lineofsight.api.errors import READ_ERRORS
from lineofsight.api.types import ParamId
from lineofsight.goals import selectors, stream
from lineofsight.people.models import Person

router = Router(tags=["cycles"])

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
LINES_PER_WRITE = 200


def ndjson(user: Person, cycle_id: int) -> Iterator[bytes]:
    """One JSON object per line, written out ``LINES_PER_WRITE`` lines at a time."""
    cycle = selectors.get_cycle_for_user(user, cycle_id)
    batch: list[str] = []
    for item in stream.cycle_objectives(user, cycle):
        batch.append(_encode(item))
        if len(batch) >= LINES_PER_WRITE:
            batch.append("")
            yield "\n".join(batch).encode()
            batch = []
    if batch:
        batch.append("")
        yield "\n".join(batch).encode()


@router.get(
    "/{id}/stream",
    response=READ_ERRORS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "Every objective of the cycle the caller may see, in id "
                "order, one JSON object per line (NDJSON) with its key_results: stored "
                "fields only (progress, latest reading, grades); instants in UTC.",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            }
        }
    },
)
def stream_cycle(request: HttpRequest, id: ParamId) -> Any:
    """The whole cycle for integrations, streamed: every objective the caller may see with
    its key results, one per line, read in chunks so that memory stays bounded."""
    user = caller(request)
    selectors.get_cycle_for_user(user, id)  # a missing cycle is a 404 before streaming
    response = StreamingHttpResponse(
        ndjson(user, id), content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="cycle-{id}.ndjson"'
    return response
