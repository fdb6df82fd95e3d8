"""Écrans de la comptabilité : décompte (page et PDF), versement, contre-passation, relevés
bancaires, débours. Chaque objet est cherché dans l'étude de l'utilisateur (404 sinon) ;
chaque vue qui écrit exige `peut_ecrire` (403 sinon) et appelle un seul service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from actes.rendu import Pied, rendre_pdf
from comptabilite import camt053, services
from comptabilite.camt053 import ReleveInvalide
from comptabilite.forms import (
    ContrePassationForm,
    DeboursForm,
    LotForm,
    ReleveForm,
    ReversementForm,
    VersementForm,
)
from comptabilite.models import (
    AlerteFonds,
    Debours,
    Ecriture,
    LigneReleve,
    LotReversements,
    NatureEcriture,
    ParametresComptables,
    ReleveBancaire,
    Reversement,
    StatutDebours,
    StatutLigne,
)
from dossiers.models import Dossier
from etude.errors import DonneeManquante
from etude.models import iban_masque
from etude.views import ecriture_requise


def _dossier(request, reference: str) -> Dossier:
    return get_object_or_404(
        Dossier.objects.pour(request.user).select_related("creancier"), reference=reference
    )


def _date_demandee(request) -> tuple[date, str | None]:
    texte = request.GET.get("le", "").strip()
    if not texte:
        return timezone.localdate(), None
    try:
        return date.fromisoformat(texte), None
    except ValueError:
        return timezone.localdate(), f"Date « {texte[:20]} » illisible (attendu AAAA-MM-JJ)."


def _ajouter_erreurs(formulaire, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.message_dict.items():
            formulaire.add_error(champ if champ in formulaire.fields else None, liste)
    else:
        formulaire.add_error(None, erreur.messages)


def _contexte_decompte(request, dossier: Dossier) -> dict:
    le, erreur_date = _date_demandee(request)
    d = services.decompte_dossier(dossier, le=le)
    if erreur_date:
        d.erreurs.insert(0, erreur_date)
    ecritures = list(
        Ecriture.objects.filter(dossier=dossier, date_valeur__lte=le)
        .select_related("cree_par")
        .annotate(contre_passee=Exists(Ecriture.objects.filter(contre_passe=OuterRef("pk"))))
        .order_by("date_valeur", "id")
    )
    titre = dossier.titres.order_by("date_titre", "id").first()
    return {
        "dossier": dossier,
        "titre": titre,
        "d": d,
        "le": le,
        "ecritures": ecritures,
        "natures_calculees": services.NATURES_CALCULEES,
        "contre_passation": NatureEcriture.CONTRE_PASSATION,
        "maintenant": timezone.localtime(),
        "rubrique": "dossiers",
    }


@require_safe
@login_required
def decompte(request, reference: str):
    dossier = _dossier(request, reference)
    return render(request, "comptabilite/decompte.html", _contexte_decompte(request, dossier))


@require_safe
@login_required
def decompte_pdf(request, reference: str):
    dossier = _dossier(request, reference)
    contexte = _contexte_decompte(request, dossier)
    contexte["etude"] = request.user.etude
    html = render_to_string("comptabilite/decompte_pdf.html", contexte)
    pdf = rendre_pdf(html, pied=Pied(reference_dossier=dossier.reference))
    reponse = HttpResponse(pdf, content_type="application/pdf")
    nom = f"decompte-{dossier.reference}-{contexte['le']:%Y-%m-%d}.pdf"
    reponse["Content-Disposition"] = f'inline; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@ecriture_requise
def versement_nouveau(request, reference: str):
    dossier = _dossier(request, reference)
    formulaire = VersementForm(
        request.POST or None, initial={"date_valeur": timezone.localdate(), "mode": "virement"}
    )
    if request.method == "POST" and formulaire.is_valid():
        try:
            resultat = services.versement_enregistrer_detail(
                acteur=request.user, dossier=dossier, **formulaire.cleaned_data
            )
        except ValidationError as erreur:
            _ajouter_erreurs(formulaire, erreur)
        else:
            i = resultat.imputation
            messages.success(
                request,
                f"Versement enregistré : frais {i.frais} €, intérêts {i.interets} €, principal "
                f"{i.principal} €, excédent {i.excedent} €.".replace(".", ","),
            )
            for avertissement in resultat.avertissements:
                messages.warning(request, avertissement)
            url = reverse("comptabilite_decompte", args=[dossier.reference])
            return redirect(f"{url}?le={resultat.versement.date_valeur.isoformat()}")
    return render(
        request,
        "comptabilite/versement.html",
        {"dossier": dossier, "form": formulaire, "rubrique": "dossiers"},
        status=400 if request.method == "POST" else 200,
    )


@ecriture_requise
def contre_passation(request, reference: str, pk: int):
    dossier = _dossier(request, reference)
    ecriture = get_object_or_404(Ecriture.objects.filter(dossier=dossier), pk=pk)
    formulaire = ContrePassationForm(request.POST or None)
    if request.method == "POST" and formulaire.is_valid():
        try:
            services.ecriture_contre_passer(
                acteur=request.user, ecriture=ecriture, motif=formulaire.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            _ajouter_erreurs(formulaire, erreur)
        else:
            messages.success(request, f"Écriture contre-passée : {ecriture.libelle}.")
            return redirect("comptabilite_decompte", dossier.reference)
    return render(
        request,
        "comptabilite/contre_passation.html",
        {"dossier": dossier, "ecriture": ecriture, "form": formulaire, "rubrique": "dossiers"},
        status=400 if request.method == "POST" else 200,
    )


# --- Relevés bancaires ----------------------------------------------------------------------


@login_required
def releves(request):
    formulaire = ReleveForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.peut_ecrire:
            raise PermissionDenied("Votre rôle ne permet pas d'importer un relevé.")
        if formulaire.is_valid() and formulaire.cleaned_data["fichier"].size > camt053.TAILLE_MAX:
            # Avant de lire : un envoi démesuré ne doit pas être chargé en mémoire.
            formulaire.add_error("fichier", "Le fichier dépasse 200 Mo : découpez le relevé.")
        elif formulaire.is_valid():
            fichier = formulaire.cleaned_data["fichier"]
            try:
                resultat = services.releve_importer(
                    acteur=request.user, nom_fichier=fichier.name, donnees=fichier.read()
                )
            except ReleveInvalide as erreur:
                formulaire.add_error("fichier", str(erreur))
            else:
                if resultat.nouvelles == 0:
                    messages.info(request, "Relevé déjà importé : aucune ligne nouvelle.")
                    if resultat.releve is None:
                        return redirect("comptabilite_releves")
                else:
                    messages.success(
                        request,
                        f"{resultat.nouvelles} crédit(s) importé(s) : {resultat.rapprochees} "
                        f"rapproché(s), {resultat.a_examiner} à examiner ; "
                        f"{resultat.deja_importees} déjà importé(s).",
                    )
                return redirect("comptabilite_releve", resultat.releve.pk)
    liste = ReleveBancaire.objects.filter(etude_id=request.user.etude_id)[:100]
    a_examiner = LigneReleve.objects.filter(
        etude_id=request.user.etude_id, statut=StatutLigne.NON_RAPPROCHEE
    ).count()
    return render(
        request,
        "comptabilite/releves.html",
        {"form": formulaire, "releves": liste, "a_examiner": a_examiner, "rubrique": "releves"},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@login_required
def releve_detail(request, pk: int):
    releve = get_object_or_404(
        ReleveBancaire.objects.filter(etude_id=request.user.etude_id), pk=pk
    )
    lignes = releve.lignes.select_related("dossier").order_by("statut", "id")
    return render(
        request,
        "comptabilite/releve.html",
        {"releve": releve, "lignes": lignes, "rubrique": "releves"},
    )


@require_POST
@ecriture_requise
def ligne_confirmer(request, pk: int):
    ligne = get_object_or_404(LigneReleve.objects.filter(etude_id=request.user.etude_id), pk=pk)
    dossier = None
    reference = request.POST.get("reference", "").strip()
    if reference:
        dossier = Dossier.objects.pour(request.user).filter(reference=reference).first()
        if dossier is None:
            messages.error(request, f"Aucun dossier « {reference[:20]} » dans votre étude.")
            return redirect("comptabilite_releve", ligne.releve_id)
    try:
        versement = services.ligne_releve_confirmer(
            acteur=request.user, ligne=ligne, dossier=dossier
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request,
            f"Versement de {versement.montant} € enregistré au dossier "
            f"{versement.dossier.reference}.".replace(".", ",", 1),
        )
    return redirect("comptabilite_releve", ligne.releve_id)


@require_POST
@ecriture_requise
def ligne_ignorer(request, pk: int):
    ligne = get_object_or_404(LigneReleve.objects.filter(etude_id=request.user.etude_id), pk=pk)
    try:
        services.ligne_releve_ignorer(acteur=request.user, ligne=ligne)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    return redirect("comptabilite_releve", ligne.releve_id)


# --- Débours --------------------------------------------------------------------------------


@ecriture_requise
def debours_nouveau(request, reference: str):
    dossier = _dossier(request, reference)
    formulaire = DeboursForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        try:
            debours = services.debours_enregistrer(
                acteur=request.user, dossier=dossier, **formulaire.cleaned_data
            )
        except ValidationError as erreur:
            _ajouter_erreurs(formulaire, erreur)
        else:
            if debours.statut == StatutDebours.A_VALIDER:
                messages.info(
                    request, "Débours enregistré : il attend la validation du principal clerc."
                )
            else:
                messages.success(request, "Débours enregistré et porté au décompte.")
            return redirect("comptabilite_decompte", dossier.reference)
    return render(
        request,
        "comptabilite/debours.html",
        {
            "dossier": dossier,
            "form": formulaire,
            "seuil": request.user.etude.seuil_validation_debours,
            "rubrique": "dossiers",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def debours_a_valider(request):
    if request.method == "POST":
        # Valider ou refuser un débours est réservé au principal clerc (et au commissaire) :
        # 403 avant toute recherche, pour le rôle « lecture » comme pour un clerc.
        if not request.user.est_principal:
            raise PermissionDenied("Seul le principal clerc valide ou refuse un débours.")
        debours = get_object_or_404(
            Debours.objects.filter(etude_id=request.user.etude_id), pk=request.POST.get("pk")
        )
        accepte = request.POST.get("decision") == "valider"
        try:
            services.debours_valider(
                acteur=request.user,
                debours=debours,
                accepte=accepte,
                motif=request.POST.get("motif", ""),
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, f"Débours {'validé' if accepte else 'refusé'}.")
        return redirect("comptabilite_debours_a_valider")
    liste = Debours.objects.filter(
        etude_id=request.user.etude_id, statut=StatutDebours.A_VALIDER
    ).select_related("dossier", "saisi_par")
    return render(
        request,
        "comptabilite/debours_a_valider.html",
        {"liste": liste, "rubrique": "releves"},
    )


@require_safe
@login_required
def debours_justificatif(request, pk: int):
    debours = get_object_or_404(Debours.objects.filter(etude_id=request.user.etude_id), pk=pk)
    reponse = FileResponse(
        debours.justificatif.open("rb"), as_attachment=True, content_type=debours.type_mime
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse


# --- Reversements au créancier ------------------------------------------------------------------


def _proposition(dossier, formulaire=None):
    from comptabilite import reversements

    fonds = reversements.fonds_dossier(dossier)
    donnees = formulaire.cleaned_data if formulaire is not None and formulaire.is_bound else {}
    try:
        return reversements.proposer(
            fonds,
            brut=donnees.get("montant") or None,
            facture=donnees.get("facture") or Decimal("0.00"),
            exception=reversements.exception_droit_129(dossier),
        )
    except (ValueError, DonneeManquante) as erreur:  # affichage seulement
        return reversements.Proposition(
            fonds, fonds.disponible, None, None, *(Decimal("0.00"),) * 3, fonds.disponible,
            erreur=str(erreur),
        )  # fmt: skip


def _annulations():
    """Contre-passations des écritures d'un reversement (OuterRef : le reversement)."""
    return Ecriture.objects.filter(
        nature=NatureEcriture.CONTRE_PASSATION,
        contre_passe__cause="reversement",
        contre_passe__cause_id=Cast(OuterRef("pk"), CharField()),
        contre_passe__dossier_id=OuterRef("dossier_id"),
    )


