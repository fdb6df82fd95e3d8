"""Modèles de l'application actes (un module par sujet)."""

from .lot import DocumentLot, LotRendu

__all__ = ["DocumentLot", "LotRendu"]
