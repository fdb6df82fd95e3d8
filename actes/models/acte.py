"""Répertoire, actes (brouillon puis finalisé, immuable) et significations."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from dossiers.models import Dossier, QuerySetEtude
from etude.models import Etude

from .modeles import ModeleActe


class Repertoire(models.Model):
    """Le répertoire des actes de l'étude : le dernier numéro attribué. La ligne est verrouillée
    (SELECT … FOR UPDATE) par la finalisation : numérotation continue, sans trou ni doublon."""

    etude = models.OneToOneField(Etude, on_delete=models.PROTECT, related_name="repertoire")
    dernier_numero = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "répertoire"

    def __str__(self) -> str:
        return f"Répertoire de {self.etude} (n° {self.dernier_numero})"


class EtatActe(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    FINALISE = "finalise", "Finalisé"


class ActeQuerySet(QuerySetEtude):
    def finalises(self):
        return self.filter(etat=EtatActe.FINALISE)


class Acte(models.Model):
    """Un acte : brouillon rempli depuis le dossier, puis finalisé (numéro au répertoire, PDF,
    SHA-256). Finalisé, il ne change plus (trigger PostgreSQL, migration 0002) ; une
    correction est un nouvel acte (`corrige`)."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="actes")
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actes",
    )
    type_acte = models.CharField("type d'acte", max_length=40)
    modele = models.ForeignKey(ModeleActe, on_delete=models.PROTECT, related_name="actes")
    etat = models.CharField(
        "état", max_length=10, choices=EtatActe.choices, default=EtatActe.BROUILLON
    )
    date_acte = models.DateField("date de l'acte")
    # Ce que le dossier disait à la rédaction (parties, titre, décompte, délais, coût) :
    # l'acte se relit et se contrôle sur cette photographie, pas sur le dossier qui bouge.
    donnees = models.JSONField("données", default=dict)
    parties_libres = models.JSONField("parties libres", default=dict)
    corrige = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="corrige l'acte",
    )
    redige_par = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    redige_le = models.DateTimeField("rédigé le", default=timezone.now)
    numero = models.PositiveIntegerField("n° au répertoire", null=True, blank=True)
    texte_final = models.TextField("texte final (HTML)", blank=True)
    pdf = models.BinaryField("PDF", null=True, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    cout = models.JSONField("coût", default=dict, blank=True)
    finalise_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalise_le = models.DateTimeField("finalisé le", null=True, blank=True)

    objects = ActeQuerySet.as_manager()

    class Meta:
        verbose_name = "acte"
        constraints = [
            models.UniqueConstraint(
                fields=["etude", "numero"],
                condition=models.Q(numero__isnull=False),
                name="acte_numero_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(etat="brouillon", numero__isnull=True)
                | models.Q(etat="finalise", numero__isnull=False, finalise_le__isnull=False)
                & ~models.Q(sha256=""),
                name="acte_finalise_complet",
            ),
        ]
        indexes = [
            # Actes d'un dossier (fiche, page de la procédure) : WHERE dossier_id = ? ORDER BY id.
            models.Index(fields=["dossier", "-id"], name="acte_dossier_idx"),
        ]

    def __str__(self) -> str:
        numero = f"n° {self.numero}" if self.numero else "brouillon"
        return f"{self.libelle} ({numero})"

    @property
    def type(self):
        from ..types import TYPES

        return TYPES[self.type_acte]

    @property
    def libelle(self) -> str:
        return self.type.libelle

    @property
    def est_finalise(self) -> bool:
        return self.etat == EtatActe.FINALISE


class ModeSignification(models.TextChoices):
    A_PERSONNE = "a_personne", "À personne (CPC 654)"
    A_DOMICILE = "a_domicile", "À domicile ou résidence (CPC 655)"
    DEPOT_ETUDE = "depot_etude", "Dépôt à l'étude (CPC 656)"
    PV_RECHERCHES = "pv_recherches", "Procès-verbal de recherches (CPC 659)"
    ELECTRONIQUE = "electronique", "Voie électronique (CPC 662-1, 664-1)"


class Signification(models.Model):
    """Comment et quand un acte finalisé a été signifié (CPC 653 à 664-1). Immuable."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+")
    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="significations")
    mode = models.CharField("mode", max_length=20, choices=ModeSignification.choices)
    le = models.DateTimeField("date et heure")
    remis_a = models.CharField(
        "copie remise à (nom, prénoms, qualité)", max_length=300, blank=True
    )
    diligences = models.TextField("diligences accomplies", blank=True)
    lettre_simple_le = models.DateField("lettre simple envoyée le", null=True, blank=True)
    lettre_recommandee_le = models.DateField(
        "lettre recommandée avec AR envoyée le", null=True, blank=True
    )
    enregistree_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, related_name="+"
    )
    enregistree_le = models.DateTimeField(default=timezone.now)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "signification"
        constraints = [
            # Un acte se signifie une fois : une seconde signification est un nouvel acte.
            models.UniqueConstraint(fields=["acte"], name="signification_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} le {timezone.localtime(self.le):%d/%m/%Y %H:%M}"