@require_safe
@login_required
def reversements(request):
    """Fonds à reverser par dossier, reversements hors lot, lots."""
    from comptabilite.reversements import dossiers_a_reverser

    etude_id = request.user.etude_id
    disponibles = dossiers_a_reverser(etude_id)
    dossiers = {
        d.pk: d
        for d in Dossier.objects.pour(request.user)
        .filter(pk__in=list(disponibles)[:500])
        .select_related("creancier")
    }
    a_reverser = [(dossiers[pk], montant) for pk, montant in disponibles.items() if pk in dossiers]
    hors_lot = (
        Reversement.objects.filter(etude_id=etude_id, ligne_lot__isnull=True)
        .exclude(Exists(_annulations()))
        .select_related("dossier", "creancier")
        .order_by("date_reversement", "id")
    )
    lots = LotReversements.objects.filter(etude_id=etude_id)[:50]
    return render(
        request,
        "comptabilite/reversements.html",
        {
            "a_reverser": a_reverser,
            "hors_lot": hors_lot,
            "lots": lots,
            "form_lot": LotForm(initial={"date_execution": timezone.localdate()}),
        },
    )


@ecriture_requise
def reversement_nouveau(request, reference: str):
    from comptabilite import reversements as services_reversements

    dossier = _dossier(request, reference)
    formulaire = ReversementForm(request.POST or None)
    if request.method == "POST" and formulaire.is_valid():
        try:
            reversement = services_reversements.reversement_preparer(
                acteur=request.user, dossier=dossier, **formulaire.cleaned_data
            )
        except ValidationError as erreur:
            _ajouter_erreurs(formulaire, erreur)
        else:
            messages.success(request, f"{reversement} préparé : il attend son lot SEPA.")
            return redirect("comptabilite_reversement", pk=reversement.pk)
    return render(
        request,
        "comptabilite/reversement_nouveau.html",
        {
            "dossier": dossier,
            "form": formulaire,
            "proposition": _proposition(dossier, formulaire if formulaire.is_bound else None),
        },
    )


