"""Passe de nuit des intérêts : `accruer_interets(le)` porte au grand livre l'intérêt couru
jusqu'au jour `le` inclus, pour tous les dossiers, idempotente pour une date donnée.

Trois temps :
1. Ouverture en masse des grands livres manquants (dossiers à titre exécutoire sans solde) :
   principal et frais du titre, paramètres d'intérêts ; même règle que
   `grand_livre._ouvrir`, écrite en SQL (PostgreSQL) pour un million de dossiers.
2. Chemin ensembliste (PostgreSQL), par lots de clés croissantes : pour chaque solde dont
   l'intérêt est arrêté avant `le`, l'intérêt du morceau en cours (DOMAINE.md, décision 1)
   vaut `round(principal × (le - début) × taux / 36500, 2)` ; l'écriture du jour est la
   différence avec ce qui est déjà passé pour ce morceau. La somme des écritures d'un
   morceau est donc exactement l'arrondi du morceau entier, comme le calcul du décompte.
   Un changement de semestre ou le premier jour de la majoration ouvrent un nouveau morceau.
   Une requête par lot : SELECT ... FOR UPDATE des soldes (un versement en cours attend, ou
   fait attendre : le résultat est celui de l'exécution en série), INSERT des écritures
   (contrainte unique dossier + jour en dernier recours), UPDATE des soldes. Les lots sont
   répartis sur deux connexions (`CONNEXIONS`) : le travail est dans PostgreSQL, un cœur
   par connexion. Les clés étrangères des écritures sont vérifiées comme partout (le
   contournement par `session_replication_role`, réservé au superutilisateur, a été retiré :
   mesuré en temps CPU de la base, il ne gagnait rien, voir docs/ETAT.md).
   Cours des intérêts arrêté (`SoldeDossier.interets_suspendus_depuis`, échéancier qui remet
   les intérêts) : aucune écriture, le jour est seulement marqué passé (morceau vide qui
   repart du jour) ; la reprise du cours est recalculée par le service qui la décide
   (`comptabilite.services.interets_reprendre`), la nuit suivante repart de là.
3. Recalcul dossier par dossier (Python, `grand_livre.interets_regulariser`) des cas que le
   SQL ne traite pas : pénalités L441-10 (taux BCE), anniversaire de capitalisation, nuit
   manquée à cheval sur une coupure, SQLite.

Une seconde passe pour la même date n'écrit rien : `interets_arretes_au` vaut déjà `le`, et la
contrainte unique (dossier, jour) refuserait de toute façon un doublon.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, timedelta

from django.db import connection, transaction

from comptabilite import grand_livre
from comptabilite.interets import debut_semestre
from comptabilite.models import SoldeDossier
from comptabilite.models.grand_livre import Regime
from comptabilite.monnaie import date_fr
from etude.errors import DonneeManquante

TAILLE_LOT = 50_000
# Lots en parallèle sur deux connexions (la machine de production a deux cœurs ; mesuré en
# temps CPU de la base, le calcul d'un lot tient un cœur).
CONNEXIONS = 2

# 1. Ouverture en masse : mêmes règles que grand_livre._ouvrir (premier titre du dossier ;
# régime selon le titre et la qualité du créancier, décision 2 ; intérêts depuis
# interets_depuis ou la date du titre, C. civ. 1231-7 ; majoration au lendemain des deux
# mois qui suivent la force exécutoire, CMF L313-3 et décision 3, l'arithmétique des mois
# de PostgreSQL ramenant au dernier jour du mois comme premier_jour_majoration).
SQL_OUVRIR_SOLDES = """
WITH titres AS (
    SELECT DISTINCT ON (t.dossier_id)
        t.dossier_id, d.etude_id, t.id AS titre_id, t.date_titre, t.montant_principal,
        t.montant_frais, t.type_interets, t.taux_contractuel, t.capitalisation,
        t.majoration_ecartee, t.date_force_executoire,
        COALESCE(t.interets_depuis, t.date_titre) AS depuis,
        CASE
            WHEN t.type_interets = 'aucun' THEN 'aucun'
            WHEN t.type_interets = 'contractuel' THEN 'contractuel'
            WHEN t.type_interets = 'commercial' THEN 'commercial'
            WHEN c.type_personne = 'physique' AND NOT c.agit_pour_besoins_professionnels
                THEN 'particulier'
            ELSE 'autre'
        END AS regime
    FROM dossiers_titreexecutoire t
    JOIN dossiers_dossier d ON d.id = t.dossier_id
    JOIN dossiers_creancier c ON c.id = d.creancier_id
    WHERE NOT EXISTS (
        SELECT 1 FROM comptabilite_soldedossier s WHERE s.dossier_id = t.dossier_id
    )
    ORDER BY t.dossier_id, t.date_titre, t.id
)
INSERT INTO comptabilite_soldedossier (
    dossier_id, etude_id, frais, interets, principal, excedent, verse, du, regime,
    taux_fixe, majoration_depuis, capitalisation, interets_depuis, interets_arretes_au,
    morceau_debut, morceau_principal, morceau_poste, modifie_le
)
SELECT
    dossier_id, etude_id, montant_frais, 0, montant_principal, 0, 0,
    montant_frais + montant_principal, regime,
    CASE WHEN regime = 'contractuel' THEN taux_contractuel END,
    CASE
        WHEN regime IN ('particulier', 'autre') AND date_force_executoire IS NOT NULL
            AND NOT majoration_ecartee
        THEN (date_force_executoire + interval '2 months')::date + 1
    END,
    capitalisation,
    CASE WHEN regime <> 'aucun' THEN depuis END,
    CASE WHEN regime <> 'aucun' THEN depuis END,
    CASE WHEN regime <> 'aucun' THEN depuis END,
    montant_principal, 0, now()
