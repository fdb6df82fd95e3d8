"""Intérêts : taux légal (CMF L313-2, L313-3), taux conventionnel, pénalités de retard entre
professionnels (C. com. L441-10).

Le cœur du calcul (`decompte`, `interets_au_taux`, `premier_jour_majoration`) est pur : il
reçoit les taux en argument. Les fonctions qui ont besoin des taux datés
(`interets_legaux`, `penalites_retard`, `plancher_penalites_conventionnelles`) les lisent
dans les tables de référence par `comptabilite.referentiel`, importé à l'appel seulement pour
que ce module reste sans ORM.

Règle de décompte (DOMAINE.md, décision 1) : l'intérêt court chaque jour `d` avec
`du < d <= au` (CPC 641 : le jour de départ ne compte pas) ; la période est coupée à chaque
changement de semestre et au premier jour de la majoration ; chaque morceau vaut
`principal × jours × taux / 36 500` (365 même en année bissextile, comme service-public F783
et la Banque de France), arrondi au centime le plus proche (demi supérieur) ; le total est la
somme des morceaux. Exemple officiel F783 : 2 000 € du 1er au 30 septembre 2016 à 4,35 %,
29 jours, 6,91 €.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from comptabilite.monnaie import (
    ZERO,
    arrondir,
    controler_date,
    controler_montant,
    date_fr,
    pourcent,
)
from etude.errors import DonneeManquante

# CMF L313-3 : « le taux de l'intérêt légal est majoré de cinq points ».
POINTS_MAJORATION = Decimal("5")
# C. com. L441-10 II : taux BCE de l'opération de refinancement la plus récente « majoré de
# 10 points de pourcentage » (domaine/argent.md § 4, texte vu en extraits secondaires).
POINTS_PENALITES_L441_10 = Decimal("10")
# C. com. L441-10 II : un taux conventionnel ne peut être « inférieur à trois fois le taux
# d'intérêt légal ».
MULTIPLE_PLANCHER_L441_10 = Decimal("3")
# C. com. D441-5 (décret n° 2012-1115 du 2 octobre 2012) : indemnité forfaitaire pour frais de
# recouvrement de 40 €, due par facture payée en retard et non par jour, hors champ de la TVA
# (domaine/argent.md § 4 : 2S pour le montant, 1S pour « par facture » et « sans TVA »).
INDEMNITE_FORFAITAIRE_RECOUVREMENT = Decimal("40.00")
# F783 : diviser par 365 × 100, « que l'année soit ou non bissextile ».
DIVISEUR = Decimal("36500")


@dataclass(frozen=True)
class Periode:
    """Un morceau du décompte : les jours `d` avec `debut < d <= fin`, à un seul taux.

    Même convention que les arguments `du` et `au` : `jours == (fin - debut).days`, et le
    morceau se recalcule à l'identique avec `du=debut, au=fin`.
    """

    debut: date
    fin: date
    jours: int
    taux: Decimal
    montant: Decimal
    majore: bool = False


@dataclass(frozen=True)
class Decompte:
    """Intérêts d'un principal constant sur une période, morceau par morceau."""

    principal: Decimal
    du: date
    au: date
    periodes: list[Periode] = field(default_factory=list)
    # Phrases à montrer quand un taux utilisé n'est pas confirmé (DOMAINE.md : une valeur non
    # confirmée ne passe jamais en silence dans un acte).
    a_verifier: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((p.montant for p in self.periodes), ZERO)

    @property
    def jours(self) -> int:
        return sum(p.jours for p in self.periodes)


def debut_semestre(jour: date) -> date:
    return date(jour.year, 1 if jour.month <= 6 else 7, 1)


def fin_semestre(jour: date) -> date:
    return date(jour.year, 6, 30) if jour.month <= 6 else date(jour.year, 12, 31)


def semestres_couverts(du: date, au: date) -> list[date]:
    """Débuts des semestres qui contiennent au moins un jour `d` avec `du < d <= au`."""
    semestres: list[date] = []
    curseur = du
    while curseur < au:
        premier = curseur + timedelta(days=1)
        semestres.append(debut_semestre(premier))
        curseur = fin_semestre(premier)
    return semestres


