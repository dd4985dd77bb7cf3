"""The ``lineofsight`` console script, run as a separate process against its own SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("lineofsight")


@pytest.fixture
def lineofsight(tmp_path):
    env = {
        **os.environ,
        "LOS_DATA_DIR": str(tmp_path),
        "LOS_SECRET_KEY": "only-for-this-test",
        "LOS_TESTING": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("LOS_DEBUG", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(SCRIPT), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    migrated = run("migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return run


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
