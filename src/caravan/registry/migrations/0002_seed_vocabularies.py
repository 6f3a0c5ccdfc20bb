"""Seed the controlled lists of specialties and equipment (labels are translated by gettext)."""

from django.db import migrations


def seed(apps, schema_editor):
    from caravan.registry.vocab import EQUIPMENT, SPECIALTIES

    Specialty = apps.get_model("registry", "Specialty")
    Equipment = apps.get_model("registry", "Equipment")
    for code, label in SPECIALTIES.items():
        Specialty.objects.get_or_create(code=code, defaults={"name": str(label)})
    for code, label in EQUIPMENT.items():
        Equipment.objects.get_or_create(code=code, defaults={"name": str(label)})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
