"""Ouvrir une procédure ; demander et décider une approbation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dossiers.models import Debiteur, Dossier, TitreExecutoire
from etude.audit import evenement_enregistrer
from etude.errors import RegleMetier
from etude.models import Utilisateur

from ..models import MODELES, Approbation, DecisionApprobation, RegleApprobation
from ..models.base import SANS_TITRE
from .coeur import creer_demande, exiger_ecriture, meme_etude


@transaction.atomic
def procedure_ouvrir(
    *,
    acteur: Utilisateur,
    dossier: Dossier,
    debiteur: Debiteur,
    type: str,  # noqa: A002 - le glossaire nomme ainsi le type de procédure
    titre: TitreExecutoire | None = None,
):
    """Ouvre une procédure d'un type donné contre un débiteur du dossier.

    CPCE L111-2 : un titre exécutoire est exigé, sauf pour l'injonction de payer et les
    petites créances qui servent à l'obtenir ; CPCE L111-4 : un titre prescrit ne fonde plus
    d'exécution ; C. consom. L722-2 : pas de mesure d'exécution contre un débiteur dont le
    dossier de surendettement est recevable.
    """
    exiger_ecriture(acteur)
    meme_etude(acteur, dossier, debiteur)
    if type not in MODELES:
        raise ValidationError({"type": f"Type de procédure inconnu : {type}."})
    modele = MODELES[type]
    if not dossier.parties.filter(debiteur=debiteur).exists():
        raise ValidationError({"debiteur": "Ce débiteur n'est pas partie au dossier."})
    if titre is not None and titre.dossier_id != dossier.pk:
        raise PermissionDenied("Ce titre exécutoire n'appartient pas à ce dossier.")
    if titre is None and type not in SANS_TITRE:
        raise RegleMetier(
            "CPCE L111-2 : une procédure d'exécution exige un titre exécutoire constatant une "
            "créance liquide et exigible ; enregistrez d'abord le titre."
        )
    prescription = titre.date_prescription if titre is not None else None
    if prescription is not None and prescription < timezone.localdate():
        raise RegleMetier(
            f"CPCE L111-4 : l'exécution du titre ne peut plus être poursuivie depuis le "
            f"{prescription:%d/%m/%Y} (sauf interruption à justifier)."
        )
    if modele.SUSPENDUE_PAR_SURENDETTEMENT and debiteur.poursuites_suspendues:
        raise RegleMetier(
            "C. consom. L722-2 : le dossier de surendettement de "
            f"{debiteur.designation} a été déclaré recevable le "
            f"{debiteur.surendettement_decision:%d/%m/%Y} ; aucune procédure d'exécution ne "
            "peut être engagée contre ses biens."
        )
    procedure = modele(
        etude_id=dossier.etude_id,
        dossier=dossier,
        debiteur=debiteur,
        titre=titre,
        type=type,
        ouverte_par=acteur,
    )
    procedure.etape = procedure.libelle_etat
    procedure.save()
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="procedure_ouvrir",
        libelle=f"{procedure.get_type_display()} ouverte contre {debiteur.designation}",
        objet=procedure,
        dossier=dossier,
        apres={"type": type, "etat": procedure.etat, "titre": titre.pk if titre else None},
    )
    return procedure


@transaction.atomic
def regle_approbation_definir(
    *, acteur: Utilisateur, type_procedure: str, transition: str, active: bool = True
) -> RegleApprobation:
    """L'étude liste une étape qui, sur un dossier complexe, attend l'approbation."""
    if not acteur.est_principal:
        raise PermissionDenied("Seuls le principal clerc et le commissaire fixent ces règles.")
    modele = MODELES[type_procedure]
    if not hasattr(getattr(modele, transition, None), "_django_fsm"):
        raise ValidationError({"transition": f"Étape inconnue : {transition}."})
    regle, _ = RegleApprobation.objects.update_or_create(
        etude_id=acteur.etude_id,
        type_procedure=type_procedure,
        transition=transition,
        defaults={"active": active},
    )
    evenement_enregistrer(
        etude_id=acteur.etude_id,
        acteur=acteur,
        action="regle_approbation_definir",
        libelle=f"Approbation {'exigée' if active else 'levée'} : {type_procedure}, "
        f"étape « {transition} »",
        objet=regle,
        apres={"type_procedure": type_procedure, "transition": transition, "active": active},
    )
    return regle


@transaction.atomic
def approbation_demander(
    *, acteur: Utilisateur, procedure, transition: str, commentaire: str = ""
) -> Approbation:
    """Demande (ou redemande après un refus) l'approbation d'une étape."""
    exiger_ecriture(acteur)
    meme_etude(acteur, procedure)
    en_attente = Approbation.objects.filter(
        procedure_id=procedure.pk, transition=transition, decision=DecisionApprobation.EN_ATTENTE
    ).first()
    if en_attente is not None:
        return en_attente
    regle = RegleApprobation.objects.filter(
        etude_id=procedure.etude_id, type_procedure=procedure.type, transition=transition
    ).first()
    return creer_demande(
        acteur=acteur, procedure=procedure, nom=transition, regle=regle, commentaire=commentaire
    )


@transaction.atomic
def approbation_decider(
    *, acteur: Utilisateur, approbation: Approbation, approuvee: bool, commentaire: str = ""
) -> Approbation:
    """Le principal clerc ou le commissaire de justice approuve ou refuse l'étape."""
    meme_etude(acteur, approbation)
    if not acteur.est_principal:
        raise PermissionDenied(
            "Seuls le principal clerc et le commissaire de justice décident des approbations."
        )
    approbation = Approbation.objects.select_for_update().get(pk=approbation.pk)
    if approbation.decision != DecisionApprobation.EN_ATTENTE:
        raise RegleMetier("Cette demande d'approbation a déjà été décidée.")
    approbation.decision = (
        DecisionApprobation.APPROUVEE if approuvee else DecisionApprobation.REFUSEE
    )
    approbation.decidee_par = acteur
    approbation.decidee_le = timezone.now()
    if commentaire:
        approbation.commentaire = commentaire
    approbation.save(update_fields=["decision", "decidee_par", "decidee_le", "commentaire"])
    procedure = approbation.procedure
    evenement_enregistrer(
        etude_id=approbation.etude_id,
        acteur=acteur,
        action="approbation_decider",
        libelle=f"Étape « {approbation.transition} » "
        f"{'approuvée' if approuvee else 'refusée'}"
        + (f" : {commentaire}" if commentaire else ""),
        objet=approbation,
        dossier=procedure.dossier,
        avant={"decision": ""},
        apres={"decision": approbation.decision, "commentaire": approbation.commentaire},
    )
    return approbation
