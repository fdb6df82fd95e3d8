"""Le panneau des procédures de la fiche dossier : la vue de la fiche (dossiers) ne connaît
pas les procédures ; le gabarit inclus lit son contexte par cette balise."""

from django import template

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
