"""Calculs purs des échéanciers : capacité de paiement, propositions d'échéances,
rapprochement des versements avec les échéances, échéances manquées et déchéance.

Aucun import de l'ORM : des `Decimal`, des `date` et des dataclasses, pour être testé avec
des chiffres faits à la main et réutilisé par les services, la nuit et les actes.

Règles retenues :
- capacité mensuelle = la plus petite de la quotité saisissable (C. trav. R3252-2 et s.,
  calculée par `comptabilite.saisissable`) et de ce qui reste des revenus après le
  reste-à-vivre que l'étude fixe pour le foyer ; arrondie au centime inférieur (c'est un
  plafond : ne jamais proposer un centime de plus que supportable) ;
- échéances égales arrondies au centime inférieur, la dernière porte l'arrondi (elle est
  supérieure ou égale aux autres, de moins d'un centime par échéance) ;
- une échéance tombe le même quantième chaque mois (le dernier jour du mois quand il n'y en
  a pas : 31 janvier, puis 28 ou 29 février, puis 31 mars) ;
- la durée de référence est celle que le juge peut accorder (C. civ. 1343-5 : « dans la
  limite de deux années ») ; l'étude fixe la sienne dans sa politique.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# C. civ. 1343-5 : le juge peut « reporter ou échelonner, dans la limite de deux années, le
# paiement des sommes dues » ; durée de référence d'un plan amiable.
DUREE_REFERENCE_MOIS = 24


def _centime_inferieur(montant: Decimal) -> Decimal:
    return montant.quantize(CENT, rounding=ROUND_DOWN)


def ajouter_mois(jour: date, mois: int) -> date:
    """Même quantième `mois` mois plus tard ; le dernier jour du mois s'il n'existe pas."""
    index = jour.month - 1 + mois
    annee, mois_cible = jour.year + index // 12, index % 12 + 1
    dernier = calendar.monthrange(annee, mois_cible)[1]
    return date(annee, mois_cible, min(jour.day, dernier))


def capacite_mensuelle(
    revenus: Decimal, *, quotite_saisissable: Decimal, reste_a_vivre: Decimal
) -> Decimal:
    """Ce que le débiteur peut verser par mois : la plus petite de la quotité saisissable et
    des revenus diminués du reste-à-vivre du foyer ; jamais négative."""
    for nom, valeur in (
        ("revenus", revenus),
        ("quotite_saisissable", quotite_saisissable),
        ("reste_a_vivre", reste_a_vivre),
    ):
        if not isinstance(valeur, Decimal):
            raise TypeError(f"{nom} doit être un Decimal, reçu {valeur!r}.")
        if valeur < 0:
            raise ValueError(f"{nom} ne peut pas être négatif ({valeur}).")
    return max(ZERO, _centime_inferieur(min(quotite_saisissable, revenus - reste_a_vivre)))


@dataclass(frozen=True)
class EcheancePrevue:
    rang: int
    date: date
    montant: Decimal


def echelonner(montant: Decimal, *, nombre: int, premiere: date) -> list[EcheancePrevue]:
    """`nombre` échéances mensuelles à partir de `premiere` : montants égaux arrondis au
    centime inférieur, la dernière porte l'arrondi ; la somme vaut exactement `montant`."""
    if not isinstance(montant, Decimal) or montant <= 0:
        raise ValueError("Le montant à échelonner doit être un Decimal positif.")
    if nombre < 1:
        raise ValueError("Un échéancier compte au moins une échéance.")
    if montant != montant.quantize(CENT):
        raise ValueError("Le montant à échelonner s'exprime au centime.")
    base = _centime_inferieur(montant / nombre)
    if base == 0:
        raise ValueError(f"{montant} € ne se partagent pas en {nombre} échéances d'un centime.")
    echeances = [
        EcheancePrevue(rang, ajouter_mois(premiere, rang - 1), base) for rang in range(1, nombre)
    ]
    echeances.append(
        EcheancePrevue(nombre, ajouter_mois(premiere, nombre - 1), montant - base * (nombre - 1))
    )
    return echeances


def nombre_pour_mensualite(montant: Decimal, mensualite: Decimal) -> int:
    """Le nombre d'échéances de `mensualite` qu'il faut pour payer `montant`."""
    return max(1, int((montant / mensualite).to_integral_value(rounding=ROUND_CEILING)))


