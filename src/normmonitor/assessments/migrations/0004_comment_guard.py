from django.db import migrations

from normmonitor.core.dbguards import operation


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_review")]

    operations = [
        operation(
            "assessments_reviewcomment",
            columns=["id", "answer_id", "kind", "text", "author_name", "answer_version", "created_at"],
            nullable_fks=["author_id"],
        )
    ]
