"""Nuit : fonds détenus trop longtemps pour les créanciers.

Pour chaque dossier qui détient des fonds encaissés pour son créancier (versements imputés
sur principal et intérêts, moins ce qui est sorti au poste « fonds » : voir
`comptabilite.reversements`), la date du plus ancien encaissement pas encore reversé
(premier entré, premier sorti) ; au-delà du délai de l'étude, une alerte `AlerteFonds` pour
la nuit du `le` (une par dossier et par nuit : la seconde passe n'écrit rien).

Le délai n'est pas un chiffre de loi trouvé dans les sources : CPCE R124-6 (« reversement
dans un délai d'un mois à compter de leur encaissement effectif ») vise les personnes
chargées du recouvrement amiable hors statut, et R124-1 en exclut les commissaires de justice
(domaine/textes.md, C11) ; leurs règles professionnelles ne sont pas recopiées. C'est donc un
paramètre de l'étude (`ParametresComptables.delai_detention_jours`, avec sa source) ; une étude
qui ne l'a pas saisi n'est pas contrôlée, et le résumé de la nuit le dit.

Une requête ensembliste (PostgreSQL) : l'index partiel `ecriture_fonds_idx` ne porte que les
encaissements et les sorties, pas le million d'écritures d'intérêts du soir.
"""

from __future__ import annotations

import time
from datetime import date

from django.db import connection, transaction

from comptabilite import grand_livre
from comptabilite.models import AlerteFonds, ParametresComptables
from comptabilite.reversements import fonds_calculer

SQL_ALERTES = """
WITH parametres AS (
    SELECT etude_id, delai_detention_jours AS delai
    FROM comptabilite_parametrescomptables
    WHERE delai_detention_jours IS NOT NULL
),
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
    JOIN parametres p ON p.etude_id = e.etude_id
    LEFT JOIN comptabilite_ecriture o ON o.id = e.contre_passe_id
    WHERE (e.nature IN ('versement', 'contre_passation', 'frais', 'remise')
           OR e.poste = 'fonds')
      AND e.date_valeur <= %(le)s
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
detenus AS (
    SELECT dossier_id, etude_id,
        min(date_valeur) FILTER (WHERE encaisse_cumule > sorti_total) AS depuis,
        max(encaisse_total - sorti_total) AS montant
    FROM cumuls
    GROUP BY dossier_id, etude_id
    HAVING max(encaisse_total - sorti_total) > 0
)
INSERT INTO comptabilite_alertefonds (etude_id, dossier_id, le, detenus_depuis, montant,
                                      delai_jours)
SELECT d.etude_id, d.dossier_id, %(le)s, d.depuis, d.montant, p.delai
FROM detenus d
JOIN parametres p ON p.etude_id = d.etude_id
WHERE d.depuis IS NOT NULL AND %(le)s::date - d.depuis > p.delai
ON CONFLICT DO NOTHING
RETURNING id
"""


def _sans_delai() -> int:
    from etude.models import Etude

    return Etude.objects.exclude(
        pk__in=ParametresComptables.objects.filter(delai_detention_jours__isnull=False).values(
            "etude_id"
        )
    ).count()


def _alertes_python(le: date) -> int:
    """Même règle, dossier par dossier (SQLite ; petites bases)."""
    from comptabilite.models import Ecriture

    nouvelles = 0
    for parametres in ParametresComptables.objects.filter(delai_detention_jours__isnull=False):
        dossiers = (
            Ecriture.objects.filter(etude_id=parametres.etude_id, nature="versement")
            .values_list("dossier_id", flat=True)
            .distinct()
        )
        for dossier_id in dossiers:
            fonds = fonds_calculer(grand_livre.lignes(dossier_id, jusqu_au=le))
            if fonds.detenus_depuis is None:
                continue
            if (le - fonds.detenus_depuis).days <= parametres.delai_detention_jours:
                continue
            _, cree = AlerteFonds.objects.get_or_create(
                dossier_id=dossier_id,
                le=le,
                defaults={
                    "etude_id": parametres.etude_id,
                    "detenus_depuis": fonds.detenus_depuis,
                    "montant": fonds.disponible,
                    "delai_jours": parametres.delai_detention_jours,
                },
            )
            nouvelles += cree
    return nouvelles


def alerter_fonds_detenus(le: date) -> dict:
    """Partie de la nuit : alertes des fonds détenus au-delà du délai de chaque étude."""
    debut = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute(SQL_ALERTES, {"le": le})
                nouvelles = len(curseur.fetchall())
        else:
            nouvelles = _alertes_python(le)
    sans_delai = _sans_delai()
    erreurs = {}
    if sans_delai:
        erreurs[
            "Délai maximal de détention des fonds non saisi (Comptabilité › Paramètres "
            "comptables) : aucune source ne fixe ce délai pour un commissaire de justice, "
            "l'étude le saisit avec sa source."
        ] = sans_delai
    return {
        "date": le.isoformat(),
        "alertes_nouvelles": nouvelles,
        "alertes_du_jour": AlerteFonds.objects.filter(le=le).count(),
        "erreurs": erreurs,
        "duree_s": round(time.perf_counter() - debut, 3),
    }
