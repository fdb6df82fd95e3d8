"""Un acte finalisé ne se modifie ni ne s'efface, une signification non plus : trigger
PostgreSQL, comme les écritures (comptabilite 0004). Un brouillon se modifie et se supprime
librement ; la transition brouillon -> finalisé est la dernière écriture permise."""

from django.db import migrations

FONCTION = """
CREATE OR REPLACE FUNCTION actes_acte_immuable() RETURNS trigger AS $$
BEGIN
    IF OLD.etat = 'finalise' THEN
        RAISE EXCEPTION 'L''acte n° % est finalisé : il ne change plus (% refusé). Une '
            'correction est un nouvel acte.', OLD.numero, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION actes_signification_immuable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Une signification enregistrée ne change plus (% refusé).', TG_OP;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS actes_acte_immuable ON actes_acte;
CREATE TRIGGER actes_acte_immuable BEFORE UPDATE OR DELETE ON actes_acte
    FOR EACH ROW EXECUTE FUNCTION actes_acte_immuable();
DROP TRIGGER IF EXISTS actes_signification_immuable ON actes_signification;
CREATE TRIGGER actes_signification_immuable BEFORE UPDATE OR DELETE ON actes_signification
    FOR EACH ROW EXECUTE FUNCTION actes_signification_immuable();
"""


def appliquer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None : le SQL contient des % (RAISE) que le pilote ne doit pas interpréter.
    schema_editor.execute(FONCTION, params=None)


def annuler(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS actes_acte_immuable ON actes_acte;"
        "DROP TRIGGER IF EXISTS actes_signification_immuable ON actes_signification;"
        "DROP FUNCTION IF EXISTS actes_acte_immuable();"
        "DROP FUNCTION IF EXISTS actes_signification_immuable();",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [("actes", "0002_actes")]
    operations = [migrations.RunPython(appliquer, annuler)]
