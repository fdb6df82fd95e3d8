"""Évaluation de la solvabilité d'un débiteur (`evaluation_solvabilite`, GLOSSAIRE).

À partir de ce que l'étude sait du débiteur (valeurs simples, sans ORM), dit quelles voies
d'exécution sont possibles, pourquoi, et ce qu'elles rapporteraient selon les données
connues ; la voie recommandée vient en premier. Ce n'est pas un acte : les montants sont des
estimations, et une donnée de référence manquante (barème, RSA) est dite, jamais remplacée
par celle d'une autre période (DOMAINE décision 15).

Ordre de recommandation (pratique des études, du plus sûr au plus lourd) :
1. saisie-attribution d'un compte dont le solde connu dépasse le solde bancaire
   insaisissable (effet attributif immédiat, CPCE L211-2) ;
2. saisie des rémunérations quand l'employeur et les revenus sont connus (versements
   mensuels) ;
3. saisie-attribution d'un compte au solde inconnu ;
4. saisie-vente de biens de valeur marchande (coûteuse ; subsidiaire dans le local
   d'habitation pour les petites créances, CPCE L221-2 et R221-2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from comptabilite import referentiel
from comptabilite.saisissable import calculer_quotite
from etude.errors import DonneeManquante
from etude.templatetags.etude_tags import format_euros

ZERO = Decimal("0.00")
# CPCE R221-2 : montant en deçà duquel la saisie-vente dans le local d'habitation est
# subsidiaire (L221-2), hors frais, sauf créance alimentaire.
SEUIL_SUBSIDIARITE_VENTE = Decimal("535.00")
NATURES_HORS_HABITATION = {"vehicule"}
# CPCE L221-1 : la saisie-vente porte sur les biens meubles corporels. Un immeuble relève de la
# saisie immobilière (CPCE L311-1 s.), des parts ou valeurs mobilières de la saisie des droits
# d'associés et des valeurs mobilières (CPCE L231-1, R232-1 s.) : ni l'une ni l'autre n'est
# suivie par ce logiciel ; l'évaluation les signale sans les proposer comme saisie-vente.
NATURES_SAISIE_VENTE = {"vehicule", "mobilier", "autre"}
AUTRES_VOIES = {
    "immobilier": "saisie immobilière (CPCE L311-1 s.), hors du périmètre de ce logiciel",
    "parts": (
        "saisie des droits d'associé et des valeurs mobilières (CPCE L231-1, R232-1 s.), "
        "hors du périmètre de ce logiciel"
    ),
}


@dataclass(frozen=True)
class Compte:
    designation: str
    solde_connu: Decimal | None = None


@dataclass(frozen=True)
class Bien:
    nature: str
    description: str
    valeur_estimee: Decimal | None = None


@dataclass(frozen=True)
class Voie:
    type: str  # valeur de Procedure.type
    libelle: str
    raison: str
    montant_estime: Decimal | None = None
    periodicite: str = ""  # « mois » pour la saisie des rémunérations
    donnee_manquante: str = ""
    article: str = ""
    rang: int = 99
    # Donnée de référence saisie mais non confirmée (DOMAINE décision 15) : dite à l'écran.
    a_verifier: tuple[str, ...] = ()

    @property
    def possible(self) -> bool:
        return self.montant_estime is None or self.montant_estime > ZERO


@dataclass(frozen=True)
class Evaluation:
    voies: tuple[Voie, ...] = ()
    a_rechercher: tuple[str, ...] = ()
    bloquee: str = ""
    le: date | None = None
    # Ce qu'il faut avant toute voie (un titre exécutoire, CPCE L111-2), dit en tête.
    prealable: str = ""

    @property
    def recommandee(self) -> Voie | None:
        return next((v for v in self.voies if v.possible), None)


def _eur(montant: Decimal) -> str:
    return format_euros(montant).replace("\u00a0", " ").replace("\u202f", " ")


def _voie_remunerations(employeur_nom, revenus, personnes_a_charge, le) -> Voie:
    base = f"employeur connu ({employeur_nom}) : saisie des rémunérations"
    if revenus is None:
        return Voie(
            "saisie_remunerations",
            "Saisie des rémunérations",
            f"{base}, revenus inconnus : quotité à établir par la déclaration de l'employeur "
            "(CPCE L212-8)",
            article="CPCE L212-1, C. trav. R3252-2",
            rang=3,
        )
    try:
        calcul = calculer_quotite(revenus, personnes_a_charge=personnes_a_charge, le=le)
    except DonneeManquante as manque:
        return Voie(
            "saisie_remunerations",
            "Saisie des rémunérations",
            f"{base}, quotité non calculée",
            donnee_manquante=str(manque),
            article="CPCE L212-1, C. trav. R3252-2",
            rang=2,
        )
    quotite = calcul.quotite
    if quotite <= ZERO:
        raison = (
            f"{base} : revenus de {_eur(revenus)} par mois, rien de saisissable après le "
            "minimum laissé au salarié (C. trav. R3252-5)"
        )
    else:
        raison = f"{base}, quotité estimée {_eur(quotite)}/mois"
    return Voie(
        "saisie_remunerations",
        "Saisie des rémunérations",
        raison,
        montant_estime=quotite,
        periodicite="mois",
        article="CPCE L212-1, C. trav. R3252-2",
        rang=2,
        a_verifier=calcul.a_verifier,
    )


def _voies_comptes(comptes: Sequence[Compte], le) -> list[Voie]:
    try:
        # CPCE L162-2, R162-2 : le SBI est le RSA d'une personne seule en vigueur ce jour.
        rsa = referentiel.montant_rsa(le)
    except DonneeManquante as manque:
        return [
            Voie(
                "saisie_attribution",
                "Saisie-attribution",
                f"compte connu ({c.designation}) : saisie-attribution, solde bancaire "
                "insaisissable non calculé",
                donnee_manquante=str(manque),
                article="CPCE L211-1, L162-2",
                rang=1 if c.solde_connu is not None else 3,
            )
            for c in comptes
        ]
    sbi = rsa.valeur
    avertissement = rsa.provenance.avertissement(f"Montant forfaitaire du RSA ({sbi} €)")
    a_verifier = (avertissement,) if avertissement else ()
    voies = []
    for compte in comptes:
        if compte.solde_connu is None:
            voies.append(
                Voie(
                    "saisie_attribution",
                    "Saisie-attribution",
                    f"compte connu ({compte.designation}) : saisie-attribution, solde au-delà "
                    f"du SBI inconnu (SBI : {_eur(sbi)}, CPCE R162-2)",
                    article="CPCE L211-1, L162-2",
                    rang=3,
                    a_verifier=a_verifier,
                )
            )
            continue
        disponible = max(ZERO, compte.solde_connu - sbi)
        if disponible > ZERO:
            raison = (
                f"compte connu ({compte.designation}) : saisie-attribution, "
                f"{_eur(disponible)} au-delà du SBI ({_eur(sbi)}) sur le dernier solde connu "
                f"de {_eur(compte.solde_connu)}"
            )
        else:
            raison = (
                f"compte connu ({compte.designation}) : dernier solde connu de "
                f"{_eur(compte.solde_connu)}, pas au-delà du SBI ({_eur(sbi)}) : rien à saisir "
                "en l'état"
            )
        voies.append(
            Voie(
                "saisie_attribution",
                "Saisie-attribution",
                raison,
                montant_estime=disponible,
                article="CPCE L211-1, L162-2",
                rang=1 if disponible > ZERO else 5,
                a_verifier=a_verifier,
            )
        )
    return voies


def _voie_vente(biens: Sequence[Bien], principal, nature_creance, autre_voie) -> Voie | None:
    valeurs = [
        b
        for b in biens
        if b.nature in NATURES_SAISIE_VENTE
        and b.valeur_estimee is not None
        and b.valeur_estimee > ZERO
    ]
    if not valeurs:
        return None
    total = sum((b.valeur_estimee for b in valeurs), start=ZERO)
    liste = ", ".join(b.description for b in valeurs)
    raison = (
        f"biens de valeur marchande connus ({liste}) : saisie-vente, valeur estimée {_eur(total)}"
    )
    rang = 4
    dans_habitation = any(b.nature not in NATURES_HORS_HABITATION for b in valeurs)
    if (
        dans_habitation
        and principal is not None
        and principal < SEUIL_SUBSIDIARITE_VENTE
        and nature_creance != "pension_alimentaire"
    ):
        if autre_voie:
            raison += (
                f" ; créance de {_eur(principal)} (moins de 535 EUR) : dans le local "
                "d'habitation, seulement si la saisie d'un compte ou des rémunérations "
                "n'aboutit pas, ou sur autorisation du juge (CPCE L221-2, R221-2)"
            )
            rang = 6
        else:
            raison += (
                f" ; créance de {_eur(principal)} (moins de 535 EUR) : saisie dans le local "
                "d'habitation possible faute de compte ou de rémunération saisissables "
                "(CPCE L221-2, R221-2)"
            )
    return Voie(
        "saisie_vente",
        "Saisie-vente",
        raison,
        montant_estime=total,
        article="CPCE L221-1, R221-1",
        rang=rang,
    )


def evaluation_solvabilite(
    *,
    le: date,
    revenus_mensuels_nets: Decimal | None = None,
    personnes_a_charge: int = 0,
    employeur_nom: str = "",
    comptes: Sequence[Compte] = (),
    biens: Sequence[Bien] = (),
    principal: Decimal | None = None,
    nature_creance: str = "",
    surendettement_recevable: bool = False,
    surendettement_decision: date | None = None,
    titre_executoire: bool | None = None,
) -> Evaluation:
    """Les voies possibles contre un débiteur au `le`, la recommandée d'abord.

    C. consom. L722-2 (DOMAINE décision 14) : un dossier de surendettement recevable suspend
    et interdit les procédures d'exécution ; l'évaluation le dit au lieu de proposer une voie.
    """
    if surendettement_recevable:
        quand = f" le {surendettement_decision:%d/%m/%Y}" if surendettement_decision else ""
        return Evaluation(
            bloquee=f"C. consom. L722-2 : dossier de surendettement déclaré recevable{quand} ; "
            "les procédures d'exécution contre les biens du débiteur sont suspendues et "
            "interdites.",
            le=le,
        )
    voies: list[Voie] = []
    if employeur_nom:
        voies.append(
            _voie_remunerations(employeur_nom, revenus_mensuels_nets, personnes_a_charge, le)
        )
    voies.extend(_voies_comptes(comptes, le))
    autre_voie = any(v.type != "saisie_vente" and v.possible for v in voies)
    vente = _voie_vente(biens, principal, nature_creance, autre_voie)
    if vente is not None:
        voies.append(vente)
    voies.sort(key=lambda v: (v.rang, -(v.montant_estime or ZERO)))
    a_rechercher = []
    if not employeur_nom:
        a_rechercher.append(
            "Employeur : le demander aux administrations et organismes sociaux (CPCE L152-1)"
            + (
                " ; des revenus sont connus sans employeur"
                if revenus_mensuels_nets is not None
                else ""
            )
        )
    if not comptes:
        a_rechercher.append(
            "Comptes bancaires : consulter le fichier des comptes FICOBA (CPCE L152-1, L152-2)"
        )
    if not biens:
        a_rechercher.append(
            "Biens : véhicules au SIV, biens mobiliers au domicile (CPCE L152-1, R221-1)"
        )
    for bien in biens:
        if bien.nature in AUTRES_VOIES:
            a_rechercher.append(f"{bien.description} : {AUTRES_VOIES[bien.nature]}")
    prealable = ""
    if titre_executoire is False:
        prealable = (
            "Aucun titre exécutoire : toute voie d'exécution suppose d'abord un titre (CPCE "
            "L111-2) : injonction de payer (CPC 1405) ou, jusqu'à 5 000 EUR en principal et "
            "intérêts, procédure simplifiée des petites créances (CPCE L125-1, R125-1)."
        )
    return Evaluation(
        voies=tuple(voies), a_rechercher=tuple(a_rechercher), le=le, prealable=prealable
    )


def evaluation_du_debiteur(debiteur, *, le: date, dossier=None) -> Evaluation:
    """Lit les données connues d'un `Debiteur` (comptes et biens préchargés de préférence)
    et appelle `evaluation_solvabilite`."""
    return evaluation_solvabilite(
        le=le,
        revenus_mensuels_nets=debiteur.revenus_mensuels_nets,
        personnes_a_charge=debiteur.personnes_a_charge or 0,
        employeur_nom=debiteur.employeur_nom,
        comptes=[Compte(c.banque or str(c), c.solde_connu) for c in debiteur.comptes.all()],
        biens=[Bien(b.nature, b.description, b.valeur_estimee) for b in debiteur.biens.all()],
        principal=dossier.montant_principal if dossier is not None else None,
        nature_creance=dossier.nature if dossier is not None else "",
        surendettement_recevable=debiteur.poursuites_suspendues,
        surendettement_decision=debiteur.surendettement_decision,
        titre_executoire=dossier.titres.exists() if dossier is not None else None,
    )
