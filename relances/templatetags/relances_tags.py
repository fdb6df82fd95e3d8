"""Panneau « Relance amiable » de la fiche du dossier."""

from django import template

register = template.Library()


@register.inclusion_tag("relances/_dossier_relances.html", takes_context=True)
def relances_du_dossier(context, dossier):
    from relances.models import AffectationScenario, Echeancier, Envoi, MotifArret, Scenario

    utilisateur = context["request"].user
    affectation = (
        AffectationScenario.objects.filter(dossier=dossier).select_related("scenario").first()
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
        "peut_ecrire": utilisateur.peut_ecrire,
        "csrf_token": context.get("csrf_token"),
    }
