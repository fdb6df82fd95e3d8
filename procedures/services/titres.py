"""Étapes de l'injonction de payer et des petites créances."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from dossiers.services import DonneesTitre, titre_enregistrer
from etude.models import Utilisateur

from ..gardes import jour_de
from ..models import InjonctionDePayer, PetitesCreances
from .coeur import Ouverture, executer_etape

# --- Injonction de payer -----------------------------------------------------------------------


def injonction_de_payer_deposer_requete(
    *,
    acteur: Utilisateur,
    procedure: InjonctionDePayer,
    le: date,
    juridiction: str,
    montant_principal: Decimal,
) -> InjonctionDePayer:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="deposer_requete",
        arguments={"le": le, "juridiction": juridiction, "montant_principal": montant_principal},
        libelle=f"Injonction de payer : requête déposée ({juridiction})",
    )


def injonction_de_payer_rejeter_requete(
    *, acteur: Utilisateur, procedure: InjonctionDePayer, le: date
) -> InjonctionDePayer:
    return executer_etape(
        acteur=acteur, procedure=procedure, transition="rejeter_requete", arguments={"le": le}
    )


def injonction_de_payer_enregistrer_ordonnance(
    *, acteur: Utilisateur, procedure: InjonctionDePayer, le: date
) -> InjonctionDePayer:
    """CPC 1411 : six mois pour signifier, sinon l'ordonnance est non avenue."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_ordonnance",
        arguments={"le": le},
        ouvrir=lambda p: [Ouverture("ip_signification", p.ordonnance_le)],
        libelle=f"Injonction de payer : ordonnance du {le:%d/%m/%Y}",
    )


def injonction_de_payer_signifier(
    *, acteur: Utilisateur, procedure: InjonctionDePayer, le: datetime, a_personne: bool
) -> InjonctionDePayer:
    """CPC 1416 et 1422 : le mois d'opposition, suspensif, court de la signification."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier",
        arguments={"le": le, "a_personne": a_personne},
        fermer=["ip_signification"],
        ouvrir=lambda p: [
            Ouverture("ip_opposition", jour_de(p.signifiee_le), {"distance": p.distance or None})
        ],
        libelle="Injonction de payer signifiée"
        + (" à personne" if a_personne else " (pas à personne : CPC 1416 al. 2)"),
    )


def injonction_de_payer_enregistrer_opposition(
    *, acteur: Utilisateur, procedure: InjonctionDePayer, le: date
) -> InjonctionDePayer:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_opposition",
        arguments={"le": le},
        sans_objet=["ip_opposition"],
        libelle="Injonction de payer : opposition formée (CPC 1416)",
    )


def injonction_de_payer_constater_force_executoire(
    *, acteur: Utilisateur, procedure: InjonctionDePayer, le: date
) -> InjonctionDePayer:
    """CPC 1422 : l'ordonnance devient titre exécutoire ; il est enregistré au dossier et la
    procédure le porte."""

    def enregistrer_titre(p):
        p.titre = titre_enregistrer(
            acteur=acteur,
            dossier=p.dossier,
            titre=DonneesTitre(
                nature="injonction",
                date_titre=p.ordonnance_le,
                juridiction=p.juridiction,
                montant_principal=p.montant_principal,
                date_signification=jour_de(p.signifiee_le),
                date_force_executoire=p.executoire_le,
            ),
        )
        p.save(update_fields=["etat", "titre"])

    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_force_executoire",
        arguments={"le": le},
        fermer=["ip_opposition"],
        complement=enregistrer_titre,
        libelle="Injonction de payer : titre exécutoire (CPC 1422)",
    )


def injonction_de_payer_abandonner(
    *, acteur: Utilisateur, procedure: InjonctionDePayer, motif: str
) -> InjonctionDePayer:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="abandonner",
        arguments={"motif": motif},
        libelle=f"Injonction de payer abandonnée : {motif}",
    )


# --- Petites créances --------------------------------------------------------------------------


def petites_creances_envoyer_lettre(
    *,
    acteur: Utilisateur,
    procedure: PetitesCreances,
    le: date,
    montant_principal: Decimal,
    montant_interets: Decimal,
) -> PetitesCreances:
    """R125-2 : un mois depuis l'envoi pour accepter ; le silence vaut refus."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="envoyer_lettre",
        arguments={
            "le": le,
            "montant_principal": montant_principal,
            "montant_interets": montant_interets,
        },
        ouvrir=lambda p: [Ouverture("pc_reponse", p.lettre_envoyee_le)],
        libelle="Petites créances : invitation envoyée au débiteur (R125-2)",
    )


def petites_creances_enregistrer_accord(
    *, acteur: Utilisateur, procedure: PetitesCreances, le: date
) -> PetitesCreances:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_accord",
        arguments={"le": le},
        fermer=["pc_reponse"],
        libelle="Petites créances : accord du débiteur",
    )


def petites_creances_enregistrer_refus(
    *, acteur: Utilisateur, procedure: PetitesCreances, le: date
) -> PetitesCreances:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_refus",
        arguments={"le": le},
        sans_objet=["pc_reponse"],
        libelle="Petites créances : refus du débiteur",
    )


def petites_creances_delivrer_titre(
    *, acteur: Utilisateur, procedure: PetitesCreances, le: date
) -> PetitesCreances:
    """CPCE L125-1, L111-3 7° : le titre est enregistré au dossier et la procédure le porte
    (les procédures d'exécution peuvent alors s'ouvrir sur lui)."""

    def enregistrer_titre(p):
        p.titre = titre_enregistrer(
            acteur=acteur,
            dossier=p.dossier,
            titre=DonneesTitre(
                nature="petites_creances",
                date_titre=p.titre_delivre_le,
                juridiction=f"{p.etude.nom} (commissaire de justice, CPCE L125-1)",
                montant_principal=p.montant_principal,
                date_force_executoire=p.titre_delivre_le,
                interets_depuis=p.titre_delivre_le,
            ),
        )
        p.save(update_fields=["etat", "titre"])

    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="delivrer_titre",
        arguments={"le": le},
        complement=enregistrer_titre,
        libelle="Petites créances : titre exécutoire délivré (L125-1)",
    )


def petites_creances_abandonner(
    *, acteur: Utilisateur, procedure: PetitesCreances, motif: str
) -> PetitesCreances:
    return executer_etape(
        acteur=acteur, procedure=procedure, transition="abandonner", arguments={"motif": motif}
    )
