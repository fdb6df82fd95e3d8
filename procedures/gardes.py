"""Gardes légales des transitions : des fonctions pures qui lèvent `RegleMetier`.

Les transitions les appellent avec les dates que l'étape enregistre ; le message, en français,
nomme l'article qui interdit l'étape.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from etude.errors import RegleMetier

from . import catalogue, delais

_HEURE_MIN = time(6, 0)
_HEURE_MAX = time(21, 0)


def _fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def verifier_horaire(moment: datetime, *, calendrier: str, article: str = "CPCE L141-1") -> None:
    """Pas de mesure d'exécution ni de signification un dimanche, un jour férié, avant six
    heures ou après vingt et une heures, sauf autorisation du juge (CPCE L141-1 ; CPC 664)."""
    if not isinstance(moment, datetime):
        raise ValueError("L'étape doit être datée avec son heure (datetime).")
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    jour = local.date()
    if jour.weekday() == 6 or delais.est_jour_ferie(jour, calendrier):
        raise RegleMetier(
            f"{article} : aucune mesure d'exécution ni signification un dimanche ou un jour "
            f"férié ({_fr(jour)}), sauf autorisation du juge."
        )
    if local.time() < _HEURE_MIN or local.time() > _HEURE_MAX:
        raise RegleMetier(
            f"{article} : aucune mesure d'exécution ne peut être commencée avant six heures ni "
            f"après vingt et une heures ({local:%H:%M})."
        )


def jour_de(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def apres_attente(
    code: str, depart: date, le: date, *, calendrier: str, message: str, **options
) -> None:
    """L'étape datée `le` doit suivre l'expiration du délai d'attente `code` (lecture sûre :
    le lendemain de la date la plus tardive)."""
    fin = catalogue.echeance(code, depart, calendrier=calendrier, **options).date_sure
    if le <= fin:
        definition = catalogue.DEFINITIONS[code]
        raise RegleMetier(
            f"{definition.article} : {message} Le délai court jusqu'au {_fr(fin)} inclus ; "
            f"l'étape est possible à partir du lendemain."
        )


def avant_echeance(
    code: str, depart: date, le: date, *, calendrier: str, message: str, **options
) -> None:
    """L'étape datée `le` doit être faite au plus tard à l'échéance du délai `code`, dans la
    lecture la plus courte (pour un délai laissé au débiteur, « pas_avant » pour l'étude)."""
    lecture = catalogue.echeance(code, depart, calendrier=calendrier, **options)
    fin = min(lecture.date_sure, lecture.date_alternative or lecture.date_sure)
    if le > fin:
        definition = catalogue.DEFINITIONS[code]
        raise RegleMetier(
            f"{definition.article} : {message} Le délai expirait le {_fr(fin)} "
            f"({definition.sanction})."
        )


def en_treve_hivernale(jour: date) -> bool:
    """CPCE L412-6 : sursis à toute expulsion du 1er novembre au 31 mars (DOMAINE 13)."""
    return jour.month >= 11 or jour.month <= 3
