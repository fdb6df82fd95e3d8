"""Calcul des délais de procédure (CPC 640 à 644) : arithmétique pure, sans base de données.

Toute date rendue par `fin_de_delai` et `LectureSure` est le *dernier jour* du délai : il expire
ce jour-là à vingt-quatre heures (CPC 642 al. 1). Les jours fériés sont ceux de C. trav.
L3133-1, plus le Vendredi saint et le 26 décembre en Alsace-Moselle (L3134-13), plus le jour de
l'abolition de l'esclavage dans les départements d'outre-mer (L3422-2) : DOMAINE.md décision 9.
Ils viennent du paquet `holidays`, vérifié contre la liste de L3133-1 par les tests.
"""

from __future__ import annotations

import functools
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays

from etude.errors import DonneeManquante

# Calendrier de l'étude -> subdivision du paquet `holidays` (None : liste nationale seule).
# Moselle ("57") et Alsace ("6AE") ont dans le paquet les mêmes jours en plus.
CALENDRIERS: dict[str, str | None] = {
    "metropole": None,
    "alsace-moselle": "57",
    "guadeloupe": "971",
    "martinique": "972",
    "guyane": "973",
    "reunion": "974",
    "mayotte": "976",
}

# CPC 643 (juridiction en métropole) et 644 (juridiction dans un département ou une collectivité
# d'outre-mer) : « augmentés d'un mois » pour la partie qui demeure outre-mer (643 1°), ou hors
# de la collectivité où siège la juridiction d'outre-mer (644), « de deux mois » pour celle qui
# demeure à l'étranger. Notre lecture : `distance` décrit la partie à qui le délai est imparti
# par rapport au siège de la juridiction ; "outre-mer" couvre 643 1° et 644 (y compris la partie
# qui demeure en métropole quand la juridiction siège outre-mer). L'appelant ne la passe que pour
# les délais que ces articles énumèrent (comparution, appel, opposition, tierce opposition de
# 586 al. 3, révision, cassation) : ce module ne connaît pas la nature du délai.
DISTANCES: dict[str | None, int] = {None: 0, "outre-mer": 1, "etranger": 2}

# Sens d'un délai (GLOSSAIRE.md, `Delai.nature`) pour lequel on calcule la lecture sûre.
NATURES = ("agir_avant", "pas_avant", "valable_jusqu_au")

_ABOLITION = "Abolition de l'esclavage"
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MOIS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)


@dataclass(frozen=True)
class LectureSure:
    """Échéance d'un délai selon la lecture sûre (DOMAINE.md, décision 8).

    `date_sure` est la date que le logiciel affiche et fait respecter ; `date_alternative`
    l'autre lecture plausible, montrée à côté avec `raison_alternative` (None et "" quand les
    lectures coïncident). Pour un délai `pas_avant`, les deux dates sont aussi le dernier jour
    du délai d'attente : l'acte n'est permis qu'à partir du lendemain.
    """

    date_sure: date
    date_alternative: date | None = None
    raison_alternative: str = ""


# --- Vérifications ------------------------------------------------------------------------


def _verifier_date(valeur: object, nom: str) -> None:
    # Un datetime est une date pour Python, mais son heure n'a pas de sens ici (CPC 642 al. 1).
    if isinstance(valeur, datetime) or not isinstance(valeur, date):
        raise ValueError(f"{nom} doit être une date (datetime.date), pas {valeur!r}.")


def _verifier_nombre(valeur: object, nom: str) -> None:
    if isinstance(valeur, bool) or not isinstance(valeur, int):
        raise ValueError(f"{nom} doit être un entier, pas {valeur!r}.")
    if valeur < 0:
        raise ValueError(f"{nom} ne peut pas être négatif ({valeur}).")


def _verifier_calendrier(calendrier: object) -> None:
    if not isinstance(calendrier, str) or calendrier not in CALENDRIERS:
        connus = ", ".join(CALENDRIERS)
        raise ValueError(f"Calendrier inconnu : {calendrier!r} (valeurs admises : {connus}).")


def _verifier_distance(distance: object) -> None:
    if distance is not None and (not isinstance(distance, str) or distance not in DISTANCES):
        raise ValueError(
            f"Distance inconnue : {distance!r} (valeurs admises : None, "
            "« outre-mer » ou « etranger », CPC 643 et 644)."
        )


def _verifier_nature(nature: object) -> None:
    if not isinstance(nature, str) or nature not in NATURES:
        raise ValueError(
            f"Nature de délai non prise en charge : {nature!r} (valeurs admises : "
            f"{', '.join(NATURES)})."
        )


