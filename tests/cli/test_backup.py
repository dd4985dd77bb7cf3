"""``lineofsight backup`` and ``lineofsight restore``, run as an operator runs them: the
console script in a process of its own, on SQLite and on PostgreSQL.

The round trip: data written, backed up, changed, restored, and the data is as it was at the
backup. The PostgreSQL tests run against the server at DATABASE_URL (or the local one) on a
database of their own, and are skipped only when no server answers.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import SCRIPT, Console, console, copy_database

# Every test here backs up and restores SQLite files and a PostgreSQL database of its own.
pytestmark = pytest.mark.own_databases

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _people(run: Console) -> list[str]:
    listed = run("people", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return sorted(p["username"] for p in json.loads(listed.stdout))


def _add(run: Console, username: str) -> None:
    added = run(
        "people",
        "add",
        username,
        "--name",
        username.title(),
        "--email",
        f"{username}@acme.test",
        "--no-password",
    )
    assert added.returncode == 0, added.stderr


def _rewrite_manifest(source: Path, target: Path, **changes: object) -> None:
    """A copy of the backup ``source`` whose manifest has ``changes``."""
    with tarfile.open(source, "r:*") as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member)
            assert data is not None
            body = data.read()
            if member.name == "manifest.json":
                manifest = json.loads(body)
                manifest.update(changes)
                body = json.dumps(manifest).encode()
                member.size = len(body)
            new.addfile(member, io.BytesIO(body))


# -- SQLite ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file for this module's tests to copy (a migration from nothing may
    take minutes on a busy machine: a generous time limit)."""
    folder = tmp_path_factory.mktemp("migrated-for-backups")
    migrated = console(folder, timeout=900)("migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return folder / "lineofsight.sqlite3"


@pytest.fixture
def lineofsight(tmp_path: Path, migrated_database: Path) -> Console:
    copy_database(migrated_database, tmp_path)
    return console(tmp_path)


def test_round_trip_on_sqlite(lineofsight: Console, tmp_path: Path) -> None:
    _add(lineofsight, "cora")
    _add(lineofsight, "sam")
    made = lineofsight("backup", "--output", str(tmp_path / "before.tar.gz"))
    assert made.returncode == 0, made.stderr
    assert "Backed up the SQLite database" in made.stdout
    backup = tmp_path / "before.tar.gz"
    assert backup.stat().st_mode & 0o777 == 0o600  # personal data: its owner only

    _add(lineofsight, "ava")
    removed = lineofsight("people", "delete", "sam")
    assert removed.returncode == 0, removed.stderr
    assert _people(lineofsight) == ["ava", "cora"]

    restored = lineofsight("restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "Restored the SQLite database" in restored.stdout
    assert _people(lineofsight) == ["cora", "sam"]
    # The restored database is whole and is the product's: it still takes writes.
    _add(lineofsight, "pia")
    assert _people(lineofsight) == ["cora", "pia", "sam"]


def test_the_backup_holds_a_manifest(lineofsight: Console, tmp_path: Path) -> None:
    made = lineofsight("backup", "--output", str(tmp_path))  # a folder: a dated name in it
    assert made.returncode == 0, made.stderr
    (backup,) = tmp_path.glob("lineofsight-*.tar.gz")
    with tarfile.open(backup, "r:*") as tar:
        assert sorted(tar.getnames()) == ["database.sqlite3", "manifest.json"]
        raw = tar.extractfile("manifest.json")
        assert raw is not None
        manifest = json.load(raw)
    assert manifest["format"] == "lineofsight-backup"
    assert manifest["vendor"] == "sqlite"
    assert manifest["product_version"] == "0.1.0"
    assert manifest["created_at"].endswith("+00:00")
    assert ["people", "0001_initial"] in manifest["migrations"]


def test_the_default_place_is_the_data_folder(lineofsight: Console, tmp_path: Path) -> None:
    made = lineofsight("backup")
    assert made.returncode == 0, made.stderr
    (backup,) = (tmp_path / "backups").glob("lineofsight-*.tar.gz")
    assert str(backup) in made.stdout
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700


def test_restore_asks_first(lineofsight: Console, tmp_path: Path) -> None:
    _add(lineofsight, "cora")
    assert lineofsight("backup", "--output", str(tmp_path / "b.tar.gz")).returncode == 0
    _add(lineofsight, "ava")
    env = {**os.environ, "LOS_DATA_DIR": str(tmp_path), "LOS_SECRET_KEY": "t", "LOS_TESTING": "1"}
    env.pop("DATABASE_URL", None)

    def answer(text: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script
            [str(SCRIPT), "restore", str(tmp_path / "b.tar.gz")],
            input=text,
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    declined = answer("no\n")
    assert declined.returncode != 0
    assert "Type 'yes' to go on" in declined.stdout
    assert "Not restored: the answer was not 'yes'. Nothing was changed." in declined.stderr
    nobody = answer("")
    assert nobody.returncode != 0
    assert "nobody answered (add --yes" in nobody.stderr
    assert _people(lineofsight) == ["ava", "cora"]

    agreed = answer("yes\n")
    assert agreed.returncode == 0, agreed.stderr
    assert _people(lineofsight) == ["cora"]


def test_a_backup_from_a_newer_schema_is_refused(lineofsight: Console, tmp_path: Path) -> None:
    _add(lineofsight, "cora")
    assert lineofsight("backup", "--output", str(tmp_path / "b.tar.gz")).returncode == 0
    with tarfile.open(tmp_path / "b.tar.gz", "r:*") as tar:
        raw = tar.extractfile("manifest.json")
        assert raw is not None
        migrations = json.load(raw)["migrations"]
    _rewrite_manifest(
        tmp_path / "b.tar.gz",
        tmp_path / "newer.tar",
        product_version="9.0.0",
        migrations=[*migrations, ["goals", "0999_from_the_future"]],
    )
    _add(lineofsight, "ava")
    refused = lineofsight("restore", str(tmp_path / "newer.tar"), "--yes")
    assert refused.returncode != 0
    assert "This backup comes from a newer version of Line of Sight (9.0.0; this is 0.1.0)" in (
        refused.stderr
    )
    assert "goals.0999_from_the_future" in refused.stderr
    assert "Nothing was changed." in refused.stderr
    assert _people(lineofsight) == ["ava", "cora"]


def test_a_backup_of_another_database_is_refused(lineofsight: Console, tmp_path: Path) -> None:
    assert lineofsight("backup", "--output", str(tmp_path / "b.tar.gz")).returncode == 0
    _rewrite_manifest(tmp_path / "b.tar.gz", tmp_path / "pg.tar", vendor="postgresql")
    _add(lineofsight, "ava")
    refused = lineofsight("restore", str(tmp_path / "pg.tar"), "--yes")
    assert refused.returncode != 0
    assert "This backup is of a PostgreSQL database and this installation uses SQLite" in (
        refused.stderr
    )
    assert _people(lineofsight) == ["ava"]


def test_bad_arguments_change_nothing(lineofsight: Console, tmp_path: Path) -> None:
    _add(lineofsight, "cora")
    (tmp_path / "notes.tar").write_text("not a backup")
    with tarfile.open(tmp_path / "other.tar", "w") as tar:
        tar.add(tmp_path / "notes.tar", arcname="notes.txt")
    cases = {
        ("restore", str(tmp_path / "missing.tar"), "--yes"): "does not exist.",
        ("restore", str(tmp_path), "--yes"): "is not a file.",
        ("restore", str(tmp_path / "notes.tar"), "--yes"): (
            "is not a Line of Sight backup (not a readable archive)."
        ),
        ("restore", str(tmp_path / "other.tar"), "--yes"): (
            "is not a Line of Sight backup (no manifest)."
        ),
        ("backup", "--output", str(tmp_path / "nowhere" / "b.tar")): (
            f"--output: the folder {tmp_path / 'nowhere'} does not exist."
        ),
        ("backup", "--output", str(tmp_path / "notes.tar")): (
            "already exists; a backup never overwrites one."
        ),
    }
    for args, message in cases.items():
        done = lineofsight(*args)
        assert done.returncode != 0, args
        assert message in done.stderr, (args, done.stderr)
    assert (tmp_path / "notes.tar").read_text() == "not a backup"
    assert _people(lineofsight) == ["cora"]
    assert not list(tmp_path.glob(".*partial"))


# -- PostgreSQL --------------------------------------------------------------------------------


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else LOCAL_POSTGRES


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Console]:
    """A fresh PostgreSQL database of this test's own, migrated, and the console on it."""
    psycopg = pytest.importorskip("psycopg")
    import dj_database_url

    server = dj_database_url.parse(_server_url())
    params = {
        "host": server.get("HOST") or None,
        "port": server.get("PORT") or None,
        "user": server.get("USER") or None,
        "password": server.get("PASSWORD") or None,
        "dbname": "postgres",
        "connect_timeout": 5,
        "autocommit": True,
    }
    try:
        admin = psycopg.connect(**{k: v for k, v in params.items() if v is not None})
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers: {exc}")
    name = f"los_backup_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = _server_url().rsplit("/", 1)[0] + f"/{name}"
    env = {
        **os.environ,
        "LOS_DATA_DIR": str(tmp_path),
        "LOS_SECRET_KEY": "only-for-this-test",
        "LOS_TESTING": "1",
        "DATABASE_URL": url,
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script
            [str(SCRIPT), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )

    try:
        migrated = run("migrate", "--no-input", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        yield run
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_round_trip_on_postgresql(postgres: Console, tmp_path: Path) -> None:
    _add(postgres, "cora")
    _add(postgres, "sam")
    made = postgres("backup", "--output", str(tmp_path / "before.tar"))
    assert made.returncode == 0, made.stderr
    assert "Backed up the PostgreSQL database" in made.stdout
    with tarfile.open(tmp_path / "before.tar", "r:*") as tar:
        assert sorted(tar.getnames()) == ["database.pgdump", "manifest.json"]

    _add(postgres, "ava")
    assert postgres("people", "delete", "sam").returncode == 0
    assert _people(postgres) == ["ava", "cora"]
    # A table a newer version would have made does not outlive the restore.
    newer = postgres("dbshell", "--", "-c", "CREATE TABLE goals_from_a_newer_version (id int)")
    assert newer.returncode == 0, newer.stderr

    restored = postgres("restore", str(tmp_path / "before.tar"), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "Restored the PostgreSQL database" in restored.stdout
    assert _people(postgres) == ["cora", "sam"]
    tables = postgres("dbshell", "--", "-Atc", "SELECT tablename FROM pg_tables")
    assert "goals_from_a_newer_version" not in tables.stdout
    assert "people_person" in tables.stdout
    _add(postgres, "pia")  # sequences came back with the data: new rows still get ids
    assert _people(postgres) == ["cora", "pia", "sam"]


def test_a_damaged_dump_changes_nothing_on_postgresql(postgres: Console, tmp_path: Path) -> None:
    _add(postgres, "cora")
    assert postgres("backup", "--output", str(tmp_path / "b.tar")).returncode == 0
    with tarfile.open(tmp_path / "b.tar") as tar:
        raw = tar.extractfile("database.pgdump")
        assert raw is not None
        dump = raw.read()
    _rewrite_manifest(tmp_path / "b.tar", tmp_path / "cut.tar")
    with tarfile.open(tmp_path / "cut.tar") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(tmp_path / "cut.tar", "w") as tar:
        for member, body in members:
            if member.name == "database.pgdump":
                body = dump[: len(dump) // 2]  # a dump broken off half-way
                member.size = len(body)
            tar.addfile(member, io.BytesIO(body))
    _add(postgres, "ava")
    refused = postgres("restore", str(tmp_path / "cut.tar"), "--yes")
    assert refused.returncode != 0
    assert "PATH:" in refused.stderr
    assert _people(postgres) == ["ava", "cora"]


def test_a_sqlite_backup_is_refused_on_postgresql(
    postgres: Console, lineofsight: Console, tmp_path: Path
) -> None:
    _add(lineofsight, "cora")
    assert lineofsight("backup", "--output", str(tmp_path / "s.tar.gz")).returncode == 0
    _add(postgres, "ava")
    refused = postgres("restore", str(tmp_path / "s.tar.gz"), "--yes")
    assert refused.returncode != 0
    assert "This backup is of a SQLite database and this installation uses PostgreSQL" in (
        refused.stderr
    )
    assert _people(postgres) == ["ava"]
