"""Tarif réglementé des commissaires de justice : droits proportionnels, émoluments fixes,
coefficient, TVA.

Règles (DOMAINE.md, décision 7) : un barème proportionnel se calcule tranche par tranche,
chaque tranche arrondie au centime (demi supérieur), puis les tranches sont additionnées ;
le résultat reste dans le plafond de l'article. Les montants sont hors taxes ; la TVA de 20 %
(CGI art. 278) s'ajoute en métropole. Les articles A444-15, A444-31 et A444-32 suivent le
même schéma : « si le montant de la créance est inférieur ou égal à » un seuil, un émolument
fixe ; « au-delà », un émolument proportionnel « dans la limite de » un plafond.

Les fonctions `..._selon_bareme`, `proportionnel_par_tranches`, `coefficient_selon_obligation`,
`appliquer_coefficient`, `tva` et `ttc` sont pures. Les autres lisent la période tarifaire en
vigueur dans les tables de référence (`comptabilite.referentiel`, importé à l'appel).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from comptabilite.monnaie import (
    ZERO,
    arrondir,
    controler_date,
    controler_montant,
    date_fr,
    euros,
)
from etude.errors import DonneeManquante

# CGI art. 278 : taux normal de 20 % (métropole ; taux différents dans certains DOM, F10404).
TAUX_TVA_NORMAL = Decimal("20")

CHARGES = {"debiteur": "A444-31", "creancier": "A444-32"}


@dataclass(frozen=True)
class TrancheCalculee:
    """Une tranche d'un barème proportionnel : la part du montant comprise entre `de` et `a`,
    au `taux` (%), et son émolument arrondi."""

    de: Decimal
    a: Decimal | None
    base: Decimal
    taux: Decimal
    montant: Decimal


@dataclass(frozen=True)
class CalculDroit:
    """Détail d'un droit (HT), pour la facture et l'acte."""

    article: str
    assiette: Decimal
    montant: Decimal
    tranches: tuple[TrancheCalculee, ...] = ()
    forfait_applique: bool = False
    plafond_applique: bool = False
    explication: str = ""
    a_verifier: tuple[str, ...] = ()


def proportionnel_par_tranches(
    montant: Decimal,
    tranches: Sequence[tuple[Decimal | None, Decimal | None]],
    *,
    libelle: str = "ce barème",
    multiplicateur: Decimal = Decimal("1"),
) -> tuple[TrancheCalculee, ...]:
    """Découpe `montant` selon `tranches` (bornes hautes croissantes, la dernière à None ;
    taux en %), chaque tranche arrondie au centime. Un taux None (non trouvé) atteint par le
    montant arrête le calcul (DonneeManquante)."""
    calculees: list[TrancheCalculee] = []
    plancher = ZERO
    for plafond, taux in tranches:
        if montant <= plancher:
            break
        haut = montant if plafond is None else min(montant, plafond)
        base = haut - plancher
        if taux is None:
            raise DonneeManquante(
                f"Taux de la tranche au-delà de {euros(plancher)} non saisi pour {libelle} : "
                f"saisir ce taux dans l'administration (Comptabilité › Barèmes tarifaires), "
                f"avec sa source."
            )
        taux_applique = taux * multiplicateur
        calculees.append(
            TrancheCalculee(
                de=plancher,
                a=plafond,
                base=base,
                taux=taux_applique,
                montant=arrondir(base * taux_applique / 100),
            )
        )
        if plafond is None:
            break
        plancher = plafond
    return tuple(calculees)


def droit_selon_bareme(
    montant: Decimal,
    *,
    article: str,
    seuil_forfait: Decimal,
    forfait: Decimal,
    plafond: Decimal,
    tranches: Sequence[tuple[Decimal | None, Decimal | None]],
    doubler_taux: bool = False,
    libelle: str = "",
) -> CalculDroit:
    """Cœur pur de A444-15, A444-31 et A444-32 : forfait jusqu'au seuil inclus, puis somme
    des tranches arrondies, dans la limite du plafond. `doubler_taux` : A444-31, titre
    constatant une créance alimentaire (les taux, pas le forfait ni le plafond)."""
    montant = controler_montant(montant, "Le montant")
    if montant <= seuil_forfait:
        return CalculDroit(
            article=article,
            assiette=montant,
            montant=forfait,
            forfait_applique=True,
            explication=f"Montant inférieur ou égal à {euros(seuil_forfait)} : émolument fixe.",
        )
    calculees = proportionnel_par_tranches(
        montant,
        tranches,
        libelle=libelle or f"l'article {article}",
        multiplicateur=Decimal("2") if doubler_taux else Decimal("1"),
    )
    somme = sum((t.montant for t in calculees), ZERO)
    return CalculDroit(
        article=article,
        assiette=montant,
        montant=min(somme, plafond),
        tranches=calculees,
        plafond_applique=somme > plafond,
        explication=(
            f"Somme des tranches {euros(somme)}, plafond de {euros(plafond)}."
            if somme > plafond
            else ""
        ),
    )


def _selon_reference(montant, article: str, le: date, *, doubler_taux=False) -> CalculDroit:
    from comptabilite import referentiel

    controler_date(le, "La date (le)")
    bareme = referentiel.bareme_tarifaire(article, le)
    libelle = f"l'article {article} ({bareme.periode.libelle})"
    calcul = droit_selon_bareme(
        montant,
        article=article,
        seuil_forfait=bareme.seuil_forfait,
        forfait=bareme.forfait,
        plafond=bareme.plafond,
        tranches=bareme.tranches,
        doubler_taux=doubler_taux,
        libelle=libelle,
    )
    avertissement = bareme.provenance.avertissement(f"Barème de {libelle}")
    return replace(calcul, a_verifier=(avertissement,) if avertissement else ())


def calculer_droit_proportionnel(
    montant: Decimal, *, charge: str, le: date, creance_alimentaire: bool = False
) -> CalculDroit:
    """Droit proportionnel de recouvrement ou d'encaissement (HT), avec son détail.

    `montant` : sommes encaissées ou recouvrées au titre du principal ou de la condamnation,
    hors dépens, cumulées (en cas d'acomptes, le droit se calcule sur le total et non acompte
    par acompte). Le seuil du forfait (44 € / 188 €) est comparé à ce même montant. Les deux
    droits se cumulent (R444-55). Aucune somme recouvrée : aucun droit.
    """
    if charge not in CHARGES:
        raise ValueError(f"La charge doit être « debiteur » ou « creancier » : reçu {charge!r}.")
    article = CHARGES[charge]
    montant = controler_montant(montant, "Le montant recouvré")
    controler_date(le, "La date (le)")
    if montant == 0:
        return CalculDroit(
            article=article, assiette=montant, montant=ZERO, explication="Rien recouvré."
        )
    if charge == "creancier" and creance_alimentaire:
        # R444-53 3° et R444-55 : le droit n° 129 n'est pas dû sur un titre constatant une
        # créance alimentaire (domaine/argent.md § 6.5).
        return CalculDroit(
            article=article,
            assiette=montant,
            montant=ZERO,
            explication="Créance alimentaire : droit n° 129 non dû (C. com. R444-53 3°).",
        )
    # A444-31 : « Les taux … sont doublés » pour un titre constatant une créance alimentaire.
    return _selon_reference(
        montant, article, le, doubler_taux=charge == "debiteur" and creance_alimentaire
    )


def droit_proportionnel(
    montant: Decimal, *, charge: str, le: date, creance_alimentaire: bool = False
) -> Decimal:
    """Droit proportionnel HT : A444-31 (`charge="debiteur"`) ou A444-32 (`"creancier"`).

    Pour une facture ou un acte, utiliser `calculer_droit_proportionnel`, dont `a_verifier`
    signale un barème non confirmé.
    """
    return calculer_droit_proportionnel(
        montant, charge=charge, le=le, creance_alimentaire=creance_alimentaire
    ).montant


def calculer_droit_engagement_poursuites(montant: Decimal, *, le: date) -> CalculDroit:
    """Droit d'engagement des poursuites (C. com. A444-15), HT, avec son détail.

    `montant` : montant de la créance. Perçu une fois par créance, sur le premier acte des
    n° 41 à 49 (sauf 46, 47, 49) ; il s'impute sur le droit A444-31 ou A444-32 selon qui
    supporte l'acte (A444-15 in fine) : à l'appelant d'en tenir compte.
    """
    montant = controler_montant(montant, "Le montant de la créance", strictement_positif=True)
    return _selon_reference(montant, "A444-15", le)


def droit_engagement_poursuites(montant: Decimal, *, le: date) -> Decimal:
    """Droit d'engagement des poursuites HT (C. com. A444-15), dans son plancher et son
    plafond."""
    return calculer_droit_engagement_poursuites(montant, le=le).montant


def coefficient_selon_obligation(
    obligation: Decimal, tranches: Sequence[tuple[Decimal | None, Decimal]]
) -> Decimal:
    """Coefficient de la première tranche dont la borne haute (incluse) couvre l'obligation
    (A444-46 : « entre 0 et 128 euros » 0,5 ; « supérieur à 128 … inférieur ou égal à
    1 280 » 1 ; « supérieur à 1 280 » 2)."""
    obligation = controler_montant(obligation, "Le montant de l'obligation pécuniaire")
    for plafond, coefficient in tranches:
        if plafond is None or obligation <= plafond:
            return coefficient
    raise ValueError("Le barème des coefficients doit finir par une tranche ouverte.")


def appliquer_coefficient(emolument: Decimal, coefficient: Decimal) -> Decimal:
    """Émolument fixe × coefficient, arrondi au centime (demi supérieur)."""
    emolument = controler_montant(emolument, "L'émolument")
    return arrondir(emolument * coefficient)


def coefficient_a444_46(obligation: Decimal, *, le: date) -> Decimal:
    """Coefficient A444-46 en vigueur le `le` pour une obligation pécuniaire."""
    from comptabilite import referentiel

    controler_date(le, "La date (le)")
    return coefficient_selon_obligation(obligation, referentiel.coefficients_a444_46(le).tranches)


@dataclass(frozen=True)
class CalculEmolument:
    code: str
    article: str
    libelle: str
    emolument: Decimal
    coefficient: Decimal
    montant: Decimal
    a_verifier: tuple[str, ...] = ()


def calculer_emolument(
    code: str, *, le: date, obligation: Decimal | None = None
) -> CalculEmolument:
    """Émolument fixe HT de la prestation `code` en vigueur le `le`, multiplié par le
    coefficient A444-46 de l'`obligation` pécuniaire quand elle est donnée (l'appelant
    écarte le coefficient pour les prestations que A444-47 exclut)."""
    from comptabilite import referentiel

    controler_date(le, "La date (le)")
    fixe = referentiel.emolument_fixe(code, le)
    avertissements = [
        fixe.provenance.avertissement(f"Émolument n° {code} ({euros(fixe.montant)})")
    ]
    coefficient = Decimal("1")
    if obligation is not None:
        bareme = referentiel.coefficients_a444_46(le)
        coefficient = coefficient_selon_obligation(obligation, bareme.tranches)
        avertissements.append(bareme.provenance.avertissement("Coefficient A444-46"))
    return CalculEmolument(
        code=code,
        article=fixe.article,
        libelle=fixe.libelle,
        emolument=fixe.montant,
        coefficient=coefficient,
        montant=appliquer_coefficient(fixe.montant, coefficient),
        a_verifier=tuple(a for a in avertissements if a),
    )


def emolument(code: str, *, le: date, obligation: Decimal | None = None) -> Decimal:
    """Montant HT de `calculer_emolument`."""
    return calculer_emolument(code, le=le, obligation=obligation).montant


def tva(montant_ht: Decimal, taux: Decimal = TAUX_TVA_NORMAL) -> Decimal:
    """TVA sur un montant HT (CGI art. 278 : 20 %), arrondie au centime (demi supérieur)."""
    montant_ht = controler_montant(montant_ht, "Le montant HT")
    return arrondir(montant_ht * taux / 100)


def ttc(montant_ht: Decimal, taux: Decimal = TAUX_TVA_NORMAL) -> Decimal:
    """Montant toutes taxes comprises : HT + TVA arrondie."""
    return controler_montant(montant_ht, "Le montant HT") + tva(montant_ht, taux)


# --- Délais de paiement (C. com. A444-44, prestation n° 204) --------------------------------

CODE_DELAIS_PAIEMENT = "204"
CODE_PLAFOND_DELAIS_PAIEMENT = "204-plafond"
# A444-44 : l'émolument « n'est dû qu'à l'issue d'un délai de six mois à compter du premier
# versement » (domaine/argent.md § 6.5).
MOIS_AVANT_EXIGIBILITE = 6


@dataclass(frozen=True)
class CalculDelaisPaiement:
    """Émoluments A444-44 d'un plan de paiement dus au `le` (HT), avec leur détail."""

    le: date
    acomptes: int
    exigible_le: date | None
    montant: Decimal
    plafond: Decimal
    plafond_applique: bool = False
    explication: str = ""
    a_verifier: tuple[str, ...] = ()
    article: str = "A444-44"


