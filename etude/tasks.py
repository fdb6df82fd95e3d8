"""Tâches Celery de l'étude elle-même."""

from celery import shared_task


@shared_task(name="etude.ping")
def ping() -> str:
    """Répond « pong » : prouve qu'un worker consomme la file (supervision, tests).

    N'écrit rien, ne lit rien : sans effet, donc idempotente par nature.
    """
    return "pong"
