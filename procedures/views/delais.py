"""Tableau des délais (/delais/), sections de « Mon bureau », flux iCalendar.

Listes bornées (LIMITE lignes par section, suite par clé `echeance:id`), jamais de COUNT sur
toute l'étude : les comptes exacts ne sont faits que pour un clerc (index partiel
`delai_clerc_idx` : WHERE clerc_id = ? AND statut = 'ouvert'). Le nombre de requêtes ne dépend
pas du nombre de délais (test `django_assert_num_queries`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from etude.models import Role, Utilisateur
from etude.views import ecriture_requise

from ..ical import abonnement_regenerer, abonnement_revoquer, calendrier
from ..models import (
    AbonnementCalendrier,
    Approbation,
    DecisionApprobation,
    Delai,
    NatureDelai,
    TypeProcedure,
)

LIMITE = 50
LIMITE_BUREAU = 8
LIMITE_ICAL = 2000
TOUS = "tous"

SECTIONS = (
    ("retard", "En retard"),
    ("aujourdhui", "Aujourd'hui"),
    ("semaine", "Cette semaine"),
    ("plus_tard", "Plus tard"),
)


def bornes(aujourd_hui: date) -> dict:
    """(depuis, avant) de chaque section ; la semaine finit le dimanche."""
    fin_semaine = aujourd_hui + timedelta(days=6 - aujourd_hui.weekday())
    return {
        "retard": (None, aujourd_hui - timedelta(days=1)),
        "aujourdhui": (aujourd_hui, aujourd_hui),
        "semaine": (aujourd_hui + timedelta(days=1), fin_semaine),
        "plus_tard": (fin_semaine + timedelta(days=1), None),
    }


def _lignes(qs):
    return qs.select_related("dossier", "procedure").only(
        "id",
        "echeance",
        "echeance_alternative",
        "raison_alternative",
        "libelle",
        "nature",
        "article",
        "sanction",
        "procedure_id",
        "dossier_id",
        "dossier__reference",
        "procedure__type",
        "procedure__etape",
    )


_TYPES = dict(TypeProcedure.choices)
_NATURES = dict(NatureDelai.choices)
_REFERENCE_TEMOIN = "0000-000000"


def _jour(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def lignes_html(lignes) -> SafeString:
    """Les lignes (<tr>) du tableau des délais, écrites en une passe : 4 sections × 50 lignes
    passées au gabarit coûtaient l'essentiel du temps de la page (un `{% url %}`, des filtres
    de date et une résolution de variables par cellule). L'adresse du dossier est construite
    une fois (`reverse`) puis complétée par la référence ; chaque texte venu de la base est
    échappé (`escape`). Rendu identique à l'ancien gabarit (test `test_tableau_delais.py`)."""
    avant, apres = reverse("dossier_detail", args=[_REFERENCE_TEMOIN]).split(_REFERENCE_TEMOIN)
    morceaux = []
    for d in lignes:
        reference = escape(d.dossier.reference)
        alternative = ""
        if d.echeance_alternative:
            raison = f" ({escape(d.raison_alternative)})" if d.raison_alternative else ""
            alternative = (
                '<br><span class="delai__alternative">autre lecture : '
                f"{_jour(d.echeance_alternative)}{raison}</span>"
            )
        procedure = d.procedure
        type_ = procedure.type
        morceaux.append(
            f'<tr><td><time datetime="{d.echeance.isoformat()}">{_jour(d.echeance)}</time>'
            f"{alternative}</td>"
            f'<td class="reference"><a href="{avant}{reference}{apres}#procedure-'
            f'{d.procedure_id}">{reference}</a></td>'
            f"<td>{escape(_TYPES.get(type_, type_))}<br>"
            f'<span class="aide">{escape(procedure.etape)}</span></td>'
            f"<td>{escape(d.libelle)}<br>"
            f'<span class="etiquette">{escape(_NATURES.get(d.nature, d.nature))}</span></td>'
            f"<td>{escape(d.article)}</td><td>{escape(d.sanction)}</td></tr>"
        )
    return mark_safe("\n".join(morceaux))  # noqa: S308 (chaque texte de la base est échappé)


