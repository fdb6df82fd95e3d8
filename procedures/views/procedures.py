"""Écrans d'une procédure : ouvrir, exécuter une étape, demander une approbation, détail.

Chaque objet est cherché via `.pour(request.user)` (autre étude : 404) ; chaque POST exige
`peut_ecrire` (rôle « lecture » : 403) et appelle un seul service. Les refus du droit
(`RegleMetier`, l'article dans le message), l'attente d'approbation et les erreurs de saisie
s'affichent en messages sur la fiche ; le service étant atomique, rien n'est à moitié écrit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_fsm import ConcurrentTransition

from dossiers.models import Dossier
from dossiers.views import _chronologie, _contexte_detail
from etude.errors import DonneeManquante, RegleMetier
from etude.models import Evenement
from etude.views import ecriture_requise

from .. import services
from ..forms import EtapeForm, OuvrirProcedureForm, libelle_etape, service_etape
from ..models import MODELES, Approbation, Procedure, RegleApprobation
from .panneau import EtapeRefusee, _decisions, etapes_possibles


def procedure_de(request, pk: int):
    """La procédure de l'étude de l'utilisateur, dans son type (SaisieAttribution...)."""
    type_ = get_object_or_404(
        Procedure.objects.pour(request.user).values_list("type", flat=True), pk=pk
    )
    return (
        MODELES[type_]
        ._default_manager.select_related("dossier", "debiteur", "etude", "titre")
        .get(pk=pk)
    )


def ancre(procedure) -> str:
    return f"{procedure.dossier.get_absolute_url()}#procedure-{procedure.pk}"


def _retour(request, procedure) -> str:
    # Valeur fermée : jamais une adresse fournie par le client.
    if request.POST.get("retour") == "detail":
        return reverse("procedure_detail", args=[procedure.pk])
    return ancre(procedure)


def _erreurs(formulaire) -> str:
    morceaux = []
    for nom, erreurs in formulaire.errors.items():
        champ = formulaire.fields.get(nom)
        prefixe = f"{champ.label} : " if champ is not None else ""
        morceaux.append(prefixe + " ".join(erreurs))
    return " ; ".join(morceaux)


def _message_refus(request, erreur: Exception) -> None:
    if isinstance(erreur, services.ApprobationRequise):
        messages.warning(request, str(erreur))
    elif isinstance(erreur, ValidationError):
        messages.error(request, " ".join(erreur.messages))
    elif isinstance(erreur, ConcurrentTransition):
        messages.error(
            request,
            "La procédure a changé pendant votre saisie (autre poste ou passe de nuit) : "
            "rien n'a été enregistré, vérifiez son état et recommencez.",
        )
    else:
        messages.error(request, str(erreur))


REFUS = (RegleMetier, DonneeManquante, ValidationError, ConcurrentTransition)


@require_POST
@ecriture_requise
def procedure_ouvrir(request, reference: str):
    dossier = get_object_or_404(Dossier.objects.pour(request.user), reference=reference)
    formulaire = OuvrirProcedureForm(request.POST, dossier=dossier)
    if not formulaire.is_valid():
        messages.error(request, f"Procédure non ouverte : {_erreurs(formulaire)}.")
        return redirect(f"{dossier.get_absolute_url()}#procedures")
    try:
        procedure = services.procedure_ouvrir(
            acteur=request.user,
            dossier=dossier,
            debiteur=formulaire.cleaned_data["debiteur"],
            type=formulaire.cleaned_data["type"],
            titre=formulaire.cleaned_data["titre"],
        )
    except REFUS as erreur:
        _message_refus(request, erreur)
        return redirect(f"{dossier.get_absolute_url()}#procedures")
    messages.success(
        request, f"{procedure.get_type_display()} ouverte : {procedure.libelle_etat}."
    )
    return redirect(ancre(procedure))


def _erreur_sur_formulaire(formulaire, erreur: Exception) -> None:
    """Le refus du service, mot pour mot (l'article dans le message), sur le formulaire ; une
    erreur de validation rattachée à un champ du formulaire va sur ce champ."""
    if isinstance(erreur, ValidationError) and hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.message_dict.items():
            formulaire.add_error(champ if champ in formulaire.fields else None, erreurs)
    elif isinstance(erreur, ValidationError):
        formulaire.add_error(None, erreur.messages)
    elif isinstance(erreur, ConcurrentTransition):
        formulaire.add_error(
            None,
            "La procédure a changé pendant votre saisie (autre poste ou passe de nuit) : "
            "vérifiez son état et recommencez.",
        )
    else:
        formulaire.add_error(None, str(erreur))


def _reafficher(request, procedure, transition: str, formulaire):
    """Étape refusée : la page d'où vient le formulaire (fiche dossier ou page de la
    procédure) est rendue de nouveau, le formulaire lié ouvert avec sa saisie et le message
    du refus ; statut 400 comme les autres formulaires refusés du projet."""
    refus = EtapeRefusee(procedure.pk, transition, formulaire)
    # L'état en mémoire est celui d'avant l'étape (le service a tout annulé) : relu.
    procedure = procedure_de(request, procedure.pk)
    if request.POST.get("retour") == "detail":
        contexte = _contexte_page(request, procedure, refus)
        return render(request, "procedures/detail.html", contexte, status=400)
    request.etape_refusee = refus  # lu par la balise du panneau (templatetags)
    contexte = _contexte_detail(request, procedure.dossier)
    return render(request, "dossiers/detail.html", contexte, status=400)


@require_POST
@ecriture_requise
def procedure_etape(request, pk: int, transition: str):
    procedure = procedure_de(request, pk)
    fonction = service_etape(procedure.type, transition)
    if fonction is None or not hasattr(getattr(type(procedure), transition, None), "_django_fsm"):
        raise Http404("Étape inconnue pour cette procédure.")
    formulaire = EtapeForm(request.POST, procedure=procedure, transition=transition)
    libelle = libelle_etape(transition)
    if not formulaire.is_valid():
        messages.error(request, f"{libelle} : {_erreurs(formulaire)}.")
        return _reafficher(request, procedure, transition, formulaire)
    try:
        fonction(acteur=request.user, procedure=procedure, **formulaire.arguments())
    except services.ApprobationRequise as attente:
        _message_refus(request, attente)
    except REFUS as erreur:
        _message_refus(request, erreur)
        _erreur_sur_formulaire(formulaire, erreur)
        return _reafficher(request, procedure, transition, formulaire)
    else:
        messages.success(request, f"{libelle} : enregistré. État : {procedure.libelle_etat}.")
    return redirect(_retour(request, procedure))


@require_POST
@ecriture_requise
def procedure_approbation_demander(request, pk: int, transition: str):
    """Nouvelle demande après un refus (la première part d'elle-même à la première tentative)."""
    procedure = procedure_de(request, pk)
    if not hasattr(getattr(type(procedure), transition, None), "_django_fsm"):
        raise Http404("Étape inconnue pour cette procédure.")
    try:
        services.approbation_demander(
            acteur=request.user,
            procedure=procedure,
            transition=transition,
            commentaire=request.POST.get("commentaire", "")[:1000],
        )
    except REFUS as erreur:
        _message_refus(request, erreur)
    else:
        messages.success(
            request,
            f"Approbation demandée pour « {libelle_etape(transition)} » : elle apparaît dans "
            "la file du principal clerc.",
        )
    return redirect(_retour(request, procedure))


@require_safe
@login_required
def procedure_detail(request, pk: int):
    procedure = procedure_de(request, pk)
    return render(request, "procedures/detail.html", _contexte_page(request, procedure))


def _contexte_page(request, procedure, refus=None) -> dict:
    dossier = procedure.dossier
    regles = set(
        RegleApprobation.objects.filter(etude_id=procedure.etude_id, active=True).values_list(
            "type_procedure", "transition"
        )
    )
    decisions = _decisions([procedure.pk])
    approbations = list(
        Approbation.objects.filter(procedure_id=procedure.pk)
        .select_related("demandee_par", "decidee_par")
        .order_by("-demandee_le", "-id")
    )
    evenements = list(
        Evenement.objects.pour(request.user)
        .filter(dossier=dossier)
        .filter(
            Q(objet_type=procedure._meta.label, objet_id=str(procedure.pk))
            | Q(objet_type=Approbation._meta.label, objet_id__in=[str(a.pk) for a in approbations])
        )
        .select_related("acteur")
        .order_by("-horodatage", "-id")[:200]
    )
    return {
        "procedure": procedure,
        "dossier": dossier,
        "etapes": etapes_possibles(
            procedure, complexe=dossier.complexe, regles=regles, decisions=decisions, refus=refus
        )
        if request.user.peut_ecrire
        else [],
        "delais": list(procedure.delais.order_by("echeance", "id")),
        **_contexte_interventions(request, procedure),
        "approbations": approbations,
        "chronologie": _chronologie(evenements),
        "rubrique": "dossiers",
    }


def _contexte_interventions(request, procedure) -> dict:
    """Saisie-vente et saisie des rémunérations : interventions, répartitions, formulaires."""
    if procedure.type not in ("saisie_vente", "saisie_remunerations"):
        return {"avec_interventions": False}
    from django.utils import timezone

    from etude.errors import RegleMetier

    from ..forms import InterventionForm, RepartitionForm
    from ..services.interventions import (
        creance_du_saisissant,
        deja_reparti,
        intervention_caduque,
    )

    aujourd_hui = timezone.localdate()
    interventions = list(
        procedure.interventions.select_related("creancier", "procedure", "dossier")
    )
    for intervention in interventions:
        intervention.caduque = intervention_caduque(
            intervention, le=aujourd_hui, calendrier=procedure.etude.calendrier
        )
    repartitions = list(
        procedure.repartitions.prefetch_related(
            "parts__creancier", "parts__intervention", "parts__versement__dossier"
        ).order_by("le", "id")
    )
    ecrire = request.user.peut_ecrire and not procedure.est_close
    try:
        creance, creance_erreur = creance_du_saisissant(procedure, le=aujourd_hui), ""
    except RegleMetier as erreur:
        creance, creance_erreur = None, str(erreur)
    return {
        "avec_interventions": True,
        "creance_saisissant": creance,
        "creance_saisissant_erreur": creance_erreur,
        "interventions": interventions,
        "repartitions": repartitions,
        "reste_a_repartir": (procedure.total_verse or 0) - deja_reparti(procedure)
        if procedure.type == "saisie_remunerations"
        else None,
        "formulaire_intervention": InterventionForm(procedure=procedure) if ecrire else None,
        "formulaire_repartition": RepartitionForm(procedure=procedure)
        if request.user.peut_ecrire
        else None,
    }
