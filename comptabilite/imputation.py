"""Imputation d'un paiement sur une dette unique : module pur.

Ordre légal (DOMAINE.md, décision 5) : les frais, puis les intérêts, puis le principal.
C. civ. 1343-1 : « Le paiement partiel s'impute d'abord sur les intérêts » ; Cass. 1re civ.
7 févr. 1995, n° 92-14.216 : les frais de recouvrement sont des accessoires de la dette, sur
lesquels le paiement s'impute avant le capital sauf accord du créancier. Le juge peut
ordonner que les paiements s'imputent d'abord sur le capital (C. civ. 1343-5) : réglage du
titre, passé ici par `principal_dabord=True`. Entre plusieurs dettes d'un même débiteur,
l'appelant choisit la dette selon C. civ. 1342-10 avant d'appeler `imputer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comptabilite.monnaie import ZERO, controler_montant


@dataclass(frozen=True)
class Imputation:
    """Répartition d'un paiement ; `frais + interets + principal + excedent == montant`."""

    frais: Decimal
    interets: Decimal
    principal: Decimal
    excedent: Decimal

    @property
    def total(self) -> Decimal:
        return self.frais + self.interets + self.principal + self.excedent


def imputer(
    montant: Decimal,
    *,
    frais: Decimal,
    interets: Decimal,
    principal: Decimal,
    principal_dabord: bool = False,
) -> Imputation:
    """Répartit `montant` sur les sommes dues `frais`, `interets` et `principal`.

    Par défaut : frais, puis intérêts, puis principal (C. civ. 1343-1). Avec
    `principal_dabord=True` (décision du juge, C. civ. 1343-5) : principal, puis frais, puis
    intérêts. Ce qui dépasse le total dû est l'`excedent`, à restituer ou à imputer ailleurs.
    Un montant nul ou négatif est refusé (ValueError).
    """
    montant = controler_montant(montant, "Le montant du paiement", strictement_positif=True)
    dus = {
        "frais": controler_montant(frais, "Les frais dus"),
        "interets": controler_montant(interets, "Les intérêts dus"),
        "principal": controler_montant(principal, "Le principal dû"),
    }
    ordre = ("principal", "frais", "interets") if principal_dabord else tuple(dus)
    reste = montant
    parts = dict.fromkeys(dus, ZERO)
    for poste in ordre:
        part = min(reste, dus[poste])
        parts[poste] = part
        reste -= part
    return Imputation(excedent=reste, **parts)