def _six_mois_apres(jour: date) -> date:
    """Même quantième six mois plus tard (dernier jour du mois s'il n'existe pas)."""
    from procedures.delais import ajouter_mois

    return ajouter_mois(jour, MOIS_AVANT_EXIGIBILITE)


def emoluments_delais_paiement_selon_tarif(
    acomptes: Sequence[tuple[date, Decimal]],
    *,
    premier_versement: date,
    le: date,
    plafond: Decimal,
) -> CalculDelaisPaiement:
    """Cœur pur de A444-44 : `acomptes` (date, émolument unitaire en vigueur ce jour-là),
    sans le versement du solde, premier versement du plan `premier_versement`.

    Rien n'est dû tant que six mois ne se sont pas écoulés depuis le premier versement
    (« à l'issue » : à partir du lendemain du même quantième six mois plus tard) ; ensuite,
    un émolument par acompte versé jusqu'au `le`, dans la limite du `plafond` en vigueur.
    """
    controler_date(le, "La date (le)")
    controler_date(premier_versement, "La date du premier versement")
    plafond = controler_montant(plafond, "Le plafond")
    fin_delai = _six_mois_apres(premier_versement)
    retenus = [(jour, unitaire) for jour, unitaire in acomptes if jour <= le]
    if le <= fin_delai:
        return CalculDelaisPaiement(
            le=le,
            acomptes=len(retenus),
            exigible_le=fin_delai + timedelta(days=1),
            montant=ZERO,
            plafond=plafond,
            explication=(
                f"Six mois non écoulés depuis le premier versement du {date_fr(premier_versement)}"
                f" : rien n'est dû avant le {date_fr(fin_delai + timedelta(days=1))}."
            ),
        )
    somme = sum((controler_montant(u, "L'émolument par acompte") for _, u in retenus), ZERO)
    return CalculDelaisPaiement(
        le=le,
        acomptes=len(retenus),
        exigible_le=fin_delai + timedelta(days=1),
        montant=min(somme, plafond),
        plafond=plafond,
        plafond_applique=somme > plafond,
        explication=(
            f"{len(retenus)} acompte(s) : {euros(somme)}, plafond de {euros(plafond)}."
            if somme > plafond
            else f"{len(retenus)} acompte(s) : {euros(somme)}."
        ),
    )


