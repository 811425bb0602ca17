"""A membership is unique per shape (no scope, a region, an organisation). The old constraint
over all four columns let duplicates through wherever the organisation or region is empty
(NULL), on both databases; the existing duplicates are removed first (the oldest row stays),
and their removal is recorded in the audit trail."""

from django.conf import settings
from django.db import migrations, models


def remove_duplicates(apps, schema_editor) -> None:
    Membership = apps.get_model("access", "Membership")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    seen: set[tuple] = set()
    duplicates: list[int] = []
    rows = Membership.objects.order_by("pk").values_list(
        "pk", "user_id", "role", "organisation_id", "region_id"
    )
    for pk, *key in rows:
        if tuple(key) in seen:
            duplicates.append(pk)
        seen.add(tuple(key))
    if duplicates:
        Membership.objects.filter(pk__in=duplicates).delete()
        AuditEvent.objects.create(
            name="membership.duplicates_removed",
            actor_name="system",
            data={"memberships": duplicates, "reason": "migration access.0002"},
        )


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0001_initial'),
        ('audit', '0002_append_only_guard'),
        ('organisations', '0003_region_ratings_visible_to_members'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(remove_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name='membership',
            name='unique_membership',
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True), ('region__isnull', True)), fields=('user', 'role'), name='unique_membership_without_scope'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('user', 'role', 'region'), name='unique_membership_in_region'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.UniqueConstraint(condition=models.Q(('region__isnull', True)), fields=('user', 'role', 'organisation'), name='unique_membership_in_organisation'),
        ),
    ]
