"""État des fonds détenus par dossier (`FondsDossier`), tenu à jour écriture par écriture.

La règle est celle de `reversements.fonds_calculer` (premier entré, premier sorti) : les
encaissements sont les parts des versements imputées sur principal et intérêts, et sur les
frais alloués par le titre (frais du créancier) tant qu'il en reste de dus (une
contre-passation de versement les retire), les sorties les écritures du poste « fonds » ;
`detenus_depuis` est le premier jour où le cumul des encaissements dépasse le total sorti,
vide si rien n'est détenu. La même requête sert à trois endroits : `grand_livre.passer` (un
dossier, dans la transaction de l'écriture, solde verrouillé), la nuit d'une date passée
(dossiers qui ont bougé depuis, recalculés à cette date) et la migration qui remplit la
table (copie du texte dans la migration 0011).
"""

from __future__ import annotations

from django.db import connection

from comptabilite.models import FondsDossier, NatureEcriture, Poste

# Écritures qui changent les fonds d'un dossier (mêmes que l'index `ecriture_fonds_idx`) :
# encaissements, contre-passations, frais alloués par le titre et leurs remises (frais du
# créancier), sorties du poste « fonds ».
NATURES_FONDS = (
    NatureEcriture.VERSEMENT,
    NatureEcriture.CONTRE_PASSATION,
    NatureEcriture.FRAIS,
    NatureEcriture.REMISE,
)


def touche_les_fonds(nature: str, poste: str) -> bool:
    return poste == Poste.FONDS or nature in NATURES_FONDS


# Mouvements par dossier et par jour, puis cumuls (fenêtres) ; {filtre} restreint les
# dossiers (et la date pour une nuit passée). Lu par l'index partiel ecriture_fonds_idx.
SQL_CUMULS = """
mouvements AS (
    SELECT e.dossier_id, e.etude_id, e.date_valeur,
        sum(CASE WHEN e.poste IN ('principal', 'interets')
                  AND COALESCE(o.nature, e.nature) = 'versement'
            THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS encaisse,
        sum(CASE WHEN e.poste = 'frais'
                  AND (COALESCE(o.nature, e.nature) = 'frais'
                       OR (e.nature = 'remise' AND e.cause_id LIKE '%%-creancier'))
            THEN CASE WHEN e.sens = 'debit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS frais_dus,
        sum(CASE WHEN e.poste = 'frais' AND COALESCE(o.nature, e.nature) = 'versement'
            THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS frais_payes,
        sum(CASE WHEN e.poste = 'fonds'
            THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS sorti
    FROM comptabilite_ecriture e
    LEFT JOIN comptabilite_ecriture o ON o.id = e.contre_passe_id
    WHERE (e.nature IN ('versement', 'contre_passation', 'frais', 'remise')
           OR e.poste = 'fonds')
      AND {filtre}
    GROUP BY e.dossier_id, e.etude_id, e.date_valeur
),
-- Frais alloués par le titre payés (au créancier) : les parts imputées sur les frais paient
-- d'abord ceux-là (reversements.fonds_calculer), soit min(frais dus, frais payés) cumulés.
cumuls AS (
    SELECT m.*,
        sum(encaisse) OVER (PARTITION BY dossier_id ORDER BY date_valeur)
        + GREATEST(0, LEAST(
            sum(frais_dus) OVER (PARTITION BY dossier_id ORDER BY date_valeur),
            sum(frais_payes) OVER (PARTITION BY dossier_id ORDER BY date_valeur)))
            AS encaisse_cumule,
        sum(encaisse) OVER (PARTITION BY dossier_id)
        + GREATEST(0, LEAST(sum(frais_dus) OVER (PARTITION BY dossier_id),
                            sum(frais_payes) OVER (PARTITION BY dossier_id)))
            AS encaisse_total,
        sum(sorti) OVER (PARTITION BY dossier_id) AS sorti_total
    FROM mouvements m
),
etat AS (
    SELECT dossier_id, etude_id,
        CASE WHEN max(encaisse_total - sorti_total) > 0
            THEN min(date_valeur) FILTER (WHERE encaisse_cumule > sorti_total)
        END AS depuis,
        max(encaisse_total - sorti_total) AS disponible,
        max(date_valeur) AS dernier
    FROM cumuls
    GROUP BY dossier_id, etude_id
)
"""

SQL_ACTUALISER = (
    "WITH"
    + SQL_CUMULS.format(filtre="e.dossier_id = ANY(%(dossiers)s)")
    + """
INSERT INTO comptabilite_fondsdossier (dossier_id, etude_id, detenus_depuis, disponible,
                                       dernier_mouvement)
SELECT dossier_id, etude_id, depuis, disponible, dernier FROM etat
ON CONFLICT (dossier_id) DO UPDATE
SET detenus_depuis = EXCLUDED.detenus_depuis, disponible = EXCLUDED.disponible,
    dernier_mouvement = EXCLUDED.dernier_mouvement
"""
)


def actualiser(dossier_ids: list[int]) -> None:
    """Recalcule l'état des fonds des dossiers donnés (dans la transaction de l'appelant)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute(SQL_ACTUALISER, {"dossiers": list(dossier_ids)})
        return
    from comptabilite import grand_livre
    from comptabilite.reversements import fonds_calculer
    from dossiers.models import Dossier

    for dossier_id in dossier_ids:
        lignes = [
            ligne
            for ligne in grand_livre.lignes(dossier_id)
            if touche_les_fonds(ligne.nature, ligne.poste)
        ]
        if not lignes:
            continue
        fonds = fonds_calculer(lignes)
        FondsDossier.objects.update_or_create(
            dossier_id=dossier_id,
            defaults={
                "etude_id": Dossier.objects.values_list("etude_id", flat=True).get(pk=dossier_id),
                "detenus_depuis": fonds.detenus_depuis,
                "disponible": fonds.disponible,
                "dernier_mouvement": max(ligne.date_valeur for ligne in lignes),
            },
        )
