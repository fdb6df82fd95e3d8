"""Textes d'articles (relevé de shared/domaine/textes.md) et modèles d'actes par défaut."""

from django.db import migrations


def charger(apps, schema_editor):
    from actes.chargement import charger_modeles, charger_textes

    charger_textes(apps.get_model("actes", "TexteArticle"))
    charger_modeles(apps.get_model("actes", "ModeleActe"))


class Migration(migrations.Migration):
    dependencies = [("actes", "0003_actes_immuables")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
