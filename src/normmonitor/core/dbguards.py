"""Database-level guards for append-only tables, installed by migrations.

The models already refuse updates and deletes; these triggers make the database refuse them
too, whatever code or SQL console tries. Allowed: setting a foreign key to NULL (what Django does
when the referenced user, round or organisation is deleted — the row keeps its own copy of the
names). On PostgreSQL deletes are refused as well; ``TRUNCATE`` (table owner only) stays for
the test suite and for deliberate maintenance. SQLite refuses updates only: its test-database
flush deletes rows one table at a time, and a delete trigger would break it (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Sequence

MESSAGE = "append-only table: rows cannot be changed or deleted"


def _changed(columns: Sequence[str], nullable_fks: Sequence[str], dialect: str) -> str:
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    parts = [f"NEW.{column} {differs} OLD.{column}" for column in columns]
    parts += [f"(NEW.{fk} {differs} OLD.{fk} AND NEW.{fk} IS NOT NULL)" for fk in nullable_fks]
    return " OR ".join(parts)


def install(
    schema_editor, table: str, columns: Sequence[str], nullable_fks: Sequence[str] = ()
) -> None:
    vendor = schema_editor.connection.vendor
    name = f"{table}_append_only"
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name}_update BEFORE UPDATE ON {table} "
            f"WHEN {_changed(columns, nullable_fks, 'sqlite')} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN "
            f"IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{MESSAGE}'; END IF; "
            f"IF {_changed(columns, nullable_fks, 'postgresql')} THEN "
            f"RAISE EXCEPTION '{MESSAGE}'; END IF; "
            f"RETURN NEW; END $$;"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}();"
        )


def uninstall(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    name = f"{table}_append_only"
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_update;")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")


def operation(table: str, columns: Sequence[str], nullable_fks: Sequence[str] = ()):
    """A migration operation that installs the guard (and removes it when migrating back)."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: install(schema_editor, table, columns, nullable_fks),
        lambda apps, schema_editor: uninstall(schema_editor, table),
        elidable=False,
    )
