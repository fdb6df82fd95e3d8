"""Définition des scénarios par l'étude : création, modification, ajout d'étapes (audités)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from etude.audit import evenement_enregistrer, instantane
from etude.errors import RegleMetier

from ..models import EtapeScenario, Scenario


def _exiger_principal(acteur) -> None:
    # Un scénario parle au nom de l'étude à tous ses débiteurs : le principal clerc ou le
    # commissaire le définit.
    if not acteur.est_principal:
        raise RegleMetier("Seuls le principal clerc et le commissaire définissent les scénarios.")


@transaction.atomic
def scenario_enregistrer(*, acteur, scenario: Scenario) -> Scenario:
    """Crée ou modifie un scénario (instance validée par le formulaire, non enregistrée)."""
    _exiger_principal(acteur)
    if scenario.etude_id != acteur.etude_id:
        raise RegleMetier("Ce scénario n'appartient pas à votre étude.")
    avant = {}
    if scenario.pk:
        avant = instantane(Scenario.objects.select_for_update().get(pk=scenario.pk))
    scenario.full_clean()
    scenario.save()
    evenement_enregistrer(
        etude_id=scenario.etude_id,
        acteur=acteur,
        action="relances.scenario_enregistrer",
        libelle=f"Scénario « {scenario.nom} » {'modifié' if avant else 'créé'}",
        objet=scenario,
        avant=avant,
        apres=instantane(scenario),
    )
    return scenario


@transaction.atomic
def etape_ajouter(*, acteur, scenario: Scenario, etape: EtapeScenario) -> EtapeScenario:
    """Ajoute une étape à la fin du scénario (modèle validé : discrétion des SMS et
    courriels comprise)."""
    _exiger_principal(acteur)
    if scenario.etude_id != acteur.etude_id:
        raise RegleMetier("Ce scénario n'appartient pas à votre étude.")
    Scenario.objects.select_for_update().get(pk=scenario.pk)
    dernier = scenario.etapes.aggregate(m=Max("rang"))["m"] or 0
    etape.scenario = scenario
    etape.rang = dernier + 1
    etape.full_clean()
    etape.save()
    evenement_enregistrer(
        etude_id=scenario.etude_id,
        acteur=acteur,
        action="relances.etape_ajouter",
        libelle=f"Scénario « {scenario.nom} » : étape {etape} ajoutée",
        objet=etape,
        apres=instantane(etape),
    )
    return etape
