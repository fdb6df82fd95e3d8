"""Recherche à un million de dossiers : index inversé mot -> dossiers (PostgreSQL).

Mesuré à 1 M dossiers (bench/socle.py) avec 0004 : un nom de fréquence moyenne (« Brun »,
1 % des dossiers, 10 000 lignes) coûte 50 à 110 ms, qu'on retrouve ses dossiers par l'index
GIN (une page de table lue par dossier, avant de trier) ou qu'on relise les dossiers du
plus récent au plus ancien. `dossiers_motdossier` garde, par étude et par mot, les
identifiants des dossiers : les 20 plus récents d'un mot se lisent dans l'index seul
(parcours à rebours), et plusieurs mots s'intersectent sans toucher la table des dossiers.

- `dossiers_motdossier (etude_id, mot, dossier_id)` : mots alphabétiques du texte de
  recherche (coupé aux espaces et aux tirets), sans doublon par dossier.
- `motdossier_mot_idx (etude_id, mot text_pattern_ops, dossier_id)` : sert `mot = ?` trié
  par dossier décroissant et `mot LIKE 'lef%'` (début de mot ; base en C.UTF-8).
- Le trigger `dossier_mots` tient aussi cette table (insertion, changement du texte,
  suppression d'un dossier).
- `dossier_recherche_trgm` (0003) est supprimé : plus aucune requête ne s'en sert, et
  PostgreSQL le préférait à tort pour les expressions régulières de mots courants (216 ms
  au lieu de 8 ms pour « brun »).
"""

from django.db import migrations

SQL = """
DROP INDEX IF EXISTS dossier_recherche_trgm;

CREATE TABLE IF NOT EXISTS dossiers_motdossier (
    etude_id bigint NOT NULL,
    mot text NOT NULL,
    dossier_id bigint NOT NULL
);

CREATE OR REPLACE FUNCTION dossiers_mots_recherche() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM dossiers_motdossier
        WHERE etude_id = OLD.etude_id AND dossier_id = OLD.id
          AND mot = ANY(regexp_split_to_array(OLD.recherche, '[ -]+'));
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN NULL;
    END IF;
    INSERT INTO dossiers_motdossier (etude_id, mot, dossier_id)
    SELECT DISTINCT NEW.etude_id, m, NEW.id
    FROM regexp_split_to_table(NEW.recherche, '[ -]+') AS m
    WHERE m ~ '^[[:alpha:]]+$';
    INSERT INTO dossiers_motrecherche (mot)
    SELECT DISTINCT m FROM regexp_split_to_table(NEW.recherche, '[ -]+') AS m
    WHERE length(m) >= 3 AND m !~ '[0-9]'
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS dossier_mots ON dossiers_dossier;
CREATE TRIGGER dossier_mots AFTER INSERT OR DELETE OR UPDATE OF recherche
    ON dossiers_dossier FOR EACH ROW EXECUTE FUNCTION dossiers_mots_recherche();

INSERT INTO dossiers_motdossier (etude_id, mot, dossier_id)
SELECT DISTINCT d.etude_id, m, d.id
FROM dossiers_dossier d, regexp_split_to_table(d.recherche, '[ -]+') AS m
WHERE m ~ '^[[:alpha:]]+$';

SET LOCAL maintenance_work_mem = '1GB';
CREATE INDEX IF NOT EXISTS motdossier_mot_idx
    ON dossiers_motdossier (etude_id, mot text_pattern_ops, dossier_id);
ANALYZE dossiers_motdossier;
"""

REVERSE = """
DROP TRIGGER IF EXISTS dossier_mots ON dossiers_dossier;
DROP TABLE IF EXISTS dossiers_motdossier;
CREATE OR REPLACE FUNCTION dossiers_mots_recherche() RETURNS trigger AS $$
BEGIN
    INSERT INTO dossiers_motrecherche (mot)
    SELECT DISTINCT m FROM regexp_split_to_table(NEW.recherche, '[ -]+') AS m
    WHERE length(m) >= 3 AND m !~ '[0-9]'
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dossier_mots AFTER INSERT OR UPDATE OF recherche ON dossiers_dossier
    FOR EACH ROW EXECUTE FUNCTION dossiers_mots_recherche();
CREATE INDEX IF NOT EXISTS dossier_recherche_trgm
    ON dossiers_dossier USING gin (recherche gin_trgm_ops);
"""


def appliquer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def annuler(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_recherche_mots")]
    operations = [migrations.RunPython(appliquer, annuler)]
