"""Outils des tests de procédures : dates à l'heure de Paris."""

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(annee: int, mois: int, jour: int, heure: int = 10, minute: int = 0) -> datetime:
    return datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)
