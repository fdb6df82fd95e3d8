"""Procédures d'exécution : une machine à états par type (issue 4)."""

from .base import (
    Approbation,
    DecisionApprobation,
    Delai,
    MachineProcedure,
    NatureDelai,
    Procedure,
    RegleApprobation,
    StatutDelai,
    TypeProcedure,
)
from .calendrier import AbonnementCalendrier
from .injonctions import InjonctionDePayer, PetitesCreances
from .interventions import Intervention, PartRepartition, Repartition
from .logement import ClauseResolutoire, Expulsion
from .saisies import SaisieAttribution, SaisieRemunerations, SaisieVente

MODELES = {
    TypeProcedure.SAISIE_VENTE: SaisieVente,
    TypeProcedure.SAISIE_ATTRIBUTION: SaisieAttribution,
    TypeProcedure.INJONCTION_DE_PAYER: InjonctionDePayer,
    TypeProcedure.PETITES_CREANCES: PetitesCreances,
    TypeProcedure.SAISIE_REMUNERATIONS: SaisieRemunerations,
    TypeProcedure.EXPULSION: Expulsion,
    TypeProcedure.CLAUSE_RESOLUTOIRE: ClauseResolutoire,
}

__all__ = [
    "MODELES",
    "AbonnementCalendrier",
    "Approbation",
    "ClauseResolutoire",
    "DecisionApprobation",
    "Delai",
    "Expulsion",
    "InjonctionDePayer",
    "Intervention",
    "MachineProcedure",
    "NatureDelai",
    "PartRepartition",
    "PetitesCreances",
    "Procedure",
    "RegleApprobation",
    "Repartition",
    "SaisieAttribution",
    "SaisieRemunerations",
    "SaisieVente",
    "StatutDelai",
    "TypeProcedure",
]
