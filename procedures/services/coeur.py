"""Le déroulé commun d'une étape : contrôles, approbation, transition, délais, audit."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from etude.audit import differences, evenement_enregistrer, instantane
from etude.errors import RegleMetier
from etude.models import Utilisateur

from .. import catalogue
from ..models import (
    Approbation,
    DecisionApprobation,
    Delai,
    RegleApprobation,
    StatutDelai,
)
from ..models.base import poursuites_possibles
from ..prescription import interrompre

# Délais qui survivent à la clôture de la procédure : les papiers personnels d'une personne
# expulsée restent conservés deux ans (CPCE R433-6) même quand le dossier est clos.
SURVIVENT_A_LA_CLOTURE = {"ex_papiers"}


class ApprobationRequise(RegleMetier):
    """L'étape attend la décision du principal clerc ; `approbation` est la demande."""

    def __init__(self, message: str, *, approbation: Approbation):
        super().__init__(message)
        self.approbation = approbation


class _ApprobationManquante(Exception):
    def __init__(self, regle: RegleApprobation):
        self.regle = regle


@dataclass(frozen=True)
class Ouverture:
    """Un délai qu'une étape fait courir (`code` du catalogue, `depart`)."""

    code: str
    depart: date
    options: dict = field(default_factory=dict)
    deja_respecte: bool = False
    # Délai propre à une intervention (R212-1-17) ; son libellé nomme le créancier.
    intervention: object = None


def exiger_ecriture(acteur: Utilisateur) -> None:
    if not acteur.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas d'agir sur les procédures.")


def meme_etude(acteur: Utilisateur, *objets) -> None:
    for objet in objets:
        if objet is not None and objet.etude_id != acteur.etude_id:
            raise PermissionDenied("Cet élément n'appartient pas à votre étude.")


def _fr(d) -> str:
    return timezone.localtime(d).strftime("%d/%m/%Y à %H:%M")


def verifier_poursuites(procedure) -> None:
    """C. consom. L722-2 (DOMAINE décision 14) : bloque et dit pourquoi."""
    debiteur = procedure.debiteur
    if procedure.SUSPENDUE_PAR_SURENDETTEMENT and debiteur.poursuites_suspendues:
        decision = debiteur.surendettement_decision
        raise RegleMetier(
            "C. consom. L722-2 : le dossier de surendettement de "
            f"{debiteur.designation} a été déclaré recevable le {decision:%d/%m/%Y} ; les "
            "procédures d'exécution contre ses biens sont suspendues et interdites."
        )


