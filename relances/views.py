"""Écrans des relances : scénarios, campagnes (progression), liste d'appels, lettres du
jour, résultats. Chaque objet est cherché dans l'étude de l'utilisateur (404 sinon) ; chaque
vue qui écrit exige `peut_ecrire` (403 sinon) et appelle un seul service."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dossiers.models import Dossier
from etude.errors import RegleMetier
from etude.models import Utilisateur
from etude.views import ecriture_requise

from . import resultats
from .envoi import telephones_joignables
from .fiche_appel import completer_fiches
from .forms import (
    RESULTATS_SAISIS,
    ContestationForm,
    EtapeForm,
    ResultatAppelForm,
    ScenarioForm,
)
from .models import (
    AffectationScenario,
    Appel,
    Campagne,
    Canal,
    Envoi,
    EtapeScenario,
    LotLettres,
    ReglageRelances,
    ResultatAppel,
    Scenario,
    Tache,
)
from .services import campagnes as services
from .services import scenarios as definition
from .services import taches


@require_safe
@login_required
def accueil(request):
    etude = request.user.etude
    return render(
        request,
        "relances/accueil.html",
        {
            "scenarios": Scenario.objects.pour(request.user).prefetch_related("etapes"),
            "campagnes": Campagne.objects.pour(request.user)[:20],
            "lots": LotLettres.objects.pour(request.user)[:10],
            "aujourd_hui": timezone.localdate(),
            "horaires": services.horaires_de(etude) if etude else None,
            "rubrique": "relances",
        },
    )


@login_required
def reglage_editer(request):
    """Heures de contact, téléphone et nom affichés dans les courriels et SMS : le principal
    clerc et le commissaire les fixent, les autres rôles les lisent."""
    from .forms import ReglageRelancesForm
    from .services.politique import reglage_relances_enregistrer
    from .vues_echeanciers import page_de_reglage

    return page_de_reglage(
        request,
        instance=ReglageRelances.objects.filter(etude_id=request.user.etude_id).first()
        or ReglageRelances(etude_id=request.user.etude_id),
        form_class=ReglageRelancesForm,
        enregistrer=lambda acteur, r: reglage_relances_enregistrer(acteur=acteur, reglage=r),
        quoi="le réglage des relances",
        succes="Réglage des relances enregistré.",
        gabarit="relances/reglage.html",
        rubrique="relances",
        url="relances_reglage",
    )


@require_POST
@ecriture_requise
def campagne_lancer(request):
    texte = request.POST.get("le", "").strip()
    try:
        le = date.fromisoformat(texte) if texte else timezone.localdate()
    except ValueError:
        messages.error(request, f"Date « {texte[:20]} » illisible (attendu AAAA-MM-JJ).")
        return redirect("relances_accueil")
    try:
        lancement = services.campagne_lancer(etude=request.user.etude, le=le, acteur=request.user)
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
        return redirect("relances_accueil")
    messages.success(
        request,
        f"Campagne lancée : {lancement.crees} envoi(s) créé(s), {lancement.taches} tâche(s).",
    )
    return redirect(lancement.campagne)


@require_safe
@login_required
def campagne(request, pk: int):
    objet = get_object_or_404(Campagne.objects.pour(request.user), pk=pk)
    contexte = {"campagne": objet, "c": services.compteurs(objet), "rubrique": "relances"}
    if not contexte["c"]["fini"]:
        # Hors des heures de contact, courriels et SMS attendent l'ouverture : la page le dit
        # et s'actualise moins souvent.
        horaires = services.horaires_de(objet.etude)
        maintenant = timezone.localtime()
        if not horaires.ouvert(maintenant):
            contexte["ouverture"] = horaires.prochaine_ouverture(maintenant)
    if request.headers.get("HX-Request"):
        return render(request, "relances/_progression.html", contexte)
    # Ce que la campagne a produit, canal par canal : le fichier des lettres de la journée,
    # les courriels et SMS (destinataire, état), les appels mis dans les listes des clercs.
    envois = (
        Envoi.objects.filter(campagne=objet)
        .select_related("dossier", "debiteur")
        .order_by("canal", "id")[:ENVOIS_AFFICHES]
    )
    contexte.update(
        envois=envois,
        plus_d_envois=max(0, contexte["c"]["total"] - ENVOIS_AFFICHES),
        lots=LotLettres.objects.pour(request.user).filter(le=objet.le),
        appels_crees=Appel.objects.filter(envoi__campagne=objet).count(),
    )
    return render(request, "relances/campagne.html", contexte)


ENVOIS_AFFICHES = 200


@require_safe
@login_required
def scenario(request, pk: int):
    objet = get_object_or_404(Scenario.objects.pour(request.user), pk=pk)
    return _page_scenario(request, objet, EtapeForm())


def _page_scenario(request, objet, formulaire, status=200):
    return render(
        request,
        "relances/scenario.html",
        {
            "scenario": objet,
            "etapes": objet.etapes.all(),
            "suivis": AffectationScenario.objects.filter(scenario=objet, arret="").count(),
            "form": formulaire,
            "rubrique": "relances",
        },
        status=status,
    )


def _exiger_principal(request) -> None:
    if not request.user.est_principal:
        raise PermissionDenied(
            "Seuls le principal clerc et le commissaire définissent les scénarios."
        )


@ecriture_requise
def scenario_editer(request, pk: int | None = None):
    """Création (`pk` absent) ou modification d'un scénario."""
    objet = None
    if pk is not None:
        objet = get_object_or_404(Scenario.objects.pour(request.user), pk=pk)
    _exiger_principal(request)
    if objet is None:
        objet = Scenario(etude_id=request.user.etude_id)
    formulaire = ScenarioForm(request.POST or None, instance=objet)
    if request.method == "POST" and formulaire.is_valid():
        try:
            enregistre = definition.scenario_enregistrer(
                acteur=request.user, scenario=formulaire.save(commit=False)
            )
        except ValidationError as erreur:
            formulaire.add_error(None, erreur.messages)
        else:
            messages.success(request, "Scénario enregistré.")
            return redirect(enregistre)
    return render(
        request,
        "relances/scenario_form.html",
        {"form": formulaire, "scenario": objet, "rubrique": "relances"},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@ecriture_requise
def etape_ajouter(request, pk: int):
    objet = get_object_or_404(Scenario.objects.pour(request.user), pk=pk)
    _exiger_principal(request)
    formulaire = EtapeForm(request.POST, instance=EtapeScenario(scenario=objet, rang=0))
    if formulaire.is_valid():
        try:
            definition.etape_ajouter(
                acteur=request.user, scenario=objet, etape=formulaire.save(commit=False)
            )
        except ValidationError as erreur:
            for champ, liste in erreur.message_dict.items():
                formulaire.add_error(champ if champ in formulaire.fields else None, liste)
        else:
            messages.success(request, "Étape ajoutée.")
            return redirect(objet)
    return _page_scenario(request, objet, formulaire, status=400)


def _etape(request, pk: int) -> EtapeScenario:
    return get_object_or_404(
        EtapeScenario.objects.filter(scenario__etude_id=request.user.etude_id), pk=pk
    )


@require_POST
@ecriture_requise
def etape_retirer(request, pk: int):
    etape = _etape(request, pk)
    _exiger_principal(request)
    try:
        resultat = definition.etape_retirer(acteur=request.user, etape=etape)
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    else:
        if resultat == "supprimee":
            messages.success(request, f"Étape {etape} retirée ; les suivantes remontent.")
        else:
            messages.success(
                request,
                f"Étape {etape} désactivée : des envois la citent, elle reste dans leur "
                "historique mais ne sera plus proposée.",
            )
    return redirect(etape.scenario)


@require_POST
@ecriture_requise
def etape_reactiver(request, pk: int):
    etape = _etape(request, pk)
    _exiger_principal(request)
    try:
        definition.etape_reactiver(acteur=request.user, etape=etape)
    except (RegleMetier, ValidationError) as erreur:
        messages.error(request, " ".join(getattr(erreur, "messages", [str(erreur)])))
    else:
        messages.success(request, f"Étape {etape} réactivée.")
    return redirect(etape.scenario)


@require_POST
@ecriture_requise
def etape_deplacer(request, pk: int):
    etape = _etape(request, pk)
    _exiger_principal(request)
    scenario = etape.scenario
    ordre = list(scenario.etapes.order_by("rang").values_list("pk", flat=True))
    try:
        nouvel = definition.ordre_deplace(ordre, etape.pk, request.POST.get("sens", ""))
        definition.etapes_reordonner(acteur=request.user, scenario=scenario, ordre=nouvel)
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    return redirect(scenario)


@require_POST
@ecriture_requise
def dossier_scenario(request, reference: str):
    dossier = get_object_or_404(Dossier.objects.pour(request.user), reference=reference)
    choix = request.POST.get("scenario", "")
    scenario_choisi = None
    if choix:
        scenario_choisi = get_object_or_404(Scenario.objects.pour(request.user), pk=choix)
    try:
        services.scenario_affecter(
            acteur=request.user,
            dossier=dossier,
            scenario=scenario_choisi,
            le=timezone.localdate(),
        )
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, "Scénario du dossier mis à jour.")
    return redirect(dossier)


