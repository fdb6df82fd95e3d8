"""Chargement des données de référence des actes : textes d'articles (`donnees/`) et modèles
d'actes par défaut (`gabarits/`). Idempotent (clé naturelle) ; appelé par la migration 0003
et par les tests qui vident la base."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

ICI = Path(__file__).resolve().parent


def charger_textes(TexteArticle) -> int:
    donnees = json.loads((ICI / "donnees" / "textes_articles.json").read_text(encoding="utf-8"))
    crees = 0
    for ligne in donnees["lignes"]:
        _, cree = TexteArticle.objects.get_or_create(
            code=ligne["code"],
            version_du=date.fromisoformat(ligne["version_du"]),
            defaults={
                "libelle": ligne["libelle"],
                "texte": ligne["texte"],
                "source": ligne["source"],
                "complet": ligne["complet"],
            },
        )
        crees += cree
    return crees


def charger_modeles(ModeleActe) -> int:
    """Version 1 des modèles par défaut (étude vide), lue dans `actes/gabarits/<type>.html`.
    Une version déjà chargée n'est pas réécrite : un gabarit par défaut amélioré entre par
    une nouvelle version (migration qui appelle `charger_modeles(..., version=n)`)."""
    crees = 0
    for fichier in sorted((ICI / "gabarits").glob("*.html")):
        _, cree = ModeleActe.objects.get_or_create(
            etude=None,
            type_acte=fichier.stem,
            version=1,
            defaults={
                "gabarit": fichier.read_text(encoding="utf-8"),
                "commentaire": "Modèle fourni par défaut",
            },
        )
        crees += cree
    return crees
