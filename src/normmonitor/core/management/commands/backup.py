"""``normmonitor backup DIR``: a consistent copy of the database and the evidence files, with a
manifest of checksums. Safe while the application runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.audit.services import record
from normmonitor.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the evidence files into a new, empty directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            result = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        record(
            "backup.created",
            actor=None,
            directory=str(directory),
            manifest_sha256=result.manifest_checksum,
            rows=result.rows,
            evidence_files=result.evidence_files,
        )
        self.stdout.write(
            f"Backed up {result.rows} rows and {result.evidence_files} evidence files to "
            f"{directory} (manifest sha256:{result.manifest_checksum})"
        )
