"""Étapes de l'expulsion et du commandement visant la clause résolutoire."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from etude.audit import evenement_enregistrer
from etude.models import Utilisateur

from ..gardes import jour_de
from ..models import ClauseResolutoire, Expulsion
from ..models.logement import ExceptionTreve
from .coeur import Ouverture, executer_etape, exiger_ecriture, meme_etude

# --- Expulsion ---------------------------------------------------------------------------------


def _ouverture_attente(p):
    """L412-1 : deux mois, sauf voie de fait ; L412-5 : ne court qu'une fois le préfet saisi."""
    if p.sans_delai_de_deux_mois or p.depart_delai is None:
        return []
    if p.delais.filter(code="ex_attente_commandement").exists():
        return []
    return [Ouverture("ex_attente_commandement", p.depart_delai)]


def expulsion_signifier_commandement(
    *,
    acteur: Utilisateur,
    procedure: Expulsion,
    le: datetime,
    voie_de_fait: bool = False,
    prefet_saisi_le: date | None = None,
) -> Expulsion:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier_commandement",
        arguments={"le": le, "voie_de_fait": voie_de_fait, "prefet_saisi_le": prefet_saisi_le},
        ouvrir=_ouverture_attente,
        libelle="Expulsion : commandement de quitter les lieux signifié"
        + ("" if prefet_saisi_le else " (préfet à saisir : L412-5)"),
    )


def expulsion_informer_prefet(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    """L412-5, R412-2 : la saisine du préfet fait courir le délai de deux mois."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="informer_prefet",
        arguments={"le": le},
        ouvrir=_ouverture_attente,
        libelle="Expulsion : copie du commandement transmise au préfet (L412-5)",
    )


@transaction.atomic
def expulsion_enregistrer_exceptions(
    *,
    acteur: Utilisateur,
    procedure: Expulsion,
    exception_treve: str = ExceptionTreve.AUCUNE,
    delai_supprime_par_juge: bool = False,
) -> Expulsion:
    """Enregistre une exception à la trêve (L412-6 à L412-8) ou au délai de deux mois
    (L412-1, décision du juge) ; ce n'est pas une transition."""
    exiger_ecriture(acteur)
    meme_etude(acteur, procedure)
    avant = {
        "exception_treve": procedure.exception_treve,
        "delai_supprime_par_juge": procedure.delai_supprime_par_juge,
    }
    procedure.exception_treve = ExceptionTreve(exception_treve)
    procedure.delai_supprime_par_juge = delai_supprime_par_juge
    procedure.save(update_fields=["etat", "exception_treve", "delai_supprime_par_juge"])
    evenement_enregistrer(
        etude_id=procedure.etude_id,
        acteur=acteur,
        action="expulsion_enregistrer_exceptions",
        libelle="Expulsion : exceptions enregistrées ("
        + (procedure.get_exception_treve_display() if exception_treve else "aucune à la trêve")
        + (", délai de deux mois supprimé par le juge" if delai_supprime_par_juge else "")
        + ")",
        objet=procedure,
        dossier=procedure.dossier,
        avant=avant,
        apres={
            "exception_treve": exception_treve,
            "delai_supprime_par_juge": delai_supprime_par_juge,
        },
    )
    return procedure


def expulsion_requerir_force_publique(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    """R153-1 : le silence du préfet pendant deux mois vaut refus."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="requerir_force_publique",
        arguments={"le": le},
        ouvrir=lambda p: [Ouverture("ex_concours", p.requisition_le)],
        libelle="Expulsion : concours de la force publique requis (R153-1)",
    )


def expulsion_accorder_concours(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="accorder_concours",
        arguments={"le": le},
        fermer=["ex_concours"],
        libelle="Expulsion : concours de la force publique accordé",
    )


def expulsion_refuser_concours(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="refuser_concours",
        arguments={"le": le},
        fermer=["ex_concours"],
        libelle="Expulsion : concours refusé (responsabilité de l'État, L153-1)",
    )


def expulsion_dresser_pv(
    *, acteur: Utilisateur, procedure: Expulsion, le: datetime, meubles_laisses: bool
) -> Expulsion:
    """R432-1 ; meubles laissés : deux mois pour les retirer (R433-1), un mois pour contester
    l'absence de valeur marchande (R433-1 4°), papiers conservés deux ans (R433-6)."""

    def ouvrir(p):
        if not p.meubles_laisses:
            return []
        jour = jour_de(p.pv_expulsion_le)
        return [
            Ouverture("ex_meubles", jour),
            Ouverture("ex_contestation_meubles", jour),
            Ouverture("ex_papiers", jour),
        ]

    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="dresser_pv_expulsion",
        arguments={"le": le, "meubles_laisses": meubles_laisses},
        fermer=["ex_attente_commandement"],
        sans_objet=["ex_concours"],
        ouvrir=ouvrir,
        libelle="Expulsion : procès-verbal d'expulsion dressé"
        + (" (meubles laissés sur place)" if meubles_laisses else ""),
    )


def expulsion_constater_depart_volontaire(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_depart_volontaire",
        arguments={"le": le},
        libelle="Expulsion : lieux libérés volontairement",
    )


def expulsion_constater_retrait_meubles(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_retrait_meubles",
        arguments={"le": le},
        fermer=["ex_meubles"],
        sans_objet=["ex_contestation_meubles"],
        libelle="Expulsion : meubles retirés",
    )


def expulsion_clore(*, acteur: Utilisateur, procedure: Expulsion, le: date):
    return executer_etape(
        acteur=acteur, procedure=procedure, transition="clore", arguments={"le": le}
    )


def expulsion_abandonner(*, acteur: Utilisateur, procedure: Expulsion, motif: str):
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="abandonner",
        arguments={"motif": motif},
        libelle=f"Expulsion abandonnée : {motif}",
    )


