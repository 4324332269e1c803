"""A trigram index for the name search (`name__icontains` → UPPER(name) LIKE '%…%').

Without it, a search that matches nobody walks the whole name index: 4.6 s at 1.1 million persons,
3.5 ms with it (bench/ppks_lookup.py). PostgreSQL only; SQLite has neither the extension nor the need.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON ppks_person USING gin (upper(name::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS person_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("ppks", "0004_cases")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
