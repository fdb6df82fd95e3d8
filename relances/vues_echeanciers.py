"""Écrans des échéanciers : proposer (htmx), accepter, voir, imprimer, approuver, rapprocher,
mettre en demeure, prononcer la déchéance. Chaque objet est cherché dans l'étude de
l'utilisateur (404 sinon) ; les vues qui écrivent refusent le rôle « lecture » (403)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dossiers.models import Dossier
from etude.errors import DonneeManquante, RegleMetier
from etude.views import ecriture_requise

from .forms import PolitiqueEcheancierForm
from .models import Echeancier, EtatEcheancier, PolitiqueEcheancier, SuiteDecheance
from .services import echeanciers as services
from .services.politique import politique_enregistrer


def _dossier(request, reference: str) -> Dossier:
    return get_object_or_404(
        Dossier.objects.pour(request.user).select_related("creancier", "clerc"),
        reference=reference,
    )


def _echeancier(request, pk: int) -> Echeancier:
    return get_object_or_404(
        Echeancier.objects.pour(request.user).select_related(
            "dossier", "dossier__creancier", "accepte_par", "decide_par"
        ),
        pk=pk,
    )


def _message_erreur(erreur) -> str:
    if isinstance(erreur, ValidationError):
        return " ".join(erreur.messages)
    return str(erreur)


def _parametres(
    donnees, aujourd_hui: date, politique: PolitiqueEcheancier | None = None
) -> tuple[date, bool, bool, list[str]]:
    """Première échéance et remises demandées ; erreurs en français (première échéance
    passée, ou au-delà de la durée de la `politique` comptée depuis aujourd'hui)."""
    erreurs = []
    texte = (donnees.get("premiere") or "").strip()
    premiere = aujourd_hui + timedelta(days=10)
    if texte:
        try:
            premiere = date.fromisoformat(texte)
        except ValueError:
            erreurs.append(f"Date de première échéance invalide « {texte} » (AAAA-MM-JJ).")
    if premiere < aujourd_hui:
        erreurs.append("La première échéance ne peut pas être dans le passé.")
    elif not erreurs and politique is not None:
        try:
            services.premiere_echeance_controler(politique, le=aujourd_hui, premiere=premiere)
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
    return (
        premiere,
        donnees.get("remise_interets") in ("on", "1", "true"),
        donnees.get("remise_frais") in ("on", "1", "true"),
        erreurs,
    )


def _offre(donnees) -> tuple[Decimal | None, int | None, list[str]]:
    """L'offre du débiteur saisie par le clerc : une mensualité (« 150 » ou « 150,50 ») ou
    un nombre d'échéances ; erreurs en français."""
    erreurs = []
    mensualite = nombre = None
    texte = (donnees.get("mensualite") or "").strip()
    if texte:
        brut = texte.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        try:
            mensualite = Decimal(brut)
        except InvalidOperation:
            mensualite = None
        if mensualite is None or not mensualite.is_finite():
            erreurs.append(
                f"Mensualité proposée « {texte[:20]} » illisible : un montant en euros, par "
                "exemple 150 ou 150,50."
            )
            mensualite = None
        elif mensualite <= 0:
            erreurs.append("La mensualité proposée doit être supérieure à zéro.")
            mensualite = None
        elif mensualite != mensualite.quantize(Decimal("0.01")):
            erreurs.append("La mensualité proposée s'exprime au centime (deux décimales).")
            mensualite = None
    texte = (donnees.get("nombre_propose") or "").strip()
    if texte:
        if not texte.isdigit() or int(texte) < 1:
            erreurs.append(
                f"Nombre d'échéances proposé « {texte[:20]} » illisible : un entier, au moins 1."
            )
        else:
            nombre = int(texte)
    if mensualite is not None and nombre is not None:
        erreurs.append(
            "Saisissez la mensualité proposée ou le nombre d'échéances, pas les deux : la "
            "mensualité fixe le nombre d'échéances."
        )
        mensualite = nombre = None
    return mensualite, nombre, erreurs


def _ligne(proposition, *, resultat, remise_interets, remise_frais, le, premiere) -> dict:
    return {
        "p": proposition,
        "motifs": services.motifs_hors_politique(
            resultat.politique,
            nombre=proposition.nombre,
            remise_interets=remise_interets,
            remise_frais=remise_frais,
            le=le,
            premiere=premiere,
        ),
        "cout": services.cout_a444_44(
            proposition.echeances, titre_executoire=resultat.titre_executoire
        ),
    }


def _contexte_propositions(dossier, donnees, aujourd_hui) -> dict:
    politique = PolitiqueEcheancier.de(dossier.etude_id)
    premiere, remise_interets, remise_frais, erreurs = _parametres(donnees, aujourd_hui, politique)
    mensualite, nombre, erreurs_offre = _offre(donnees)
    contexte = {
        "dossier": dossier,
        "premiere": premiere,
        "remise_interets": remise_interets,
        "remise_frais": remise_frais,
        "mensualite": (donnees.get("mensualite") or "").strip()[:20],
        "nombre_propose": (donnees.get("nombre_propose") or "").strip()[:20],
        "erreurs": erreurs + erreurs_offre,
        "resultat": None,
        "premiere_min": aujourd_hui,
        "premiere_max": services.fin_de_la_duree(politique, le=aujourd_hui),
        "offre": None,
    }
    if not erreurs:
        resultat = services.propositions_calculer(
            dossier,
            le=aujourd_hui,
            premiere=premiere,
            remise_interets=remise_interets,
            remise_frais=remise_frais,
            mensualite=mensualite,
            nombre=nombre,
        )
        contexte["resultat"] = resultat
        remises = {
            "remise_interets": remise_interets,
            "remise_frais": remise_frais,
            "le": aujourd_hui,
            "premiere": premiere,
        }
        contexte["lignes"] = [
            _ligne(proposition, resultat=resultat, **remises)
            for proposition in resultat.propositions
        ]
        if resultat.offre is not None:
            contexte["offre"] = _ligne(resultat.offre, resultat=resultat, **remises)
            contexte["offre_mensualite"] = mensualite
    return contexte


@require_safe
@login_required
def echeancier_proposer(request, reference: str):
    dossier = _dossier(request, reference)
    aujourd_hui = timezone.localdate()
    contexte = _contexte_propositions(dossier, request.GET, aujourd_hui)
    contexte["plans"] = list(dossier.echeanciers.order_by("-cree_le", "-id"))
    contexte["actif"] = next(
        (p for p in contexte["plans"] if p.etat in (EtatEcheancier.EN_COURS, "a_approuver")),
        None,
    )
    contexte["politique"] = PolitiqueEcheancier.de(dossier.etude_id)
    contexte["rubrique"] = "dossiers"
    return render(request, "relances/echeancier_proposer.html", contexte)


@require_safe
@login_required
def echeancier_propositions(request, reference: str):
    """Fragment htmx : les propositions recalculées pour la date et les remises choisies."""
    dossier = _dossier(request, reference)
    contexte = _contexte_propositions(dossier, request.GET, timezone.localdate())
    return render(request, "relances/_echeancier_propositions.html", contexte)


def _retour_propositions(dossier, donnees):
    """Retour à l'écran du plan, l'offre saisie toujours là."""
    url = reverse("echeancier_proposer", args=[dossier.reference])
    offre = {
        cle: donnees.get(cle, "")[:20]
        for cle in ("mensualite", "premiere")
        if donnees.get(cle, "").strip()
    }
    return redirect(f"{url}?{urlencode(offre)}" if offre else url)


@require_POST
@ecriture_requise
def echeancier_accepter(request, reference: str):
    dossier = _dossier(request, reference)
    aujourd_hui = timezone.localdate()
    premiere, remise_interets, remise_frais, erreurs = _parametres(
        request.POST, aujourd_hui, PolitiqueEcheancier.de(dossier.etude_id)
    )
    nombre = None
    mensualite, _, erreurs_offre = _offre(request.POST)
    erreurs += erreurs_offre
    if mensualite is None and not erreurs_offre:
        try:
            nombre = int(request.POST.get("nombre", ""))
        except ValueError:
            erreurs.append("Choisissez le nombre d'échéances.")
    if erreurs:
        for erreur in erreurs:
            messages.error(request, erreur)
        return _retour_propositions(dossier, request.POST)
    try:
        plan = services.echeancier_accepter(
            acteur=request.user,
            dossier=dossier,
            nombre=nombre,
            mensualite=mensualite,
            premiere=premiere,
            le=aujourd_hui,
            remise_interets=remise_interets,
            remise_frais=remise_frais,
        )
    except (ValidationError, RegleMetier, DonneeManquante) as erreur:
        messages.error(request, f"Rien n'a été enregistré : {_message_erreur(erreur)}")
        return _retour_propositions(dossier, request.POST)
    if plan.etat == EtatEcheancier.A_APPROUVER:
        messages.warning(
            request,
            "Plan hors politique (" + ", ".join(plan.motifs_hors_politique) + ") : il attend "
            "l'approbation du principal clerc.",
        )
    else:
        messages.success(request, "Échéancier accepté : il court dès aujourd'hui.")
    return redirect(plan)


@require_safe
@login_required
def echeancier_detail(request, pk: int):
    plan = _echeancier(request, pk)
    echeances = list(plan.echeances.order_by("rang"))
    return render(
        request,
        "relances/echeancier_detail.html",
        {
            "plan": plan,
            "dossier": plan.dossier,
            "echeances": echeances,
            "politique": PolitiqueEcheancier.de(plan.etude_id),
            "decheance_possible_le": services.decheance_possible_a_partir_du(plan),
            "suites": SuiteDecheance.choices,
            # Sans scénario à reprendre, seule la voie judiciaire est proposée.
            "scenario_non_repris": (
                services.scenario_non_repris(plan.dossier_id)
                if plan.etat == EtatEcheancier.EN_COURS and plan.a_decheoir_depuis
                else ""
            ),
            "mises_en_demeure_anterieures": [
                date.fromisoformat(jour) for jour in plan.mises_en_demeure_anterieures
            ],
            "aujourd_hui": timezone.localdate(),
            "rubrique": "dossiers",
        },
    )


def contexte_plan_a_signer(plan: Echeancier) -> dict:
    dossier = plan.dossier
    echeances = list(plan.echeances.order_by("rang"))
    return {
        "plan": plan,
        "dossier": dossier,
        "etude": dossier.etude,
        "debiteurs": [p.debiteur for p in dossier.parties.select_related("debiteur")],
        "echeances": echeances,
        "politique": PolitiqueEcheancier.de(plan.etude_id),
        "edite_le": timezone.localdate(),
        # Ce que le plan coûtera au débiteur s'il le paie aux dates prévues (A444-44).
        "cout": services.cout_a444_44(echeances, titre_executoire=dossier.titres.exists()),
    }


def plan_pdf(plan: Echeancier) -> bytes:
    """Le plan à signer par le débiteur, rendu par `actes.rendu` (PDF/A, pied de page)."""
    from actes.rendu import Pied, rendre_pdf

    html = render_to_string("relances/pdf/echeancier.html", contexte_plan_a_signer(plan))
    return rendre_pdf(
        html,
        pied=Pied(
            reference_dossier=plan.dossier.reference,
            code_acte="ECHEANCIER",
            initiales=plan.accepte_par.get_initiales(),
        ),
    )


@require_safe
@login_required
def echeancier_pdf(request, pk: int):
    plan = _echeancier(request, pk)
    reponse = HttpResponse(plan_pdf(plan), content_type="application/pdf")
    reponse["Content-Disposition"] = (
        f'inline; filename="echeancier-{plan.dossier.reference}-{plan.pk}.pdf"'
    )
    return reponse


@require_POST
@ecriture_requise
def echeancier_decider(request, pk: int):
    plan = _echeancier(request, pk)
    if not request.user.est_principal:
        raise PermissionDenied(
            "Seuls le principal clerc et le commissaire de justice approuvent un échéancier."
        )
    choix = request.POST.get("decision")
    if choix not in ("approuver", "refuser"):
        messages.error(request, "Choisissez « Approuver » ou « Refuser ».")
        return redirect(plan)
    try:
        services.echeancier_decider(
            acteur=request.user,
            echeancier=plan,
            approuve=choix == "approuver",
            commentaire=request.POST.get("commentaire", "")[:1000],
        )
    except (ValidationError, RegleMetier) as erreur:
        messages.error(request, _message_erreur(erreur))
    else:
        messages.success(
            request,
            f"{plan.dossier.reference} : échéancier "
            f"{'approuvé' if choix == 'approuver' else 'refusé'}.",
        )
    if request.POST.get("retour") == "file":
        return redirect("approbations_file")
    return redirect(plan)


@require_POST
@ecriture_requise
def echeancier_rapprocher(request, pk: int):
    plan = _echeancier(request, pk)
    try:
        resultat = services.echeancier_rapprocher(
            echeancier=plan, le=timezone.localdate(), acteur=request.user
        )
    except (ValidationError, RegleMetier) as erreur:
        messages.error(request, _message_erreur(erreur))
    else:
        for avertissement in resultat.avertissements:
            messages.warning(request, avertissement)
        messages.success(
            request,
            f"Versements rapprochés : {resultat.echeances_changees} échéance(s) mise(s) à jour.",
        )
    return redirect(plan)


@require_POST
@ecriture_requise
def echeancier_mettre_en_demeure(request, pk: int):
    plan = _echeancier(request, pk)
    try:
        services.echeancier_mettre_en_demeure(
            acteur=request.user, echeancier=plan, le=timezone.localdate()
        )
    except (ValidationError, RegleMetier) as erreur:
        messages.error(request, _message_erreur(erreur))
    else:
        messages.success(request, "Mise en demeure enregistrée.")
    return redirect(plan)


@require_POST
@ecriture_requise
def echeancier_decheance(request, pk: int):
    plan = _echeancier(request, pk)
    try:
        services.echeancier_prononcer_decheance(
            acteur=request.user,
            echeancier=plan,
            le=timezone.localdate(),
            suite=request.POST.get("suite", ""),
        )
    except (ValidationError, RegleMetier) as erreur:
        messages.error(request, _message_erreur(erreur))
    else:
        messages.success(request, "Déchéance du terme prononcée.")
    return redirect(plan)


LIMITE_LISTE = 200


@require_safe
@login_required
def echeanciers_liste(request):
    """Les plans de l'étude qui attendent quelqu'un : à déchoir (le clerc est invité à
    prononcer la déchéance, après mise en demeure), à approuver, puis ceux en cours avec une
    échéance en retard. « mes dossiers » : ceux dont l'utilisateur est le clerc."""
    plans = Echeancier.objects.pour(request.user).select_related(
        "dossier", "dossier__creancier", "dossier__clerc"
    )
    mes = request.GET.get("mes") == "1"
    if mes:
        plans = plans.filter(dossier__clerc=request.user)
    en_cours = plans.filter(etat=EtatEcheancier.EN_COURS)
    sections = [
        (
            "a-decheoir",
            "Déchéance du terme à prononcer",
            en_cours.filter(a_decheoir_depuis__isnull=False).order_by("a_decheoir_depuis", "id"),
        ),
        (
            "a-approuver",
            "Hors politique, à approuver",
            plans.filter(etat=EtatEcheancier.A_APPROUVER).order_by("cree_le", "id"),
        ),
        (
            "en-retard",
            "En cours, échéance en retard (grâce qui court)",
            en_cours.filter(a_decheoir_depuis__isnull=True, echeances__etat="en_retard")
            .distinct()
            .order_by("id"),
        ),
    ]
    return render(
        request,
        "relances/echeanciers_liste.html",
        {
            "sections": [
                (ancre, titre, list(requete[: LIMITE_LISTE + 1]))
                for ancre, titre, requete in sections
            ],
            "limite": LIMITE_LISTE,
            "mes": mes,
            "rubrique": "echeanciers",
        },
    )


@require_safe
@login_required
def echeancier_mise_en_demeure_pdf(request, pk: int):
    """La lettre de mise en demeure préalable à la déchéance du terme : les échéances
    impayées, l'arriéré, le délai laissé par l'étude et ce qu'il advient faute de paiement."""
    from actes.rendu import Pied, rendre_pdf

    plan = _echeancier(request, pk)
    if plan.etat != EtatEcheancier.EN_COURS or plan.a_decheoir_depuis is None:
        messages.error(request, "Aucune échéance impayée au-delà de la grâce : pas de lettre.")
        return redirect(plan)
    contexte = contexte_plan_a_signer(plan)
    impayees = [e for e in contexte["echeances"] if e.etat == "en_retard"]
    # La lettre du défaut en cours : celle d'un défaut régularisé ne se réimprime pas.
    le = plan.mise_en_demeure_le if plan.mise_en_demeure_en_vigueur else timezone.localdate()
    contexte.update(
        {
            "impayees": impayees,
            "arriere": sum((e.reste for e in impayees), Decimal("0.00")),
            "restant": plan.montant - plan.verse,
            "le": le,
            "payer_avant": le + timedelta(days=contexte["politique"].delai_mise_en_demeure_jours),
        }
    )
    html = render_to_string("relances/pdf/mise_en_demeure.html", contexte)
    pdf = rendre_pdf(
        html,
        pied=Pied(
            reference_dossier=plan.dossier.reference,
            code_acte="MED-ECHEANCIER",
            initiales=request.user.get_initiales(),
        ),
    )
    reponse = HttpResponse(pdf, content_type="application/pdf")
    reponse["Content-Disposition"] = (
        f'inline; filename="mise-en-demeure-{plan.dossier.reference}-{plan.pk}.pdf"'
    )
    return reponse


def page_de_reglage(
    request, *, instance, form_class, enregistrer, quoi, succes, gabarit, rubrique, url
):
    """Page d'un réglage de l'étude (une ligne par étude) : le principal clerc et le
    commissaire le modifient, les autres rôles le lisent. Sans ligne, les valeurs par défaut
    s'affichent ; l'enregistrement est audité par `enregistrer`."""
    modifiable = request.user.est_principal and request.user.peut_ecrire
    if request.method == "POST" and not modifiable:
        raise PermissionDenied(f"Seuls le principal clerc et le commissaire fixent {quoi}.")
    formulaire = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and formulaire.is_valid():
        try:
            enregistrer(request.user, formulaire.save(commit=False))
        except (ValidationError, RegleMetier) as erreur:
            formulaire.add_error(None, _message_erreur(erreur))
        else:
            messages.success(request, succes)
            return redirect(url)
    if not modifiable:
        for champ in formulaire.fields.values():
            champ.disabled = True
    return render(
        request,
        gabarit,
        {
            "form": formulaire,
            "modifiable": modifiable,
            "enregistree": instance.pk is not None,
            "rubrique": rubrique,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def politique_editer(request):
    """La politique des échéanciers de l'étude : le principal clerc et le commissaire la
    modifient, les autres rôles la lisent (ce qui rend un plan « à approuver »)."""
    return page_de_reglage(
        request,
        instance=PolitiqueEcheancier.de(request.user.etude_id),
        form_class=PolitiqueEcheancierForm,
        enregistrer=lambda acteur, p: politique_enregistrer(acteur=acteur, politique=p),
        quoi="la politique des échéanciers",
        succes="Politique des échéanciers enregistrée.",
        gabarit="relances/politique_echeancier.html",
        rubrique="echeanciers",
        url="echeanciers_politique",
    )