def echelonner_par_mensualite(
    montant: Decimal, *, mensualite: Decimal, premiere: date
) -> list[EcheancePrevue]:
    """Le plan de l'offre du débiteur (« 150 EUR par mois ») : des échéances mensuelles de
    `mensualite` à partir de `premiere`, autant qu'il en faut pour payer `montant`, la
    dernière ajustée au centime (ce qui reste, entre un centime et la mensualité) ; la somme
    vaut exactement `montant`."""
    if not isinstance(montant, Decimal) or montant <= 0:
        raise ValueError("Le montant à échelonner doit être un Decimal positif.")
    if montant != montant.quantize(CENT):
        raise ValueError("Le montant à échelonner s'exprime au centime.")
    if not isinstance(mensualite, Decimal) or mensualite <= 0:
        raise ValueError("La mensualité proposée doit être un montant positif.")
    if mensualite != mensualite.quantize(CENT):
        raise ValueError("La mensualité proposée s'exprime au centime.")
    nombre = nombre_pour_mensualite(montant, mensualite)
    echeances = [
        EcheancePrevue(rang, ajouter_mois(premiere, rang - 1), mensualite)
        for rang in range(1, nombre)
    ]
    echeances.append(
        EcheancePrevue(
            nombre, ajouter_mois(premiere, nombre - 1), montant - mensualite * (nombre - 1)
        )
    )
    return echeances


@dataclass(frozen=True)
class Proposition:
    """Un plan proposé : `nombre` échéances de `mensualite` (la dernière vaut `derniere`)."""

    libelle: str
    nombre: int
    mensualite: Decimal
    derniere: Decimal
    echeances: tuple[EcheancePrevue, ...]
    supportable: bool
    dans_la_duree: bool

    @property
    def montant(self) -> Decimal:
        return sum((e.montant for e in self.echeances), ZERO)


def proposition_de_l_offre(
    montant: Decimal,
    *,
    mensualite: Decimal | None = None,
    nombre: int | None = None,
    capacite: Decimal,
    duree_max_mois: int,
    premiere: date,
) -> Proposition:
    """Le plan que le débiteur propose : une `mensualite` (la dernière échéance ajustée au
    centime) ou un `nombre` d'échéances égales (`echelonner`). Supportable si aucune
    échéance ne dépasse la `capacite` (capacité nulle ou inconnue : non supportable)."""
    if (mensualite is None) == (nombre is None):
        raise ValueError("Donner la mensualité proposée ou le nombre d'échéances.")
    if mensualite is not None:
        echeances = tuple(
            echelonner_par_mensualite(montant, mensualite=mensualite, premiere=premiere)
        )
        libelle = "Offre du débiteur (mensualité proposée)"
    else:
        echeances = tuple(echelonner(montant, nombre=nombre, premiere=premiere))
        libelle = "Offre du débiteur (nombre d'échéances proposé)"
    return Proposition(
        libelle=libelle,
        nombre=len(echeances),
        mensualite=echeances[0].montant,
        derniere=echeances[-1].montant,
        echeances=echeances,
        supportable=max(e.montant for e in echeances) <= capacite,
        dans_la_duree=len(echeances) <= duree_max_mois,
    )


def _proposition(libelle, montant, nombre, premiere, capacite, duree_max) -> Proposition:
    echeances = tuple(echelonner(montant, nombre=nombre, premiere=premiere))
    return Proposition(
        libelle=libelle,
        nombre=nombre,
        mensualite=echeances[0].montant,
        derniere=echeances[-1].montant,
        echeances=echeances,
        supportable=max(e.montant for e in echeances) <= capacite,
        dans_la_duree=nombre <= duree_max,
    )


def proposer(
    montant: Decimal, *, capacite: Decimal, duree_max_mois: int, premiere: date
) -> list[Proposition]:
    """Les plans à proposer au débiteur pour `montant`, du plus court au plus long :

    - le plus court qu'il peut supporter (le moins d'échéances dont la plus forte, la
      dernière, reste dans sa `capacite`) ;
    - s'il tient dans la durée de l'étude et qu'il reste de la marge, le plan sur la moitié
      de la durée restante et le plan sur toute la durée (échéances plus petites) ;
    - sans capacité suffisante dans la durée : le plan sur toute la durée (non supportable,
      à discuter) et le plan supportable au-delà (hors politique : approbation).
    Sans aucune capacité, seul le plan sur toute la durée est proposé (non supportable).
    """
    if duree_max_mois < 1:
        raise ValueError("La durée maximale compte au moins un mois.")
    propositions: list[Proposition] = []
    # Pas plus d'échéances que de centimes à payer.
    plus_long = max(1, min(duree_max_mois, int(montant / CENT)))
    if capacite <= 0:
        return [
            _proposition(
                "Sur toute la durée de l'étude (sans capacité connue)",
                montant,
                plus_long,
                premiere,
                capacite,
                duree_max_mois,
            )
        ]
    # Le plus petit n tel que la dernière échéance (montant - (n-1)·base) tienne.
    nombre = max(1, int((montant / capacite).to_integral_value(rounding=ROUND_CEILING)))
    # La dernière échéance porte l'arrondi : elle peut dépasser la capacité d'un centime.
    while not _proposition("", montant, nombre, premiere, capacite, duree_max_mois).supportable:
        nombre += 1
    if nombre <= duree_max_mois:
        propositions.append(
            _proposition(
                "Le plus court supportable", montant, nombre, premiere, capacite, duree_max_mois
            )
        )
        milieu = (nombre + plus_long) // 2
        if nombre < milieu < plus_long:
            propositions.append(
                _proposition("Intermédiaire", montant, milieu, premiere, capacite, duree_max_mois)
            )
        if nombre < plus_long:
            propositions.append(
                _proposition(
                    "Sur toute la durée de l'étude",
                    montant,
                    plus_long,
                    premiere,
                    capacite,
                    duree_max_mois,
                )
            )
    else:
        propositions.append(
            _proposition(
                "Sur toute la durée de l'étude (au-delà de la capacité)",
                montant,
                plus_long,
                premiere,
                capacite,
                duree_max_mois,
            )
        )
        propositions.append(
            _proposition(
                "Supportable, au-delà de la durée de l'étude",
                montant,
                nombre,
                premiere,
                capacite,
                duree_max_mois,
            )
        )
    return propositions


