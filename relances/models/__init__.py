"""Modèles du recouvrement amiable. Le paquet réexporte tout : `relances.models.X` reste
l'adresse de chaque modèle."""

from .echeancier import (
    Echeance,
    Echeancier,
    EtatEcheance,
    EtatEcheancier,
    PolitiqueEcheancier,
    SuiteDecheance,
)

__all__ = [
    "Echeance",
    "Echeancier",
    "EtatEcheance",
    "EtatEcheancier",
    "PolitiqueEcheancier",
    "SuiteDecheance",
]
