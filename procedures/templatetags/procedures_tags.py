"""Le panneau des procédures de la fiche dossier : la vue de la fiche (dossiers) ne connaît
pas les procédures ; le gabarit inclus lit son contexte par cette balise."""

from django import template

from ..forms import libelle_etape
from ..views.panneau import panneau_dossier

register = template.Library()


@register.simple_tag(takes_context=True)
def panneau_procedures(context):
    return panneau_dossier(
        context["request"].user,
        context["dossier"],
        parties=context.get("parties"),
        titres=context.get("titres"),
    )


@register.filter
def etape(nom: str) -> str:
    """Libellé d'une étape (`signifier` -> « Signifier l'acte de saisie »)."""
    return libelle_etape(nom)