# --- Jours fériés et jours ouvrables ------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _feries(calendrier: str, annee: int) -> tuple[tuple[date, str], ...]:
    # Le paquet rend une liste vide, sans erreur, hors de ses années : on refuse plutôt que de
    # calculer un délai sans jours fériés (CONTRAT.md, données datées).
    if not holidays.France.start_year <= annee <= holidays.France.end_year:
        raise DonneeManquante(
            f"Jours fériés de {annee} inconnus : le paquet holidays couvre "
            f"{holidays.France.start_year} à {holidays.France.end_year} ; mettez-le à jour."
        )
    jours = dict(holidays.France(years=annee, language="fr"))
    subdivision = CALENDRIERS[calendrier]
    if subdivision is not None:
        locaux = holidays.France(years=annee, subdiv=subdivision, language="fr")
        for jour, nom in locaux.items():
            # DOMAINE décision 9 : outre-mer, seul le jour de l'abolition s'ajoute (C. trav.
            # L3422-2) ; le paquet connaît d'autres jours locaux (Vendredi saint et Mi-Carême
            # en Guadeloupe, fête de Victor Schoelcher) que la décision ne retient pas.
            if calendrier == "alsace-moselle" or _ABOLITION in nom:
                jours[jour] = nom
    return tuple(sorted(jours.items()))


@functools.lru_cache(maxsize=512)
def _dates_feriees(calendrier: str, annee: int) -> frozenset[date]:
    return frozenset(jour for jour, _ in _feries(calendrier, annee))


def jours_feries(annee: int, calendrier: str) -> dict[date, str]:
    """Jours fériés de l'année pour ce calendrier, avec leur nom (DOMAINE.md, décision 9)."""
    _verifier_calendrier(calendrier)
    _verifier_nombre(annee, "L'année")
    return dict(_feries(calendrier, annee))


def est_jour_ferie(d: date, calendrier: str) -> bool:
    """Vrai si `d` est férié : C. trav. L3133-1, plus L3134-13 (Alsace-Moselle), L3422-2."""
    _verifier_date(d, "La date")
    _verifier_calendrier(calendrier)
    return d in _dates_feriees(calendrier, d.year)


def est_jour_ouvrable(d: date, calendrier: str, *, samedi_ouvrable: bool = True) -> bool:
    """Vrai si `d` est un jour ouvrable.

    Au sens du droit du travail (glossaire du ministère du Travail), un jour ouvrable est tout
    jour sauf le dimanche et les jours fériés : le samedi l'est. Avec `samedi_ouvrable=False`,
    c'est un jour ouvré, du lundi au vendredi hors fériés (CPCE R211-4 « premier jour ouvré »).
    """
    _verifier_date(d, "La date")
    _verifier_calendrier(calendrier)
    return _ouvrable(d, calendrier, samedi_ouvrable)


def _ouvrable(d: date, calendrier: str, samedi_ouvrable: bool) -> bool:
    # Sans vérification des arguments : appelée en boucle par les fonctions publiques.
    if d.weekday() == 6 or (d.weekday() == 5 and not samedi_ouvrable):
        return False
    return d not in _dates_feriees(calendrier, d.year)


def _suivant(d: date, calendrier: str, samedi_ouvrable: bool) -> date:
    suivant = d + timedelta(days=1)
    while not _ouvrable(suivant, calendrier, samedi_ouvrable):
        suivant += timedelta(days=1)
    return suivant


def prochain_jour_ouvrable(d: date, calendrier: str, *, samedi_ouvrable: bool = True) -> date:
    """Premier jour ouvrable strictement après `d` (CPC 658 et 659 « premier jour ouvrable
    suivant » ; `samedi_ouvrable=False` pour un jour ouvré, CPCE R211-4)."""
    _verifier_date(d, "La date")
    _verifier_calendrier(calendrier)
    return _suivant(d, calendrier, samedi_ouvrable)


def proroger_cpc_642(d: date, calendrier: str) -> date:
    """`d` s'il est du lundi au vendredi hors fériés, sinon le premier tel jour qui suit.

    CPC 642 al. 2 : « Le délai qui expirerait normalement un samedi, un dimanche ou un jour
    férié ou chômé, est prorogé jusqu'au premier jour ouvrable suivant. » Le samedi étant
    lui-même cause de prorogation, le jour retenu n'est jamais un samedi.
    """
    _verifier_date(d, "La date")
    _verifier_calendrier(calendrier)
    if _ouvrable(d, calendrier, samedi_ouvrable=False):
        return d
    return _suivant(d, calendrier, samedi_ouvrable=False)


