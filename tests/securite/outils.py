"""Outils communs des tests d'attaque : routes du balayage d'isolation, comptes des lignes."""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse

from tests.test_isolation import ROUTES_A_ARGUMENTS, _routes

APPLICATIONS = ("etude", "dossiers", "procedures", "comptabilite", "relances", "actes", "axes")


def toutes_les_routes() -> list[str]:
    """Noms de toutes les routes du projet (hors admin et fichiers statiques)."""
    return sorted({nom for nom, _, _ in _routes()})


def url(nom: str, objets: dict) -> str:
    if nom in ROUTES_A_ARGUMENTS:
        return reverse(nom, kwargs=ROUTES_A_ARGUMENTS[nom](objets))
    return reverse(nom)


def compter_lignes() -> dict[str, int]:
    """Nombre de lignes de chaque table des applications du projet (Evenement compris)."""
    comptes = {}
    for app in APPLICATIONS:
        try:
            config = apps.get_app_config(app)
        except LookupError:
            continue
        for modele in config.get_models():
            comptes[modele._meta.label] = modele._base_manager.count()
    return comptes
