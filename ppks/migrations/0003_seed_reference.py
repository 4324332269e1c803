"""Seed the 26 PPKS and the reference lists. Idempotent (by code), so a later migration that adds
entries to ppks/reference_data.py can run the same function again."""

from django.db import migrations

from ppks.reference_data import PPKS_CATEGORIES, REFERENSI


def seed(apps, schema_editor):
    PpksCategory = apps.get_model("ppks", "PpksCategory")
    Referensi = apps.get_model("ppks", "Referensi")
    for number, name, abbreviation, legacy in PPKS_CATEGORIES:
        PpksCategory.objects.update_or_create(
            code=f"PPKS-{number:02d}", defaults={"name": name, "abbreviation": abbreviation, "legacy_labels": legacy}
        )
    for kind, entries in REFERENSI.items():
        for order, (code, label) in enumerate(entries, start=1):
            Referensi.objects.update_or_create(kind=kind, code=code, defaults={"label": label, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("ppks", "PpksCategory").objects.filter(
        code__in=[f"PPKS-{n:02d}" for n, *_ in PPKS_CATEGORIES]
    ).delete()
    for kind, entries in REFERENSI.items():
        apps.get_model("ppks", "Referensi").objects.filter(kind=kind, code__in=[c for c, _ in entries]).delete()


class Migration(migrations.Migration):
    dependencies = [("ppks", "0002_reference_household_category")]
    operations = [migrations.RunPython(seed, unseed)]
