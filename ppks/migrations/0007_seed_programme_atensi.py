"""Seed the programme and ATENSI-component lists added to ppks/reference_data.py (idempotent)."""

from django.db import migrations

from ppks.reference_data import REFERENSI

KINDS = ("program", "atensi")


def seed(apps, schema_editor):
    Referensi = apps.get_model("ppks", "Referensi")
    for kind in KINDS:
        for order, (code, label) in enumerate(REFERENSI[kind], start=1):
            Referensi.objects.update_or_create(kind=kind, code=code, defaults={"label": label, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("ppks", "Referensi").objects.filter(kind__in=KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [("ppks", "0006_casework_merge")]
    operations = [migrations.RunPython(seed, unseed)]
