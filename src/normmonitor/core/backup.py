"""Backup and restore of a whole installation: the database, the evidence files and a manifest
with every file's SHA-256 (docs/security.md, "Backup and restore").

- SQLite: the database is copied with SQLite's online backup API (a consistent copy while the
  application runs) to ``database.sqlite3``.
- PostgreSQL: every row is serialised to ``database.json`` inside one REPEATABLE READ, READ ONLY
  transaction, which sees one consistent state of all tables while the application runs.
- Evidence files are content-addressed and never deleted, so copying the files that the copied
  database refers to, after the database, always gives a complete set; each file is checked
  against its name (its SHA-256) on the way.

``restore`` verifies every checksum first, refuses an installation that already holds data, and
then loads the database (SQLite: the file; PostgreSQL: migrate, then the rows in one transaction)
and the evidence files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import normmonitor

FORMAT = "normmonitor/backup@1"
MANIFEST = "manifest.json"
MANIFEST_CHECKSUM = "manifest.sha256"
SQLITE_FILE = "database.sqlite3"
JSON_FILE = "database.json"
EVIDENCE_DIR = "evidence"

# Not backed up: sessions (everyone logs in again after a restore), login bookkeeping, and the
# tables that migrate recreates (content types, permissions: referred to by natural key).
EXCLUDED = {
    "sessions.session",
    "contenttypes.contenttype",
    "auth.permission",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "axes.accessattemptexpiration",
    "usersessions.usersession",
    "admin.logentry",
}
# An installation counts as empty when none of these holds a row.
DATA_MODELS = (
    "auth.user",
    "organisations.organisation",
    "norms.norm",
    "rounds.monitoringround",
    "audit.auditevent",
    "evidence.evidence",
)


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _file_entry(root: Path, path: Path) -> dict[str, Any]:
    return {
        "path": path.relative_to(root).as_posix(),
        "sha256": sha256_of(path),
        "size": path.stat().st_size,
    }


def backed_up_models() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED and model._meta.managed
    ]


def _migrations(alias: str = "default") -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# -- Backup ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    directory: Path
    manifest_checksum: str
    evidence_files: int
    rows: int


def backup(directory: Path) -> BackupResult:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new, empty directory")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    vendor = connection.vendor
    if vendor == "sqlite":
        database_file = directory / SQLITE_FILE
        _sqlite_copy(database_file)
        counts, sha256s = _sqlite_inventory(database_file)
    elif vendor == "postgresql":
        database_file = directory / JSON_FILE
        counts, sha256s = _serialise(database_file)
    else:  # pragma: no cover - only the two supported databases
        raise BackupError(f"Backups of {vendor} databases are not supported")
    evidence = _copy_evidence(directory, sha256s)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "normmonitor_version": normmonitor.__version__,
        "database": {"vendor": vendor, **_file_entry(directory, database_file)},
        "migrations": _migrations(),
        "counts": counts,
        "evidence": evidence,
    }
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    (directory / MANIFEST).write_bytes(manifest_bytes)
    checksum = hashlib.sha256(manifest_bytes).hexdigest()
    (directory / MANIFEST_CHECKSUM).write_text(f"{checksum}  {MANIFEST}\n")
    return BackupResult(directory, checksum, len(evidence), sum(counts.values()))


def _sqlite_copy(target: Path) -> None:
    """SQLite's online backup API, on a connection of its own: a consistent copy of the last
    committed state, also while others write (WAL)."""
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction: it copies committed data")
    name = str(settings.DATABASES["default"]["NAME"])
    source = sqlite3.connect(name, uri=name.startswith("file:"), timeout=60)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        # One self-contained file: no write-ahead log beside it.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
        source.close()


def _sqlite_inventory(database_file: Path) -> tuple[dict[str, int], list[str]]:
    """Row counts and evidence checksums, read from the copy (so they describe exactly it)."""
    copy = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        counts = {}
        for model in backed_up_models():
            table = model._meta.db_table
            counts[model._meta.label_lower] = copy.execute(
                f'SELECT count(*) FROM "{table}"'  # noqa: S608 - table names from the models
            ).fetchone()[0]
        evidence_table = apps.get_model("evidence", "Evidence")._meta.db_table
        sha256s = [
            row[0]
            for row in copy.execute(
                f'SELECT DISTINCT sha256 FROM "{evidence_table}" ORDER BY sha256'  # noqa: S608
            )
        ]
    finally:
        copy.close()
    return counts, sha256s


def _serialise(target: Path) -> tuple[dict[str, int], list[str]]:
    """Every row as JSON, inside one repeatable-read snapshot."""
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            # The first statement of the transaction: one snapshot for every table. (Inside
            # an enclosing transaction, as in the tests, that transaction's view is used.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        models = backed_up_models()
        with target.open("w", encoding="utf-8") as handle:
            handle.write("[\n")
            first = True
            for model in models:
                rows = model._base_manager.order_by("pk")
                counts[model._meta.label_lower] = 0
                for obj in _objects(rows):
                    text = serializers.serialize(
                        "json", [obj], use_natural_foreign_keys=True, indent=None
                    )[1:-1]
                    handle.write(("" if first else ",\n") + text)
                    first = False
                    counts[model._meta.label_lower] += 1
            handle.write("\n]\n")
        evidence = apps.get_model("evidence", "Evidence")
        sha256s = sorted(set(evidence._base_manager.values_list("sha256", flat=True)))
    return counts, sha256s


def _objects(queryset) -> Iterator[Any]:
    yield from queryset.iterator(chunk_size=2000)


def _copy_evidence(directory: Path, sha256s: list[str]) -> list[dict[str, Any]]:
    from normmonitor.evidence import storage

    entries = []
    for sha256 in sha256s:
        source = storage.path_for(sha256)
        if not source.is_file() or sha256_of(source) != sha256:
            raise BackupError(
                f"Evidence file {sha256} is missing or damaged; nothing was backed up"
            )
        target = directory / EVIDENCE_DIR / sha256[:2] / sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        entries.append(_file_entry(directory, target))
    return entries


# -- Restore ---------------------------------------------------------------------------------------


def verify(directory: Path) -> dict[str, Any]:
    """The manifest, after checking it and every file it lists; BackupError otherwise."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{directory} holds no {MANIFEST}")
    manifest_bytes = manifest_path.read_bytes()
    expected = (directory / MANIFEST_CHECKSUM).read_text().split()[0]
    if hashlib.sha256(manifest_bytes).hexdigest() != expected:
        raise BackupError("The manifest does not match its checksum")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    for entry in [manifest["database"], *manifest["evidence"]]:
        path = directory / entry["path"]
        if not path.is_file():
            raise BackupError(f"{entry['path']} is missing")
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']} does not match its checksum")
    return manifest


