"""Seed the controlled lists of specialties and equipment (labels are translated by gettext)."""

from django.db import migrations


def seed(apps, schema_editor):
    from caravan.registry.vocab import seed_vocabularies

    seed_vocabularies(apps.get_model("registry", "Specialty"), apps.get_model("registry", "Equipment"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
