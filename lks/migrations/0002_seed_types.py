"""Seed the LKS types. Idempotent (by code)."""

from django.db import migrations

from lks import reference_data


def seed(apps, schema_editor):
    reference_data.seed(apps.get_model("lks", "LksType"))


def unseed(apps, schema_editor):
    apps.get_model("lks", "LksType").objects.filter(code__in=[c for c, *_ in reference_data.LKS_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("lks", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
