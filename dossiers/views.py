"""Écrans des dossiers. Chaque objet est cherché via `.pour(request.user)` : un utilisateur
d'une autre étude reçoit 404 ; chaque vue qui écrit exige `peut_ecrire` (sinon 403)."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from etude.errors import RegleMetier
from etude.models import Evenement, Utilisateur
from etude.templatetags.etude_tags import format_euros
from etude.views import ecriture_requise
from relances.services import coordonnees

from . import services
from .creation import ErreurCreation, dossier_creer_complet
from .forms import (
    CourrielReglerForm,
    CreancierModifierForm,
    DebiteurModifierForm,
    FiltreDossiersForm,
    FormulaireDossier,
    PieceForm,
    TelephoneReglerForm,
    recherche_parties,
)
from .models import Creancier, Debiteur, Dossier, EmailDebiteur, Piece, TelephoneDebiteur
from .recherche import paginer, pour_liste, rechercher

TAILLE_PAGE = 50
RESULTATS_RAPIDES = 8


def _dossiers(utilisateur):
    return Dossier.objects.pour(utilisateur)


def _dossier(request, reference: str) -> Dossier:
    return get_object_or_404(
        _dossiers(request.user).select_related("creancier", "clerc"), reference=reference
    )


# --- Liste et recherche ---------------------------------------------------------------


@require_safe
@login_required
def dossier_liste(request):
    filtres = FiltreDossiersForm(request.GET or None, utilisateur=request.user)
    qs = pour_liste(filtres.filtrer(_dossiers(request.user)))
    page = paginer(qs, tri=filtres.tri_choisi, apres=request.GET.get("apres"), taille=TAILLE_PAGE)
    parametres = request.GET.copy()
    parametres.pop("apres", None)
    lien_suivant = None
    if page.suivante:
        parametres["apres"] = page.suivante
        lien_suivant = "?" + parametres.urlencode()
        parametres.pop("apres")
    return render(
        request,
        "dossiers/liste.html",
        {
            "filtres": filtres,
            "page": page,
            "lien_suivant": lien_suivant,
            "lien_premiere": ("?" + parametres.urlencode()) if request.GET.get("apres") else None,
            "rubrique": "dossiers",
        },
    )


@require_safe
@vary_on_headers("HX-Request")
@login_required
def dossier_recherche(request):
    terme = request.GET.get("q", "").strip()[:100]
    # `rechercher` cherche sans jointure puis lit les seuls résultats avec ce que la ligne
    # affiche (créancier et clerc joints, débiteurs en une requête : `pour_liste`).
    qs = pour_liste(_dossiers(request.user))
    if request.htmx:
        resultats = rechercher(qs, terme, limite=RESULTATS_RAPIDES) if terme else []
        if not terme:
            return HttpResponse("")
        return render(
            request,
            "dossiers/partiels/resultats_rapides.html",
            {"resultats": resultats, "terme": terme, "limite": RESULTATS_RAPIDES},
        )
    resultats = rechercher(qs, terme, limite=TAILLE_PAGE) if terme else []
    if len(resultats) == 1 and resultats[0].reference == terme:
        return redirect(resultats[0])
    return render(
        request,
        "dossiers/recherche.html",
        {"resultats": resultats, "terme": terme, "rubrique": "dossiers"},
    )


# --- Création ------------------------------------------------------------------------

CHAMP_EXISTANT = re.compile(r"^(creancier|debiteurs-\d{1,2})-existant$")


def _suggestions(request, modele, defaut: str):
    champ = request.GET.get("champ", defaut)
    if not CHAMP_EXISTANT.match(champ):
        champ = defaut
    terme = request.GET.get(champ.replace("-existant", "-q"), request.GET.get("q", ""))
    resultats = recherche_parties(modele.objects.pour(request.user), terme)
    return render(
        request,
        "dossiers/partiels/suggestions.html",
        {"resultats": resultats, "champ": champ, "terme": terme.strip()},
    )


@require_safe
@ecriture_requise
def creancier_recherche(request):
    """Autocomplétion (htmx) : créanciers de l'étude, proposés en boutons radio."""
    return _suggestions(request, Creancier, "creancier-existant")


