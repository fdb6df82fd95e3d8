"""Recherche de dossiers et pagination par clé (jamais de COUNT(*) sur toute la table)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import Q, QuerySet

from .models import normaliser_recherche

TAILLE_PAGE = 50


def rechercher(qs: QuerySet, terme: str, *, limite: int = 20) -> list:
    """Dossiers dont la référence, un débiteur, le créancier ou la ville répond au terme.

    Accents et casse ignorés (texte normalisé) ; sur PostgreSQL, une faute de frappe est
    tolérée (similarité de mots pg_trgm) quand la recherche exacte ne trouve rien.
    """
    mots = normaliser_recherche(terme).split()
    if not mots:
        return []
    exacts = qs
    for mot in mots:
        exacts = exacts.filter(recherche__contains=mot)
    resultats = list(exacts.order_by("-id")[:limite])
    if resultats or connection.vendor != "postgresql":
        return resultats
    approches = qs
    for mot in mots:
        approches = approches.filter(recherche__trigram_word_similar=mot)
    return list(approches.order_by("-id")[:limite])


TRIS = {
    "recents": ("id", True),
    "anciens": ("id", False),
    "montant": ("montant_principal", True),
    "reference": ("reference", False),
}


@dataclass
class Page:
    objets: list
    suivante: str | None
    tri: str


def _decoder(tri: str, curseur: str | None):
    if not curseur:
        return None
    try:
        valeur, _, ident = curseur.rpartition("_")
        ident = int(ident)
        champ, _ = TRIS[tri]
        if champ == "id":
            return (ident, ident)
        if champ == "montant_principal":
            return (Decimal(valeur), ident)
        return (valeur, ident)
    except (ValueError, InvalidOperation, KeyError):
        return None


def paginer(
    qs: QuerySet, *, tri: str = "recents", apres: str | None = None, taille: int = TAILLE_PAGE
) -> Page:
    """Une page de `taille` lignes après le curseur `apres` (pagination par clé)."""
    if tri not in TRIS:
        tri = "recents"
    champ, desc = TRIS[tri]
    cle = _decoder(tri, apres)
    if cle is not None:
        valeur, ident = cle
        if champ == "id":
            qs = qs.filter(id__lt=ident) if desc else qs.filter(id__gt=ident)
        elif desc:
            qs = qs.filter(Q(**{f"{champ}__lt": valeur}) | Q(**{champ: valeur, "id__lt": ident}))
        else:
            qs = qs.filter(Q(**{f"{champ}__gt": valeur}) | Q(**{champ: valeur, "id__gt": ident}))
    ordre = [f"-{champ}", "-id"] if desc else [champ, "id"]
    if champ == "id":
        ordre = ordre[:1]
    objets = list(qs.order_by(*ordre)[: taille + 1])
    suivante = None
    if len(objets) > taille:
        objets = objets[:taille]
        dernier = objets[-1]
        suivante = f"{getattr(dernier, champ)}_{dernier.id}"
    return Page(objets=objets, suivante=suivante, tri=tri)