# --- Clause résolutoire ------------------------------------------------------------------------


def clause_resolutoire_signifier_commandement(
    *,
    acteur: Utilisateur,
    procedure: ClauseResolutoire,
    le: datetime,
    bail_signe_le: date,
    loyer_mensuel_hc: Decimal,
    dette: Decimal,
    impayes_depuis_deux_mois: bool = False,
) -> ClauseResolutoire:
    """Art. 24 I : six semaines (baux signés depuis le 29 juillet 2023) ou deux mois."""

    def ouvrir(p):
        jour = jour_de(p.commandement_le)
        ouvertures = [Ouverture("cr_paiement", jour, {"duree": p.duree_paiement})]
        if p.ccapex_requise:
            ouvertures.append(Ouverture("cr_ccapex", jour))
        return ouvertures

    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signifier_commandement",
        arguments={
            "le": le,
            "bail_signe_le": bail_signe_le,
            "loyer_mensuel_hc": loyer_mensuel_hc,
            "dette": dette,
            "impayes_depuis_deux_mois": impayes_depuis_deux_mois,
        },
        ouvrir=ouvrir,
        libelle="Commandement visant la clause résolutoire signifié",
    )


def clause_resolutoire_signaler_ccapex(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, le: date
) -> ClauseResolutoire:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="signaler_ccapex",
        arguments={"le": le},
        fermer=["cr_ccapex"],
        libelle="Clause résolutoire : commandement signalé à la CCAPEX",
    )


def clause_resolutoire_constater_paiement(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, le: date
) -> ClauseResolutoire:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_paiement",
        arguments={"le": le},
        fermer=["cr_paiement"],
        libelle="Clause résolutoire : dette réglée dans le délai",
    )


def clause_resolutoire_constater_clause_acquise(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, le: date
) -> ClauseResolutoire:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="constater_clause_acquise",
        arguments={"le": le},
        fermer=["cr_paiement"],
        libelle="Clause résolutoire acquise faute de paiement dans le délai",
    )


def clause_resolutoire_assigner(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, le: date, audience_le: date
) -> ClauseResolutoire:
    """Art. 24 III : notifier l'assignation au préfet six semaines au moins avant l'audience."""
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="assigner",
        arguments={"le": le, "audience_le": audience_le},
        ouvrir=lambda p: [Ouverture("cr_prefet_assignation", p.audience_le)],
        libelle=f"Clause résolutoire : assignation pour l'audience du {audience_le:%d/%m/%Y}",
    )


def clause_resolutoire_notifier_prefet(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, le: date
) -> ClauseResolutoire:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="notifier_prefet",
        arguments={"le": le},
        fermer=["cr_prefet_assignation"],
        libelle="Clause résolutoire : assignation notifiée au préfet (art. 24 III)",
    )


def clause_resolutoire_enregistrer_jugement(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, le: date
) -> ClauseResolutoire:
    return executer_etape(
        acteur=acteur,
        procedure=procedure,
        transition="enregistrer_jugement",
        arguments={"le": le},
    )


def clause_resolutoire_abandonner(
    *, acteur: Utilisateur, procedure: ClauseResolutoire, motif: str
) -> ClauseResolutoire:
    return executer_etape(
        acteur=acteur, procedure=procedure, transition="abandonner", arguments={"motif": motif}
    )
