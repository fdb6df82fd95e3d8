"""Outils communs du calcul d'argent : arrondi au centime, contrôles, écriture française.

Module pur (ni ORM ni Django) : les montants sont des `Decimal`, jamais des `float`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENTIME = Decimal("0.01")
ZERO = Decimal("0.00")


def arrondir(valeur: Decimal | Fraction) -> Decimal:
    """Arrondi au centime, demi supérieur (ROUND_HALF_UP), là où la loi arrondit.

    Une `Fraction` est arrondie exactement, sans passer par une division décimale.
    """
    if isinstance(valeur, Fraction):
        signe = -1 if valeur < 0 else 1
        centimes = abs(valeur) * 100
        entier, reste = divmod(centimes.numerator, centimes.denominator)
        if 2 * reste >= centimes.denominator:
            entier += 1
        return (Decimal(signe * entier) / 100).quantize(CENTIME)
    return valeur.quantize(CENTIME, rounding=ROUND_HALF_UP)


def controler_montant(valeur, nom: str, *, strictement_positif: bool = False) -> Decimal:
    """Contrôle un montant reçu : `Decimal` (ou entier), fini, positif, au centime près."""
    if isinstance(valeur, bool) or not isinstance(valeur, Decimal | int):
        raise TypeError(
            f"{nom} doit être un Decimal (jamais un float) : reçu {type(valeur).__name__}."
        )
    valeur = Decimal(valeur)
    if not valeur.is_finite():
        raise ValueError(f"{nom} n'est pas un montant fini.")
    if valeur < 0 or (strictement_positif and valeur == 0):
        attendu = "strictement positif" if strictement_positif else "positif ou nul"
        raise ValueError(f"{nom} doit être {attendu} : reçu {valeur}.")
    if valeur != valeur.quantize(CENTIME):
        raise ValueError(f"{nom} doit être exprimé au centime près : reçu {valeur}.")
    return valeur.quantize(CENTIME)


def controler_date(valeur, nom: str) -> date:
    """Contrôle une date reçue : un `datetime.date`, pas un `datetime`."""
    if isinstance(valeur, datetime) or not isinstance(valeur, date):
        raise TypeError(f"{nom} doit être une date (datetime.date) : reçu {valeur!r}.")
    return valeur


def euros(valeur: Decimal) -> str:
    """« 52 400,00 € » : écriture française d'un montant."""
    texte = f"{valeur.quantize(CENTIME):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{texte} €"


def pourcent(valeur: Decimal) -> str:
    """« 4,35 % »."""
    return f"{valeur} %".replace(".", ",")


def date_fr(valeur: date) -> str:
    return f"{valeur:%d/%m/%Y}"
