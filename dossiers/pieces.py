"""Contrôle des pièces versées : taille et type réel lu dans les octets, pas dans le nom."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# Formats acceptés : PDF et images courantes (jugements scannés, photos de pièces).
TYPES_ACCEPTES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
}


def verifier_piece(fichier) -> str:
    """Renvoie le type MIME réel ou lève une ValidationError en français."""
    taille_max = settings.PIECE_TAILLE_MAX
    if fichier.size is None or fichier.size == 0:
        raise ValidationError({"fichier": "Le fichier est vide."})
    if fichier.size > taille_max:
        raise ValidationError(
            {
                "fichier": (
                    f"Le fichier dépasse la taille maximale de {taille_max // (1024 * 1024)} Mo."
                )
            }
        )
    fichier.seek(0)
    entete = fichier.read(8192)
    fichier.seek(0)
    genre = filetype.guess(entete)
    if genre is None or genre.mime not in TYPES_ACCEPTES:
        raise ValidationError(
            {
                "fichier": (
                    "Ce fichier n'est ni un PDF ni une image (JPEG, PNG, TIFF) : "
                    "son contenu ne correspond pas à un format accepté."
                )
            }
        )
    return genre.mime
