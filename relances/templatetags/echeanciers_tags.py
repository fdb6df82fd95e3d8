"""Le plan de paiement sur la fiche du dossier et les plans hors politique dans la file
d'approbation du principal clerc."""

from django import template

from ..models import Echeancier, EtatEcheancier

register = template.Library()

LIMITE = 100


@register.simple_tag
def echeanciers_du_dossier(dossier) -> dict:
    """Le plan vivant (en cours ou à approuver) du dossier, et le nombre de plans passés."""
    plans = list(dossier.echeanciers.order_by("-cree_le", "-id")[:20])
    actif = next(
        (p for p in plans if p.etat in (EtatEcheancier.EN_COURS, EtatEcheancier.A_APPROUVER)),
        None,
    )
    return {"actif": actif, "plans": plans}


@register.simple_tag(takes_context=True)
def echeanciers_a_approuver(context) -> list:
    """Plans hors politique qui attendent une décision, les plus anciens d'abord."""
    utilisateur = context["request"].user
    return list(
        Echeancier.objects.pour(utilisateur)
        .filter(etat=EtatEcheancier.A_APPROUVER)
        .select_related("dossier", "dossier__creancier", "accepte_par")
        .order_by("cree_le", "id")[:LIMITE]
    )
