"""Abonnement d'un utilisateur au calendrier de ses délais (flux iCalendar)."""

from __future__ import annotations

import secrets

from django.db import models


def nouveau_jeton() -> str:
    # 32 octets aléatoires : 43 caractères base64url, impossibles à deviner.
    return secrets.token_urlsafe(32)


class AbonnementCalendrier(models.Model):
    """Le jeton secret qui donne accès, sans session, au flux .ics des délais d'un utilisateur.

    Un agenda (Thunderbird, téléphone) ne sait pas se connecter : le jeton dans l'adresse est
    la seule authentification ; il se régénère (l'ancienne adresse cesse de répondre) ou se
    révoque depuis le tableau des délais.
    """

    utilisateur = models.OneToOneField(
        "etude.Utilisateur", on_delete=models.CASCADE, related_name="abonnement_calendrier"
    )
    # Unique : le flux cherche l'abonnement par son jeton (index de la contrainte).
    jeton = models.CharField("jeton", max_length=64, unique=True, default=nouveau_jeton)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "abonnement au calendrier"

    def __str__(self) -> str:
        return f"Calendrier de {self.utilisateur}"
