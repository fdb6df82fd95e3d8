"""File d'approbation du principal clerc et du commissaire de justice (/approbations/)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from etude.errors import RegleMetier
from etude.views import ecriture_requise

from .. import services
from ..forms import DecisionForm, libelle_etape
from ..models import Approbation, DecisionApprobation

LIMITE = 100


def principal_requis(vue):
    """Réservé au principal clerc et au commissaire de justice (403 sinon)."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if not (request.user.peut_ecrire and request.user.est_principal):
            raise PermissionDenied(
                "La file d'approbation est réservée au principal clerc et au commissaire de "
                "justice."
            )
        return vue(request, *args, **kwargs)

    return login_required(enveloppe)


@principal_requis
@require_safe
def approbations_file(request):
    demandes = list(
        Approbation.objects.filter(
            etude_id=request.user.etude_id, decision=DecisionApprobation.EN_ATTENTE
        )
        .select_related(
            "procedure",
            "procedure__debiteur",
            "procedure__dossier",
            "procedure__dossier__creancier",
            "procedure__dossier__clerc",
            "regle",
            "demandee_par",
        )
        .order_by("demandee_le", "id")[: LIMITE + 1]
    )
    for demande in demandes:
        demande.libelle_etape = libelle_etape(demande.transition)
        demande.formulaire = DecisionForm(prefix=f"a{demande.pk}")
    return render(
        request,
        "procedures/approbations.html",
        {
            "demandes": demandes[:LIMITE],
            "tronquee": len(demandes) > LIMITE,
            "limite": LIMITE,
            "rubrique": "approbations",
        },
    )


@require_POST
@ecriture_requise
def approbation_decider(request, pk: int):
    # La demande d'une autre étude répond 404 avant tout contrôle de rôle (cloisonnement).
    approbation = get_object_or_404(
        Approbation.objects.filter(etude_id=request.user.etude_id).select_related(
            "procedure", "procedure__dossier"
        ),
        pk=pk,
    )
    if not request.user.est_principal:
        raise PermissionDenied(
            "Seuls le principal clerc et le commissaire de justice décident des approbations."
        )
    choix = request.POST.get("decision")
    if choix not in ("approuver", "refuser"):
        messages.error(request, "Choisissez « Approuver » ou « Refuser ».")
        return redirect("approbations_file")
    commentaire = request.POST.get(f"a{pk}-commentaire", request.POST.get("commentaire", ""))
    try:
        services.approbation_decider(
            acteur=request.user,
            approbation=approbation,
            approuvee=choix == "approuver",
            commentaire=commentaire.strip()[:1000],
        )
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    else:
        dossier = approbation.procedure.dossier
        messages.success(
            request,
            f"{dossier.reference} : « {libelle_etape(approbation.transition)} » "
            f"{'approuvée' if choix == 'approuver' else 'refusée'}.",
        )
    return redirect("approbations_file")