def interet_morceau(principal: Decimal, jours: int, taux: Decimal) -> Decimal:
    """`principal × jours × taux / 36 500`, arrondi au centime (demi supérieur)."""
    return arrondir(principal * jours * taux / DIVISEUR)


def _controler(principal, du, au) -> Decimal:
    principal = controler_montant(principal, "Le principal")
    controler_date(du, "La date de départ (du)")
    controler_date(au, "La date de fin (au)")
    if au < du:
        raise ValueError(
            f"La date de fin ({date_fr(au)}) précède la date de départ ({date_fr(du)})."
        )
    return principal


def decompte(
    principal: Decimal,
    *,
    du: date,
    au: date,
    taux_par_semestre: Mapping[date, Decimal],
    majoration_depuis: date | None = None,
    points_majoration: Decimal = POINTS_MAJORATION,
) -> Decompte:
    """Cœur pur du calcul : `taux_par_semestre` associe le début de chaque semestre (1er
    janvier, 1er juillet) au taux annuel en %. Les jours `d >= majoration_depuis` portent le
    taux augmenté de `points_majoration` (CMF L313-3)."""
    principal = _controler(principal, du, au)
    if majoration_depuis is not None:
        controler_date(majoration_depuis, "Le premier jour de la majoration")
    periodes: list[Periode] = []
    curseur = du
    while curseur < au:
        premier = curseur + timedelta(days=1)
        semestre = debut_semestre(premier)
        if semestre not in taux_par_semestre:
            raise DonneeManquante(
                f"Taux du semestre commençant le {date_fr(semestre)} non fourni au calcul."
            )
        fin = min(au, fin_semestre(premier))
        majore = majoration_depuis is not None and premier >= majoration_depuis
        if majoration_depuis is not None and premier < majoration_depuis <= fin:
            # Coupure au premier jour de la majoration (DOMAINE.md, décision 1).
            fin = majoration_depuis - timedelta(days=1)
        taux = taux_par_semestre[semestre] + (points_majoration if majore else 0)
        jours = (fin - curseur).days
        periodes.append(
            Periode(
                debut=curseur,
                fin=fin,
                jours=jours,
                taux=taux,
                montant=interet_morceau(principal, jours, taux),
                majore=majore,
            )
        )
        curseur = fin
    return Decompte(principal=principal, du=du, au=au, periodes=periodes)


def interets_au_taux(principal: Decimal, *, du: date, au: date, taux: Decimal) -> Decompte:
    """Intérêts à un taux fixe (conventionnel, ou fixé par le juge), en un seul morceau.

    Même décompte des jours et même diviseur 36 500 que le taux légal.
    """
    principal = _controler(principal, du, au)
    if not isinstance(taux, Decimal):
        raise TypeError("Le taux doit être un Decimal (en %), jamais un float.")
    if taux < 0:
        raise ValueError(f"Le taux doit être positif ou nul : reçu {taux} %.")
    if du == au:
        return Decompte(principal=principal, du=du, au=au)
    jours = (au - du).days
    morceau = Periode(
        debut=du, fin=au, jours=jours, taux=taux, montant=interet_morceau(principal, jours, taux)
    )
    return Decompte(principal=principal, du=du, au=au, periodes=[morceau])


def premier_jour_majoration(executoire_le: date) -> date:
    """Premier jour du taux majoré (CMF L313-3 ; DOMAINE.md, décision 3).

    Le délai de deux mois court du jour où la décision est devenue exécutoire (signification
    si exécution provisoire, sinon expiration du délai d'appel ou d'opposition) ; il expire le
    jour du même quantième deux mois plus tard (dernier jour du mois s'il n'existe pas) ; la
    majoration s'applique dès le lendemain. Pas de report CPC 642 : ce n'est pas un délai de
    procédure. Exemple officiel (F20688) : signification le 17/09/2015, intérêts majorés à
    partir du 18/11/2015.
    """
    controler_date(executoire_le, "La date à laquelle la décision est devenue exécutoire")
    mois = executoire_le.month + 2
    annee = executoire_le.year + (mois - 1) // 12
    mois = (mois - 1) % 12 + 1
    jour = min(executoire_le.day, calendar.monthrange(annee, mois)[1])
    return date(annee, mois, jour) + timedelta(days=1)


