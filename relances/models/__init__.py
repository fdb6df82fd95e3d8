"""Modèles du recouvrement amiable. Le paquet réexporte tout : `relances.models.X` reste
l'adresse de chaque modèle. Scénarios et campagnes (scenario.py, campagne.py) ; échéanciers
(echeancier.py)."""

from .campagne import (
    PROPOSER_VOIE_JUDICIAIRE,
    Appel,
    Campagne,
    Envoi,
    EtatEnvoi,
    LotLettres,
    ResultatAppel,
    Tache,
)
from .echeancier import (
    Echeance,
    Echeancier,
    EtatEcheance,
    EtatEcheancier,
    PolitiqueEcheancier,
    SuiteDecheance,
)
from .scenario import (
    AffectationScenario,
    Canal,
    EtapeScenario,
    MotifArret,
    ReglageRelances,
    Scenario,
)

__all__ = [
    "PROPOSER_VOIE_JUDICIAIRE",
    "AffectationScenario",
    "Appel",
    "Campagne",
    "Canal",
    "Echeance",
    "Echeancier",
    "Envoi",
    "EtapeScenario",
    "EtatEcheance",
    "EtatEcheancier",
    "EtatEnvoi",
    "LotLettres",
    "MotifArret",
    "PolitiqueEcheancier",
    "ReglageRelances",
    "ResultatAppel",
    "Scenario",
    "SuiteDecheance",
    "Tache",
]
