"""Passe de nuit des délais : sanctions constatées en masse, alertes de prescription.

`passe_delais(le)` traite la journée `le` : tout délai ouvert dont l'échéance sûre est au plus
tard `le` est échu. Un délai expire le dernier jour à vingt-quatre heures (CPC 642 al. 1) ; mais
aucune signification ni mesure d'exécution n'est possible après vingt et une heures (CPC 664,
CPCE L141-1) : une passe lancée après 21 h peut donc traiter le jour même, une passe lancée
après minuit traite la veille (`journee_a_traiter`).

Écritures ensemblistes, et pourquoi elles restent auditées :
- les délais échus sont choisis par l'index partiel `delai_nuit_idx`, par lots de clé croissante ;
- les transitions de nuit (`constater_*`) ne changent que `etat` et n'ont pas de condition : la
  passe lit leur source et leur cible dans la machine (`_django_fsm`) et les applique par un
  UPDATE ... WHERE etat = source, ce qui est la transition elle-même, avec la même protection
  contre une transition concurrente que ConcurrentTransitionMixin (filtre sur l'état lu) ;
- les événements d'audit sont écrits en masse (COPY sur PostgreSQL, `bulk_create` ailleurs)
  dans la même transaction que les UPDATE qu'ils décrivent : mêmes colonnes que
  `evenement_enregistrer` (acteur vide = « nuit »), même table protégée par le trigger
  d'immutabilité ; un lot annulé n'en laisse aucun. Un seul événement par procédure changée
  (il nomme aussi le délai dépassé), un par délai échu sans transition.
Rejouer la passe pour la même date n'écrit rien : les délais traités ne sont plus ouverts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from dossiers.models import TITRES_DECENNAUX, Dossier, Nature, TitreExecutoire
from etude.audit import ACTEUR_NUIT, inserer_evenements
from etude.models import Evenement

from . import catalogue
from .delais import ajouter_mois
from .models import MODELES, Delai, Procedure, StatutDelai
from .services.coeur import SURVIVENT_A_LA_CLOTURE

TAILLE_LOT = 5000

# Les délais que l'étude attend (attente, jours ouvrables) sont écoulés, pas dépassés.
_NATURES_ATTENTE = {catalogue.Nature.PAS_AVANT, catalogue.Nature.JOURS_OUVRABLES}

_COMPTEURS_SANCTION = {
    "constater_caducite": "caducites",
    "constater_caducite_commandement": "caducites",
    "constater_non_avenue": "non_avenues",
    "constater_peremption_commandement": "peremptions",
    "constater_silence": "refus_implicites",
    "constater_refus_concours": "refus_implicites",
}


def journee_a_traiter(maintenant=None) -> date:
    """Après 21 h, la journée en cours (plus aucun acte possible : CPC 664, CPCE L141-1) ;
    sinon la veille."""
    local = timezone.localtime(maintenant)
    return local.date() if local.hour >= 21 else local.date() - timedelta(days=1)


def passe_delais(le: date, *, mois_alerte: int = 6, etude_id: int | None = None) -> dict:
    """Constate les délais échus au plus tard le `le` ; rend les compteurs et les alertes.

    Idempotente. Les alertes (titres proches de la prescription, dettes de consommation
    proches de deux ans sans titre) sont des lectures : aucune écriture. `etude_id` limite
    la passe à une étude (la démonstration rejoue la nuit sur ses seules procédures).
    """
    compteurs: Counter = Counter()
    dernier_id = 0
    # Les identifiants des échus d'abord, par l'index partiel `delai_nuit_idx` (echeance,
    # WHERE statut = 'ouvert') : « échéance <= le AND ouvert ORDER BY id LIMIT » faisait
    # parcourir au planificateur toute la clé primaire (il croit échue une grande part des
    # délais ouverts : statut et échéance sont corrélés, les délais clos sont passés) ;
    # 0,3 à 0,4 s pour 292 000 délais et rien à prendre, mesuré à 200 000 dossiers.
    candidats = sorted(_echus(le, etude_id).order_by().values_list("id", flat=True))
    for debut in range(0, len(candidats), TAILLE_LOT):
        morceau = candidats[debut : debut + TAILLE_LOT]
        with transaction.atomic():
            # Verrou des lignes du lot : un service qui fermerait l'un de ces délais attend
            # la fin du lot ; les UPDATE par intervalle ci-dessous visent exactement ce lot.
            lot = list(
                _echus(le, etude_id)
                .filter(id__in=morceau)
                .order_by("id")
                .select_for_update()
                .values(
                    "id",
                    "code",
                    "nature",
                    "libelle",
                    "echeance",
                    "article",
                    "sanction",
                    "procedure_id",
                    "dossier_id",
                    "etude_id",
                )
            )
            if lot:
                _traiter_lot(le, dernier_id, lot, compteurs, etude_id=etude_id)
            dernier_id = morceau[-1]
    resultat = {
        "le": le.isoformat(),
        "delais_depasses": compteurs["delais_depasses"],
        "delais_ecoules": compteurs["delais_ecoules"],
        "caducites": compteurs["caducites"],
        "non_avenues": compteurs["non_avenues"],
        "peremptions": compteurs["peremptions"],
        "refus_implicites": compteurs["refus_implicites"],
        "transitions": compteurs["transitions"],
        "evenements": compteurs["evenements"],
    }
    resultat["alertes"] = alertes_prescription(le, mois=mois_alerte)
    return resultat


def _evenement(ligne: dict, *, action: str, libelle: str, objet_type: str, objet_id, avant, apres):
    return Evenement(
        etude_id=ligne["etude_id"],
        acteur=None,
        acteur_libelle=ACTEUR_NUIT,
        action=action,
        libelle=libelle[:300],
        objet_type=objet_type,
        objet_id=str(objet_id),
        dossier_id=ligne["dossier_id"],
        avant=avant,
        apres=apres,
    )


def _echus(le: date, etude_id: int | None):
    qs = Delai.objects.echus(le)
    return qs if etude_id is None else qs.filter(etude_id=etude_id)


def _traiter_lot(
    le: date, dernier_id: int, lot: list[dict], compteurs: Counter, *, etude_id=None
) -> None:
    maintenant = timezone.now()
    evenements: list[Evenement] = []

    # 1. Statut des délais : écoulé (attente) ou dépassé (agir, validité, au moins avant),
    # par intervalle de clés plutôt que par une liste de milliers d'identifiants.
    du_lot = _echus(le, etude_id).filter(id__gt=dernier_id, id__lte=lot[-1]["id"])
    du_lot.filter(nature__in=_NATURES_ATTENTE).update(
        statut=StatutDelai.RESPECTE, clos_le=maintenant
    )
    du_lot.exclude(nature__in=_NATURES_ATTENTE).update(
        statut=StatutDelai.DEPASSE, clos_le=maintenant
    )

    # 2. Transitions de nuit, groupées par type et par transition.
    groupes = defaultdict(dict)
    for ligne in lot:
        definition = catalogue.DEFINITIONS[ligne["code"]]
        if definition.transition_nuit:
            cle = (definition.type_procedure, definition.transition_nuit)
            groupes[cle].setdefault(ligne["procedure_id"], ligne)
    decrits = set()  # délais dont le changement est dit dans l'événement de la procédure
    for (type_procedure, nom), lignes in groupes.items():
        evenements += _appliquer_transition(
            MODELES[type_procedure], nom, lignes, compteurs, maintenant, decrits
        )

    # 3. Un événement par délai dont aucune transition n'a déjà rendu compte.
    for ligne in lot:
        ecoule = ligne["nature"] in _NATURES_ATTENTE
        statut = StatutDelai.RESPECTE if ecoule else StatutDelai.DEPASSE
        compteurs["delais_ecoules" if ecoule else "delais_depasses"] += 1
        if ligne["id"] in decrits:
            continue
        quoi = "Délai écoulé" if ecoule else "Délai dépassé"
        suite = "" if ecoule else f" : {ligne['sanction']}"
        evenements.append(
            _evenement(
                ligne,
                action="delai_ecoule" if ecoule else "delai_depasse",
                libelle=f"{quoi} le {ligne['echeance']:%d/%m/%Y} : {ligne['libelle']} "
                f"({ligne['article']}{suite})",
                objet_type=Delai._meta.label,
                objet_id=ligne["id"],
                avant={"statut": StatutDelai.OUVERT},
                apres={"statut": statut},
            )
        )

    inserer_evenements(evenements)
    compteurs["evenements"] += len(evenements)


def _appliquer_transition(
    modele, nom, lignes: dict, compteurs: Counter, maintenant, decrits: set
) -> list:
    meta = getattr(modele, nom)._django_fsm
    sources = {}
    for source, transition_ in meta.transitions.items():
        # Une transition de nuit est inconditionnelle et de cible fixe (voir l'en-tête).
        assert not transition_.conditions and isinstance(transition_.target, str), nom
        sources[source] = transition_.target
    lus = (
        modele.objects.select_for_update(of=("self",))
        .filter(pk__in=list(lignes), etat__in=list(sources))
        .values_list("pk", "etat")
    )
    par_source = defaultdict(list)
    for pk, etat in lus:
        par_source[etat].append(pk)
    evenements = []
    for source, pks in par_source.items():
        cible = sources[source]
        finale = cible in modele.ETATS_FINAUX
        modele.objects.filter(pk__in=pks, etat=source).update(etat=cible)
        libelle_cible = modele.Etat(cible).label
        champs = {"etape": libelle_cible}
        if finale:
            champs["cloturee_le"] = maintenant
            # Une procédure close n'a plus de délai à suivre (sauf R433-6, voir coeur).
            Delai.objects.filter(procedure_id__in=pks, statut=StatutDelai.OUVERT).exclude(
                code__in=SURVIVENT_A_LA_CLOTURE
            ).update(statut=StatutDelai.SANS_OBJET, clos_le=maintenant)
        Procedure.objects.filter(pk__in=pks).update(**champs)
        compteurs["transitions"] += len(pks)
        compteurs[_COMPTEURS_SANCTION.get(nom, "autres")] += len(pks)
        for pk in pks:
            ligne = lignes[pk]
            decrits.add(ligne["id"])
            statut = (
                StatutDelai.RESPECTE
                if ligne["nature"] in _NATURES_ATTENTE
                else StatutDelai.DEPASSE
            )
            evenements.append(
                _evenement(
                    ligne,
                    action=f"{modele._meta.model_name}_{nom}",
                    libelle=f"{modele._meta.verbose_name.capitalize()} : {libelle_cible} "
                    f"({ligne['article']} : {ligne['sanction']})",
                    objet_type=modele._meta.label,
                    objet_id=pk,
                    avant={"etat": source, "delai": ligne["id"], "statut": StatutDelai.OUVERT},
                    apres={"etat": cible, "delai": ligne["id"], "statut": statut},
                )
            )
    return evenements


# --- Alertes (lectures seules) ----------------------------------------------------------------


def _ans_avant(d: date, ans: int) -> date:
    try:
        return d.replace(year=d.year - ans)
    except ValueError:  # 29 février
        return d.replace(year=d.year - ans, day=28)


def _ans_apres(d: date, ans: int) -> date:
    # Même arithmétique que TitreExecutoire.date_prescription (29 février -> 28 février).
    try:
        return d.replace(year=d.year + ans)
    except ValueError:
        return d.replace(year=d.year + ans, day=28)


def _intervalle_depart(le: date, horizon: date, ans: int) -> tuple[date, date]:
    """Départs dont la prescription tombe dans [le, horizon] : la fonction étant croissante,
    c'est un intervalle, calculé exactement pour que le filtre reste en SQL."""
    bas = _ans_avant(le, ans) - timedelta(days=2)
    while _ans_apres(bas, ans) < le:
        bas += timedelta(days=1)
    haut = _ans_avant(horizon, ans) + timedelta(days=2)
    while _ans_apres(haut, ans) > horizon:
        haut -= timedelta(days=1)
    return bas, haut


