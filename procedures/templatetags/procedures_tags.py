"""Le panneau des procédures de la fiche dossier : la vue de la fiche (dossiers) ne connaît
pas les procédures ; le gabarit inclus lit son contexte par cette balise."""

from django import template

from ..forms import libelle_etape
from ..views.panneau import panneau_dossier

register = template.Library()


@register.simple_tag(takes_context=True)
def panneau_procedures(context):
    request = context["request"]
    return panneau_dossier(
        request.user,
        context["dossier"],
        parties=context.get("parties"),
        titres=context.get("titres"),
        # Posé par la vue d'une étape refusée qui réaffiche la fiche (views.procedures).
        refus=getattr(request, "etape_refusee", None),
    )


@register.filter
def etape(nom: str) -> str:
    """Libellé d'une étape (`signifier` -> « Signifier l'acte de saisie »)."""
    return libelle_etape(nom)