@require_POST
@ecriture_requise
def dossier_contestation(request, reference: str):
    """« Contestation reçue » depuis la fiche : lettre du débiteur, visite à l'étude."""
    dossier = get_object_or_404(Dossier.objects.pour(request.user), reference=reference)
    formulaire = ContestationForm(request.POST)
    if not formulaire.is_valid():
        erreurs = " ".join(" ".join(e) for e in formulaire.errors.values())
        messages.error(request, f"Contestation non enregistrée : {erreurs}")
        return redirect(dossier)
    try:
        affectation = services.contestation_enregistrer(
            acteur=request.user, dossier=dossier, **formulaire.cleaned_data
        )
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    else:
        if affectation is not None and affectation.arret == "contestation":
            messages.success(request, "Contestation enregistrée ; le scénario est arrêté.")
        else:
            messages.success(request, "Contestation enregistrée ; le scénario continue.")
    return redirect(dossier)


def _clerc_demande(request) -> Utilisateur:
    identifiant = request.GET.get("clerc", "")
    if identifiant and request.user.est_principal:
        if not identifiant.isdigit():  # ?clerc=abc : 404 comme un clerc inconnu, pas 500
            raise Http404("Clerc inconnu.")
        return get_object_or_404(
            Utilisateur.objects.filter(etude_id=request.user.etude_id), pk=identifiant
        )
    return request.user