@require_safe
@ecriture_requise
def debiteur_recherche(request):
    """Autocomplétion (htmx) : débiteurs de l'étude, proposés en boutons radio."""
    return _suggestions(request, Debiteur, "debiteurs-0-existant")


@ecriture_requise
def dossier_nouveau(request):
    donnees = request.POST if request.method == "POST" else None
    if donnees is not None and "ajouter_debiteur" in donnees:
        # Sans JavaScript : le bouton « Ajouter un débiteur » renvoie le formulaire avec un
        # bloc de plus (etude.js fait la même chose sans aller-retour).
        donnees = donnees.copy()
        total = int(donnees.get("debiteurs-TOTAL_FORMS") or 1)
        donnees["debiteurs-TOTAL_FORMS"] = str(min(total + 1, 10))
        formulaire = FormulaireDossier(donnees, utilisateur=request.user)
        formulaire.ajout_seulement = True
        return render(request, "dossiers/nouveau.html", _contexte_nouveau(formulaire))
    formulaire = FormulaireDossier(donnees, utilisateur=request.user)
    if donnees is not None and formulaire.is_valid():
        try:
            dossier = dossier_creer_complet(acteur=request.user, donnees=formulaire.donnees())
        except (ErreurCreation, ValidationError) as erreur:
            formulaire.ajouter_erreurs(erreur)
        else:
            messages.success(request, f"Dossier {dossier.reference} ouvert.")
            return redirect(dossier)
    statut = 400 if donnees is not None else 200
    return render(request, "dossiers/nouveau.html", _contexte_nouveau(formulaire), status=statut)


def _contexte_nouveau(formulaire: FormulaireDossier) -> dict:
    return {"formulaire": formulaire, "rubrique": "nouveau"}


# --- Fiche dossier -------------------------------------------------------------------


# Clés d'un instantané qui ne disent rien à un clerc (identifiants, horodatage technique).
CLES_TECHNIQUES = {"id", "etude_id", "dossier_id", "debiteur_id", "cree_le", "modifie_le"}


def _lisible(valeur, champ=None, utilisateurs=None) -> str:
    """Une valeur avant/après du journal, telle qu'un clerc la lit."""
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if champ is not None:
        if getattr(champ, "choices", None):
            return str(dict(champ.flatchoices).get(valeur, valeur))
        type_champ = champ.get_internal_type()
        if type_champ == "DecimalField" and "montant" in champ.name:
            return format_euros(valeur)
        if type_champ == "DateField":
            try:
                return date_format(date.fromisoformat(str(valeur)), "d/m/Y")
            except ValueError:
                return str(valeur)
        if type_champ == "DateTimeField":
            try:
                return date_format(datetime.fromisoformat(str(valeur)), "d/m/Y H:i")
            except ValueError:
                return str(valeur)
        if champ.is_relation and champ.related_model is Utilisateur and utilisateurs:
            return str(utilisateurs.get(valeur, valeur))
    return str(valeur)


def _chronologie(evenements: list[Evenement]) -> list[dict]:
    """Les événements du dossier, avec leurs changements avant -> après en clair."""
    ids_utilisateurs = set()
    for evenement in evenements:
        for valeurs in (evenement.avant, evenement.apres):
            for cle in ("clerc_id", "clerc"):
                if isinstance(valeurs, dict) and valeurs.get(cle):
                    ids_utilisateurs.add(valeurs[cle])
    utilisateurs = {u.pk: u for u in Utilisateur.objects.filter(pk__in=ids_utilisateurs)}
    lignes = []
    for evenement in evenements:
        try:
            modele = apps.get_model(evenement.objet_type)
        except (LookupError, ValueError):
            modele = None
        avant = evenement.avant if isinstance(evenement.avant, dict) else {}
        apres = evenement.apres if isinstance(evenement.apres, dict) else {}
        changements = []
        for cle in list(dict.fromkeys([*avant, *apres])):
            if cle in CLES_TECHNIQUES:
                continue
            champ = None
            libelle = cle.replace("_", " ")
            if modele is not None:
                try:
                    champ = modele._meta.get_field(cle.removesuffix("_id"))
                except FieldDoesNotExist:
                    champ = None
                # Une relation inverse (ManyToOneRel…) n'a pas de libellé : clé prise telle
                # quelle, comme une clé qui n'est pas un champ.
                if champ is not None and hasattr(champ, "verbose_name"):
                    libelle = str(champ.verbose_name)
                else:
                    champ = None
            changements.append(
                {
                    "libelle": libelle,
                    "avant": _lisible(avant.get(cle), champ, utilisateurs) if avant else None,
                    "apres": _lisible(apres.get(cle), champ, utilisateurs),
                }
            )
        lignes.append(
            {"evenement": evenement, "changements": changements, "avec_avant": bool(avant)}
        )
    return lignes


