"""Définition des scénarios par l'étude : création, modification ; étapes ajoutées,
retirées (ou désactivées si déjà utilisées), réactivées, réordonnées (audité)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max

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


def _etape_verrouillee(acteur, etape: EtapeScenario) -> EtapeScenario:
    _exiger_principal(acteur)
    scenario = Scenario.objects.select_for_update().get(pk=etape.scenario_id)
    if scenario.etude_id != acteur.etude_id:
        raise RegleMetier("Ce scénario n'appartient pas à votre étude.")
    return EtapeScenario.objects.select_for_update().select_related("scenario").get(pk=etape.pk)


def _renumeroter(scenario_id: int, ids: list[int]) -> None:
    """Donne les rangs 1..n aux étapes `ids`, dans cet ordre. Deux passes : les rangs sont
    uniques par scénario (etape_rang_unique) et la contrainte se vérifie ligne à ligne."""
    decalage = (
        EtapeScenario.objects.filter(scenario_id=scenario_id).aggregate(m=Max("rang"))["m"] or 0
    ) + 1
    EtapeScenario.objects.filter(scenario_id=scenario_id).update(rang=F("rang") + decalage)
    for rang, identifiant in enumerate(ids, start=1):
        EtapeScenario.objects.filter(pk=identifiant).update(rang=rang)


@transaction.atomic
def etape_retirer(*, acteur, etape: EtapeScenario) -> str:
    """Retire une étape. Jamais utilisée : supprimée, les suivantes remontent d'un rang.
    Déjà utilisée (des envois la citent, PROTECT) : désactivée, la campagne ne la propose
    plus et ses envois gardent leur étape. Rend « supprimee » ou « desactivee »."""
    etape = _etape_verrouillee(acteur, etape)
    scenario = etape.scenario
    avant = instantane(etape)
    if etape.envois.exists():
        if not etape.actif:
            raise RegleMetier(f"L'étape {etape} est déjà désactivée.")
        etape.actif = False
        etape.save(update_fields=["actif"])
        evenement_enregistrer(
            etude_id=scenario.etude_id,
            acteur=acteur,
            action="relances.etape_desactiver",
            libelle=f"Scénario « {scenario.nom} » : étape {etape} désactivée (déjà utilisée)",
            objet=etape,
            avant=avant,
            apres=instantane(etape),
        )
        return "desactivee"
    etape.delete()
    restantes = list(
        EtapeScenario.objects.filter(scenario=scenario)
        .order_by("rang")
        .values_list("pk", flat=True)
    )
    _renumeroter(scenario.pk, restantes)
    evenement_enregistrer(
        etude_id=scenario.etude_id,
        acteur=acteur,
        action="relances.etape_retirer",
        libelle=f"Scénario « {scenario.nom} » : étape {avant['rang']}. retirée",
        objet=scenario,
        avant=avant,
        apres={"ordre": restantes},
    )
    return "supprimee"


@transaction.atomic
def etape_reactiver(*, acteur, etape: EtapeScenario) -> EtapeScenario:
    """Remet en service une étape désactivée."""
    etape = _etape_verrouillee(acteur, etape)
    if etape.actif:
        raise RegleMetier(f"L'étape {etape} est déjà active.")
    etape.actif = True
    etape.full_clean()
    etape.save(update_fields=["actif"])
    evenement_enregistrer(
        etude_id=etape.scenario.etude_id,
        acteur=acteur,
        action="relances.etape_reactiver",
        libelle=f"Scénario « {etape.scenario.nom} » : étape {etape} réactivée",
        objet=etape,
        avant={"actif": False},
        apres={"actif": True},
    )
    return etape


@transaction.atomic
def etapes_reordonner(*, acteur, scenario: Scenario, ordre: list[int]) -> list[EtapeScenario]:
    """Donne aux étapes du scénario l'ordre `ordre` (leurs identifiants, toutes une fois).

    Les envois citent l'étape, pas son rang : chacun garde son étape, et la contrainte
    « un envoi par dossier et par étape » tient toujours. Un dossier en cours reçoit ensuite
    la première étape active, dans le nouvel ordre, qu'il n'a pas encore reçue (ce que fait
    la campagne) ; le délai se compte depuis son dernier envoi."""
    _exiger_principal(acteur)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.etude_id != acteur.etude_id:
        raise RegleMetier("Ce scénario n'appartient pas à votre étude.")
    actuelles = list(
        EtapeScenario.objects.select_for_update()
        .filter(scenario=scenario)
        .order_by("rang")
        .values_list("pk", flat=True)
    )
    if sorted(ordre) != sorted(actuelles) or len(set(ordre)) != len(ordre):
        raise RegleMetier(
            "L'ordre demandé ne cite pas chaque étape du scénario une fois : la page a "
            "peut-être changé entre-temps, rechargez-la."
        )
    if list(ordre) == actuelles:
        return list(scenario.etapes.all())
    _renumeroter(scenario.pk, list(ordre))
    evenement_enregistrer(
        etude_id=scenario.etude_id,
        acteur=acteur,
        action="relances.etapes_reordonner",
        libelle=f"Scénario « {scenario.nom} » : étapes réordonnées",
        objet=scenario,
        avant={"ordre": actuelles},
        apres={"ordre": list(ordre)},
    )
    return list(scenario.etapes.all())


def ordre_deplace(ordre: list[int], etape_id: int, sens: str) -> list[int]:
    """L'ordre après avoir monté (`sens` = « monter ») ou descendu une étape d'un rang."""
    if etape_id not in ordre or sens not in ("monter", "descendre"):
        raise RegleMetier("Déplacement d'étape inconnu.")
    ordre = list(ordre)
    i = ordre.index(etape_id)
    j = i - 1 if sens == "monter" else i + 1
    if 0 <= j < len(ordre):
        ordre[i], ordre[j] = ordre[j], ordre[i]
    return ordre
