"""Ce que montrent la fiche dossier (panneaux « Solvabilité » et « Procédures ») et la page
d'une procédure : lectures seulement, en un nombre de requêtes borné par dossier."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from dossiers.models import Debiteur

from ..forms import EtapeForm, OuvrirProcedureForm, libelle_etape, service_etape
from ..models import MODELES, Approbation, DecisionApprobation, Delai, Procedure, RegleApprobation
from ..models.base import StatutDelai
from ..solvabilite import evaluation_du_debiteur


def procedures_du_dossier(dossier) -> list:
    """Les procédures du dossier, chacune dans son type (une requête par type présent)."""
    types = defaultdict(list)
    for pk, type_ in Procedure.objects.filter(dossier=dossier).values_list("pk", "type"):
        types[type_].append(pk)
    procedures = []
    for type_, pks in types.items():
        procedures.extend(
            MODELES[type_]._default_manager.filter(pk__in=pks).select_related("debiteur", "titre")
        )
    procedures.sort(key=lambda p: -p.pk)
    return procedures


def etapes_possibles(
    procedure, *, complexe: bool, regles=frozenset(), decisions=None, refus=None
) -> list:
    """Les étapes que la machine permet maintenant (conditions comprises), qui ont un service :
    un formulaire par étape, avec ce qu'on sait de son approbation.

    `refus` : l'étape qui vient d'être refusée (`EtapeRefusee`) ; son formulaire lié, avec
    la saisie et le message du refus, remplace le formulaire vide, et l'étape est dépliée.
    """
    if procedure.est_close:
        return []
    decisions = decisions or {}
    etapes = []
    for transition in procedure.get_available_etat_transitions():
        nom = transition.name
        if service_etape(procedure.type, nom) is None:
            continue
        refusee = refus is not None and refus.concerne(procedure.pk, nom)
        formulaire = (
            refus.formulaire if refusee else EtapeForm(procedure=procedure, transition=nom)
        )
        derniere = decisions.get((procedure.pk, nom))
        etapes.append(
            {
                "nom": nom,
                "libelle": libelle_etape(nom),
                "formulaire": formulaire,
                "refusee": refusee,
                "approbation_exigee": complexe and (procedure.type, nom) in regles,
                "approbation": derniere,
            }
        )
    return etapes


class EtapeRefusee:
    """Une étape refusée (saisie invalide ou règle de droit) à réafficher sur son formulaire."""

    def __init__(self, procedure_id: int, transition: str, formulaire):
        self.procedure_id = procedure_id
        self.transition = transition
        self.formulaire = formulaire

    def concerne(self, procedure_id: int, transition: str) -> bool:
        return (procedure_id, transition) == (self.procedure_id, self.transition)


def _decisions(procedure_ids) -> dict:
    """Dernière demande d'approbation par (procédure, étape)."""
    dernieres = {}
    demandes = (
        Approbation.objects.filter(procedure_id__in=procedure_ids)
        .select_related("decidee_par", "demandee_par")
        .order_by("demandee_le", "id")
    )
    for approbation in demandes:
        dernieres[(approbation.procedure_id, approbation.transition)] = approbation
    return dernieres


def panneau_dossier(utilisateur, dossier, *, parties=None, titres=None, refus=None) -> dict:
    """Contexte du gabarit `procedures/_dossier_procedures.html`."""
    aujourd_hui = timezone.localdate()
    procedures = procedures_du_dossier(dossier)
    ids = [p.pk for p in procedures]
    regles = set(
        RegleApprobation.objects.filter(etude_id=dossier.etude_id, active=True).values_list(
            "type_procedure", "transition"
        )
    )
    decisions = _decisions(ids) if ids else {}
    delais = defaultdict(list)
    for delai in Delai.objects.filter(dossier=dossier, statut=StatutDelai.OUVERT).order_by(
        "echeance", "id"
    ):
        delais[delai.procedure_id].append(delai)
    lignes = []
    for procedure in procedures:
        lignes.append(
            {
                "procedure": procedure,
                "etapes": etapes_possibles(
                    procedure,
                    complexe=dossier.complexe,
                    regles=regles,
                    decisions=decisions,
                    refus=refus,
                ),
                "delais": delais.get(procedure.pk, []),
                "approbations": sorted(
                    (a for (pk, _), a in decisions.items() if pk == procedure.pk),
                    key=lambda a: a.demandee_le,
                    reverse=True,
                ),
            }
        )
    debiteurs = list(
        Debiteur.objects.filter(parties__dossier=dossier).prefetch_related("comptes", "biens")
    )
    solvabilite = [
        {"debiteur": d, "evaluation": evaluation_du_debiteur(d, le=aujourd_hui, dossier=dossier)}
        for d in debiteurs
    ]
    return {
        "lignes": lignes,
        "solvabilite": solvabilite,
        "aujourd_hui": aujourd_hui,
        "formulaire_ouvrir": OuvrirProcedureForm(dossier=dossier, parties=parties, titres=titres)
        if utilisateur.peut_ecrire
        else None,
        "en_attente": DecisionApprobation.EN_ATTENTE,
    }
