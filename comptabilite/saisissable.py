"""Quotité saisissable d'une rémunération (C. trav. R3252-2, R3252-3, R3252-5).

Le barème est annuel : chaque décret fixe des seuils annuels (tranches « inférieure ou égale »
à chaque seuil), relevés d'un même montant par personne à charge (R3252-3). Les équivalents
mensuels ne sont pas réglementaires (domaine/argent.md § 5.2 : plusieurs sites en publient
de faux). D'où la règle (DOMAINE.md, décision 6) : la rémunération nette mensuelle est
portée à l'année (× 12), la part saisissable annuelle est calculée exactement (fractions
exactes, sans arrondi intermédiaire) sur les seuils relevés, puis divisée par 12 et arrondie
au centime (demi supérieur) une seule fois. Le salarié garde dans tous les cas le montant
forfaitaire du RSA pour une personne seule (R3252-5) en vigueur à la date du calcul.

`quotite_selon_bareme` est pur (le barème en argument) ; `calculer_quotite` et
`quotite_saisissable` lisent le barème et le RSA dans les tables de référence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from comptabilite.monnaie import ZERO, arrondir, controler_date, controler_montant

MOIS_PAR_AN = 12


@dataclass(frozen=True)
class CalculQuotite:
    """Détail du calcul, pour l'acte et l'écran de solvabilité."""

    remuneration_nette_mensuelle: Decimal
    personnes_a_charge: int
    # Seuils annuels relevés pour les personnes à charge, avec la fraction de chaque tranche.
    tranches: tuple[tuple[Decimal | None, Fraction], ...]
    quotite_bareme: Decimal
    minimum_laisse: Decimal
    quotite: Decimal
    a_verifier: tuple[str, ...] = ()

    @property
    def limitee_par_le_rsa(self) -> bool:
        return self.quotite < self.quotite_bareme


def _controler_personnes(personnes_a_charge) -> int:
    if isinstance(personnes_a_charge, bool) or not isinstance(personnes_a_charge, int):
        raise TypeError("Le nombre de personnes à charge doit être un entier.")
    if personnes_a_charge < 0:
        raise ValueError("Le nombre de personnes à charge ne peut être négatif.")
    return personnes_a_charge


def part_annuelle_saisissable(
    remuneration_annuelle: Fraction, tranches: Sequence[tuple[Decimal | None, Fraction]]
) -> Fraction:
    """Somme exacte, tranche par tranche, de la fraction saisissable de chaque tranche."""
    total = Fraction(0)
    plancher = Fraction(0)
    for plafond, fraction in tranches:
        haut = (
            remuneration_annuelle
            if plafond is None
            else min(remuneration_annuelle, Fraction(plafond))
        )
        if haut > plancher:
            total += (haut - plancher) * fraction
        if plafond is None or remuneration_annuelle <= plafond:
            break
        plancher = Fraction(plafond)
    return total


def quotite_selon_bareme(
    remuneration_nette_mensuelle: Decimal,
    *,
    personnes_a_charge: int,
    tranches: Sequence[tuple[Decimal | None, Fraction]],
    majoration_par_personne_a_charge: Decimal,
    montant_rsa: Decimal,
) -> CalculQuotite:
    """Cœur pur : `tranches` sont les seuils annuels pour une personne sans charge (le dernier
    à None, tranche ouverte) avec leur fraction (R3252-2)."""
    remuneration = controler_montant(
        remuneration_nette_mensuelle, "La rémunération nette mensuelle"
    )
    personnes = _controler_personnes(personnes_a_charge)
    minimum = controler_montant(montant_rsa, "Le montant forfaitaire du RSA")
    # R3252-3 : chaque seuil est relevé du même montant par personne à charge.
    relevement = majoration_par_personne_a_charge * personnes
    seuils = tuple(
        (None if plafond is None else plafond + relevement, fraction)
        for plafond, fraction in tranches
    )
    annuelle = part_annuelle_saisissable(Fraction(remuneration) * MOIS_PAR_AN, seuils)
    quotite_bareme = arrondir(annuelle / MOIS_PAR_AN)
    # R3252-5 : la somme laissée « dans tous les cas » au salarié vaut au moins le RSA.
    quotite = max(ZERO, min(quotite_bareme, remuneration - minimum))
    return CalculQuotite(
        remuneration_nette_mensuelle=remuneration,
        personnes_a_charge=personnes,
        tranches=seuils,
        quotite_bareme=quotite_bareme,
        minimum_laisse=minimum,
        quotite=quotite,
    )


def calculer_quotite(
    remuneration_nette_mensuelle: Decimal, *, personnes_a_charge: int = 0, le: date
) -> CalculQuotite:
    """Calcul détaillé avec le barème de l'année de `le` et le RSA en vigueur le `le`.

    Lève `DonneeManquante` si le barème de l'année ou le RSA du jour n'est pas saisi.
    """
    from comptabilite import referentiel

    controler_date(le, "La date du calcul (le)")
    bareme = referentiel.bareme_saisie(le.year)
    rsa = referentiel.montant_rsa(le)
    calcul = quotite_selon_bareme(
        remuneration_nette_mensuelle,
        personnes_a_charge=personnes_a_charge,
        tranches=bareme.tranches,
        majoration_par_personne_a_charge=bareme.majoration_par_personne_a_charge,
        montant_rsa=rsa.valeur,
    )
    avertissements = tuple(
        a
        for a in (
            bareme.provenance.avertissement(f"Barème de saisie des rémunérations {le.year}"),
            rsa.provenance.avertissement(f"Montant forfaitaire du RSA ({rsa.valeur} €)"),
        )
        if a
    )
    return replace(calcul, a_verifier=avertissements)


def quotite_saisissable(
    remuneration_nette_mensuelle: Decimal, *, personnes_a_charge: int = 0, le: date
) -> Decimal:
    """Part mensuelle saisissable d'une rémunération nette (CONTRAT.md).

    Pour un acte, utiliser `calculer_quotite`, dont `a_verifier` signale une donnée non
    confirmée.
    """
    return calculer_quotite(
        remuneration_nette_mensuelle, personnes_a_charge=personnes_a_charge, le=le
    ).quotite


def solde_bancaire_insaisissable(le: date) -> Decimal:
    """Somme à caractère alimentaire laissée sur un compte saisi (CPCE L162-2, R162-2) : le
    montant forfaitaire du RSA pour un allocataire seul en vigueur le `le`."""
    from comptabilite import referentiel

    controler_date(le, "La date (le)")
    return referentiel.montant_rsa(le).valeur