def _apres(valeur: str):
    """Clé de suite `AAAA-MM-JJ:id` ; None si absente ou mal formée."""
    try:
        jour, pk = valeur.split(":")
        return date.fromisoformat(jour), int(pk)
    except (ValueError, AttributeError):
        return None


def sections(base, aujourd_hui: date, *, limite: int, seule=None, apres=None) -> list[dict]:
    """Les sections en une requête : une sous-requête par section (LIMIT limite + 1, pour
    savoir s'il y a une suite), réunies par UNION ALL ; quatre allers-retours et quatre
    exécutions en coûtaient autant. Les sections ont des échéances disjointes : chaque ligne
    retrouve la sienne par son échéance, l'ordre (échéance, id) est refait ici."""
    b = bornes(aujourd_hui)
    codes = [(code, titre) for code, titre in SECTIONS if seule is None or code == seule]
    parties = []
    for code, _ in codes:
        depuis, avant = b[code]
        qs = base.a_echeance(avant=avant, depuis=depuis)
        if apres is not None:
            jour, pk = apres
            qs = qs.filter(Q(echeance__gt=jour) | Q(echeance=jour, id__gt=pk))
        parties.append(_lignes(qs)[: limite + 1])
    if len(parties) > 1 and connections[base.db].features.supports_slicing_ordering_in_compound:
        requete = parties[0].union(*parties[1:], all=True)
    else:
        # SQLite (base embarquée de la démonstration) refuse LIMIT dans les membres d'une
        # UNION : une requête par section, même résultat.
        requete = [d for partie in parties for d in partie]
    par_section = {code: [] for code, _ in codes}
    for d in sorted(requete, key=lambda d: (d.echeance, d.pk)):
        par_section[_section_de(d.echeance, b)].append(d)
    resultat = []
    for code, titre in codes:
        lignes = par_section[code]
        suite = None
        if len(lignes) > limite:
            lignes = lignes[:limite]
            suite = f"{lignes[-1].echeance.isoformat()}:{lignes[-1].pk}"
        resultat.append(
            {
                "code": code,
                "titre": titre,
                "lignes": lignes,
                "html": lignes_html(lignes),
                "suite": suite,
            }
        )
    return resultat


def _section_de(echeance: date, b: dict) -> str:
    for code, (depuis, avant) in b.items():
        if (depuis is None or echeance >= depuis) and (avant is None or echeance <= avant):
            return code
    raise ValueError(echeance)  # les sections couvrent toutes les dates


def comptes_du_clerc(base, aujourd_hui: date) -> dict:
    """Un seul COUNT filtré, sur les délais ouverts d'un clerc (index delai_clerc_idx)."""
    b = bornes(aujourd_hui)
    return base.aggregate(
        retard=Count("id", filter=Q(echeance__lte=b["retard"][1])),
        aujourdhui=Count("id", filter=Q(echeance=aujourd_hui)),
        semaine=Count(
            "id", filter=Q(echeance__gte=b["semaine"][0], echeance__lte=b["semaine"][1])
        ),
        plus_tard=Count("id", filter=Q(echeance__gte=b["plus_tard"][0])),
    )


