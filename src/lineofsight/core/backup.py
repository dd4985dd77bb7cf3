"""Backing up and restoring the whole database, with a manifest that says what it holds.

A backup is one tar file: ``manifest.json`` (format, product version, database vendor, the
migrations applied, when it was made) and the database itself:

* SQLite: a copy made with SQLite's online backup API, consistent even while the server
  writes (WAL), stored compressed;
* PostgreSQL: ``pg_dump --format=custom`` (already compressed).

Restoring checks the manifest first (same vendor, no migration this code does not know),
then replaces the whole database in one step: SQLite's backup API copies the saved pages
over the live file under its lock; PostgreSQL's dump is restored by ``pg_restore`` through
``psql`` in a single transaction, after dropping the tables there, so a failure leaves the
database as it was and tables from a newer schema do not linger.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

import lineofsight

FORMAT = "lineofsight-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    product_version: str
    vendor: str
    created_at: str  # ISO 8601, UTC
    migrations: tuple[tuple[str, str], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "product": "Line of Sight",
            "product_version": self.product_version,
            "vendor": self.vendor,
            "created_at": self.created_at,
            "migrations": [list(m) for m in self.migrations],
        }

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError("This file is not a Line of Sight backup (no manifest).")
        if data.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"This backup's format (version {data.get('format_version')!r}) is not one "
                f"this version of Line of Sight reads (version {FORMAT_VERSION})."
            )
        try:
            migrations = tuple((str(a), str(n)) for a, n in data["migrations"])
            return cls(
                product_version=str(data["product_version"]),
                vendor=str(data["vendor"]),
                created_at=str(data["created_at"]),
                migrations=migrations,
            )
        except (KeyError, TypeError, ValueError):
            raise BackupError("This backup's manifest is damaged.") from None

    @property
    def vendor_name(self) -> str:
        return VENDOR_NAMES.get(self.vendor, self.vendor)


def vendor_name() -> str:
    return VENDOR_NAMES.get(connection.vendor, connection.vendor)


def describe_database() -> str:
    """The database this installation uses, in words, for the operator."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings['NAME']}"
    where = settings.get("HOST") or "the local server"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"the PostgreSQL database {settings['NAME']!r} on {where}{port}"


def current_manifest() -> Manifest:
    applied = sorted(MigrationRecorder(connection).applied_migrations())
    return Manifest(
        product_version=lineofsight.__version__,
        vendor=connection.vendor,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        migrations=tuple(applied),
    )


def default_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    suffix = ".tar.gz" if connection.vendor == "sqlite" else ".tar"
    return f"lineofsight-{now:%Y%m%dT%H%M%SZ}{suffix}"


# -- making a backup ---------------------------------------------------------------------------


def backup(target: Path) -> Manifest:
    """Write a backup of the whole database to ``target`` (which must not exist), readable
    by its owner only; written under a temporary name first, so a failure leaves nothing."""
    if connection.vendor not in VENDOR_NAMES:
        raise BackupError(f"Backing up a {connection.vendor} database is not supported.")
    if not MigrationRecorder(connection).has_table():
        raise BackupError(f"{describe_database()} holds no Line of Sight data: run migrate.")
    manifest = current_manifest()
    with tempfile.TemporaryDirectory(prefix="lineofsight-backup-") as work:
        if connection.vendor == "sqlite":
            member, data = SQLITE_MEMBER, Path(work) / SQLITE_MEMBER
            _sqlite_backup(data)
            mode = "w:gz"
        else:
            member, data = POSTGRES_MEMBER, Path(work) / POSTGRES_MEMBER
            _pg_dump(data)
            mode = "w"
        partial = target.with_name(f".{target.name}.partial")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode=mode) as tar:  # type: ignore[call-overload]
                body = json.dumps(manifest.as_json(), indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(body))
                tar.add(data, arcname=member)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def _sqlite_backup(destination: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(destination)
    try:
        source.backup(copy)
        # A self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _pg_environment() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command
    line, where other users of the machine could read it)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, setting in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if s.get(setting):
            env[key] = str(s[setting])
    options = s.get("OPTIONS") or {}
    for key, option in (
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGSSLCERT", "sslcert"),
        ("PGSSLKEY", "sslkey"),
    ):
        if options.get(option):
            env[key] = str(options[option])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools (the same major "
            "version as the server or newer) on this machine."
        )
    return found


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(  # noqa: S603 - fixed programs, arguments we built
        args, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _pg_dump(destination: Path) -> None:
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={destination}",
        ],
        "pg_dump",
    )


# -- reading and restoring ---------------------------------------------------------------------


