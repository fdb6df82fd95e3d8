"""Tâches Celery de l'étude elle-même."""

from celery import shared_task


@shared_task(name="etude.ping")
def ping() -> str:
    """Répond « pong » : prouve qu'un worker consomme la file (supervision, tests).

    N'écrit rien, ne lit rien : sans effet, donc idempotente par nature.
    """
    return "pong"


@shared_task(name="etude.nuit", acks_late=True)
def nuit(le: str | None = None) -> dict:
    """La passe de nuit (beat, 22 h 30) : même code que `manage.py nuit`, idempotente."""
    from datetime import date

    from etude.nuit import executer_nuit
    from procedures.nuit import journee_a_traiter

    return executer_nuit(date.fromisoformat(le) if le else journee_a_traiter())
