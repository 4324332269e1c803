"""A GIN index on `AuditEvent.detail`, for the data-subject report's question "on which list pages did
this person appear?" (`detail @> '{"person_ids": [id]}'`, kesos.audit.subject.access_log).

Every by-name list page read writes one event naming the persons on the page; without the index the
report would read the whole trail. PostgreSQL only: SQLite has no GIN and no change history anyway.
"""

from django.db import migrations

CREATE = ["CREATE INDEX IF NOT EXISTS audit_detail_gin ON audit_auditevent USING gin (detail jsonb_path_ops)"]
DROP = ["DROP INDEX IF EXISTS audit_detail_gin"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_action_without_choices")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
