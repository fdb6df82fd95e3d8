"""Interventions d'autres créanciers et répartitions : un service par POST, refus affichés
sur la page de la procédure (article compris), rien d'écrit à moitié."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from etude.views import ecriture_requise

from .. import services
from ..forms import (
    InterventionDateForm,
    InterventionForm,
    RepartitionContrePasserForm,
    RepartitionForm,
)
from ..models import Intervention, Repartition
from .procedures import REFUS, _contexte_page, _erreur_sur_formulaire, procedure_de

TYPES = {"saisie_vente", "saisie_remunerations"}


def _page(procedure) -> str:
    return reverse("procedure_detail", args=[procedure.pk]) + "#interventions"


def _reafficher(request, procedure, **formulaires):
    procedure = procedure_de(request, procedure.pk)
    contexte = _contexte_page(request, procedure)
    contexte.update(formulaires)
    return render(request, "procedures/detail.html", contexte, status=400)


@require_POST
@ecriture_requise
def intervention_former(request, pk: int):
    procedure = procedure_de(request, pk)
    formulaire = InterventionForm(request.POST, procedure=procedure)
    if formulaire.is_valid():
        donnees = formulaire.cleaned_data
        try:
            services.intervention_former(
                acteur=request.user,
                procedure=procedure,
                creancier=donnees["creancier"],
                titre=donnees["titre"],
                montant=donnees["montant"],
                acte_le=donnees["acte_le"],
                commandement_le=donnees.get("commandement_le"),
                dossier=donnees.get("dossier"),
            )
        except REFUS as erreur:
            _erreur_sur_formulaire(formulaire, erreur)
        else:
            messages.success(request, "Intervention enregistrée.")
            return redirect(_page(procedure))
    return _reafficher(request, procedure, formulaire_intervention=formulaire)


def _intervention_de(request, pk: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.filter(etude_id=request.user.etude_id).select_related(
            "creancier", "procedure"
        ),
        pk=pk,
    )


def _date_intervention(request, pk: int, *, denoncer: bool):
    intervention = _intervention_de(request, pk)
    procedure = procedure_de(request, intervention.procedure_id)
    formulaire = InterventionDateForm(request.POST, intervention=intervention, avec_heure=denoncer)
    if formulaire.is_valid():
        service = services.intervention_denoncer if denoncer else services.intervention_inscrire
        try:
            service(
                acteur=request.user, intervention=intervention, le=formulaire.cleaned_data["le"]
            )
        except REFUS as erreur:
            _erreur_sur_formulaire(formulaire, erreur)
        else:
            messages.success(
                request, "Dénonciation enregistrée." if denoncer else "Inscription enregistrée."
            )
            return redirect(_page(procedure))
    messages.error(request, " ".join(formulaire.non_field_errors()) or "Saisie invalide.")
    return _reafficher(request, procedure)


@require_POST
@ecriture_requise
def intervention_denoncer(request, pk: int):
    return _date_intervention(request, pk, denoncer=True)


@require_POST
@ecriture_requise
def intervention_inscrire(request, pk: int):
    return _date_intervention(request, pk, denoncer=False)


@require_POST
@ecriture_requise
def repartition_effectuer(request, pk: int):
    procedure = procedure_de(request, pk)
    formulaire = RepartitionForm(request.POST, procedure=procedure)
    if formulaire.is_valid():
        try:
            services.repartition_effectuer(
                acteur=request.user, procedure=procedure, **formulaire.cleaned_data
            )
        except REFUS as erreur:
            _erreur_sur_formulaire(formulaire, erreur)
        else:
            messages.success(request, "Répartition enregistrée.")
            return redirect(_page(procedure))
    return _reafficher(request, procedure, formulaire_repartition=formulaire)


@require_POST
@ecriture_requise
def repartition_contre_passer(request, pk: int):
    repartition = get_object_or_404(
        Repartition.objects.filter(etude_id=request.user.etude_id), pk=pk
    )
    procedure = procedure_de(request, repartition.procedure_id)
    formulaire = RepartitionContrePasserForm(request.POST, repartition=repartition)
    if formulaire.is_valid():
        try:
            services.repartition_contre_passer(
                acteur=request.user,
                repartition=repartition,
                motif=formulaire.cleaned_data["motif"],
            )
        except REFUS as erreur:
            _erreur_sur_formulaire(formulaire, erreur)
        else:
            messages.success(
                request, "Répartition contre-passée ; ses versements aux grands livres aussi."
            )
            return redirect(_page(procedure))
    messages.error(request, " ".join(formulaire.non_field_errors()) or "Indiquez le motif.")
    return _reafficher(request, procedure)
