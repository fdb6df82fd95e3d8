"""Écrans des actes : rédiger depuis une procédure (ou un dossier), relire le brouillon et son
rapport de conformité, éditer les parties libres (htmx), finaliser, télécharger le PDF,
enregistrer la signification ; modèles d'actes de l'étude.

Chaque objet est cherché dans l'étude de l'utilisateur (autre étude : 404) ; chaque POST exige
`peut_ecrire` (rôle « lecture » : 403) et appelle un seul service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossiers.models import Dossier
from etude.errors import DonneeManquante, RegleMetier
from etude.views import ecriture_requise
from procedures.views.procedures import procedure_de

from . import services
from .forms import ModeleForm, PartiesLibresForm, RedactionForm, SignificationForm
from .models import Acte, ModeleActe
from .types import TYPES, TYPES_LISTE, mentions, types_de_procedure

REFUS = (RegleMetier, DonneeManquante, ValidationError)


def _acte(request, pk: int) -> Acte:
    return get_object_or_404(
        Acte.objects.pour(request.user).select_related("modele", "dossier", "procedure"), pk=pk
    )


def _rediger(request, *, dossier, procedure, types, retour):
    if request.method == "POST" and not request.user.peut_ecrire:
        raise PermissionDenied("Votre rôle ne permet pas de rédiger les actes.")
    code = request.POST.get("type") or request.GET.get("type")
    genre = TYPES.get(code) if code else None
    if genre is not None and genre not in types:
        raise Http404("Type d'acte inconnu ici.")
    formulaire = None
    if genre is not None:
        if request.method == "POST":
            formulaire = RedactionForm(request.POST, type_acte=genre.code)
            if formulaire.is_valid():
                try:
                    acte = services.acte_rediger(
                        acteur=request.user,
                        dossier=dossier,
                        type_acte=genre.code,
                        procedure=procedure,
                        date_acte=formulaire.cleaned_data["date_acte"],
                        options=formulaire.options(),
                    )
                except REFUS as erreur:
                    messages.error(request, str(erreur))
                else:
                    messages.success(request, f"Brouillon créé : {genre.libelle}.")
                    return redirect("acte_detail", pk=acte.pk)
        else:
            formulaire = RedactionForm(type_acte=genre.code)
    return render(
        request,
        "actes/rediger.html",
        {
            "dossier": dossier,
            "procedure": procedure,
            "types": types,
            "genre": genre,
            "formulaire": formulaire,
            "retour": retour,
            "rubrique": "dossiers",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def acte_rediger(request, pk: int):
    """« Rédiger l'acte » depuis une procédure : les types d'actes de cette procédure."""
    procedure = procedure_de(request, pk)
    return _rediger(
        request,
        dossier=procedure.dossier,
        procedure=procedure,
        types=types_de_procedure(procedure.type),
        retour=reverse("procedure_detail", args=[procedure.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def acte_rediger_dossier(request, reference: str):
    """Actes hors procédure (lettres, mise en demeure, PV de recherches) et liste des actes."""
    dossier = get_object_or_404(Dossier.objects.pour(request.user), reference=reference)
    return _rediger(
        request,
        dossier=dossier,
        procedure=None,
        types=types_de_procedure(None),
        retour=dossier.get_absolute_url(),
    )


def _contexte_acte(request, acte: Acte, **extra) -> dict:
    rapport = services.acte_controler(acte)
    html = acte.texte_final if acte.est_finalise else services.texte_acte(acte)
    return {
        "acte": acte,
        "apercu": html,
        "rapport": rapport,
        "mentions": mentions(acte.type),
        "libres": PartiesLibresForm(acte=acte) if not acte.est_finalise else None,
        "signification": acte.significations.first(),
        "signifier": SignificationForm(
            initial={"mode": "a_personne", "lettre_simple_le": acte.date_acte}
        )
        if acte.est_finalise and acte.type.signifie
        else None,
        "rubrique": "dossiers",
        **extra,
    }


@require_safe
@login_required
def acte_detail(request, pk: int):
    acte = _acte(request, pk)
    return render(request, "actes/detail.html", _contexte_acte(request, acte))


@require_POST
@ecriture_requise
def acte_modifier(request, pk: int):
    acte = _acte(request, pk)
    formulaire = PartiesLibresForm(request.POST, acte=acte)
    if formulaire.is_valid():
        try:
            acte = services.acte_modifier(
                acteur=request.user, acte=acte, parties_libres=formulaire.cleaned_data
            )
        except REFUS as erreur:
            messages.error(request, str(erreur))
        else:
            messages.success(request, "Brouillon enregistré.")
    else:
        messages.error(request, "Parties libres non enregistrées : texte trop long.")
    if request.htmx:
        return render(request, "actes/_brouillon.html", _contexte_acte(request, acte))
    return redirect("acte_detail", pk=acte.pk)


@require_POST
@ecriture_requise
def acte_finaliser(request, pk: int):
    acte = _acte(request, pk)
    try:
        acte = services.acte_finaliser(acteur=request.user, acte=acte)
    except REFUS as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"Acte finalisé : n° {acte.numero} au répertoire.")
    return redirect("acte_detail", pk=acte.pk)


@require_safe
@login_required
def acte_pdf(request, pk: int):
    """Le PDF de l'acte finalisé (celui dont l'empreinte est gardée) ; d'un brouillon, un
    aperçu marqué « projet », rendu à la demande et jamais conservé."""
    acte = _acte(request, pk)
    if acte.est_finalise:
        contenu, nom = bytes(acte.pdf), f"acte-{acte.numero}-{acte.type.code_court}.pdf"
    else:
        contenu = services.rendre_pdf(acte, services.texte_acte(acte))
        nom = f"projet-{acte.type.code_court}-{acte.pk}.pdf"
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


@require_POST
@ecriture_requise
def acte_signifier(request, pk: int):
    acte = _acte(request, pk)
    formulaire = SignificationForm(request.POST)
    if not formulaire.is_valid():
        messages.error(request, "Signification non enregistrée : vérifiez la date et l'heure.")
        return redirect("acte_detail", pk=acte.pk)
    try:
        services.acte_signifier(acteur=request.user, acte=acte, **formulaire.cleaned_data)
    except REFUS as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, "Signification enregistrée ; la procédure a avancé.")
    return redirect("acte_detail", pk=acte.pk)


# --- Modèles d'actes ---------------------------------------------------------------------------


def _modeles_visibles(user):
    return ModeleActe.objects.filter(Q(etude__isnull=True) | Q(etude_id=user.etude_id))


@require_safe
@login_required
def modeles_actes(request):
    lignes = []
    for genre in TYPES_LISTE:
        courant = ModeleActe.objects.courant(etude_id=request.user.etude_id, type_acte=genre.code)
        lignes.append((genre, courant))
    return render(request, "actes/modeles.html", {"lignes": lignes, "rubrique": "actes"})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def modele_acte(request, pk: int):
    """Un modèle (une version) ; POST : nouvelle version du modèle de l'étude pour ce type."""
    modele = get_object_or_404(_modeles_visibles(request.user), pk=pk)
    if request.method == "POST":
        if not request.user.est_principal:
            raise PermissionDenied(
                "Seuls le principal clerc et le commissaire modifient les modèles d'actes."
            )
        formulaire = ModeleForm(request.POST)
        if formulaire.is_valid():
            try:
                nouveau = services.modele_acte_enregistrer(
                    acteur=request.user, type_acte=modele.type_acte, **formulaire.cleaned_data
                )
            except REFUS as erreur:
                messages.error(request, str(erreur))
            else:
                messages.success(request, f"Version {nouveau.version} enregistrée.")
                return redirect("modele_acte", pk=nouveau.pk)
    else:
        formulaire = ModeleForm(initial={"gabarit": modele.gabarit})
    versions = _modeles_visibles(request.user).filter(type_acte=modele.type_acte)
    return render(
        request,
        "actes/modele.html",
        {
            "modele": modele,
            "genre": TYPES.get(modele.type_acte),
            "formulaire": formulaire,
            "versions": versions.order_by("etude_id", "-version"),
            "rubrique": "actes",
        },
    )