FROM titres
ON CONFLICT DO NOTHING
RETURNING dossier_id
"""

SQL_OUVRIR_ECRITURES = """
INSERT INTO comptabilite_ecriture (
    etude_id, dossier_id, date_valeur, nature, poste, sens, montant, libelle, cause,
    cause_id, motif, cree_le
)
SELECT d.etude_id, t.dossier_id, x.date_valeur, x.nature, x.nature_poste, 'debit',
       x.montant, x.libelle, 'titre', t.id::text, '', now()
FROM (
    SELECT DISTINCT ON (dossier_id) * FROM dossiers_titreexecutoire
    WHERE dossier_id = ANY(%(dossiers)s) ORDER BY dossier_id, date_titre, id
) t
JOIN dossiers_dossier d ON d.id = t.dossier_id
CROSS JOIN LATERAL (VALUES
    ('principal', 'principal', t.montant_principal,
     LEAST(COALESCE(t.interets_depuis, t.date_titre), t.date_titre),
     'Principal du titre exécutoire'),
    ('frais', 'frais', t.montant_frais, t.date_titre,
     'Frais alloués par le titre (art. 700, dépens)')
) AS x(nature, nature_poste, montant, date_valeur, libelle)
WHERE x.montant > 0
ON CONFLICT DO NOTHING
"""

# 2. Chemin ensembliste d'un lot. round(numeric, 2) de PostgreSQL arrondit la moitié en
# s'éloignant de zéro : sur un montant positif, c'est ROUND_HALF_UP (monnaie.arrondir).
SQL_LOT = """
WITH cibles AS (
    SELECT s.dossier_id, s.etude_id, s.regime, s.taux_fixe, s.majoration_depuis,
           s.interets_arretes_au, s.morceau_debut, s.morceau_principal, s.morceau_poste,
           s.interets_suspendus_depuis
    FROM comptabilite_soldedossier s
    WHERE s.dossier_id > %(apres)s AND s.dossier_id <= %(jusqu_a)s
      AND s.regime IN ('particulier', 'autre', 'contractuel')
      AND s.interets_arretes_au < %(le)s
      AND NOT (
          s.capitalisation
          AND (s.interets_depuis + make_interval(
                   years => (extract(year FROM %(le)s::date)
                             - extract(year FROM s.interets_depuis))::int))::date
              BETWEEN s.interets_arretes_au + 1 AND %(le)s
      )
    FOR UPDATE
),
calcul AS (
    SELECT c.*,
        c.interets_suspendus_depuis IS NOT NULL AS suspendu,
        CASE
            -- Cours arrêté (échéancier qui remet les intérêts) : morceau vide qui repart
            -- du jour, comme CalculInterets.etat_nuit après un morceau arrêté.
            WHEN c.interets_suspendus_depuis IS NOT NULL THEN %(le)s::date
            ELSE GREATEST(
                c.morceau_debut,
                %(veille_semestre)s::date,
                CASE WHEN c.majoration_depuis <= %(le)s THEN c.majoration_depuis - 1 END
            )
        END AS debut,
        CASE
            WHEN c.interets_suspendus_depuis IS NOT NULL THEN 0
            WHEN c.regime = 'contractuel' THEN c.taux_fixe
            ELSE t.taux + CASE WHEN c.majoration_depuis <= %(le)s THEN 5 ELSE 0 END
        END AS taux
    FROM cibles c
    LEFT JOIN comptabilite_tauxinteretlegal t
        ON t.semestre_debut = %(semestre)s AND t.categorie = c.regime
),
valides AS (
    SELECT calcul.*,
        round(morceau_principal * (%(le)s::date - debut) * taux / 36500, 2) AS cumul,
        CASE WHEN debut = morceau_debut THEN morceau_poste ELSE 0 END AS deja
    FROM calcul
    WHERE taux IS NOT NULL
      -- Nuit manquée : seulement si aucune coupure n'est tombée entre-temps.
      AND (interets_arretes_au = %(le)s::date - 1 OR debut = morceau_debut OR suspendu)
      -- Arrêt du cours postérieur au dernier jour passé (les services recalculent
      -- jusqu'au début de l'arrêt : ne devrait pas arriver) : au recalcul Python.
      AND (NOT suspendu OR interets_suspendus_depuis <= interets_arretes_au)
),
ecritures AS (
    INSERT INTO comptabilite_ecriture (
        etude_id, dossier_id, date_valeur, nature, poste, sens, montant, libelle, cause,
        cause_id, motif, periode_debut, periode_fin, taux, cree_le
    )
    SELECT etude_id, dossier_id, %(le)s, 'interets', 'interets', 'debit', cumul - deja,
           %(libelle)s, 'nuit', '', '', debut, %(le)s, taux, now()
    FROM valides
    WHERE cumul - deja > 0
    -- Pas de ON CONFLICT : le filtre interets_arretes_au < le rend la passe idempotente ;
    -- un doublon (dossier, jour) serait une incohérence, que la contrainte unique fait
    -- échouer bruyamment plutôt que de laisser le solde s'écarter des écritures.
)
UPDATE comptabilite_soldedossier s
SET interets = s.interets + GREATEST(v.cumul - v.deja, 0),
    du = s.du + GREATEST(v.cumul - v.deja, 0),
    interets_arretes_au = %(le)s,
    morceau_debut = v.debut,
    morceau_poste = v.cumul,
    modifie_le = now()
