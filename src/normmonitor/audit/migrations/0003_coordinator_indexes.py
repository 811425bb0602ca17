"""Indexes for a coordinator's audit trail (audit.selectors.visible_events, docs/performance.md
section 7). Raw SQL and no model state, like the append-only guard of 0002: the partial index's
condition must be written exactly as the selector's NamesARegion writes it, and the composite
index is for PostgreSQL only.

- audit_auditevent_about_region: the few events whose details name a region, found without
  reading every event's JSON (both databases).
- audit_auditevent_scope (PostgreSQL): organisation, round and id of every event, so that
  counting a national coordinator's events (nearly all of them) is an index-only scan instead of
  a scan of the whole table. SQLite, without statistics, would use it for an OR of index
  look-ups that is slower than its table scan, so it does not get it.

On SQLite the audit table is then analysed (bounded by analysis_limit, so quick at any size):
without statistics SQLite answers a national coordinator's first page by looking up each of
the 385 organisations and sorting every event (≈ 1 s) instead of walking the time index (a few
ms). PostgreSQL keeps its own statistics (autovacuum).
"""

from django.db import migrations

STATEMENTS = {
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS audit_auditevent_about_region "
        "ON audit_auditevent (id) WHERE (data ? 'region')",
        "CREATE INDEX IF NOT EXISTS audit_auditevent_scope "
        "ON audit_auditevent (organisation_id, round_id, id)",
    ],
    "sqlite": [
        "CREATE INDEX IF NOT EXISTS audit_auditevent_about_region "
        "ON audit_auditevent (id) WHERE JSON_TYPE(data, '$.\"region\"') IS NOT NULL",
        "PRAGMA analysis_limit = 1000",
        "ANALYZE audit_auditevent",
    ],
}
NAMES = ["audit_auditevent_about_region", "audit_auditevent_scope"]


def create(apps, schema_editor) -> None:
    for statement in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor in STATEMENTS:
        for name in NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_guard")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
