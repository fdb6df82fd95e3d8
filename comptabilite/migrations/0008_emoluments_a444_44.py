"""Recharge les données de référence : émoluments A444-44 (délais de paiement, n° 204) et
leur plafond, ajoutés à comptabilite/donnees/emoluments_fixes.json. Idempotent."""

from django.db import migrations


def charger(apps, schema_editor):
    from comptabilite import chargement

    chargement.charger(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("comptabilite", "0007_index_des_releves"),
    ]

    operations = [
        migrations.RunPython(charger, migrations.RunPython.noop),
    ]