@contextmanager
def opened(path: Path) -> Iterator[tuple[Manifest, Path]]:
    """The manifest of the backup at ``path`` and its database, unpacked into a temporary
    folder for as long as the block runs."""
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with tempfile.TemporaryDirectory(prefix="lineofsight-restore-") as work:
        try:
            with tarfile.open(path, mode="r:*") as tar:
                names = set(tar.getnames())
                if MANIFEST not in names:
                    raise BackupError(f"{path} is not a Line of Sight backup (no manifest).")
                raw = tar.extractfile(MANIFEST)
                if raw is None:
                    raise BackupError(f"{path} is not a Line of Sight backup (no manifest).")
                try:
                    manifest = Manifest.from_json(json.load(raw))
                except ValueError:
                    raise BackupError(f"{path}: its manifest is damaged.") from None
                reason = refusal(manifest)
                if reason:
                    raise BackupError(f"{reason} Nothing was changed.")
                member = SQLITE_MEMBER if manifest.vendor == "sqlite" else POSTGRES_MEMBER
                if member not in names:
                    raise BackupError(f"{path} holds no database ({member} is missing).")
                tar.extract(member, work, filter="data")
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            if isinstance(exc, PermissionError):
                raise BackupError(f"{path} cannot be read: permission denied.") from None
            raise BackupError(
                f"{path} is not a Line of Sight backup (not a readable archive)."
            ) from None
        yield manifest, Path(work) / member


def refusal(manifest: Manifest) -> str | None:
    """Why this installation must not restore the backup, or None."""
    if manifest.vendor != connection.vendor:
        return (
            f"This backup is of a {manifest.vendor_name} database and this installation uses "
            f"{vendor_name()}: restore it on a {manifest.vendor_name} installation (moving "
            "between the two is not a restore)."
        )
    known = _known_migrations()
    unknown = [m for m in manifest.migrations if m not in known]
    if unknown:
        first = ", ".join(f"{app}.{name}" for app, name in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        return (
            f"This backup comes from a newer version of Line of Sight "
            f"({manifest.product_version}; this is {lineofsight.__version__}): its database "
            f"has migrations this version does not know ({first}{more}). Install that "
            "version or a later one, then restore."
        )
    return None


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    return set(loader.disk_migrations)


def restore(manifest: Manifest, data: Path) -> None:
    """Replace the whole database with the backup's (checked with ``refusal`` first)."""
    reason = refusal(manifest)
    if reason:
        raise BackupError(reason)
    if connection.vendor == "sqlite":
        _sqlite_restore(data)
    else:
        _pg_restore(data)


def _sqlite_restore(data: Path) -> None:
    saved = sqlite3.connect(f"file:{data}?mode=ro", uri=True)
    try:
        try:
            verdict = saved.execute("PRAGMA quick_check").fetchone()
            saved.execute("SELECT count(*) FROM django_migrations").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"The backup's database is damaged ({exc}).") from None
        if not verdict or verdict[0] != "ok":
            raise BackupError(f"The backup's database is damaged ({verdict}).")
        connection.ensure_connection()
        live = connection.connection
        saved.backup(live)
    finally:
        saved.close()
    connections.close_all()


def _pg_restore(data: Path) -> None:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    listing = subprocess.run(  # noqa: S603 - fixed program, our own temporary file
        [pg_restore, "--list", str(data)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"The backup's dump cannot be read: {listing.stderr.strip()}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
    quote = connection.ops.quote_name
    # One transaction, committed only once pg_restore has produced the whole dump: a dump
    # that breaks off, or a statement that fails, rolls everything back.
    prelude = "BEGIN;\n" + "".join(f"DROP TABLE IF EXISTS {quote(t)} CASCADE;\n" for t in tables)
    connections.close_all()  # nothing of ours holds a lock while the restore runs
    env = _pg_environment()
    with tempfile.TemporaryFile() as reader_err, tempfile.TemporaryFile() as writer_err:
        reader = subprocess.Popen(  # noqa: S603 - fixed program, our own temporary file
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(data)],
            stdout=subprocess.PIPE,
            stderr=reader_err,
            env=env,
        )
        writer = subprocess.Popen(  # noqa: S603 - fixed program and options
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=writer_err,
            env=env,
        )
        assert reader.stdout is not None and writer.stdin is not None
        try:
            writer.stdin.write(prelude.encode())
            shutil.copyfileobj(reader.stdout, writer.stdin)
            read_status = reader.wait()
            if read_status == 0:
                writer.stdin.write(b"COMMIT;\n")
            writer.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says which
        reader.stdout.close()
        read_status, write_status = reader.wait(), writer.wait()
        if write_status != 0:
            writer_err.seek(0)
            message = writer_err.read().decode(errors="replace").strip()
            raise BackupError(f"The restore failed and changed nothing: {message}")
        if read_status != 0:
            reader_err.seek(0)
            message = reader_err.read().decode(errors="replace").strip()
            raise BackupError(f"pg_restore failed, so nothing was changed: {message}")
