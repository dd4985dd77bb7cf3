"""The ``lineofsight`` console script, run as a separate process against its own SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import console, copy_database

# Every test here runs the console script on SQLite files of its own.
pytestmark = pytest.mark.own_databases

SCRIPT = Path(sys.executable).with_name("lineofsight")


@pytest.fixture
def lineofsight(tmp_path, migrated_database):
    copy_database(migrated_database, tmp_path)
    return console(tmp_path)


def test_console_script_writes_reads_and_refuses(lineofsight):
    added = lineofsight(
        "people", "add", "cora", "--name", "Cora Chen", "--email", "cora@acme.test", "--no-password"
    )
    assert added.returncode == 0, added.stderr
    assert "Added cora (Cora Chen)." in added.stdout

    refused = lineofsight(
        "people", "add", "cora", "--name", "Cora Again", "--email", "c@acme.test", "--no-password"
    )
    assert refused.returncode != 0
    assert "USERNAME: Someone already has the username 'cora'." in refused.stderr

    bad_argument = lineofsight("people", "add", "dan", "--email", "d@acme.test")
    assert bad_argument.returncode != 0
    assert "--name" in bad_argument.stderr

    listed = lineofsight("people", "list", "--json")
    assert [p["username"] for p in json.loads(listed.stdout)] == ["cora"]

    verified = lineofsight("rollup", "--verify")
    assert verified.returncode == 0
    assert "no differences" in verified.stdout


def _fresh_shell_env() -> dict[str, str]:
    """The environment of a new terminal in the project: none of the product's variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LOS_", "DJANGO_")) and key != "DATABASE_URL"
    }
    return env


def test_commands_work_from_a_fresh_shell_with_the_installs_secret_file(tmp_path):
    """`scripts/run` keeps the secret in var/secret_key; commands run later in the project
    read it from there, with no variable exported."""
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("made-once-by-scripts-run\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(SCRIPT), *args],
            env=_fresh_shell_env(),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    migrated = run("migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    listed = run("demo", "--list")
    assert listed.returncode == 0, listed.stderr
    assert "No demo logins in this database" in listed.stdout
    assert (tmp_path / "var" / "lineofsight.sqlite3").exists()  # the default data folder


def test_without_a_secret_the_command_says_where_it_looked(tmp_path):
    refused = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SCRIPT), "demo", "--list"],
        env=_fresh_shell_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "LOS_SECRET_KEY is not set and there is no" in refused.stderr
    assert "secret_key" in refused.stderr


def test_links_point_at_the_port_served_unless_the_site_url_is_given(lineofsight, tmp_path):
    show = ["shell", "-c", "from django.conf import settings; print(settings.SITE_URL)"]
    env = {**_fresh_shell_env(), "LOS_DATA_DIR": str(tmp_path), "LOS_SECRET_KEY": "x"}

    def site_url(**extra: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(SCRIPT), *show],
            env={**env, **extra},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(LOS_PORT="8123") == "http://127.0.0.1:8123"
    assert site_url(LOS_HOST="okr.lan", LOS_PORT="9000") == "http://okr.lan:9000"
    assert site_url(LOS_PORT="9000", LOS_SITE_URL="https://okr.example.com/") == (
        "https://okr.example.com"
    )


PRODUCTION = {
    "LOS_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2Lm9Vz4Rt8Kw3Ny6Hb1Jd5Fg0Sc",
    "LOS_ALLOWED_HOSTS": "okr.example.com",
    "LOS_SITE_URL": "https://okr.example.com",
    "LOS_HTTPS": "1",
}


def _check_deploy(tmp_path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**_fresh_shell_env(), "LOS_DATA_DIR": str(tmp_path), **PRODUCTION, **extra}
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SCRIPT), "check", "--deploy"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_set_up_passes_the_deploy_check(tmp_path):
    full = _check_deploy(tmp_path, LOS_HSTS_INCLUDE_SUBDOMAINS="1", LOS_HSTS_PRELOAD="1")
    assert full.returncode == 0, full.stderr
    assert "System check identified no issues" in full.stdout, full.stderr
    # LOS_HTTPS alone already answers the HTTPS warnings; only the HSTS options remain.
    https = _check_deploy(tmp_path)
    out = https.stdout + https.stderr
    for code in ("W004", "W008", "W012", "W016"):
        assert code not in out, out
    plain = _check_deploy(tmp_path, LOS_HTTPS="0")
    out = plain.stdout + plain.stderr
    assert "W004" in out and "W008" in out


def test_security_settings_refuse_values_they_cannot_understand(tmp_path):
    for variable, value, message in (
        ("LOS_CSP", "strict", "LOS_CSP='strict': use one of enforce, report-only, off."),
        ("LOS_HSTS_SECONDS", "a year", "LOS_HSTS_SECONDS='a year' is not a whole number."),
        ("LOS_HTTPS", "maybe", "LOS_HTTPS='maybe' is not a boolean"),
        ("LOS_LOGIN_LOCKOUT", "email", "LOS_LOGIN_LOCKOUT='email': give one or more of"),
    ):
        refused = _check_deploy(tmp_path, **{variable: value})
        assert refused.returncode != 0
        assert message in refused.stderr, refused.stderr