def _contexte_detail(
    request, dossier: Dossier, *, piece_form: PieceForm | None = None, coordonnee_form=None
) -> dict:
    parties = list(
        dossier.parties.select_related("debiteur").prefetch_related(
            "debiteur__telephones", "debiteur__emails"
        )
    )
    if request.user.peut_ecrire:
        # Un formulaire de consentement et d'opposition par coordonnée (préfixe propre : les
        # identifiants des champs restent uniques sur la page) ; celui qui vient d'échouer
        # revient avec ses erreurs.
        for partie in parties:
            for classe, coordonnees in (
                (CourrielReglerForm, partie.debiteur.emails.all()),
                (TelephoneReglerForm, partie.debiteur.telephones.all()),
            ):
                for coordonnee in coordonnees:
                    prefixe = _prefixe_coordonnee(coordonnee)
                    if coordonnee_form is not None and coordonnee_form.prefix == prefixe:
                        coordonnee.formulaire = coordonnee_form
                    else:
                        coordonnee.formulaire = classe(prefix=prefixe, coordonnee=coordonnee)
    titres = list(dossier.titres.all())
    evenements = list(
        Evenement.objects.pour(request.user)
        .filter(dossier=dossier)
        .select_related("acteur")
        .order_by("-horodatage", "-id")[:200]
    )
    return {
        "dossier": dossier,
        "parties": parties,
        "titres": titres,
        "total_titres": sum((t.montant_principal + t.montant_frais for t in titres), start=0),
        "pieces": list(dossier.pieces.select_related("ajoutee_par")),
        "piece_form": piece_form or PieceForm(),
        "chronologie": _chronologie(evenements),
        "rubrique": "dossiers",
    }


@require_safe
@login_required
def dossier_detail(request, reference: str):
    dossier = _dossier(request, reference)
    return render(request, "dossiers/detail.html", _contexte_detail(request, dossier))


@require_POST
@ecriture_requise
def piece_ajouter(request, reference: str):
    dossier = _dossier(request, reference)
    formulaire = PieceForm(request.POST, request.FILES)
    if formulaire.is_valid():
        try:
            piece = services.piece_ajouter(
                acteur=request.user,
                dossier=dossier,
                type_piece=formulaire.cleaned_data["type_piece"],
                fichier=formulaire.cleaned_data["fichier"],
            )
        except ValidationError as erreur:
            formulaire.ajouter_erreur(erreur)
        else:
            messages.success(request, f"Pièce « {piece.nom_original} » versée au dossier.")
            return redirect(f"{dossier.get_absolute_url()}#pieces")
    contexte = _contexte_detail(request, dossier, piece_form=formulaire)
    return render(request, "dossiers/detail.html", contexte, status=400)


