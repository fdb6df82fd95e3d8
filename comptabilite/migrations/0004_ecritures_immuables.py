"""Les écritures et les versements ne se modifient ni ne s'effacent : trigger PostgreSQL.

Une erreur se corrige par une contre-passation (nouvelle écriture), jamais en touchant la
ligne d'origine ; l'interdiction vit dans la base pour valoir aussi hors de Django.
"""

from django.db import migrations

TABLES = ("comptabilite_ecriture", "comptabilite_versement")

FONCTION = """
CREATE OR REPLACE FUNCTION comptabilite_ligne_immuable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le grand livre est immuable (% refusé sur %) : passez une contre-passation.',
        TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS {table}_immuable ON {table};
CREATE TRIGGER {table}_immuable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION comptabilite_ligne_immuable();
"""


# Pas de trigger sur TRUNCATE : réservé au propriétaire de la base (remise à zéro des tests).


def appliquer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None : le SQL contient des % (RAISE) que le pilote ne doit pas interpréter.
    schema_editor.execute(FONCTION, params=None)
    for table in TABLES:
        schema_editor.execute(TRIGGER.format(table=table), params=None)


def annuler(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immuable ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS comptabilite_ligne_immuable();")


class Migration(migrations.Migration):
    dependencies = [("comptabilite", "0003_grand_livre")]
    operations = [migrations.RunPython(appliquer, annuler)]
