"""Lots de rendu : beaucoup de documents HTML à rendre en PDF en arrière-plan.

Un lot appartient à une étude ; ses documents sont rendus par paquets (tâches Celery
`actes.tasks`), chacun une fois : le document passe de « à rendre » à « rendu » (PDF
gardé en base) ou « échec » (message en français). La progression se lit sur les
documents, pas dans un compteur (pas de compteur à tenir juste sous la concurrence)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone


class LotRenduQuerySet(models.QuerySet):
    def pour(self, utilisateur):
        """Les lots de l'étude de l'utilisateur."""
        return self.filter(etude_id=utilisateur.etude_id)


class LotRendu(models.Model):
    class Etat(models.TextChoices):
        EN_COURS = "en_cours", "en cours"
        TERMINE = "termine", "terminé"

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="lots_rendu")
    libelle = models.CharField("libellé", max_length=200)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lots_rendu"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    etat = models.CharField(max_length=10, choices=Etat.choices, default=Etat.EN_COURS)
    total = models.PositiveIntegerField()

    objects = LotRenduQuerySet.as_manager()

    class Meta:
        verbose_name = "lot de rendu"
        verbose_name_plural = "lots de rendu"
        # Liste des lots d'une étude, du plus récent au plus ancien.
        indexes = [models.Index(fields=["etude", "-cree_le"], name="lot_rendu_etude_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(etat="en_cours", termine_le__isnull=True)
                | Q(etat="termine", termine_le__isnull=False),
                name="lot_rendu_termine_date",
            )
        ]

    def __str__(self) -> str:
        return self.libelle

    def get_absolute_url(self) -> str:
        return reverse("actes_lot", args=[self.pk])

    def progression(self) -> dict:
        """Nombre de documents par état, et le pourcentage fait (une requête)."""
        compte = self.documents.aggregate(
            rendus=Count("pk", filter=Q(etat=DocumentLot.Etat.RENDU)),
            echecs=Count("pk", filter=Q(etat=DocumentLot.Etat.ECHEC)),
        )
        faits = compte["rendus"] + compte["echecs"]
        return {
            **compte,
            "faits": faits,
            "total": self.total,
            "pourcent": 100 if not self.total else faits * 100 // self.total,
        }


class DocumentLot(models.Model):
    class Etat(models.TextChoices):
        A_RENDRE = "a_rendre", "à rendre"
        RENDU = "rendu", "rendu"
        ECHEC = "echec", "échec"

    lot = models.ForeignKey(LotRendu, on_delete=models.CASCADE, related_name="documents")
    rang = models.PositiveIntegerField()
    nom_fichier = models.CharField("nom du fichier", max_length=150)
    html = models.TextField(blank=True)  # vidé une fois rendu
    pied = models.JSONField(default=list, blank=True)  # mentions du pied (actes.rendu.Pied)
    pdfa = models.BooleanField(default=True)
    etat = models.CharField(max_length=10, choices=Etat.choices, default=Etat.A_RENDRE)
    erreur = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    rendu_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "document d'un lot"
        verbose_name_plural = "documents d'un lot"
        ordering = ["lot", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "rang"], name="document_lot_rang_unique"),
            models.UniqueConstraint(fields=["lot", "nom_fichier"], name="document_lot_nom_unique"),
        ]
        # Progression d'un lot (compte par état) et paquets à rendre (rangs « à rendre »).
        indexes = [models.Index(fields=["lot", "etat", "rang"], name="document_lot_etat_idx")]

    def __str__(self) -> str:
        return self.nom_fichier