FROM valides v
WHERE s.dossier_id = v.dossier_id
RETURNING v.cumul - v.deja > 0
"""


def _ouvrir_grands_livres() -> int:
    """Ouvre en masse les grands livres des dossiers à titre qui n'en ont pas."""
    if connection.vendor != "postgresql":
        from dossiers.models import Dossier

        ouverts = 0
        for dossier in Dossier.objects.filter(titres__isnull=False, solde__isnull=True).distinct():
            with transaction.atomic():
                grand_livre.verrouiller_solde(dossier)
            ouverts += 1
        return ouverts
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(SQL_OUVRIR_SOLDES)
        dossiers = [ligne[0] for ligne in curseur.fetchall()]
        if dossiers:
            curseur.execute(SQL_OUVRIR_ECRITURES, {"dossiers": dossiers})
    return len(dossiers)


def _lot(apres: int, jusqu_a: int, parametres: dict) -> list[bool]:
    """Un lot, une transaction : les verrous de ligne ne durent que le temps du lot."""
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(SQL_LOT, {**parametres, "apres": apres, "jusqu_a": jusqu_a})
        return [ligne[0] for ligne in curseur.fetchall()]


def _lots_en_parallele(bornes: list[tuple[int, int]], parametres: dict, connexions: int):
    """Répartit les lots entre `connexions` fils, chacun avec sa connexion PostgreSQL (un
    cœur de la base par connexion : le travail est dans PostgreSQL, le fil Python attend).

    Les lots portent sur des dossiers disjoints et chacun est sa propre transaction : en
    parallèle ou en série, le résultat est le même. Une erreur dans un lot est relevée après
    la fin des autres fils (les lots déjà validés restent : la nuit relancée reprend là)."""
    resultats: list[list[bool]] = []
    erreurs: list[BaseException] = []

    def fil(part: list[tuple[int, int]]) -> None:
        try:
            for apres, jusqu_a in part:
                resultats.append(_lot(apres, jusqu_a, parametres))
        except BaseException as erreur:  # relevée dans le fil principal
            erreurs.append(erreur)
        finally:
            connection.close()  # la connexion de ce fil (Django : une par fil)

    fils = [
        threading.Thread(target=fil, args=(bornes[rang::connexions],), name=f"nuit-{rang}")
        for rang in range(connexions)
    ]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    if erreurs:
        raise erreurs[0]
    return resultats


