"""Étapes de la saisie-vente, de la saisie-attribution et de la saisie des rémunérations.

Chaque fonction : contrôles (rôle, étude, état, surendettement, approbation), transition,
enregistrement, délais satisfaits fermés, nouveaux délais ouverts, événement d'audit ; tout
dans une transaction (voir `coeur.executer_etape`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from etude.models import Utilisateur

from ..gardes import jour_de
from ..models import SaisieAttribution, SaisieRemunerations, SaisieVente
from .coeur import Ouverture, executer_etape

# --- Saisie-vente ----------------------------------------------------------------------------


def saisie_vente_signifier_commandement(
    *, acteur: Utilisateur, procedure: SaisieVente, le: datetime
) -> SaisieVente:
    """Commandement de payer (R221-1) : attente de huit jours (R221-10), validité de deux
    ans (R221-5)."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier_commandement",
        arguments={"le": le},
        ouvrir=lambda p: [
            Ouverture("sv_attente_commandement", jour_de(p.commandement_le)),
            Ouverture("sv_validite_commandement", jour_de(p.commandement_le)),
        ],
        libelle="Saisie-vente : commandement de payer signifié",
    )


def _ouvertures_pv(p):
    if p.debiteur_present:
        # R221-30 : le mois de vente amiable court de la remise de l'acte au débiteur présent.
        return [Ouverture("sv_vente_amiable", jour_de(p.pv_le))]
    return [Ouverture("sv_signification_pv", jour_de(p.pv_le))]


def saisie_vente_dresser_pv_saisie(
    *, acteur: Utilisateur, procedure: SaisieVente, le: datetime, debiteur_present: bool
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="dresser_pv_saisie",
        arguments={"le": le, "debiteur_present": debiteur_present},
        fermer=["sv_attente_commandement", "sv_validite_commandement"],
        ouvrir=_ouvertures_pv,
        libelle="Saisie-vente : procès-verbal de saisie dressé"
        + ("" if debiteur_present else " (débiteur absent)"),
    )


def saisie_vente_dresser_pv_carence(
    *, acteur: Utilisateur, procedure: SaisieVente, le: datetime
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="dresser_pv_carence",
        arguments={"le": le},
        fermer=["sv_attente_commandement", "sv_validite_commandement"],
        libelle="Saisie-vente : procès-verbal de carence (R221-14)",
    )


def saisie_vente_signifier_pv(
    *, acteur: Utilisateur, procedure: SaisieVente, le: datetime
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier_pv",
        arguments={"le": le},
        fermer=["sv_signification_pv"],
        ouvrir=lambda p: [Ouverture("sv_vente_amiable", jour_de(p.pv_signifie_le))],
        libelle="Saisie-vente : procès-verbal signifié au débiteur absent (R221-26)",
    )


def saisie_vente_transmettre_propositions(
    *, acteur: Utilisateur, procedure: SaisieVente, le: date
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="transmettre_propositions",
        arguments={"le": le},
        ouvrir=lambda p: [Ouverture("sv_reponse_creanciers", p.propositions_transmises_le)],
        libelle="Saisie-vente : propositions de vente amiable transmises (R221-31)",
    )


def saisie_vente_realiser_vente_amiable(
    *, acteur: Utilisateur, procedure: SaisieVente, le: date
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="realiser_vente_amiable",
        arguments={"le": le},
        sans_objet=["sv_vente_amiable", "sv_reponse_creanciers"],
    )


def saisie_vente_annoncer_vente_forcee(
    *, acteur: Utilisateur, procedure: SaisieVente, le: date, vente_le: date
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="annoncer_vente_forcee",
        arguments={"le": le, "vente_le": vente_le},
        fermer=["sv_vente_amiable", "sv_reponse_creanciers"],
        ouvrir=lambda p: [
            Ouverture("sv_publicite_vente", p.vente_forcee_prevue_le, deja_respecte=True)
        ],
        libelle=f"Saisie-vente : vente forcée annoncée pour le {vente_le:%d/%m/%Y}",
    )


def saisie_vente_proceder_vente_forcee(
    *, acteur: Utilisateur, procedure: SaisieVente, le: datetime
) -> SaisieVente:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="proceder_vente_forcee",
        arguments={"le": le},
    )


def saisie_vente_distribuer(*, acteur: Utilisateur, procedure: SaisieVente, le: date):
    return executer_etape(
        acteur=acteur, procedure=procedure, transition="distribuer", arguments={"le": le}
    )


