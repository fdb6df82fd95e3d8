"""Sème les tables de référence à partir des fichiers sourcés de comptabilite/donnees/.

Idempotent : chaque ligne est retrouvée par sa clé naturelle (voir comptabilite.chargement).
"""

from django.db import migrations


def charger(apps, schema_editor):
    from comptabilite import chargement

    chargement.charger(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("comptabilite", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(charger, migrations.RunPython.noop),
    ]