@require_safe
@login_required
def piece_telecharger(request, reference: str, pk: int):
    piece = get_object_or_404(
        Piece.objects.filter(dossier__in=_dossiers(request.user)),
        dossier__reference=reference,
        pk=pk,
    )
    reponse = FileResponse(
        piece.fichier.open("rb"),
        as_attachment=True,
        filename=piece.nom_original,
        content_type=piece.type_mime,
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@ecriture_requise
def creancier_modifier(request, reference: str):
    dossier = _dossier(request, reference)
    creancier = get_object_or_404(Creancier.objects.pour(request.user), pk=dossier.creancier_id)
    formulaire = CreancierModifierForm(request.POST or None, instance=creancier)
    if request.method == "POST" and formulaire.is_valid():
        try:
            services.creancier_modifier(
                acteur=request.user, creancier=creancier, donnees=formulaire.modifications()
            )
        except ValidationError as erreur:
            formulaire.ajouter_erreur(erreur)
        else:
            messages.success(request, f"Créancier {creancier.designation} modifié.")
            return redirect(dossier)
    return render(
        request,
        "dossiers/creancier_modifier.html",
        {"dossier": dossier, "creancier": creancier, "form": formulaire, "rubrique": "dossiers"},
        status=400 if request.method == "POST" else 200,
    )


@ecriture_requise
def debiteur_modifier(request, reference: str, pk: int):
    dossier = _dossier(request, reference)
    debiteur = get_object_or_404(
        Debiteur.objects.pour(request.user).filter(parties__dossier=dossier), pk=pk
    )
    formulaire = DebiteurModifierForm(request.POST or None, instance=debiteur)
    if request.method == "POST" and formulaire.is_valid():
        try:
            services.debiteur_modifier(
                acteur=request.user, debiteur=debiteur, donnees=formulaire.modifications()
            )
        except ValidationError as erreur:
            formulaire.ajouter_erreur(erreur)
        else:
            messages.success(request, f"Débiteur {debiteur.designation} modifié.")
            return redirect(dossier)
    return render(
        request,
        "dossiers/debiteur_modifier.html",
        {"dossier": dossier, "debiteur": debiteur, "form": formulaire, "rubrique": "dossiers"},
        status=400 if request.method == "POST" else 200,
    )


# --- Consentements et oppositions des coordonnées du débiteur --------------------------


def _prefixe_coordonnee(coordonnee) -> str:
    genre = "courriel" if isinstance(coordonnee, EmailDebiteur) else "telephone"
    return f"{genre}-{coordonnee.pk}"


def _coordonnee_regler(request, reference: str, pk: int, modele, classe_form, service, cle):
    """Consentement et opposition d'un courriel ou d'un téléphone d'un débiteur du dossier
    (RGPD art. 21 : les campagnes de relance n'écrivent qu'aux canaux consentis et sans
    opposition). Coordonnée cherchée parmi les débiteurs de ce dossier de l'étude (404
    sinon) ; un seul service ; ses refus reviennent sur le formulaire, page en 400."""
    dossier = _dossier(request, reference)
    coordonnee = get_object_or_404(
        modele.objects.filter(
            debiteur__etude_id=request.user.etude_id, debiteur__parties__dossier=dossier
        ),
        pk=pk,
    )
    formulaire = classe_form(
        request.POST, prefix=_prefixe_coordonnee(coordonnee), coordonnee=coordonnee
    )
    if formulaire.is_valid():
        donnees = formulaire.cleaned_data
        try:
            evenements = service(
                acteur=request.user,
                dossier=dossier,
                **{cle: coordonnee},
                **{champ: donnees.get(champ) for champ in classe_form.champs_canaux},
                motif=donnees["motif"],
                source=donnees["source"],
                levee_confirmee=donnees.get("confirmer_levee", False),
            )
        except RegleMetier as erreur:
            formulaire.ajouter_erreur(str(erreur))
        else:
            if evenements:
                # « Opposition aux courriels posée sur … ; Consentement … retiré pour … ».
                faits = " ; ".join(e.libelle.split(" : ")[0] for e in evenements)
                messages.success(request, f"{faits}.")
            else:
                messages.info(request, f"{coordonnee} : rien n'a changé, rien n'a été écrit.")
            return redirect(f"{dossier.get_absolute_url()}#debiteurs")
    messages.error(
        request, f"{coordonnee} : rien n'a été changé, corrigez le formulaire ci-dessous."
    )
    contexte = _contexte_detail(request, dossier, coordonnee_form=formulaire)
    return render(request, "dossiers/detail.html", contexte, status=400)


@require_POST
@ecriture_requise
def courriel_regler(request, reference: str, pk: int):
    return _coordonnee_regler(
        request, reference, pk, EmailDebiteur, CourrielReglerForm, coordonnees.courriel_regler,
        "courriel",
    )  # fmt: skip


@require_POST
@ecriture_requise
def telephone_regler(request, reference: str, pk: int):
    return _coordonnee_regler(
        request, reference, pk, TelephoneDebiteur, TelephoneReglerForm,
        coordonnees.telephone_regler, "telephone",
    )  # fmt: skip