def saisie_vente_abandonner(*, acteur: Utilisateur, procedure: SaisieVente, motif: str):
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="abandonner",
        arguments={"motif": motif},
        libelle=f"Saisie-vente abandonnée : {motif}",
    )


# --- Saisie-attribution ----------------------------------------------------------------------


def saisie_attribution_signifier(
    *,
    acteur: Utilisateur,
    procedure: SaisieAttribution,
    signifie_le: datetime,
    tiers_saisi: str,
    compte_bancaire: bool = False,
) -> SaisieAttribution:
    """Acte de saisie au tiers saisi (R211-1, heure comprise) : dénonciation dans les huit
    jours (R211-3) ; compte bancaire : quinze jours ouvrables d'indisponibilité (L162-1)."""

    def ouvrir(p):
        jour = jour_de(p.signifie_le)
        ouvertures = [Ouverture("sa_denonciation", jour)]
        if p.compte_bancaire:
            ouvertures.append(Ouverture("sa_indisponibilite", jour))
        return ouvertures

    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier",
        arguments={
            "signifie_le": signifie_le,
            "tiers_saisi": tiers_saisi,
            "compte_bancaire": compte_bancaire,
        },
        ouvrir=ouvrir,
        libelle=f"Saisie-attribution signifiée à {tiers_saisi}",
    )


def saisie_attribution_enregistrer_declaration(
    *,
    acteur: Utilisateur,
    procedure: SaisieAttribution,
    le: datetime,
    solde_declare: Decimal | None = None,
    sbi_applique: Decimal | None = None,
) -> SaisieAttribution:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_declaration",
        arguments={"le": le, "solde_declare": solde_declare, "sbi_applique": sbi_applique},
        libelle="Saisie-attribution : déclaration du tiers saisi (R211-4)",
    )


def saisie_attribution_denoncer(
    *, acteur: Utilisateur, procedure: SaisieAttribution, le: datetime
) -> SaisieAttribution:
    """Dénonciation (R211-3) : le mois de contestation court (R211-11)."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="denoncer",
        arguments={"le": le},
        fermer=["sa_denonciation"],
        ouvrir=lambda p: [Ouverture("sa_contestation", jour_de(p.denoncee_le))],
        libelle="Saisie-attribution dénoncée au débiteur",
    )


def saisie_attribution_enregistrer_contestation(
    *, acteur: Utilisateur, procedure: SaisieAttribution, le: date
) -> SaisieAttribution:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_contestation",
        arguments={"le": le},
        sans_objet=["sa_contestation"],
        libelle="Saisie-attribution contestée devant le juge de l'exécution",
    )


def saisie_attribution_statuer_contestation(
    *, acteur: Utilisateur, procedure: SaisieAttribution, rejetee: bool
) -> SaisieAttribution:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="statuer_contestation",
        arguments={"rejetee": rejetee},
    )


def saisie_attribution_delivrer_certificat_non_contestation(
    *,
    acteur: Utilisateur,
    procedure: SaisieAttribution,
    le: date,
    renonciation_ecrite: bool = False,
) -> SaisieAttribution:
    """R211-6 : après le mois de contestation, ou plus tôt sur déclaration écrite."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="delivrer_certificat_non_contestation",
        arguments={"le": le, "renonciation_ecrite": renonciation_ecrite},
        fermer=[] if renonciation_ecrite else ["sa_contestation"],
        sans_objet=["sa_contestation"] if renonciation_ecrite else [],
        libelle="Saisie-attribution : certificat de non-contestation (R211-6)",
    )


def saisie_attribution_constater_paiement(
    *, acteur: Utilisateur, procedure: SaisieAttribution, le: date, montant: Decimal
) -> SaisieAttribution:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_paiement",
        arguments={"le": le, "montant": montant},
        libelle=f"Saisie-attribution : paiement du tiers saisi ({montant} €)",
    )


def saisie_attribution_abandonner(
    *, acteur: Utilisateur, procedure: SaisieAttribution, motif: str
) -> SaisieAttribution:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="abandonner",
        arguments={"motif": motif},
        libelle=f"Saisie-attribution : mainlevée ({motif})",
    )


# --- Saisie des rémunérations ----------------------------------------------------------------


