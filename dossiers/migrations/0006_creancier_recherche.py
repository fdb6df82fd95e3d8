from django.db import migrations, models


def remplir(apps, schema_editor):
    """Nom normalisé des créanciers existants (même règle que `Creancier.texte_recherche`)."""
    from dossiers.models import normaliser_recherche

    Creancier = apps.get_model("dossiers", "Creancier")
    lot = []
    for creancier in Creancier.objects.only(
        "id", "nom", "prenoms", "raison_sociale", "forme_juridique"
    ).iterator(chunk_size=2000):
        creancier.recherche = normaliser_recherche(
            " ".join(
                [
                    creancier.nom,
                    creancier.prenoms,
                    creancier.raison_sociale,
                    creancier.forme_juridique,
                ]
            )
        )
        lot.append(creancier)
        if len(lot) >= 2000:
            Creancier.objects.bulk_update(lot, ["recherche"])
            lot = []
    if lot:
        Creancier.objects.bulk_update(lot, ["recherche"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_recherche_index_inverse"),
    ]

    operations = [
        migrations.AddField(
            model_name="creancier",
            name="recherche",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["etude", "creancier", "-id"], name="dossier_creancier_idx"),
        ),
    ]
