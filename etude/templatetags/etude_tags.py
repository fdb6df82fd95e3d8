"""Filtres d'affichage : montants à la française sans jamais passer par un float."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

ESPACE_FINE = "\u202f"


def format_euros(valeur) -> str:
    if valeur is None or valeur == "":
        return "—"
    montant = Decimal(valeur).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    signe = "-" if montant < 0 else ""
    entiers, decimales = f"{abs(montant):.2f}".split(".")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{signe}{ESPACE_FINE.join(groupes)},{decimales}\u00a0EUR"


@register.filter
def euros(valeur) -> str:
    """`Decimal("1234.5")` -> « 1 234,50 EUR »."""
    return format_euros(valeur)