def _reversement(request, pk: int) -> Reversement:
    return get_object_or_404(
        Reversement.objects.filter(etude_id=request.user.etude_id).select_related(
            "dossier", "creancier", "cree_par"
        ),
        pk=pk,
    )


def _contexte_releve(request, reversement: Reversement) -> dict:
    from comptabilite import grand_livre

    versements = []
    for e in grand_livre.lignes(reversement.dossier_id, jusqu_au=reversement.date_reversement):
        if e.poste in ("principal", "interets") and e.nature_effective == "versement":
            versements.append(e)
    from comptabilite.models import Cause
    from comptabilite.reversements import fonds_dossier, reversement_annule

    # Régularisations (droit A444-32 rendu ou repris, frais remis à la charge du créancier) :
    # toutes, à jour, pour que le relevé dise la position du créancier aujourd'hui.
    regularisations = [
        e
        for e in grand_livre.lignes(reversement.dossier_id)
        if e.poste == "fonds" and e.cause in (Cause.CALCUL, Cause.ECHEANCIER)
    ]
    return {
        "regularisations": regularisations,
        "fonds": fonds_dossier(reversement.dossier),
        "reversement": reversement,
        "annule": reversement_annule(reversement),
        "dossier": reversement.dossier,
        "creancier": reversement.creancier,
        "encaissements": versements,
        "etude": request.user.etude,
        "iban": iban_masque(reversement.iban),
        "lot": getattr(getattr(reversement, "ligne_lot", None), "lot", None),
    }


