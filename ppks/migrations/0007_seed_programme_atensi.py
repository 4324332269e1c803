"""Seed the programme and ATENSI-component lists added to ppks/reference_data.py (idempotent)."""

from django.db import migrations

from ppks import reference_data

KINDS = ("program", "atensi")


def seed(apps, schema_editor):
    reference_data.seed(apps.get_model("ppks", "PpksCategory"), apps.get_model("ppks", "Referensi"), kinds=KINDS)


def unseed(apps, schema_editor):
    apps.get_model("ppks", "Referensi").objects.filter(kind__in=KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [("ppks", "0006_casework_merge")]
    operations = [migrations.RunPython(seed, unseed)]
