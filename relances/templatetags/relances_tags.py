"""Panneau « Relance amiable » de la fiche du dossier."""

from django import template

register = template.Library()


@register.inclusion_tag("relances/_dossier_relances.html", takes_context=True)
def relances_du_dossier(context, dossier):
    from relances.models import AffectationScenario, Envoi, Scenario

    utilisateur = context["request"].user
    return {
        "dossier": dossier,
        "affectation": AffectationScenario.objects.filter(dossier=dossier)
        .select_related("scenario")
        .first(),
        "scenarios": Scenario.objects.pour(utilisateur).filter(actif=True),
        "envois": Envoi.objects.filter(dossier=dossier)
        .select_related("etape")
        .order_by("-id")[:10],
        "peut_ecrire": utilisateur.peut_ecrire,
        "csrf_token": context.get("csrf_token"),
    }
