"""Répartition de sommes entre créanciers « par contribution » (C. civ. 2285).

« Les biens du débiteur sont le gage commun de ses créanciers ; et le prix s'en distribue
entre eux par contribution, à moins qu'il n'y ait entre les créanciers des causes légitimes
de préférence. » Chaque créancier reçoit une part proportionnelle à sa créance restante ;
nul ne reçoit plus que sa créance ; ce qui dépasse la somme des créances revient au
débiteur (comme les fonds faute de créanciers inscrits, CPCE R212-1-23).

Arrondi : la loi ne fixe pas l'arrondi d'une répartition ; chaque part est arrondie au
centime inférieur, puis les centimes restants vont, un par un, aux plus forts restes (à
égalité, dans l'ordre des créanciers : le premier saisissant, puis les intervenants par
date d'acte). La somme des parts égale exactement la somme répartie.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Part:
    cle: object
    creance: Decimal
    part: Decimal


def repartir(disponible: Decimal, creances: list[tuple[object, Decimal]]) -> tuple[list, Decimal]:
    """Parts de `disponible` entre les `creances` [(clé, créance restante)], et le reliquat
    qui revient au débiteur."""
    if disponible < 0:
        raise ValueError("La somme à répartir ne peut pas être négative.")
    total = sum((c for _, c in creances), ZERO)
    if total <= disponible:
        return [Part(cle, c, c) for cle, c in creances], disponible - total
    exactes = [disponible * c / total for _, c in creances]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exactes]
    reste = int((disponible - sum(parts, ZERO)) / CENT)
    ordre = sorted(range(len(parts)), key=lambda i: (-(exactes[i] - parts[i]), i))
    for i in ordre[:reste]:
        parts[i] += CENT
    return [Part(cle, c, p) for (cle, c), p in zip(creances, parts, strict=True)], ZERO