def _clercs_de_l_etude(utilisateur):
    return list(
        Utilisateur.objects.filter(
            etude_id=utilisateur.etude_id,
            is_active=True,
            groups__name__in=[Role.CLERC, Role.PRINCIPAL_CLERC, Role.COMMISSAIRE],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@require_safe
@login_required
def delais_tableau(request):
    utilisateur = request.user
    aujourd_hui = timezone.localdate()
    base = Delai.objects.pour(utilisateur).ouverts()
    choix = request.GET.get("clerc", "")
    clercs = None
    clerc = utilisateur
    if utilisateur.est_principal:
        clercs = _clercs_de_l_etude(utilisateur)
        if choix == TOUS:
            clerc = None
        elif choix:
            clerc = next((c for c in clercs if str(c.pk) == choix), None)
            if clerc is None:
                raise Http404("Clerc inconnu dans votre étude.")
    if clerc is not None:
        base = base.du_clerc(clerc)
    seule = request.GET.get("section")
    if seule not in dict(SECTIONS):
        seule = None
    apres = _apres(request.GET.get("apres", "")) if seule else None
    contenu = sections(base, aujourd_hui, limite=LIMITE, seule=seule, apres=apres)
    comptes = comptes_du_clerc(base, aujourd_hui) if clerc is not None else None
    abonnement = AbonnementCalendrier.objects.filter(utilisateur=utilisateur).first()
    return render(
        request,
        "procedures/delais.html",
        {
            "sections": contenu,
            "comptes": comptes,
            "clerc": clerc,
            "clercs": clercs,
            "choix": choix or "",
            "seule": seule,
            "limite": LIMITE,
            "aujourd_hui": aujourd_hui,
            "abonnement": abonnement,
            "adresse_ical": request.build_absolute_uri(f"/delais/ical/{abonnement.jeton}.ics")
            if abonnement
            else "",
            "rubrique": "delais",
        },
    )


@require_POST
@ecriture_requise
def delais_abonnement(request):
    abonnement_regenerer(acteur=request.user)
    messages.success(
        request,
        "Adresse du calendrier prête : copiez-la dans votre agenda. Toute adresse précédente "
        "ne répond plus.",
    )
    return redirect("delais_tableau")


@require_POST
@ecriture_requise
def delais_abonnement_revoquer(request):
    abonnement_revoquer(acteur=request.user)
    messages.success(request, "Abonnement au calendrier révoqué : l'adresse ne répond plus.")
    return redirect("delais_tableau")


@never_cache
@require_safe
def delais_ical(request, jeton: str):
    """Authentification par le seul jeton (un agenda n'a pas de session) ; les délais ouverts
    de l'utilisateur, dans son étude. Jeton inconnu ou révoqué : 404."""
    abonnement = (
        AbonnementCalendrier.objects.select_related("utilisateur", "utilisateur__etude")
        .filter(jeton=jeton, utilisateur__is_active=True, utilisateur__etude__isnull=False)
        .first()
    )
    if abonnement is None:
        raise Http404("Calendrier inconnu.")
    utilisateur = abonnement.utilisateur
    delais = (
        Delai.objects.filter(etude_id=utilisateur.etude_id)
        .ouverts()
        .du_clerc(utilisateur)
        .order_by("echeance", "id")
        .select_related("dossier", "procedure")[:LIMITE_ICAL]
    )
    texte = calendrier(
        delais,
        nom=f"Délais de {utilisateur} ({utilisateur.etude.nom})",
        domaine=request.get_host().split(":")[0] or "etude",
    )
    reponse = HttpResponse(texte.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="delais.ics"'
    return reponse


def bureau_contexte(utilisateur) -> dict:
    """Sections « délais » et « approbations » de Mon bureau (PARCOURS, clerc étape 1)."""
    aujourd_hui = timezone.localdate()
    base = Delai.objects.pour(utilisateur).ouverts().du_clerc(utilisateur)
    b = bornes(aujourd_hui)
    comptes = comptes_du_clerc(base, aujourd_hui)
    premieres = list(_lignes(base.a_echeance(avant=b["semaine"][1]))[:LIMITE_BUREAU])
    decisions = list(
        Approbation.objects.filter(
            etude_id=utilisateur.etude_id, procedure__dossier__clerc=utilisateur
        )
        .exclude(decision=DecisionApprobation.EN_ATTENTE)
        .select_related("procedure", "procedure__dossier", "decidee_par")
        .order_by("-decidee_le", "-id")[:LIMITE_BUREAU]
    )
    en_attente = None
    if utilisateur.est_principal:
        en_attente = (
            Approbation.objects.filter(
                etude_id=utilisateur.etude_id, decision=DecisionApprobation.EN_ATTENTE
            )
            .order_by()[: LIMITE + 1]
            .count()
        )
    return {
        "delais_comptes": comptes,
        "delais_premiers": premieres,
        "approbations_decidees": decisions,
        "approbations_en_attente": en_attente,
        "aujourd_hui": aujourd_hui,
        "limite_file": LIMITE,
    }
