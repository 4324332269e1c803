"""The audit tables refuse TRUNCATE, as they refuse UPDATE and DELETE.

UPDATE and DELETE are refused by row triggers that pgtrigger declares (`AuditEvent.Meta.triggers`, and
`PGHISTORY_APPEND_ONLY` for every change-history event table). TRUNCATE fires no row trigger, and
pgtrigger's `Protect` has no statement form for it, so a statement trigger is installed here on the
audit trail and on every pghistory event table, after each `migrate` (post_migrate): a history table
added later is covered without anyone remembering to.

One way past it, for Django's `flush` in the test suite only (pytest-django empties every table with
TRUNCATE between transactional tests; tests/conftest.py): `SET LOCAL kesos.flush_audit = 'on'` in
the flush's transaction. Like pgtrigger's own `ignore`, it is a session setting; it keeps the trail
safe from the application and from a mistaken `manage.py flush`, not from the database owner, who
could drop the trigger anyway.
"""

from django.apps import apps
from django.db import connections

TRIGGER = "kesos_refuse_truncate"
BYPASS = "kesos.flush_audit"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{BYPASS}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Jejak audit % tidak dapat dikosongkan (TRUNCATE ditolak)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def audit_tables() -> list[str]:
    """The audit trail and every change-history (pghistory) event table."""
    from pghistory.models import Event

    from .models import AuditEvent

    tables = [AuditEvent._meta.db_table]
    for model in apps.get_models():
        meta = model._meta
        if issubclass(model, Event) and meta.managed and not meta.proxy and not meta.abstract:
            tables.append(meta.db_table)
    return sorted(set(tables))


def install(*, using: str = "default") -> None:
    """Create (or refresh) the function and one BEFORE TRUNCATE trigger per audit table. Idempotent."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        existing = set(connection.introspection.table_names(cursor))
        for table in audit_tables():
            if table in existing:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE TRUNCATE ON {quote(table)} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )


def install_after_migrate(sender, using="default", **kwargs) -> None:
    install(using=using)
