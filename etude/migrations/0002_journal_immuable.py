"""Le journal d'audit ne se modifie ni ne s'efface : trigger PostgreSQL."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION etude_evenement_immuable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le journal d''audit est immuable (% refusé sur etude_evenement).', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS etude_evenement_immuable ON etude_evenement;
CREATE TRIGGER etude_evenement_immuable BEFORE UPDATE OR DELETE ON etude_evenement
    FOR EACH ROW EXECUTE FUNCTION etude_evenement_immuable();
"""

REVERSE = """
DROP TRIGGER IF EXISTS etude_evenement_immuable ON etude_evenement;
DROP FUNCTION IF EXISTS etude_evenement_immuable();
"""


def appliquer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def annuler(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("etude", "0001_initial")]
    operations = [migrations.RunPython(appliquer, annuler)]
