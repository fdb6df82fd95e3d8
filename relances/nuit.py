"""Partie « relances » de la nuit : une campagne par étude pour la journée (idempotente)."""

from __future__ import annotations

from datetime import date

from etude.models import Etude

from .models import Campagne, Scenario


def passe_relances(le: date) -> dict:
    """Affectations par règles, arrêts, envois dus ; les paquets partent après validation.
    Rejouée pour la même journée : la campagne de nuit est retrouvée, aucun envoi nouveau."""
    from .services.campagnes import campagne_lancer

    resume = {"etudes": 0, "affectes": 0, "envois": 0, "taches": 0, "arrets": 0, "repris": 0}
    etudes = Etude.objects.filter(
        pk__in=Scenario.objects.filter(actif=True).values("etude_id")
    ).order_by("pk")
    for etude in etudes:
        lancement = campagne_lancer(etude=etude, le=le, origine=Campagne.Origine.NUIT)
        resume["etudes"] += 1
        resume["affectes"] += lancement.affectes
        resume["envois"] += lancement.crees
        resume["taches"] += lancement.taches
        resume["arrets"] += sum(n for k, n in lancement.arrets.items() if k != "repris")
        resume["repris"] += lancement.arrets["repris"]
    return resume