def alertes_prescription(le: date, *, mois: int = 6) -> dict:
    """Titres dont l'exécution se prescrit dans les `mois` prochains mois (CPCE L111-4 :
    dix ans pour les titres des 1° à 3° de L111-3 ; cinq ans estimés pour les autres,
    C. civ. 2224) et dettes de consommation sans titre proches des deux ans (C. consom.
    L218-2).

    Pour la consommation, le point de départ est le premier impayé non régularisé saisi au
    dossier (`Dossier.date_premier_impaye`) ; à défaut, la date d'ouverture du dossier sert
    d'approximation, forcément tardive : l'alerte compte à part les dossiers ainsi estimés.
    """
    horizon = ajouter_mois(le, mois)
    # C. civ. 2231, 2244 : le dernier acte d'exécution forcée fait courir un nouveau délai.
    depart = Greatest(
        Coalesce("date_force_executoire", "date_signification", "date_titre"),
        Coalesce(
            "derniere_interruption", "date_force_executoire", "date_signification", "date_titre"
        ),
    )
    titres = []
    for ans, natures, exclure in ((10, TITRES_DECENNAUX, False), (5, TITRES_DECENNAUX, True)):
        bas, haut = _intervalle_depart(le, horizon, ans)
        qs = TitreExecutoire.objects.annotate(depart=depart).filter(
            dossier__statut__in=["ouvert", "suspendu"], depart__gte=bas, depart__lte=haut
        )
        qs = qs.exclude(nature__in=natures) if exclure else qs.filter(nature__in=natures)
        titres += list(qs.values_list("id", flat=True))
    consommation = list(
        Dossier.objects.actifs()
        .annotate(depart_l218=Coalesce("date_premier_impaye", "ouvert_le"))
        .filter(
            nature=Nature.CONSOMMATION,
            titres__isnull=True,
            depart_l218__gt=_ans_avant(le, 2),
            depart_l218__lte=_ans_avant(horizon, 2),
        )
        .values_list("id", "date_premier_impaye")
    )
    return {
        "titres_prescription_proche": len(titres),
        "titres_ids": sorted(titres),
        "consommation_deux_ans_proche": len(consommation),
        "consommation_dossiers_ids": sorted(pk for pk, _ in consommation),
        "consommation_point_de_depart": "premier impayé non régularisé (C. consom. L218-2) ; "
        "à défaut, date d'ouverture du dossier (approximation tardive)",
        "consommation_depart_estime": sum(1 for _, premier in consommation if premier is None),
    }
