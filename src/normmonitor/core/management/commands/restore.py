"""``normmonitor restore DIR``: restore a backup into an empty installation, after verifying
every checksum in its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.audit.services import record
from normmonitor.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = "Restore a backup made by `normmonitor backup` into an empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--verify-only", action="store_true", help="Check the checksums; change nothing"
        )

    def handle(self, *args, directory: Path, verify_only: bool, **options) -> None:
        try:
            if verify_only:
                manifest = verify(directory)
                self.stdout.write(
                    f"OK: {directory} is intact ({manifest['database']['vendor']}, "
                    f"{len(manifest['evidence'])} evidence files)"
                )
                return
            manifest = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        record(
            "backup.restored",
            actor=None,
            created_at=manifest["created_at"],
            rows=sum(manifest["counts"].values()),
            evidence_files=len(manifest["evidence"]),
        )
        self.stdout.write(
            f"Restored {sum(manifest['counts'].values())} rows and "
            f"{len(manifest['evidence'])} evidence files from {directory}"
        )
