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

Une requête ensembliste (PostgreSQL) sur l'état des fonds tenu à jour à chaque encaissement
et à chaque sortie (`FondsDossier`, `comptabilite.etat_fonds`) : elle ne lit que les dossiers
en retard, plus ceux qui ont bougé après la date de la nuit (recalculés à cette date).
"""

from __future__ import annotations

import time
from datetime import date

from django.db import connection, transaction

from comptabilite import grand_livre
from comptabilite.etat_fonds import SQL_CUMULS
from comptabilite.models import AlerteFonds, ParametresComptables
from comptabilite.reversements import fonds_calculer

# Les dossiers en retard sont lus dans l'état tenu à jour (`FondsDossier`, index partiel
# (etude, detenus_depuis)) : la nuit ne relit pas les encaissements de toute l'étude. Seuls
# les dossiers qui ont bougé après le `le` (nuit d'une date passée, versement daté du
# lendemain) sont recalculés à cette date depuis leurs écritures.
_DEBUT = """
WITH parametres AS (
    SELECT etude_id, delai_detention_jours AS delai
    FROM comptabilite_parametrescomptables
    WHERE delai_detention_jours IS NOT NULL
),
a_recalculer AS (
    SELECT f.dossier_id FROM comptabilite_fondsdossier f
    JOIN parametres p ON p.etude_id = f.etude_id
    WHERE f.dernier_mouvement > %(le)s
),"""
_FILTRE = "e.dossier_id IN (SELECT dossier_id FROM a_recalculer) AND e.date_valeur <= %(le)s"
_FIN = """,
detenus AS (
    SELECT f.dossier_id, f.etude_id, f.detenus_depuis AS depuis, f.disponible AS montant,
           p.delai
    FROM parametres p
    JOIN comptabilite_fondsdossier f
        ON f.etude_id = p.etude_id AND f.detenus_depuis < %(le)s::date - p.delai
    WHERE f.dernier_mouvement <= %(le)s
    UNION ALL
    SELECT e.dossier_id, e.etude_id, e.depuis, e.disponible, p.delai
    FROM etat e
    JOIN parametres p ON p.etude_id = e.etude_id
    WHERE e.depuis < %(le)s::date - p.delai
)
INSERT INTO comptabilite_alertefonds (etude_id, dossier_id, le, detenus_depuis, montant,
                                      delai_jours)
SELECT etude_id, dossier_id, %(le)s, depuis, montant, delai
FROM detenus
ON CONFLICT DO NOTHING
RETURNING id
"""
SQL_ALERTES = _DEBUT + SQL_CUMULS.format(filtre=_FILTRE) + _FIN


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
