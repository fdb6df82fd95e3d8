"""Heures de contact de l'étude (pur, sans ORM).

Aucun texte ne fixe d'heures pour le recouvrement amiable (domaine/textes.md, C12 : D223-9 du
Code de la consommation vise la prospection ; L141-1 CPCE les mesures d'exécution). Le choix
de l'étude s'applique, par défaut 8 h - 20 h, du lundi au samedi, jamais un dimanche ni un
jour férié (les fériés de `procedures.delais`, selon le calendrier de l'étude). Les règles
professionnelles (arrêté du 27 février 2024, annexe, art. 30) interdisent tout comportement
« intrusif » : hors de ces heures, rien ne part ; l'envoi attend l'ouverture suivante.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from procedures.delais import est_jour_ferie


@dataclass(frozen=True)
class Horaires:
    heure_debut: int = 8
    heure_fin: int = 20
    samedi: bool = True
    calendrier: str = "metropole"

    def jour_ouvert(self, jour) -> bool:
        if jour.weekday() == 6 or (jour.weekday() == 5 and not self.samedi):
            return False
        return not est_jour_ferie(jour, self.calendrier)

    def ouvert(self, moment: datetime) -> bool:
        """`moment` en heure locale de l'étude."""
        if not self.jour_ouvert(moment.date()):
            return False
        debut = time(self.heure_debut)
        return debut <= moment.time() and moment.hour < self.heure_fin

    def prochaine_ouverture(self, moment: datetime) -> datetime:
        """`moment` s'il est dans les heures, sinon le début de la plage suivante."""
        if self.ouvert(moment):
            return moment
        jour = moment.date()
        if moment.hour < self.heure_debut and self.jour_ouvert(jour):
            return moment.replace(hour=self.heure_debut, minute=0, second=0, microsecond=0)
        jour += timedelta(days=1)
        while not self.jour_ouvert(jour):
            jour += timedelta(days=1)
        return datetime.combine(jour, time(self.heure_debut), tzinfo=moment.tzinfo)