def _taux_des_semestres(semestres, lire) -> tuple[dict[date, Decimal], tuple[str, ...]]:
    taux: dict[date, Decimal] = {}
    avertissements: list[str] = []
    for semestre in semestres:
        valeur, avertissement = lire(semestre)
        taux[semestre] = valeur
        if avertissement and avertissement not in avertissements:
            avertissements.append(avertissement)
    return taux, tuple(avertissements)


def interets_legaux(
    principal: Decimal,
    *,
    du: date,
    au: date,
    creancier_particulier: bool,
    majoration_depuis: date | None = None,
) -> Decompte:
    """Intérêts au taux de l'intérêt légal (CMF L313-2) sur un principal constant.

    `creancier_particulier` : créancier personne physique n'agissant pas pour des besoins
    professionnels (DOMAINE.md, décision 2). `majoration_depuis` : premier jour du taux majoré
    de cinq points (CMF L313-3, voir `premier_jour_majoration`), ou None si le titre n'y donne
    pas lieu ou si le juge l'a écartée. Lève `DonneeManquante` si le taux d'un semestre de la
    période n'est pas saisi.
    """
    from comptabilite import referentiel

    principal = _controler(principal, du, au)
    categorie = "particulier" if creancier_particulier else "autre"

    def lire(semestre):
        trouve = referentiel.taux_interet_legal(semestre, categorie)
        quoi = f"Taux de l'intérêt légal du {date_fr(semestre)} ({pourcent(trouve.valeur)})"
        return trouve.valeur, trouve.provenance.avertissement(quoi)

    taux, avertissements = _taux_des_semestres(semestres_couverts(du, au), lire)
    resultat = decompte(
        principal, du=du, au=au, taux_par_semestre=taux, majoration_depuis=majoration_depuis
    )
    return replace(resultat, a_verifier=avertissements)


def taux_penalites_retard(semestre_debut: date) -> Decimal:
    """Taux supplétif des pénalités de retard du semestre (C. com. L441-10 II) : taux BCE en
    vigueur au 1er janvier ou au 1er juillet (loi du 22 mars 2012), plus 10 points."""
    from comptabilite import referentiel

    return referentiel.taux_bce(semestre_debut).valeur + POINTS_PENALITES_L441_10


def penalites_retard(principal: Decimal, *, du: date, au: date) -> Decompte:
    """Pénalités de retard entre professionnels au taux supplétif de L441-10 II.

    `du` est la date de règlement figurant sur la facture : les pénalités courent dès le
    lendemain. Taux de chaque semestre : BCE au premier jour du semestre + 10 points. Même
    décompte que le taux légal (jours `du < d <= au`, 365 jours, morceau arrondi au
    centime), la formule publiée étant « montant × taux × jours / 365 » (domaine/argent.md
    § 4, 1S). L'indemnité forfaitaire de 40 € par facture (D441-5) s'y ajoute :
    `INDEMNITE_FORFAITAIRE_RECOUVREMENT`.
    """
    from comptabilite import referentiel

    principal = _controler(principal, du, au)

    def lire(semestre):
        trouve = referentiel.taux_bce(semestre)
        quoi = f"Taux BCE en vigueur le {date_fr(semestre)} ({pourcent(trouve.valeur)})"
        return trouve.valeur + POINTS_PENALITES_L441_10, trouve.provenance.avertissement(quoi)

    taux, avertissements = _taux_des_semestres(semestres_couverts(du, au), lire)
    resultat = decompte(principal, du=du, au=au, taux_par_semestre=taux)
    return replace(resultat, a_verifier=avertissements)


def plancher_penalites_conventionnelles(jour: date) -> Decimal:
    """Taux minimal d'une clause de pénalités (C. com. L441-10 II) : trois fois le taux de
    l'intérêt légal « tous les autres cas » du semestre (domaine/argent.md § 4.2)."""
    from comptabilite import referentiel

    controler_date(jour, "La date")
    taux = referentiel.taux_interet_legal(debut_semestre(jour), "autre").valeur
    return taux * MULTIPLE_PLANCHER_L441_10