def _transition_de(procedure, nom: str):
    methode = getattr(type(procedure), nom, None)
    meta = getattr(methode, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{nom} n'est pas une transition de {type(procedure).__name__}.")
    return meta.get_transition(procedure.etat)


def verifier_etape_possible(procedure, nom: str) -> None:
    """Une étape sur une procédure close, ou hors de l'ordre de la machine, est refusée."""
    if procedure.est_close:
        motif = procedure.MOTIFS_FINAUX.get(procedure.etat)
        if motif:
            raise RegleMetier(f"{motif} : aucune étape n'est plus possible.")
        raise RegleMetier(
            f"La procédure est close (« {procedure.libelle_etat} ») : aucune étape n'est plus "
            "possible."
        )
    transition_ = _transition_de(procedure, nom)
    if transition_ is None:
        raise RegleMetier(
            f"L'étape « {nom.replace('_', ' ')} » n'est pas possible dans l'état "
            f"« {procedure.libelle_etat} »."
        )
    if poursuites_possibles in transition_.conditions:
        verifier_poursuites(procedure)
    for condition in transition_.conditions:
        if condition is not poursuites_possibles and not condition(procedure):
            raise RegleMetier(getattr(condition, "message", "Condition de l'étape non remplie."))


def _regle_approbation(procedure, nom: str) -> RegleApprobation | None:
    if not procedure.dossier.complexe:
        return None
    return RegleApprobation.objects.filter(
        etude_id=procedure.etude_id, type_procedure=procedure.type, transition=nom, active=True
    ).first()


def _derniere_approbation(procedure, nom: str) -> Approbation | None:
    return (
        Approbation.objects.filter(procedure_id=procedure.pk, transition=nom)
        .select_related("decidee_par")
        .order_by("-demandee_le", "-id")
        .first()
    )


def verifier_approbation(procedure, nom: str) -> None:
    """Dossier complexe et étape listée par l'étude : il faut une approbation accordée."""
    regle = _regle_approbation(procedure, nom)
    if regle is None:
        return
    derniere = _derniere_approbation(procedure, nom)
    if derniere is None:
        raise _ApprobationManquante(regle)
    if derniere.decision == DecisionApprobation.APPROUVEE:
        return
    if derniere.decision == DecisionApprobation.REFUSEE:
        commentaire = f" : « {derniere.commentaire} »" if derniere.commentaire else ""
        raise RegleMetier(
            f"Étape refusée par {derniere.decidee_par} le {_fr(derniere.decidee_le)}"
            f"{commentaire}. Une nouvelle demande d'approbation est nécessaire."
        )
    raise ApprobationRequise(
        "Dossier complexe : l'étape attend l'approbation du principal clerc (demandée le "
        f"{_fr(derniere.demandee_le)}).",
        approbation=derniere,
    )


def creer_demande(*, acteur, procedure, nom: str, regle, commentaire: str = "") -> Approbation:
    approbation = Approbation(
        etude_id=procedure.etude_id,
        procedure_id=procedure.pk,
        transition=nom,
        regle=regle,
        demandee_par=acteur,
        commentaire=commentaire,
    )
    approbation.save()
    evenement_enregistrer(
        etude_id=procedure.etude_id,
        acteur=acteur,
        action="approbation_demander",
        libelle=f"Approbation demandée : {procedure.get_type_display()}, étape « {nom} »",
        objet=approbation,
        dossier=procedure.dossier,
        apres={"transition": nom, "procedure": procedure.pk},
    )
    return approbation


def fermer_delais(procedure, codes, *, statut=StatutDelai.RESPECTE, maintenant=None) -> int:
    if not codes:
        return 0
    return Delai.objects.filter(
        procedure_id=procedure.pk, code__in=list(codes), statut=StatutDelai.OUVERT
    ).update(statut=statut, clos_le=maintenant or timezone.now())


def ouvrir_delais(procedure, ouvertures, *, maintenant=None) -> list[Delai]:
    """Crée les délais avec l'échéance sûre du calendrier de l'étude (DOMAINE décision 8)."""
    maintenant = maintenant or timezone.now()
    calendrier = procedure.etude.calendrier
    objets = []
    for ouverture in ouvertures:
        definition = catalogue.DEFINITIONS[ouverture.code]
        lecture = catalogue.echeance(
            ouverture.code, ouverture.depart, calendrier=calendrier, **ouverture.options
        )
        objets.append(
            Delai(
                etude_id=procedure.etude_id,
                dossier_id=procedure.dossier_id,
                procedure_id=procedure.pk,
                clerc_id=procedure.dossier.clerc_id,
                code=definition.code,
                nature=definition.nature,
                libelle=definition.libelle
                if ouverture.intervention is None
                else f"{definition.libelle} ({ouverture.intervention.creancier.designation})"[
                    :200
                ],
                intervention=ouverture.intervention,
                depart=ouverture.depart,
                echeance=lecture.date_sure,
                echeance_alternative=lecture.date_alternative,
                raison_alternative=lecture.raison_alternative,
                article=definition.article,
                sanction=definition.sanction,
                statut=StatutDelai.RESPECTE if ouverture.deja_respecte else StatutDelai.OUVERT,
                clos_le=maintenant if ouverture.deja_respecte else None,
            )
        )
    return Delai.objects.bulk_create(objets)


def executer_etape(
    *,
    acteur: Utilisateur,
    procedure,
    transition: str,
    arguments: dict | None = None,
    fermer=(),
    sans_objet=(),
    ouvrir=None,
    libelle: str = "",
    complement=None,
):
    """Déroule une étape : toutes les écritures dans une transaction, sauf la demande
    d'approbation qui doit survivre au refus de l'étape.

    `ouvrir` est une fonction de la procédure après transition rendant les `Ouverture` ;
    `complement`, une fonction de la procédure appelée dans la même transaction après
    l'enregistrement (création du titre d'une injonction devenue exécutoire).
    Les fonctions publiques ne sont donc pas décorées `@transaction.atomic` : le refus pour
    approbation manquante annule l'étape, puis la demande est écrite dans sa propre
    transaction avant que `ApprobationRequise` ne soit levée.
    """
    exiger_ecriture(acteur)
    meme_etude(acteur, procedure)
    try:
        with transaction.atomic():
            _executer(
                acteur=acteur,
                procedure=procedure,
                transition=transition,
                arguments=arguments or {},
                fermer=fermer,
                sans_objet=sans_objet,
                ouvrir=ouvrir,
                libelle=libelle,
                complement=complement,
            )
    except _ApprobationManquante as manque:
        with transaction.atomic():
            approbation = creer_demande(
                acteur=acteur, procedure=procedure, nom=transition, regle=manque.regle
            )
        raise ApprobationRequise(
            "Dossier complexe : l'étape attend l'approbation du principal clerc ; la demande "
            "lui a été transmise.",
            approbation=approbation,
        ) from None
    return procedure


def _executer(
    *, acteur, procedure, transition, arguments, fermer, sans_objet, ouvrir, libelle, complement
):
    verifier_etape_possible(procedure, transition)
    verifier_approbation(procedure, transition)
    avant = instantane(procedure)
    etat_avant, libelle_avant = procedure.etat, procedure.libelle_etat
    methode = getattr(procedure, transition)
    if "calendrier" in inspect.signature(methode).parameters:
        arguments = {**arguments, "calendrier": procedure.etude.calendrier}
    try:
        methode(**arguments)
    except TransitionNotAllowed as exc:
        raise RegleMetier(
            f"L'étape « {transition.replace('_', ' ')} » n'est pas possible dans l'état "
            f"« {libelle_avant} »."
        ) from exc
    maintenant = timezone.now()
    procedure.etape = procedure.libelle_etat
    if procedure.est_close:
        procedure.cloturee_le = maintenant
    avant_diff, apres_diff = differences(avant, instantane(procedure))
    # `etat` toujours dans update_fields : c'est lui que ConcurrentTransitionMixin compare.
    champs = sorted({"etat", *apres_diff} - {"id", "procedure_ptr_id"})
    procedure.save(update_fields=champs)
    fermer_delais(procedure, fermer, maintenant=maintenant)
    fermer_delais(procedure, sans_objet, statut=StatutDelai.SANS_OBJET, maintenant=maintenant)
    if ouvrir is not None:
        ouvrir_delais(procedure, ouvrir(procedure), maintenant=maintenant)
    if procedure.est_close:
        Delai.objects.filter(procedure_id=procedure.pk, statut=StatutDelai.OUVERT).exclude(
            code__in=SURVIVENT_A_LA_CLOTURE
        ).update(statut=StatutDelai.SANS_OBJET, clos_le=maintenant)
    if complement is not None:
        complement(procedure)
    avant_diff.setdefault("etat", etat_avant)
    apres_diff.setdefault("etat", procedure.etat)
    evenement_enregistrer(
        etude_id=procedure.etude_id,
        acteur=acteur,
        action=f"{procedure.type}_{transition}",
        libelle=libelle or f"{procedure.get_type_display()} : {procedure.libelle_etat}",
        objet=procedure,
        dossier=procedure.dossier,
        avant=avant_diff,
        apres=apres_diff,
    )
    # C. civ. 2244 : un acte d'exécution forcée interrompt la prescription du titre.
    interrompre(acteur=acteur, procedure=procedure, transition=transition)