def saisie_remunerations_signifier_commandement(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: datetime
) -> SaisieRemunerations:
    """Commandement (L212-2) : PV pas avant un mois, au plus tard trois mois (L212-6)."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier_commandement",
        arguments={"le": le},
        ouvrir=lambda p: [
            Ouverture("sr_attente_commandement", jour_de(p.commandement_le)),
            Ouverture("sr_validite_commandement", jour_de(p.commandement_le)),
        ],
        libelle="Saisie des rémunérations : commandement de payer signifié",
    )


def saisie_remunerations_inscrire_commandement(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="inscrire_commandement",
        arguments={"le": le},
        libelle="Saisie des rémunérations : commandement inscrit au registre (L212-2 al. 2)",
    )


def saisie_remunerations_enregistrer_accord(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    """L212-3 : l'accord suspend ; L212-6 al. 3 : plus de caducité à trois mois."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_accord",
        arguments={"le": le},
        sans_objet=["sr_validite_commandement"],
        libelle="Saisie des rémunérations suspendue par un procès-verbal d'accord (L212-3)",
    )


def saisie_remunerations_reprendre(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="reprendre",
        arguments={"le": le},
        libelle="Saisie des rémunérations reprise (L212-3 al. 2)",
    )


def saisie_remunerations_enregistrer_contestation(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_contestation",
        arguments={"le": le},
        libelle="Saisie des rémunérations : contestation enregistrée (L212-4)",
    )


def saisie_remunerations_statuer_contestation(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, rejetee: bool
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="statuer_contestation",
        arguments={"rejetee": rejetee},
    )


def saisie_remunerations_designer_repartiteur(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date, repartiteur: str
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="designer_repartiteur",
        arguments={"le": le, "repartiteur": repartiteur},
        libelle=f"Saisie des rémunérations : répartiteur désigné, {repartiteur} (R212-1-10)",
    )


def _ouvertures_pv_remunerations(p):
    jour = jour_de(p.pv_le)
    return [Ouverture("sr_denonciation", jour), Ouverture("sr_declaration_employeur", jour)]


def saisie_remunerations_signifier_pv_saisie(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: datetime, employeur: str
) -> SaisieRemunerations:
    """PV à l'employeur : dénonciation dans les huit jours, déclaration dans les quinze."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier_pv_saisie",
        arguments={"le": le, "employeur": employeur},
        fermer=["sr_attente_commandement", "sr_validite_commandement"],
        ouvrir=_ouvertures_pv_remunerations,
        libelle=f"Saisie des rémunérations : procès-verbal signifié à {employeur}",
    )


def saisie_remunerations_denoncer(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: datetime
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="denoncer",
        arguments={"le": le},
        fermer=["sr_denonciation"],
        libelle="Saisie des rémunérations dénoncée au débiteur",
    )


def saisie_remunerations_enregistrer_declaration_employeur(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_declaration_employeur",
        arguments={"le": le},
        fermer=["sr_declaration_employeur"],
        libelle="Saisie des rémunérations : déclaration de l'employeur reçue (L212-8)",
    )


def saisie_remunerations_enregistrer_versement(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date, montant: Decimal
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_versement",
        arguments={"le": le, "montant": montant},
        libelle=f"Saisie des rémunérations : versement de {montant} € au répartiteur",
    )


def saisie_remunerations_constater_fin_emploi(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    """R212-1-32 : reprise possible dans l'année chez un nouvel employeur."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_fin_emploi",
        arguments={"le": le},
        sans_objet=["sr_declaration_employeur"],
        ouvrir=lambda p: [Ouverture("sr_reprise", p.fin_emploi_le)],
        libelle="Saisie des rémunérations : fin de la relation de travail",
    )


def saisie_remunerations_reprendre_chez_nouvel_employeur(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: datetime, employeur: str
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="reprendre_chez_nouvel_employeur",
        arguments={"le": le, "employeur": employeur},
        fermer=["sr_reprise"],
        ouvrir=_ouvertures_pv_remunerations,
        libelle=f"Saisie des rémunérations reprise chez {employeur} (R212-1-32)",
    )


def saisie_remunerations_terminer(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, le: date
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur, procedure=procedure, transition="terminer", arguments={"le": le}
    )


def saisie_remunerations_abandonner(
    *, acteur: Utilisateur, procedure: SaisieRemunerations, motif: str
) -> SaisieRemunerations:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="abandonner",
        arguments={"motif": motif},
        libelle=f"Saisie des rémunérations : mainlevée ({motif})",
    )
