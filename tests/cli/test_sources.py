"""``lineofsight sources list|sync [--id N]``."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from lineofsight.goals.models import CheckIn
from lineofsight.integrations.sources import actions
from lineofsight.integrations.sources.models import DataSource

from .. import source_servers as s
from ..okrs import build_cascade
from ..source_servers import SourceServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


def salesforce_source(cast, server, token):
    kr = build_cascade(cast).ava_legal
    source = actions.create_source(
        acting_user=cast.ava,
        key_result=kr,
        kind="salesforce",
        config={"instance": server.base, "report_id": s.SALESFORCE_REPORT},
        secret=token,
    )
    return kr, source


def test_list_and_sync(cast, run, server):
    kr, source = salesforce_source(cast, server, s.SALESFORCE_TOKEN)
    listed = run("sources", "list")
    assert "salesforce" in listed and kr.title[:40] in listed and s.SALESFORCE_TOKEN not in listed
    out = run("sources", "sync", "--id", str(source.pk))
    assert f"Source {source.pk}: recorded. Read 1250000.0: recorded." in out
    assert CheckIn.objects.get(key_result=kr).value == 1_250_000
    rows = json.loads(run("sources", "list", "--json"))
    assert rows[0]["last_value"] == 1_250_000 and "secret" not in rows[0]
    assert "unchanged" in run("sources", "sync")


def test_a_failing_sync_exits_with_an_error(cast, run, server):
    _, source = salesforce_source(cast, server, "expired-token")
    with pytest.raises(CommandError, match="1 of 1 sources failed"):
        run("sources", "sync", "--id", str(source.pk))
    assert "answered 401" in DataSource.objects.get().last_error


@pytest.mark.parametrize(
    ("value", "message"), [("x", "not a source id"), ("999", "no data source 999")]
)
def test_a_bad_id_names_the_argument(cast, run, value, message):
    with pytest.raises(CommandError, match=f"--id: .*{message}"):
        run("sources", "sync", "--id", value)
