"""Data sources end to end, against local stand-ins of each system (``source_servers``) and
SQLite files: each kind reads the right number and records it as a check-in with its
provenance; identical readings record nothing; failures write nothing, are kept on the
source, tell its owner and pause it; secrets never leave the encrypted column; the schedule
picks due sources only; bad input names its field and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions as goals
from lineofsight.goals.models import CheckIn
from lineofsight.integrations.models import Notification
from lineofsight.integrations.sources import actions, reading, tasks
from lineofsight.integrations.sources.models import DataSource, DataSourceReading

from .. import source_servers as s
from ..source_servers import SourceServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


@pytest.fixture
def kr(cast):
    objective = goals.create_objective(
        acting_user=cast.ava,
        title="Grow self-serve sign-ups",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
    )
    return goals.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Reach 2,000,000 in the metric",
        kind="increase",
        start_value=0,
        target_value=2_000_000,
        owner=cast.ava,
    )


@pytest.fixture
def sqlite_file(tmp_path, settings):
    settings.DATA_SOURCE_SQLITE_DIRS = [str(tmp_path)]
    path = tmp_path / "warehouse.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL, region TEXT)")
    db.executemany(
        "INSERT INTO orders (amount, region) VALUES (?, ?)",
        [(100.5, "emea"), (200, "emea"), (50, "apac")],
    )
    db.commit()
    db.close()
    return path


def connect(cast, kr, kind, secret="", **config):
    return actions.create_source(
        acting_user=cast.ava, key_result=kr, kind=kind, config=config, secret=secret
    )


def everything():
    return (
        CheckIn.objects.count(),
        DataSourceReading.objects.count(),
        list(DataSource.objects.values_list("pk", "config", "state")),
    )


# -- each kind reads the right number ----------------------------------------------------------


def test_json_source_reads_the_number_with_its_header_and_records_a_check_in(cast, kr, server):
    source = connect(
        cast,
        kr,
        "http_json",
        secret=s.API_KEY,
        url=server.url("/metrics.json"),
        json_path="$.data.signups.total",
        header_name="X-Api-Key",
    )
    result = actions.sync_source(acting_user=cast.ava, source=source)
    assert result.outcome == "recorded" and result.value == 1234
    assert server.last().headers["x-api-key"] == s.API_KEY
    check_in = CheckIn.objects.get(pk=result.check_in_id)
    assert check_in.value == 1234 and check_in.author == cast.ava
    assert check_in.note.startswith("From JSON at 127.0.0.1/metrics.json: $.data.signups.total.")
    provenance = check_in.source_reading
    assert (provenance.source, provenance.raw_value, provenance.trigger) == (source, "1234", "sync")
    kr.refresh_from_db()
    assert kr.current_value == 1234


def test_csv_source_reads_the_last_row_or_the_matching_one(cast, kr, server):
    source = connect(cast, kr, "csv", url=server.url("/report.csv"), column="signups")
    assert actions.run(source.pk, trigger="cli").value == 112
    actions.update_source(
        acting_user=cast.ava,
        source=source,
        config={"row": "match", "match_column": "region", "match_value": "apac"},
    )
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "recorded" and result.value == 41
    assert "the row where region = apac" in CheckIn.objects.get(pk=result.check_in_id).note


def test_jira_source_counts_issues_through_the_documented_search(cast, kr, server):
    source = connect(
        cast, kr, "jira", secret=s.JIRA_TOKEN, site=server.base, email=s.JIRA_EMAIL, jql=s.JIRA_JQL
    )
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "recorded" and result.value == 17
    asked = server.last()
    assert asked.method == "GET" and asked.path == "/rest/api/3/search"
    assert asked.query == {"jql": [s.JIRA_JQL], "maxResults": ["0"]}
    assert asked.headers["authorization"].startswith("Basic ")
    assert CheckIn.objects.get(pk=result.check_in_id).note.startswith(
        f"From Jira: JQL {s.JIRA_JQL}."
    )


def test_salesforce_source_reads_the_reports_grand_total(cast, kr, server):
    source = connect(
        cast,
        kr,
        "salesforce",
        secret=s.SALESFORCE_TOKEN,
        instance=server.base,
        report_id=s.SALESFORCE_REPORT,
    )
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "recorded" and result.value == 1_250_000
    asked = server.last()
    assert asked.path == f"/services/data/v61.0/analytics/reports/{s.SALESFORCE_REPORT}"
    assert asked.headers["authorization"] == f"Bearer {s.SALESFORCE_TOKEN}"


def test_hubspot_source_reads_the_search_total(cast, kr, server):
    groups = [{"filters": [{"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"}]}]
    source = connect(
        cast,
        kr,
        "hubspot",
        secret=s.HUBSPOT_TOKEN,
        base_url=server.base,
        object_type="deals",
        filters=json.dumps(groups),
    )
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "recorded" and result.value == 42
    asked = server.last()
    assert (asked.method, asked.path) == ("POST", "/crm/v3/objects/deals/search")
    assert json.loads(asked.body)["filterGroups"] == groups
    assert asked.headers["authorization"] == f"Bearer {s.HUBSPOT_TOKEN}"


def test_sql_source_reads_one_scalar_from_a_sqlite_file(cast, kr, sqlite_file):
    source = connect(
        cast,
        kr,
        "sql",
        secret=f"sqlite:///{sqlite_file}",
        query="WITH e AS (SELECT amount FROM orders WHERE region = 'emea') "
        "SELECT sum(amount) FROM e",
    )
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "recorded" and result.value == 300.5


def test_sqlite_is_opened_read_only_even_for_a_statement_past_the_check(sqlite_file):
    with pytest.raises(reading.ReadError, match="readonly|read-only|query_only"):
        reading._sqlite_rows(str(sqlite_file), "INSERT INTO orders (amount) VALUES (1)", 5)
    assert sqlite3.connect(sqlite_file).execute("SELECT count(*) FROM orders").fetchone() == (3,)


if os.environ.get("DATABASE_URL", "").startswith("postgres"):

    def test_sql_source_reads_from_postgresql_in_a_read_only_transaction(cast, kr):
        # Another database of the same server (the product refuses its own): the server's
        # maintenance database, which every PostgreSQL server has.
        address = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit(address._replace(path="/postgres"))
        assert connection.settings_dict["NAME"] != "postgres"
        source = connect(cast, kr, "sql", secret=url, query="SELECT 40 + 2 AS n")
        assert actions.run(source.pk, trigger="cli").value == 42
        parsed = reading.dj_database_url.parse(url)
        with pytest.raises(reading.ReadError, match="read-only"):
            reading._postgres_rows(parsed, "CREATE TABLE los_source_probe (n int)", 5)


# -- identical readings, failures, pausing -----------------------------------------------------


def test_an_identical_reading_records_no_second_check_in(cast, kr, server):
    source = connect(
        cast, kr, "http_json", url=server.url("/open.json"), json_path="$.data.signups.total"
    )
    assert actions.run(source.pk, trigger="cli").outcome == "recorded"
    before = CheckIn.objects.filter(key_result=kr).count()
    again = actions.run(source.pk, trigger="cli")
    assert again.outcome == "unchanged"
    assert CheckIn.objects.filter(key_result=kr).count() == before
    source.refresh_from_db()
    assert source.last_value == 1234 and source.last_success_at is not None


@pytest.mark.parametrize(
    ("path", "json_path", "answer", "message"),
    [
        ("/open.json", "$.data.signups.total", (500, "oops"), "answered 500"),
        ("/open.json", "$.data.note", None, "not a number"),
        ("/open.json", "$.data.missing", None, "Nothing at $.data.missing"),
        ("/open.json", "$.data.signups.total", (200, "<html>"), "not JSON"),
        ("/slow", "$.data.signups.total", None, "No answer within 1 seconds"),
        ("/huge.json", "$.n", None, "larger than"),
    ],
)
def test_a_failing_source_writes_nothing_keeps_the_error_and_tells_its_owner(
    cast, kr, server, settings, path, json_path, answer, message
):
    settings.DATA_SOURCE_TIMEOUT_SECONDS = 1
    settings.DATA_SOURCE_MAX_BYTES = 100_000
    source = connect(cast, kr, "http_json", url=server.url(path), json_path=json_path)
    if answer:
        server.answer(path, answer[0], answer[1])
    before = CheckIn.objects.count()
    result = actions.run(source.pk, trigger="schedule")
    assert result.outcome == "failed" and message in result.message
    assert CheckIn.objects.count() == before
    source.refresh_from_db()
    assert message in source.last_error and source.last_error_at is not None
    assert source.consecutive_failures == 1
    note = Notification.objects.get(kind="source", recipient=cast.ava)
    assert message in note.body and "/key-results/" in note.body


def test_a_sql_error_is_a_failure(cast, kr, sqlite_file):
    source = connect(
        cast, kr, "sql", secret=f"sqlite:///{sqlite_file}", query="SELECT amount FROM nowhere"
    )
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "failed" and "no such table: nowhere" in result.message
    two_rows = connect_again(cast, source, query="SELECT amount FROM orders")
    assert "one row of one column" in actions.run(two_rows.pk, trigger="cli").message


def connect_again(cast, source, **config):
    return actions.update_source(acting_user=cast.ava, source=source, config=config)


def test_a_source_pauses_after_failures_in_a_row_and_tells_its_owner_twice(
    cast, kr, server, settings
):
    settings.DATA_SOURCE_PAUSE_AFTER = 3
    source = connect(cast, kr, "http_json", url=server.url("/open.json"), json_path="$.nope")
    for _ in range(3):
        actions.run(source.pk, trigger="cli")
    source.refresh_from_db()
    assert source.state == "paused" and source.consecutive_failures == 3
    assert "Paused after 3" in source.paused_reason
    subjects = sorted(Notification.objects.filter(kind="source").values_list("subject", flat=True))
    assert len(subjects) == 2 and any("paused" in x for x in subjects)
    assert actions.run(source.pk, trigger="schedule").outcome == "skipped"
    # Resuming starts the count again; a good read clears the error.
    actions.update_source(
        acting_user=cast.ava,
        source=source,
        state="active",
        config={"json_path": "$.data.signups.total"},
    )
    assert actions.run(source.pk, trigger="cli").outcome == "recorded"
    source.refresh_from_db()
    assert (source.state, source.consecutive_failures, source.last_error) == ("active", 0, "")


def test_a_reading_the_key_result_refuses_is_a_failure_that_writes_nothing(cast, kr, server):
    source = connect(cast, kr, "csv", url=server.url("/report.csv"), column="month")
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "failed" and "not a number" in result.message
    assert not CheckIn.objects.filter(key_result=kr).exists()


# -- secrets -----------------------------------------------------------------------------------


def test_secrets_are_stored_encrypted_and_never_in_audit_errors_or_notifications(
    cast, kr, server, sqlite_file
):
    source = connect(
        cast, kr, "jira", secret=s.JIRA_TOKEN, site=server.base, email=s.JIRA_EMAIL, jql="bad"
    )
    assert s.JIRA_TOKEN not in DataSource.objects.values_list("secret", flat=True).get()
    actions.run(source.pk, trigger="cli")  # Jira answers 400 to that JQL
    actions.update_source(acting_user=cast.ava, source=source, secret="jira-token-rotated-9")
    source.refresh_from_db()
    assert source.last_error
    other_kr = goals.create_key_result(
        acting_user=cast.ava,
        objective=kr.objective,
        title="Orders",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
    )
    password_url = f"sqlite:///{sqlite_file}"
    sql = connect(cast, other_kr, "sql", secret=password_url, query="SELECT count(*) FROM x")
    actions.run(sql.pk, trigger="cli")
    texts = [
        json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), default=str),
        json.dumps(list(DataSource.objects.values_list("last_error", "config")), default=str),
        json.dumps(list(Notification.objects.values_list("subject", "body")), default=str),
    ]
    for text in texts:
        for secret in (s.JIRA_TOKEN, "jira-token-rotated-9", password_url):
            assert secret not in text


def test_an_error_carrying_the_secret_has_it_blotted_out():
    text = "could not connect to postgresql://reader:s3cr3t-pw@db:5432/x (password s3cr3t-pw)"
    out = actions._scrub(text, "postgresql://reader:s3cr3t-pw@db:5432/x")
    assert "s3cr3t-pw" not in out and "postgresql://" not in out


# -- who may --------------------------------------------------------------------------------


def test_only_those_who_may_edit_the_key_result_connect_or_sync_it(cast, kr, server):
    for person in (cast.pia, cast.eli, cast.otto):
        with pytest.raises(NotAllowed):
            connect_as(person, kr, server)
    source = connect_as(cast.hana, kr, server)  # HR
    assert source.owner == cast.ava  # the key result's owner, who the check-ins are from
    with pytest.raises(NotAllowed):
        actions.sync_source(acting_user=cast.pia, source=source)
    with pytest.raises(NotAllowed):
        actions.delete_source(acting_user=cast.pia, source=source)
    actions.delete_source(acting_user=cast.sam, source=source)  # Ava's manager
    assert not DataSource.objects.exists()


def connect_as(person, kr, server):
    return actions.create_source(
        acting_user=person,
        key_result=kr,
        kind="http_json",
        config={"url": server.url("/open.json"), "json_path": "$.data.signups.total"},
    )


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "config", "secret", "field", "words"),
    [
        ("http_json", {"url": "not a url", "json_path": "$.a"}, "", "url", "web address"),
        ("http_json", {"url": "ftp://x.example/a", "json_path": "$.a"}, "", "url", "https://"),
        ("http_json", {"url": "http://10.0.0.8/a", "json_path": "$.a"}, "", "url", "https://"),
        ("http_json", {"url": "{server}/open.json", "json_path": ""}, "", "json_path", "JSONPath"),
        ("http_json", {"url": "{server}/open.json", "json_path": "$.[["}, "", "json_path", "not a"),
        (
            "http_json",
            {"url": "{server}/a", "json_path": "$.a", "header_name": "X-Key"},
            "",
            "secret",
            "header value",
        ),
        ("sql", {"query": "DELETE FROM orders"}, "{sqlite}", "query", "Only a SELECT"),
        ("sql", {"query": "SELECT 1; DROP TABLE orders"}, "{sqlite}", "query", "exactly one"),
        ("sql", {"query": "SELECT 1"}, "sqlite:////etc/passwd", "secret", "folders"),
        ("sql", {"query": "SELECT 1"}, "mysql://u:p@h/db", "secret", "PostgreSQL"),
        ("sql", {"query": "SELECT 1"}, "", "secret", "database address"),
        ("csv", {"url": "{server}/report.csv", "column": ""}, "", "column", "Name the column"),
        (
            "csv",
            {"url": "{server}/r.csv", "column": "a", "row": "match"},
            "",
            "match_column",
            "column to match",
        ),
        (
            "jira",
            {"site": "{server}", "email": "nobody", "jql": "x"},
            "t",
            "email",
            "email address",
        ),
        ("jira", {"site": "{server}", "email": "a@b.c", "jql": ""}, "t", "jql", "JQL"),
        ("salesforce", {"instance": "{server}", "report_id": "00O'x"}, "t", "report_id", "letters"),
        ("hubspot", {"object_type": "planets"}, "t", "object_type", "deals"),
        ("hubspot", {"object_type": "deals", "filters": "{not json"}, "t", "filters", "JSON"),
        ("teleport", {}, "", "kind", "http_json"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(
    cast, kr, server, sqlite_file, kind, config, secret, field, words
):
    config = {k: v.replace("{server}", server.base) for k, v in config.items()}
    secret = secret.replace("{sqlite}", f"sqlite:///{sqlite_file}")
    before = everything(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        connect(cast, kr, kind, secret=secret, **config)
    assert field in caught.value.errors, caught.value.errors
    assert words in " ".join(caught.value.errors[field])
    assert (everything(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("own", "address"),
    [
        (
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "{dir}/lineofsight.sqlite3"},
            "sqlite:///{dir}/lineofsight.sqlite3",
        ),
        (
            {"ENGINE": "django.db.backends.postgresql", "NAME": "los", "HOST": "db", "PORT": 5432},
            "postgresql://reader:pw@db:5432/los",
        ),
    ],
)
def test_the_products_own_database_is_refused(monkeypatch, tmp_path, own, address):
    from types import SimpleNamespace

    from lineofsight.integrations.sources import kinds

    own = {
        k: v.replace("{dir}", str(tmp_path)) if isinstance(v, str) else v for k, v in own.items()
    }
    fake = SimpleNamespace(DATABASES={"default": own}, DATA_SOURCE_SQLITE_DIRS=[str(tmp_path)])
    monkeypatch.setattr(kinds, "settings", fake)
    assert kinds.database_problem(address.replace("{dir}", str(tmp_path))) == (
        "That is this product's own database."
    )
    other = address.replace("lineofsight.sqlite3", "warehouse.db").replace("/los", "/dwh")
    assert kinds.database_problem(other.replace("{dir}", str(tmp_path))) is None


def test_a_milestone_or_rolled_up_key_result_takes_no_source(cast, kr, server):
    milestone = goals.create_key_result(
        acting_user=cast.ava,
        objective=kr.objective,
        title="Launch",
        kind="milestone",
        owner=cast.ava,
    )
    with pytest.raises(InvalidInput) as caught:
        connect_as(cast.ava, milestone, server)
    assert "milestone" in caught.value.errors["key_result"][0]
    connect_as(cast.ava, kr, server)
    with pytest.raises(InvalidInput) as caught:
        connect_as(cast.ava, kr, server)
    assert "already" in caught.value.errors["key_result"][0]


# -- the schedule ---------------------------------------------------------------------------


def test_the_scheduled_job_picks_due_sources_only(cast, kr, server):
    objective = kr.objective
    made = {}
    for name, schedule in (
        ("due", "hourly"),
        ("later", "daily"),
        ("manual", "manual"),
        ("paused", "hourly"),
        ("abandoned", "hourly"),
    ):
        other = goals.create_key_result(
            acting_user=cast.ava,
            objective=objective,
            title=f"Metric {name}",
            kind="increase",
            start_value=0,
            target_value=5000,
            owner=cast.ava,
        )
        made[name] = actions.create_source(
            acting_user=cast.ava,
            key_result=other,
            kind="http_json",
            config={"url": server.url("/open.json"), "json_path": "$.data.signups.total"},
            schedule=schedule,
        )
    now = timezone.now()
    DataSource.objects.filter(pk=made["later"].pk).update(next_run_at=now + dt.timedelta(hours=3))
    actions.update_source(acting_user=cast.ava, source=made["paused"], state="paused")
    goals.abandon_key_result(
        acting_user=cast.ava, key_result=made["abandoned"].key_result, reason="Dropped"
    )
    server.requests.clear()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        result = tasks.sync_due_sources.enqueue()
    assert result.return_value == "1 data source due"
    assert len(server.requests) == 1
    readings = DataSourceReading.objects.values_list("source_id", "trigger")
    assert list(readings) == [(made["due"].pk, "schedule")]
    due = DataSource.objects.get(pk=made["due"].pk)
    assert due.next_run_at > now + dt.timedelta(minutes=59)
    # Taken once: a second pass in the same hour finds nothing due.
    assert actions.claim_due() == []


def test_an_address_nothing_answers_at_is_a_failure(cast, kr):
    from ..webhook_receiver import dead_url

    source = connect(cast, kr, "http_json", url=dead_url(), json_path="$.n")
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "failed" and result.message.startswith("Could not connect to 127.")


def test_a_source_whose_owner_left_records_nothing(cast, kr, server):
    from lineofsight.people.actions import deactivate_person

    source = connect(
        cast, kr, "http_json", url=server.url("/open.json"), json_path="$.data.signups.total"
    )
    deactivate_person(acting_user=cast.hana, person=cast.ava)
    result = actions.run(source.pk, trigger="cli")
    assert result.outcome == "failed" and "no longer active" in result.message
    assert not CheckIn.objects.filter(key_result=kr).exists()
