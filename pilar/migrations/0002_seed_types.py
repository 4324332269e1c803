"""Seed the pillar types. Idempotent (by code)."""

from django.db import migrations

from pilar import reference_data


def seed(apps, schema_editor):
    reference_data.seed(apps.get_model("pilar", "PilarType"))


def unseed(apps, schema_editor):
    apps.get_model("pilar", "PilarType").objects.filter(code__in=[c for c, *_ in reference_data.PILAR_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("pilar", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
