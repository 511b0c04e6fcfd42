"""Append-only tables enforced by the database, not only by `Model.save`.

PostgreSQL: a trigger function refuses UPDATE, DELETE and TRUNCATE unless the session setting
`khedmat.audit_unlock` is 'on'. SQLite: BEFORE UPDATE / BEFORE DELETE triggers abort unless the SQL
function `khedmat_audit_unlocked()` answers 1; Django registers that function on every SQLite
connection it opens (answering 0 unless `unlocked()` is active), and any other client (the
`sqlite3` shell) does not have it, so its writes fail too.

`unlocked()` is for maintenance code only: the test suite's flush (`AUDIT_LOG_FLUSHABLE`, test
profile) and tests that tamper with a row on purpose. Migrations install the guards
(`install_operation`); `post_migrate` reinstalls any that a later SQLite table rebuild dropped.
docs/adr/0015-append-only-audit.md.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, migrations

from khedmat.core.chain import ChainedModel

UNLOCK_SETTING = "khedmat.audit_unlock"
SQLITE_FUNCTION = "khedmat_audit_unlocked"
PG_FUNCTION = "khedmat_append_only"

_PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{UNLOCK_SETTING}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def _names(table: str) -> tuple[str, str, str]:
    return f"{table}_no_update", f"{table}_no_delete", f"{table}_no_truncate"


def install_sql(vendor: str, table: str) -> list[str]:
    no_update, no_delete, no_truncate = _names(table)
    if vendor == "postgresql":
        return [
            _PG_FUNCTION_SQL,
            f'DROP TRIGGER IF EXISTS "{no_update}" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{no_truncate}" ON "{table}"',
            f'CREATE TRIGGER "{no_update}" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
            f'CREATE TRIGGER "{no_truncate}" BEFORE TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{no_update}" BEFORE UPDATE ON "{table}" FOR EACH ROW '
            f"WHEN NOT {SQLITE_FUNCTION}() BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END",
            f'CREATE TRIGGER IF NOT EXISTS "{no_delete}" BEFORE DELETE ON "{table}" FOR EACH ROW '
            f"WHEN NOT {SQLITE_FUNCTION}() BEGIN SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END",
        ]
    return []  # other databases: Model.save/delete still refuse; nothing at the database level


def remove_sql(vendor: str, table: str) -> list[str]:
    no_update, no_delete, no_truncate = _names(table)
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{no_update}" ON "{table}"',
                f'DROP TRIGGER IF EXISTS "{no_truncate}" ON "{table}"']
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{no_update}"', f'DROP TRIGGER IF EXISTS "{no_delete}"']
    return []


def install(connection, table: str) -> None:
    with connection.cursor() as cursor:
        for sql in install_sql(connection.vendor, table):
            cursor.execute(sql)


def remove(connection, table: str) -> None:
    with connection.cursor() as cursor:
        for sql in remove_sql(connection.vendor, table):
            cursor.execute(sql)


def is_guarded(connection, table: str) -> bool:
    """Whether the database refuses updates of `table` (its triggers exist)."""
    no_update = _names(table)[0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [no_update])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [no_update])
        else:
            return False
        return cursor.fetchone() is not None


def install_operation(app_label: str, model_name: str) -> migrations.RunPython:
    """The migration operation that guards a model's table (reversible: removes the guard)."""

    def forwards(apps, schema_editor):
        install(schema_editor.connection, apps.get_model(app_label, model_name)._meta.db_table)

    def backwards(apps, schema_editor):
        remove(schema_editor.connection, apps.get_model(app_label, model_name)._meta.db_table)

    return migrations.RunPython(forwards, backwards, elidable=False)


@contextmanager
def unlocked(using: str = DEFAULT_DB_ALIAS):
    """Let this connection update and delete append-only rows (maintenance and tests only)."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [UNLOCK_SETTING])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', false)", [UNLOCK_SETTING])
            except DatabaseError:
                # An aborted transaction: its rollback undoes the SET made inside it. If the SET was
                # made outside, close the connection rather than leave it unlocked.
                if not connection.in_atomic_block:
                    connection.close()
    else:
        connection.khedmat_audit_unlock = getattr(connection, "khedmat_audit_unlock", 0) + 1
        try:
            yield
        finally:
            connection.khedmat_audit_unlock -= 1


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the SQLite triggers' unlock test, per connection."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_FUNCTION, 0, lambda: 1 if getattr(connection, "khedmat_audit_unlock", 0) else 0
    )


def guarded_models():
    return [model for model in apps.get_models() if issubclass(model, ChainedModel)]


def reinstall_guards(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """`post_migrate` receiver: a SQLite table rebuild drops its triggers; put them back."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    for model in guarded_models():
        table = model._meta.db_table
        if table not in tables:
            continue
        columns = {column.name for column in connection.introspection.get_table_description(connection.cursor(), table)}
        if "hash" in columns and not is_guarded(connection, table):
            install(connection, table)
