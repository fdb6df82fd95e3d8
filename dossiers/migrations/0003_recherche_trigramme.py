"""Recherche tolérante aux fautes : pg_trgm et un index GIN trigramme sur `recherche`.

Sert `dossiers.recherche.rechercher` : `recherche LIKE '%mot%'` et `recherche %> 'mot'`.
Sur SQLite (mode embarqué), rien n'est créé : la recherche y est exacte.
"""

from django.db import migrations

SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS dossier_recherche_trgm
    ON dossiers_dossier USING gin (recherche gin_trgm_ops);
"""


def appliquer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def annuler(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS dossier_recherche_trgm;")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_initial")]
    operations = [migrations.RunPython(appliquer, annuler)]
