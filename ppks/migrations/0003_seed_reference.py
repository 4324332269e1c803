"""Seed the 26 PPKS and the reference lists. Idempotent (by code), so a later migration that adds
entries to ppks/reference_data.py can run the same function again."""

from django.db import migrations

from ppks import reference_data
from ppks.reference_data import PPKS_CATEGORIES, REFERENSI


def seed(apps, schema_editor):
    reference_data.seed(apps.get_model("ppks", "PpksCategory"), apps.get_model("ppks", "Referensi"))


def unseed(apps, schema_editor):
    apps.get_model("ppks", "PpksCategory").objects.filter(
        code__in=[f"PPKS-{n:02d}" for n, *_ in PPKS_CATEGORIES]
    ).delete()
    for kind, entries in REFERENSI.items():
        apps.get_model("ppks", "Referensi").objects.filter(kind=kind, code__in=[c for c, _ in entries]).delete()


class Migration(migrations.Migration):
    dependencies = [("ppks", "0002_reference_household_category")]
    operations = [migrations.RunPython(seed, unseed)]
