"""Journaux applicatifs sans donnée bancaire : un filtre masque les IBAN.

Les mots de passe, codes TOTP et jetons ne sont jamais écrits (django-axes les remplace par
« ******** », AXES_SENSITIVE_PARAMETERS) ; Django ne journalise pas les identifiants de
session. Reste l'IBAN, qu'un message d'erreur de validation peut citer : ce filtre le
réduit à sa forme masquée (pays, clé, 4 derniers caractères) avant tout gestionnaire.
"""

from __future__ import annotations

import logging
import re

# Deux lettres, deux chiffres, puis 11 à 30 caractères alphanumériques, groupés par 4 ou non
# (ISO 13616) ; on exige au moins 12 caractères après la clé pour ne pas masquer un code
# postal ou une référence de dossier.
MOTIF_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){12,30}\b")


def _masque(iban: str) -> str:
    # Même forme qu'etude.models.iban_masque, sans l'importer : la configuration des
    # journaux est chargée avant les applications (aucun modèle importable à ce moment).
    iban = "".join(iban.split())
    return f"{iban[:4]} **** {iban[-4:]}"


def masquer_ibans(texte: str) -> str:
    return MOTIF_IBAN.sub(lambda trouve: _masque(trouve.group(0)), texte)


class MasqueIban(logging.Filter):
    """Remplace chaque IBAN du message par sa forme masquée ; ne rejette aucun message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masque = masquer_ibans(message)
        if masque != message:
            record.msg = masque
            record.args = None
        return True
