"""Tâches Celery des actes : elles prennent des identifiants et appellent un service."""

from __future__ import annotations

from celery import shared_task

from actes import lots


@shared_task(bind=True)
def lot_lancer(self, lot_id: int) -> int:
    """Distribue les documents encore à rendre du lot en paquets ; renvoie leur nombre.
    Rejouée, elle redistribue seulement ce qui attend encore (le rendu d'un document
    déjà traité est sauté par `lot_paquet_rendre`). Les paquets suivent la file de la tâche
    qui les distribue : un worker dédié au rendu (file à lui) garde tout le lot."""
    infos = self.request.delivery_info or {}
    file = infos.get("routing_key") if not self.request.is_eager else None
    paquets = lots.paquets(lot_id)
    for premier, dernier in paquets:
        lot_paquet_rendre.apply_async((lot_id, premier, dernier), queue=file)
    if not paquets:
        lots.lot_terminer_si_complet(lot_id=lot_id)
    return len(paquets)


@shared_task
def lot_paquet_rendre(lot_id: int, premier: int, dernier: int) -> int:
    return lots.lot_paquet_rendre(lot_id=lot_id, premier=premier, dernier=dernier)