@require_safe
@login_required
def reversement_detail(request, pk: int):
    """Relevé du créancier : encaissements, retenues détaillées, net reversé."""
    reversement = _reversement(request, pk)
    return render(request, "comptabilite/reversement.html", _contexte_releve(request, reversement))


@require_safe
@login_required
def reversement_releve_pdf(request, pk: int):
    reversement = _reversement(request, pk)
    html = render_to_string(
        "comptabilite/reversement_pdf.html", _contexte_releve(request, reversement)
    )
    pdf = rendre_pdf(html, pied=Pied(reference_dossier=reversement.dossier.reference))
    reponse = HttpResponse(pdf, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="releve-reversement-{reversement.pk}.pdf"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@require_POST
@ecriture_requise
def lot_nouveau(request):
    from comptabilite import reversements as services_reversements

    formulaire = LotForm(request.POST)
    choisis = list(
        Reversement.objects.filter(
            etude_id=request.user.etude_id, pk__in=request.POST.getlist("reversements")
        )
    )
    if not formulaire.is_valid():
        messages.error(request, " ".join(formulaire.errors.get("date_execution", [])))
        return redirect("comptabilite_reversements")
    try:
        lot = services_reversements.lot_creer(
            acteur=request.user,
            reversements=choisis,
            date_execution=formulaire.cleaned_data["date_execution"],
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("comptabilite_reversements")
    return redirect("comptabilite_lot", pk=lot.pk)


def _lot(request, pk: int) -> LotReversements:
    return get_object_or_404(LotReversements.objects.filter(etude_id=request.user.etude_id), pk=pk)


@login_required
def lot_detail(request, pk: int):
    """Un lot : ses reversements ; en POST (écriture), retirer une ligne ou émettre."""
    from comptabilite import reversements as services_reversements

    lot = _lot(request, pk)
    if request.method == "POST":
        if not request.user.peut_ecrire:
            raise PermissionDenied("Votre rôle ne permet pas de reverser des fonds.")
        try:
            if request.POST.get("action") == "emettre":
                services_reversements.lot_emettre(acteur=request.user, lot=lot)
                messages.success(request, "Lot émis : le fichier SEPA est prêt.")
            else:
                reversement = get_object_or_404(
                    Reversement.objects.filter(etude_id=request.user.etude_id),
                    pk=request.POST.get("reversement") or 0,
                )
                services_reversements.lot_retirer(
                    acteur=request.user, lot=lot, reversement=reversement
                )
                messages.success(request, f"{reversement} retiré du lot.")
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        return redirect("comptabilite_lot", pk=lot.pk)
    lignes = lot.lignes.select_related("reversement__dossier", "reversement__creancier").order_by(
        "id"
    )
    return render(request, "comptabilite/lot.html", {"lot": lot, "lignes": lignes})


@require_safe
@login_required
def lot_fichier(request, pk: int):
    lot = _lot(request, pk)
    if not lot.emis:
        raise Http404("Ce lot n'est pas encore émis.")
    reponse = HttpResponse(bytes(lot.fichier), content_type="application/xml")
    reponse["Content-Disposition"] = f'attachment; filename="pain001-lot-{lot.pk}.xml"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@require_safe
@login_required
def fonds_detenus(request):
    """Alertes de la dernière nuit : fonds détenus au-delà du délai de l'étude."""
    etude_id = request.user.etude_id
    derniere = (
        AlerteFonds.objects.filter(etude_id=etude_id)
        .order_by("-le")
        .values_list("le", flat=True)
        .first()
    )
    alertes = (
        AlerteFonds.objects.filter(etude_id=etude_id, le=derniere).select_related("dossier")
        if derniere
        else []
    )
    parametres = ParametresComptables.objects.filter(etude_id=etude_id).first()
    return render(
        request,
        "comptabilite/fonds_detenus.html",
        {"alertes": alertes, "le": derniere, "parametres": parametres},
    )


@require_POST
@ecriture_requise
def reversement_annuler(request, pk: int):
    from comptabilite import reversements as services_reversements

    reversement = _reversement(request, pk)
    try:
        services_reversements.reversement_annuler(
            acteur=request.user, reversement=reversement, motif=request.POST.get("motif", "")
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Reversement annulé : les fonds sont de nouveau disponibles.")
    return redirect("comptabilite_reversement", pk=reversement.pk)
