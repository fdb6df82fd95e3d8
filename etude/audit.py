"""Écriture du journal d'audit : appelée par chaque service, dans sa transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
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


_COLONNES_EVENEMENT = (
    "etude_id",
    "horodatage",
    "acteur_id",
    "acteur_libelle",
    "action",
    "libelle",
    "objet_type",
    "objet_id",
    "dossier_id",
    "avant",
    "apres",
)


def inserer_evenements(evenements: list[Evenement]) -> None:
    """Écrit d'un coup les événements d'un traitement de masse (nuit, campagne) dans la
    transaction courante ; ils ne reçoivent pas leur identifiant.

    Sur PostgreSQL par COPY (dix fois plus rapide qu'un INSERT de milliers de paramètres) ;
    ailleurs par bulk_create. Mêmes colonnes que `evenement_enregistrer`, même table, mêmes
    clés étrangères vérifiées à la validation, même trigger d'immutabilité.
    """
    if not evenements:
        return
    if transaction.get_connection().vendor != "postgresql":
        Evenement.objects.bulk_create(evenements, batch_size=1000)
        return
    encodeur = DjangoJSONEncoder()
    table = Evenement._meta.db_table
    with (
        transaction.get_connection().cursor() as curseur,
        curseur.cursor.copy(
            f"COPY {table} ({', '.join(_COLONNES_EVENEMENT)}) FROM STDIN"
        ) as copie,
    ):
        for e in evenements:
            copie.write_row(
                (
                    e.etude_id,
                    e.horodatage,
                    e.acteur_id,
                    e.acteur_libelle,
                    e.action,
                    e.libelle,
                    e.objet_type,
                    e.objet_id,
                    e.dossier_id,
                    encodeur.encode(e.avant),
                    encodeur.encode(e.apres),
                )
            )
