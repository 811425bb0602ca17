from django.db import migrations

from normmonitor.core.dbguards import operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        operation(
            "audit_auditevent",
            columns=["id", "name", "at", "actor_name", "address", "data"],
            nullable_fks=["actor_id", "organisation_id", "round_id"],
        )
    ]