@require_safe
@login_required
def appels(request):
    clerc = _clerc_demande(request)
    # Le numéro est relu au moment d'appeler, avec la règle de la remise des envois : un
    # consentement retiré ou une opposition posée depuis la campagne retire l'appel.
    joignable = telephones_joignables(
        Canal.APPEL, debiteur_id=OuterRef("debiteur_id"), numero=OuterRef("telephone")
    )
    a_faire = list(
        Appel.objects.pour(request.user)
        .filter(Exists(joignable), clerc=clerc, resultat="")
        .select_related("dossier__creancier", "debiteur")
        .order_by("prevu_le", "id")[:100]
    )
    # Dû, capacité et historique de chaque appel, lus pour toute la liste à la fois.
    completer_fiches(a_faire, etude_id=request.user.etude_id, le=timezone.localdate())
    etude = request.user.etude
    ouvert = services.horaires_de(etude).ouvert(timezone.localtime()) if etude else False
    return render(
        request,
        "relances/appels.html",
        {
            "appels": a_faire,
            "clerc": clerc,
            "clercs": Utilisateur.objects.filter(etude_id=request.user.etude_id, is_active=True)
            if request.user.est_principal
            else [],
            "resultats": RESULTATS_SAISIS,
            "ouvert": ouvert,
            "rubrique": "appels",
        },
    )


@require_POST
@ecriture_requise
def appel_resultat(request, pk: int):
    appel = get_object_or_404(Appel.objects.pour(request.user), pk=pk)
    if appel.clerc_id != request.user.pk and not request.user.est_principal:
        raise PermissionDenied("Cet appel est dans la liste d'un autre clerc.")
    formulaire = ResultatAppelForm(
        request.POST, etude_id=appel.etude_id, aujourd_hui=timezone.localdate()
    )
    if not formulaire.is_valid():
        messages.error(request, f"Rien n'a été enregistré. {formulaire.message()}")
        return redirect(f"{reverse('relances_appels')}#appel-{appel.pk}")
    try:
        services.appel_resultat_enregistrer(
            acteur=request.user, appel=appel, **formulaire.cleaned_data
        )
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, "Résultat de l'appel enregistré.")
        if formulaire.cleaned_data["resultat"] == ResultatAppel.PLAN:
            # PARCOURS § 6 : le débiteur veut un plan, le clerc le construit aussitôt.
            return redirect("echeancier_proposer", reference=appel.dossier.reference)
    return redirect("relances_appels")


@require_POST
@ecriture_requise
def tache_faite(request, pk: int):
    tache = get_object_or_404(Tache.objects.pour(request.user), pk=pk)
    try:
        taches.tache_faire(acteur=request.user, tache=tache)
    except RegleMetier as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"Tâche faite : {tache.texte}")
    if request.POST.get("depuis") == "dossier":
        return redirect(f"{tache.dossier.get_absolute_url()}#relances")
    if request.POST.get("depuis") == "taches":
        suite = "?qui=tous" if request.POST.get("qui") == "tous" else ""
        return redirect(reverse("relances_taches") + suite)
    return redirect(f"{reverse('bureau')}#taches")


TACHES_PAR_PAGE = 50


@require_safe
@login_required
def taches_liste(request):
    """Toutes les tâches de relance à faire : celles du clerc, ou (principal clerc,
    commissaire : `?qui=tous`) celles de tous les clercs de l'étude, les plus anciennes
    d'abord ; le bureau n'en montre que les premières."""
    from django.core.paginator import Paginator

    tous = request.GET.get("qui") == "tous" and request.user.est_principal
    qs = Tache.objects.pour(request.user).filter(faite_le__isnull=True)
    if not tous:
        qs = qs.filter(clerc=request.user)
    page = Paginator(
        qs.select_related("dossier", "clerc").order_by("prevue_le", "id"), TACHES_PAR_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "relances/taches.html",
        {
            "page": page,
            "tous": tous,
            "aujourd_hui": timezone.localdate(),
            "rubrique": "relances",
        },
    )


@require_safe
@login_required
def lettres_pdf(request, pk: int):
    lot = get_object_or_404(LotLettres.objects.pour(request.user), pk=pk)
    return FileResponse(
        lot.fichier.open("rb"),
        content_type="application/pdf",
        filename=f"lettres-{lot.le:%Y-%m-%d}.pdf",
    )


@require_safe
@login_required
def resultats_vue(request):
    return render(
        request,
        "relances/resultats.html",
        {"scenarios": resultats.par_etape(request.user.etude_id), "rubrique": "relances"},
    )
