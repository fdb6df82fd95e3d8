"""Écrans des lots de rendu : liste des lots de l'étude, page d'un lot avec sa barre de
progression (htmx l'interroge chaque seconde tant que le lot tourne), téléchargement du zip
ou du PDF assemblé.
Un lot est cherché dans l'étude de l'utilisateur (404 sinon). Lecture seule : un lot est
créé par le service qui l'alimente (`actes.lots.lot_creer`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from actes.lots import lot_archive, lot_pdf_assemble
from actes.models import DocumentLot, LotRendu
from etude.errors import RegleMetier


def _lot(request, pk: int) -> LotRendu:
    return get_object_or_404(LotRendu.objects.pour(request.user), pk=pk)


@require_safe
@login_required
def lots(request):
    liste = LotRendu.objects.pour(request.user).select_related("cree_par").order_by("-cree_le")
    return render(request, "actes/lots.html", {"lots": liste[:100], "rubrique": "actes"})


def _contexte(lot: LotRendu) -> dict:
    return {
        "lot": lot,
        "p": lot.progression(),
        "echecs": lot.documents.filter(etat=DocumentLot.Etat.ECHEC).values_list(
            "rang", "nom_fichier", "erreur"
        )[:50],
    }


@require_safe
@login_required
def lot(request, pk: int):
    contexte = _contexte(_lot(request, pk))
    contexte["rubrique"] = "actes"
    return render(request, "actes/lot.html", contexte)


@require_safe
@login_required
def lot_progression(request, pk: int):
    return render(request, "actes/_lot_progression.html", _contexte(_lot(request, pk)))


@require_safe
@login_required
def lot_telecharger(request, pk: int):
    lot = _lot(request, pk)
    if lot.etat != LotRendu.Etat.TERMINE:
        messages.warning(request, "Le lot n'est pas encore entièrement rendu.")
        return redirect(lot)
    reponse = FileResponse(
        lot_archive(lot),
        as_attachment=True,
        filename=f"lot-{lot.pk}.zip",
        content_type="application/zip",
    )
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@require_safe
@login_required
def lot_pdf(request, pk: int):
    lot = _lot(request, pk)
    if lot.etat != LotRendu.Etat.TERMINE:
        messages.warning(request, "Le lot n'est pas encore entièrement rendu.")
        return redirect(lot)
    try:
        fichier = lot_pdf_assemble(lot)
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
        return redirect(lot)
    reponse = FileResponse(
        fichier,
        as_attachment=True,
        filename=f"lot-{lot.pk}.pdf",
        content_type="application/pdf",
    )
    reponse["Cache-Control"] = "private, no-store"
    return reponse