def calculer_emoluments_delais_paiement(
    versements: Sequence[date], *, le: date, dernier_est_solde: bool = False
) -> CalculDelaisPaiement:
    """Émoluments A444-44 (n° 204, à la charge du débiteur) dus au `le` pour un plan dont
    les versements sont datés `versements` (tous, dans l'ordre ; le dernier est le solde si
    `dernier_est_solde`, et ne compte pas). Chaque acompte vaut l'émolument en vigueur à sa
    date ; le plafond est celui en vigueur au `le`. HT : la TVA s'ajoute (`tva`)."""
    from comptabilite import referentiel

    controler_date(le, "La date (le)")
    dates = sorted(controler_date(v, "La date d'un versement") for v in versements)
    if not dates:
        raise ValueError("Un plan sans versement ne porte aucun émolument A444-44.")
    acomptes_dates = dates[:-1] if dernier_est_solde else dates
    avertissements: list[str] = []
    acomptes = []
    for jour in acomptes_dates:
        if jour > le:
            continue
        fixe = referentiel.emolument_fixe(CODE_DELAIS_PAIEMENT, jour)
        acomptes.append((jour, fixe.montant))
        avertissement = fixe.provenance.avertissement(
            f"Émolument n° 204 par acompte ({euros(fixe.montant)})"
        )
        if avertissement and avertissement not in avertissements:
            avertissements.append(avertissement)
    plafond = referentiel.emolument_fixe(CODE_PLAFOND_DELAIS_PAIEMENT, le)
    avertissement = plafond.provenance.avertissement(
        f"Plafond des émoluments n° 204 ({euros(plafond.montant)})"
    )
    if avertissement:
        avertissements.append(avertissement)
    calcul = emoluments_delais_paiement_selon_tarif(
        acomptes, premier_versement=dates[0], le=le, plafond=plafond.montant
    )
    return replace(calcul, a_verifier=tuple(avertissements))


def emolument_echeance(
    *,
    versements_precedents: Sequence[date],
    le: date,
    solde: bool = False,
    deja_facture: Decimal = ZERO,
) -> Decimal:
    """Émolument A444-44 HT à passer pour le versement du `le` d'un plan de paiement (un
    aide des échéanciers l'appelle à chaque échéance payée) : ce qui est dû au `le`, le
    versements précédents et celui-ci compris, moins `deja_facture` pour ce plan.

    Rien avant six mois depuis le premier versement ; à l'échéance qui les passe, les
    acomptes antérieurs deviennent dus d'un coup ; le versement du solde (`solde=True`) ne
    compte pas ; le total reste dans le plafond. Jamais négatif."""
    deja_facture = controler_montant(deja_facture, "Le montant déjà facturé")
    calcul = calculer_emoluments_delais_paiement(
        [*versements_precedents, le], le=le, dernier_est_solde=solde
    )
    return max(calcul.montant - deja_facture, ZERO)