def ajouter_jours_ouvrables(
    depart: date, n: int, *, calendrier: str, samedi_ouvrable: bool = True
) -> date:
    """Le n-ième jour ouvrable après `depart`, ce jour ne comptant pas (comme CPC 641 al. 1).

    Pour CPCE L162-1 (« quinze jours ouvrables » d'indisponibilité après une saisie de compte),
    le sens de « ouvrable » n'est pas tranché (procedures.md §6, point 6) : par défaut le samedi
    compte, comme le définissent le ministère du Travail et service-public ; avec
    `samedi_ouvrable=False`, on compte des jours ouvrés. `echeance_jours_ouvrables` donne les
    deux lectures. Aucune prorogation de CPC 642 n'est appliquée ici.
    """
    _verifier_date(depart, "La date de départ")
    _verifier_nombre(n, "Le nombre de jours ouvrables")
    _verifier_calendrier(calendrier)
    jour = depart
    for _ in range(n):
        jour = _suivant(jour, calendrier, samedi_ouvrable)
    return jour


# --- Délais en jours, mois et années --------------------------------------------------------


def ajouter_mois(depart: date, mois: int) -> date:
    """Le jour de même quantième `mois` mois plus tard, ou le dernier jour du mois à défaut.

    CPC 641 al. 2 : « A défaut d'un quantième identique, le délai expire le dernier jour du
    mois. » Ainsi 31 janvier + 1 mois = 28 (ou 29) février, 29 février + 12 mois = 28 février.
    """
    _verifier_date(depart, "La date de départ")
    _verifier_nombre(mois, "Le nombre de mois")
    annee, indice = divmod(depart.month - 1 + mois, 12)
    annee += depart.year
    if annee > date.max.year:
        raise ValueError(f"Le délai dépasse l'an {date.max.year}.")
    mois_fin = indice + 1
    return date(annee, mois_fin, min(depart.day, monthrange(annee, mois_fin)[1]))


def fin_sans_prorogation(
    depart: date, *, jours: int = 0, mois: int = 0, ans: int = 0, distance: str | None = None
) -> date:
    """Dernier jour du délai selon CPC 640, 641 et 643-644, *avant* la prorogation de 642."""
    _verifier_date(depart, "La date de départ")
    _verifier_nombre(jours, "Le nombre de jours")
    _verifier_nombre(mois, "Le nombre de mois")
    _verifier_nombre(ans, "Le nombre d'années")
    _verifier_distance(distance)
    # CPC 641 al. 3 : les mois (et les années) d'abord, puis les jours. L'augmentation de
    # CPC 643-644 s'ajoute aux mois avant les jours (procedures.md §1.4 : 12 février 2017,
    # 15 jours + 1 mois = 27 mars 2017). Notre lecture : le délai augmenté est un seul délai
    # de (ans x 12 + mois + distance) mois compté du quantième de départ (CPC 641 al. 2), et
    # non deux délais successifs : 31 janvier, 1 mois + 1 mois de distance = 31 mars.
    total_mois = ans * 12 + mois + DISTANCES[distance]
    fin = ajouter_mois(depart, total_mois)
    try:
        # CPC 641 al. 1 : le jour qui fait courir le délai ne compte pas.
        return fin + timedelta(days=jours)
    except OverflowError:
        raise ValueError(f"Le délai dépasse l'an {date.max.year}.") from None


def fin_de_delai(
    depart: date,
    *,
    jours: int = 0,
    mois: int = 0,
    ans: int = 0,
    distance: str | None = None,
    calendrier: str = "metropole",
) -> date:
    """Dernier jour où l'acte peut encore être accompli, selon CPC 640 à 644.

    Le jour de l'événement ne compte pas pour un délai en jours (641 al. 1) ; un délai en mois
    ou en années expire le jour de même quantième, ou le dernier jour du mois à défaut
    (641 al. 2) ; les mois et années sont comptés avant les jours (641 al. 3) ; `distance`
    (None, "outre-mer" ou "etranger") ajoute un ou deux mois (643-644) avant la prorogation ;
    un dernier jour tombant un samedi, un dimanche ou un jour férié du `calendrier` est reporté
    au premier jour ouvrable suivant (642 al. 2). `calendrier` : "metropole",
    "alsace-moselle" (Vendredi saint et 26 décembre en plus), ou un département d'outre-mer
    ("guadeloupe", "martinique", "guyane", "reunion", "mayotte", jour de l'abolition en plus).

    Exemples : 7 mai 2026 + 8 jours = 15 mai 2026 ; 31 janvier 2026 + 1 mois = 2 mars 2026
    (le 28 février est un samedi). Une entrée invalide lève ValueError ; une année hors des
    jours fériés connus, DonneeManquante.
    """
    _verifier_calendrier(calendrier)
    fin = fin_sans_prorogation(depart, jours=jours, mois=mois, ans=ans, distance=distance)
    return proroger_cpc_642(fin, calendrier)


# --- Lecture sûre (DOMAINE.md, décision 8) ------------------------------------------------


def _en_clair(d: date) -> str:
    return f"{_JOURS[d.weekday()]} {d.day} {_MOIS[d.month - 1]} {d.year}"


