"""Panneau « Relance amiable » de la fiche du dossier."""

from django import template
from django.db import models

register = template.Library()


@register.inclusion_tag("relances/_dossier_relances.html", takes_context=True)
def relances_du_dossier(context, dossier):
    from relances.models import (
        AffectationScenario,
        Echeancier,
        Envoi,
        MotifArret,
        Scenario,
        Tache,
    )

    utilisateur = context["request"].user
    affectation = (
        AffectationScenario.objects.filter(dossier=dossier).select_related("scenario").first()
    )
    # Tâches mises au clerc par les relances (à faire d'abord) : la voie judiciaire proposée
    # mène à l'évaluation de solvabilité de la fiche (#solvabilite). Seul le clerc de la
    # tâche ou un principal clerc la marque faite (relances.views.tache_faite).
    taches = list(
        Tache.objects.filter(dossier=dossier)
        .select_related("faite_par")
        .order_by(models.F("faite_le").desc(nulls_first=True), "-id")[:5]
    )
    for tache in taches:
        tache.peut_faire = utilisateur.peut_ecrire and (
            tache.clerc_id == utilisateur.pk or utilisateur.est_principal
        )
    return {
        "dossier": dossier,
        "affectation": affectation,
        # Arrêté par un plan qui n'est plus actif (refusé, déchu) : la campagne suivante le
        # reprend (ou non, si le plan est déchu vers la voie judiciaire) ; la fiche le dit.
        "plan_plus_actif": affectation is not None
        and affectation.arret == MotifArret.PLAN
        and not Echeancier.objects.filter(dossier=dossier).actifs().exists(),
        "scenarios": Scenario.objects.pour(utilisateur).filter(actif=True),
        "envois": Envoi.objects.filter(dossier=dossier)
        .select_related("etape")
        .order_by("-id")[:10],
        "taches": taches,
        "peut_ecrire": utilisateur.peut_ecrire,
        "csrf_token": context.get("csrf_token"),
    }
