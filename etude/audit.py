"""Écriture du journal d'audit : appelée par chaque service, dans sa transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction

from .models import Evenement

ACTEUR_NUIT = "nuit"


def instantane(instance: models.Model, champs: list[str] | None = None) -> dict:
    """Valeurs des champs concrets d'une ligne, sérialisables en JSON (pour avant/après)."""
    valeurs = {}
    for champ in instance._meta.concrete_fields:
        if champs is not None and champ.name not in champs and champ.attname not in champs:
            continue
        valeur = getattr(instance, champ.attname)
        if isinstance(valeur, Decimal):
            valeur = str(valeur)
        elif isinstance(valeur, (date, datetime)):
            valeur = valeur.isoformat()
        elif hasattr(valeur, "name") and isinstance(champ, models.FileField):
            valeur = valeur.name or ""
        valeurs[champ.attname] = valeur
    return valeurs


def differences(avant: dict, apres: dict) -> tuple[dict, dict]:
    """Ne garde que les champs qui ont changé."""
    cles = [cle for cle in apres if avant.get(cle) != apres.get(cle)]
    return {cle: avant.get(cle) for cle in cles}, {cle: apres.get(cle) for cle in cles}


def evenement_enregistrer(
    *,
    etude_id: int,
    acteur,
    action: str,
    libelle: str,
    objet: models.Model,
    dossier=None,
    avant: dict | None = None,
    apres: dict | None = None,
    acteur_libelle: str = "",
) -> Evenement:
    """Ajoute une ligne au journal. Doit être appelée dans la transaction du service.

    `acteur_libelle` nomme un acteur qui n'est pas un utilisateur (ex. « webhook Brevo ») ;
    sans lui, un traitement automatique est signé « nuit »."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Un événement d'audit s'écrit dans la transaction du service.")
    if acteur is None:
        acteur_libelle = acteur_libelle[:150] or ACTEUR_NUIT
    else:
        acteur_libelle = (acteur.get_full_name() or acteur.username)[:150]
    return Evenement.objects.create(
        etude_id=etude_id,
        acteur=acteur,
        acteur_libelle=acteur_libelle,
        action=action,
        libelle=libelle[:300],
        objet_type=objet._meta.label,
        objet_id=str(objet.pk),
        dossier=dossier,
        avant=avant or {},
        apres=apres or {},
    )