def installation_is_empty() -> bool:
    from normmonitor.evidence import storage

    tables = set(connection.introspection.table_names())
    for label in DATA_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.exists():
            return False
    root = storage.root()
    return not (root.exists() and any(p.is_file() for p in root.rglob("*")))


def restore(directory: Path) -> dict[str, Any]:
    directory = Path(directory)
    manifest = verify(directory)
    if not installation_is_empty():
        raise BackupError(
            "This installation already holds data: restore only into an empty installation"
        )
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"This is a {vendor} backup; restore it into a {vendor} installation")
    known = _known_migrations()
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "The backup was made by a newer version (unknown migrations: "
            + ", ".join(unknown[:5])
            + "); install that version first"
        )
    if vendor == "sqlite":
        _restore_sqlite(directory / manifest["database"]["path"])
    else:
        _restore_json(directory / manifest["database"]["path"])
    _restore_evidence(directory, manifest)
    return manifest


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _restore_sqlite(source: Path) -> None:
    name = settings.DATABASES["default"]["NAME"]
    connection.close()
    target = sqlite3.connect(name)
    backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup_copy.backup(target)
    finally:
        backup_copy.close()
        target.close()
    connection.close()
    # Bring an older backup's schema up to this version.
    call_command("migrate", interactive=False, verbosity=0)


def _restore_json(source: Path) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic(), source.open(encoding="utf-8") as handle:
        models = set()
        for deserialised in serializers.deserialize("json", handle, handle_forward_references=True):
            deserialised.save()
            models.add(type(deserialised.object))
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(statement)


def _restore_evidence(directory: Path, manifest: dict[str, Any]) -> None:
    from normmonitor.evidence import storage

    for entry in manifest["evidence"]:
        target = storage.path_for(entry["sha256"])
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        shutil.copyfile(directory / entry["path"], target)
        target.chmod(0o640)
