"""Recherche à un million de dossiers : mots, références, mots connus (PostgreSQL).

Mesuré à 1 M dossiers (bench/socle.py), l'index trigramme de 0003 sert mal la recherche :
un nom courant (« martin ») ou une ville donne des dizaines de milliers de lignes candidates
à revérifier, et la similarité de mots (`%>`) sur le texte entier en parcourt davantage.

- `dossier_recherche_mots` : GIN sur `to_tsvector('simple', recherche)`, le texte étant
  déjà normalisé (minuscules, sans accents) ; sert les mots exacts et les débuts de mots
  de `dossiers.recherche.rechercher`.
- `dossier_reference_prefixe` : B-tree `text_pattern_ops` (la base est en C.UTF-8, que
  PostgreSQL ne traite pas comme « C » pour LIKE) ; sert `reference LIKE '2026-0001%'`.
- `dossiers_motrecherche` : les mots distincts (sans chiffres, 3 lettres et plus) de tous
  les textes de recherche, avec un index trigramme GiST (plus proches voisins `<->`) ; sert
  la tolérance aux fautes. Tenue à jour par le trigger `dossier_mots` à chaque écriture de
  `recherche` (les services passent par `dossier_indexer`) ; un mot n'en sort jamais, ce qui
  ne coûte qu'un candidat sans dossier. Table partagée entre études : elle ne sert qu'à
  proposer des variantes, les dossiers restent filtrés par étude.

Sur SQLite (mode embarqué), rien n'est créé : la recherche y est exacte.
"""

from django.db import migrations

SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS dossiers_motrecherche (mot text PRIMARY KEY);
CREATE INDEX IF NOT EXISTS dossiers_motrecherche_trgm
    ON dossiers_motrecherche USING gist (mot gist_trgm_ops);

CREATE OR REPLACE FUNCTION dossiers_mots_recherche() RETURNS trigger AS $$
BEGIN
    INSERT INTO dossiers_motrecherche (mot)
    SELECT DISTINCT m FROM regexp_split_to_table(NEW.recherche, '[ -]+') AS m
    WHERE length(m) >= 3 AND m !~ '[0-9]'
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS dossier_mots ON dossiers_dossier;
CREATE TRIGGER dossier_mots AFTER INSERT OR UPDATE OF recherche ON dossiers_dossier
    FOR EACH ROW EXECUTE FUNCTION dossiers_mots_recherche();

INSERT INTO dossiers_motrecherche (mot)
SELECT DISTINCT m FROM dossiers_dossier, regexp_split_to_table(recherche, '[ -]+') AS m
WHERE length(m) >= 3 AND m !~ '[0-9]'
ON CONFLICT DO NOTHING;

SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS dossier_recherche_mots
    ON dossiers_dossier USING gin (to_tsvector('simple'::regconfig, recherche));
CREATE INDEX IF NOT EXISTS dossier_reference_prefixe
    ON dossiers_dossier (etude_id, reference text_pattern_ops);
"""

REVERSE = """
DROP INDEX IF EXISTS dossier_reference_prefixe;
DROP INDEX IF EXISTS dossier_recherche_mots;
DROP TRIGGER IF EXISTS dossier_mots ON dossiers_dossier;
DROP FUNCTION IF EXISTS dossiers_mots_recherche();
DROP TABLE IF EXISTS dossiers_motrecherche;
"""


def appliquer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def annuler(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_recherche_trigramme")]
    operations = [migrations.RunPython(appliquer, annuler)]
