"""Tâches Celery des relances : des identifiants en entrée, l'état relu en base, idempotentes.

`acks_late` + `task_reject_on_worker_lost` : un paquet dont le worker meurt revient dans la
file ; rejoué, il ne remet que les envois encore « à envoyer » (voir relances/envoi.py)."""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="relances.envoyer_paquet", acks_late=True, reject_on_worker_lost=True)
def envoyer_paquet(ids: list[int]) -> dict:
    from .envoi import envoyer_paquet as remettre

    return remettre(ids)


@shared_task(name="relances.lettres_du_jour", acks_late=True, reject_on_worker_lost=True)
def lettres_du_jour(etude_id: int, le: str) -> dict:
    from .lettres import lettres_du_jour as produire

    lot = produire(etude_id=etude_id, le=date.fromisoformat(le))
    return {"lot": lot.pk if lot else None, "lettres": lot.nombre if lot else 0}


@shared_task(name="relances.reprendre", acks_late=True)
def reprendre() -> dict:
    """Toutes les dix minutes (beat) : finit depuis PostgreSQL ce que la file a perdu."""
    from .services.campagnes import reprendre as reprise

    return reprise()
