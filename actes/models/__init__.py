"""Actes : modèles d'actes versionnés, textes d'articles, répertoire, actes et significations
(issue 5) ; lots de rendu (`lot.py`, moteur de rendu)."""

from .acte import Acte, EtatActe, ModeSignification, Repertoire, Signification
from .lot import DocumentLot, LotRendu
from .modeles import ModeleActe, TexteArticle

__all__ = [
    "Acte",
    "DocumentLot",
    "EtatActe",
    "LotRendu",
    "ModeSignification",
    "ModeleActe",
    "Repertoire",
    "Signification",
    "TexteArticle",
]
