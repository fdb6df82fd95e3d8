"""Écrans des procédures (issue 4) : fonctions de vue minces, un service par POST."""

from .approbations import approbation_decider, approbations_file
from .delais import (
    bureau_contexte,
    delais_abonnement,
    delais_abonnement_revoquer,
    delais_ical,
    delais_tableau,
)
from .interventions import (
    intervention_denoncer,
    intervention_former,
    intervention_inscrire,
    repartition_contre_passer,
    repartition_effectuer,
)
from .procedures import (
    procedure_approbation_demander,
    procedure_detail,
    procedure_etape,
    procedure_ouvrir,
)

__all__ = [
    "approbation_decider",
    "approbations_file",
    "bureau_contexte",
    "delais_abonnement",
    "delais_abonnement_revoquer",
    "delais_ical",
    "delais_tableau",
    "intervention_denoncer",
    "intervention_former",
    "intervention_inscrire",
    "procedure_approbation_demander",
    "procedure_detail",
    "procedure_etape",
    "procedure_ouvrir",
    "repartition_contre_passer",
    "repartition_effectuer",
]