# --- Rapprochement ---------------------------------------------------------------------------


class Etat:
    A_VENIR = "a_venir"
    PARTIELLE = "partielle"
    PAYEE = "payee"
    EN_RETARD = "en_retard"


@dataclass(frozen=True)
class EtatEcheance:
    rang: int
    date: date
    montant: Decimal
    paye: Decimal
    etat: str
    payee_le: date | None

    @property
    def reste(self) -> Decimal:
        return self.montant - self.paye

    @property
    def manquee(self) -> bool:
        return self.etat == Etat.EN_RETARD


@dataclass(frozen=True)
class Rapprochement:
    echeances: tuple[EtatEcheance, ...]
    verse: Decimal
    excedent: Decimal
    # Date de chaque versement rapproché, et jour où le plan a été soldé (A444-44 : le
    # versement du solde ne donne pas d'émolument ; comptabilite.tarif l'ôte).
    acomptes: tuple[date, ...]
    solde_le: date | None

    @property
    def manquees(self) -> tuple[EtatEcheance, ...]:
        return tuple(e for e in self.echeances if e.manquee)


def rapprocher(
    echeances: Sequence[EcheancePrevue],
    versements: Sequence[tuple[date, Decimal]],
    *,
    le: date,
) -> Rapprochement:
    """Rapproche les versements (date, montant), pris dans l'ordre des dates, des échéances
    dans l'ordre des rangs : chaque versement remplit la plus ancienne échéance non payée,
    le surplus passe à la suivante. Au `le` (versements postérieurs ignorés), une échéance
    est payée (entièrement, même en retard), en retard (sa date est passée — le débiteur
    pouvait payer jusqu'au jour même — et elle n'est pas entièrement payée, qu'elle le soit
    en partie ou pas du tout), partielle (pas encore échue, en partie payée) ou à venir."""
    ordonnees = sorted(echeances, key=lambda e: e.rang)
    payes = [ZERO] * len(ordonnees)
    payee_le: list[date | None] = [None] * len(ordonnees)
    courant = 0
    excedent = ZERO
    verse = ZERO
    acomptes: list[date] = []
    solde_le = None
    for jour, montant in sorted(versements, key=lambda v: v[0]):
        if jour > le:
            continue
        verse += montant
        if courant < len(ordonnees):
            acomptes.append(jour)
        reste = montant
        while reste > 0 and courant < len(ordonnees):
            manque = ordonnees[courant].montant - payes[courant]
            part = min(manque, reste)
            payes[courant] += part
            reste -= part
            if payes[courant] == ordonnees[courant].montant:
                payee_le[courant] = jour
                courant += 1
                if courant == len(ordonnees):
                    solde_le = jour
        excedent += reste
    etats = []
    for index, prevue in enumerate(ordonnees):
        if payes[index] == prevue.montant:
            etat = Etat.PAYEE
        elif prevue.date < le:
            etat = Etat.EN_RETARD
        elif payes[index] > 0:
            etat = Etat.PARTIELLE
        else:
            etat = Etat.A_VENIR
        etats.append(
            EtatEcheance(
                prevue.rang, prevue.date, prevue.montant, payes[index], etat, payee_le[index]
            )
        )
    return Rapprochement(tuple(etats), verse, excedent, tuple(acomptes), solde_le)


def decheance_possible_le(premiere_manquee: date, *, grace_jours: int) -> date:
    """Premier jour où le clerc est invité à prononcer la déchéance du terme : la grâce que
    l'étude accorde court le lendemain de l'échéance manquée."""
    return premiere_manquee + timedelta(days=grace_jours + 1)