def _motif_non_ouvre(d: date, calendrier: str) -> str:
    feries = dict(_feries(calendrier, d.year))
    if d in feries:
        return f"jour férié : {feries[d]}"
    return "fin de semaine"


def _choisir(nature: str, courte: date, longue: date, raisons: dict[str, str]) -> LectureSure:
    # Délai pour agir ou de validité : la date la plus tôt ; délai d'attente : la plus tard.
    if courte == longue:
        return LectureSure(courte)
    if nature == "pas_avant":
        return LectureSure(longue, courte, raisons["courte"])
    return LectureSure(courte, longue, raisons["longue"])


def echeance_sure(
    depart: date,
    *,
    jours: int = 0,
    mois: int = 0,
    ans: int = 0,
    nature: str,
    calendrier: str,
    distance: str | None = None,
) -> LectureSure:
    """Échéance d'un délai calendaire selon la lecture sûre de DOMAINE.md, décision 8.

    Deux incertitudes : CPC 642 al. 2 proroge-t-il ce délai (certain pour un délai de procédure
    pour agir, Cass. 2e civ. 4 juin 2020, n° 19-12.260 ; non tranché pour un délai d'attente ou
    de validité) ? En Alsace-Moselle, le Vendredi saint et le 26 décembre prorogent-ils (seule
    source : fiche F31111 de 2014) ? Lecture courte : le dernier jour sans prorogation. Lecture
    longue : prorogé par CPC 642 avec les fériés du `calendrier` (Alsace-Moselle comprise).

    - "agir_avant" et "valable_jusqu_au" : `date_sure` est la lecture courte (agir au plus tard
      ce jour-là est régulier dans les deux lectures ; un acte fait pendant la validité d'un
      acte antérieur aussi), la longue est l'alternative, même pour un délai de procédure où
      la prorogation est acquise : l'étude s'en tient à la date la plus tôt.
    - "pas_avant" : `date_sure` est la lecture longue (l'acte attendu n'est fait qu'à partir
      du lendemain), la courte est l'alternative.
    """
    _verifier_nature(nature)
    _verifier_calendrier(calendrier)
    courte = fin_sans_prorogation(depart, jours=jours, mois=mois, ans=ans, distance=distance)
    longue = proroger_cpc_642(courte, calendrier)
    sans_alsace = proroger_cpc_642(courte, "metropole")
    motif = _motif_non_ouvre(courte, calendrier)
    raison_longue = (
        f"Le délai finit le {_en_clair(courte)} ({motif}) ; si CPC 642 al. 2 le proroge, "
        f"l'acte peut encore être accompli le {_en_clair(longue)}."
    )
    raison_courte = (
        f"Sans la prorogation de CPC 642 al. 2, dont l'application à ce délai n'est pas "
        f"certaine, le délai finit dès le {_en_clair(courte)} ({motif})."
    )
    if calendrier == "alsace-moselle" and sans_alsace != longue:
        precision = (
            f" Le report au {_en_clair(longue)} suppose que les fériés propres à "
            "l'Alsace-Moselle (C. trav. L3134-13) prorogent aussi ; sinon, "
            f"{_en_clair(sans_alsace)}."
        )
        raison_longue += precision
        raison_courte += precision
    return _choisir(nature, courte, longue, {"courte": raison_courte, "longue": raison_longue})


def echeance_jours_ouvrables(depart: date, n: int, *, nature: str, calendrier: str) -> LectureSure:
    """Échéance d'un délai en jours ouvrables selon la lecture sûre (DOMAINE.md, décision 8).

    Lecture courte : le samedi est ouvrable (ministère du Travail, service-public) et, en
    Alsace-Moselle, seuls les fériés de L3133-1 sont exclus. Lecture longue : jours ouvrés
    (samedi exclu) et fériés du `calendrier`. `nature` donne le sens du délai, comme pour
    `echeance_sure` : pour les quinze jours ouvrables d'indisponibilité de CPCE L162-1,
    que l'étude attend, c'est "pas_avant" et la lecture longue est retenue.
    """
    _verifier_nature(nature)
    _verifier_calendrier(calendrier)
    calendrier_court = "metropole" if calendrier == "alsace-moselle" else calendrier
    courte = ajouter_jours_ouvrables(depart, n, calendrier=calendrier_court)
    longue = ajouter_jours_ouvrables(depart, n, calendrier=calendrier, samedi_ouvrable=False)
    raisons = {
        "courte": (
            f"Si le samedi est un jour ouvrable (définition du droit du travail), les {n} jours "
            f"ouvrables finissent dès le {_en_clair(courte)}."
        ),
        "longue": (
            f"Si le samedi n'est pas compté (jours ouvrés), les {n} jours ouvrables finissent "
            f"le {_en_clair(longue)}."
        ),
    }
    return _choisir(nature, courte, longue, raisons)
