from django.db import migrations

from normmonitor.core.dbguards import operation


class Migration(migrations.Migration):
    dependencies = [("rounds", "0002_snapshot")]

    operations = [
        operation(
            "rounds_roundsnapshot",
            columns=["id", "round_id", "sequence", "created_at", "created_by_name", "data", "checksum"],
            nullable_fks=["created_by_id"],
        )
    ]