def _chemin_ensembliste(le: date, resume: Counter, *, connexions: int) -> None:
    semestre = debut_semestre(le)
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT min(dossier_id), max(dossier_id) FROM comptabilite_soldedossier "
            "WHERE regime <> 'aucun' AND interets_arretes_au < %s",
            [le],
        )
        bas, haut = curseur.fetchone()
    if bas is None:
        return
    bornes = [(apres, apres + TAILLE_LOT) for apres in range(bas - 1, haut, TAILLE_LOT)]
    parametres = {
        "le": le,
        "semestre": semestre,
        "veille_semestre": semestre - timedelta(days=1),
        "libelle": f"Intérêts courus au {date_fr(le)}",
    }
    # Dans une transaction ouverte (tests, appelant atomique), d'autres connexions ne
    # verraient pas ce qu'elle a écrit : en série sur la connexion courante.
    if connexions > 1 and len(bornes) > 1 and not connection.in_atomic_block:
        lots = _lots_en_parallele(bornes, parametres, connexions)
    else:
        lots = [_lot(apres, jusqu_a, parametres) for apres, jusqu_a in bornes]
    for passees in lots:
        resume["dossiers_ensemblistes"] += len(passees)
        resume["ecritures"] += sum(passees)


def _chemin_dossier_par_dossier(
    le: date, resume: Counter, erreurs: Counter, exclure: set[str]
) -> None:
    # Une catégorie sans taux n'est pas tentée, sauf les dossiers au cours arrêté (le taux
    # d'un semestre entièrement arrêté n'est pas lu).
    restants = (
        SoldeDossier.objects.exclude(regime=Regime.AUCUN)
        .exclude(regime__in=exclure, interets_suspendus_depuis__isnull=True)
        .filter(interets_arretes_au__lt=le)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for dossier_id in list(restants):
        try:
            with transaction.atomic():
                solde = SoldeDossier.objects.select_for_update().get(pk=dossier_id)
                if solde.interets_arretes_au >= le:
                    continue
                passees = grand_livre.interets_regulariser(solde, au=le, cause="nuit")
        except DonneeManquante as manque:
            erreurs[str(manque)] += 1
            continue
        resume["dossiers_recalcules"] += 1
        resume["ecritures"] += len(passees)


def _taux_manquants(le: date) -> set[str]:
    """Catégories dont le taux légal du semestre manque : leurs dossiers ne sont pas tentés
    un par un (un seul message, compté), DOMAINE.md décision 15."""
    from comptabilite import referentiel

    manquants = set()
    for categorie in (Regime.LEGAL_PARTICULIER, Regime.LEGAL_AUTRE):
        try:
            referentiel.taux_interet_legal(debut_semestre(le), categorie)
        except DonneeManquante:
            manquants.add(categorie)
    return manquants


def accruer_interets(
    le: date, *, ensembliste: bool | None = None, connexions: int = CONNEXIONS
) -> dict:
    """Passe au grand livre l'intérêt couru jusqu'au `le` inclus ; idempotente.

    Rend un résumé : grands livres ouverts, dossiers traités (ensemblistes, recalculés),
    écritures passées, erreurs (message français -> nombre de dossiers), durée.
    `ensembliste=False` force le recalcul dossier par dossier (mesure de référence).
    `connexions` : lots ensemblistes répartis sur autant de connexions (1 = en série).
    """
    debut = time.perf_counter()
    resume: Counter = Counter()
    erreurs: Counter = Counter()
    resume["grands_livres_ouverts"] = _ouvrir_grands_livres()
    if ensembliste is None:
        ensembliste = connection.vendor == "postgresql"
    manquants = _taux_manquants(le)
    for categorie in manquants:
        from comptabilite import referentiel

        try:
            referentiel.taux_interet_legal(debut_semestre(le), categorie)
        except DonneeManquante as manque:
            nombre = SoldeDossier.objects.filter(
                regime=categorie,
                interets_arretes_au__lt=le,
                interets_suspendus_depuis__isnull=True,
            ).count()
            if nombre:
                erreurs[str(manque)] += nombre
    if ensembliste:
        _chemin_ensembliste(le, resume, connexions=connexions)
    _chemin_dossier_par_dossier(le, resume, erreurs, manquants)
    return {
        "date": le.isoformat(),
        "grands_livres_ouverts": resume["grands_livres_ouverts"],
        "dossiers_ensemblistes": resume["dossiers_ensemblistes"],
        "dossiers_recalcules": resume["dossiers_recalcules"],
        "ecritures": resume["ecritures"],
        "erreurs": dict(erreurs),
        "duree_s": round(time.perf_counter() - debut, 3),
    }
