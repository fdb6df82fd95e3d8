"""Interventions d'autres créanciers et répartition des sommes entre créanciers.

Saisie-vente : « tout créancier muni d'un titre exécutoire constatant une créance liquide et
exigible peut […] se joindre aux opérations de saisie par voie d'opposition » (CPCE L221-1
al. 2), avant la vérification des biens saisis (R221-41) ; l'acte d'opposition indique le
titre, le décompte des sommes et le taux des intérêts ; il est signifié au créancier premier
saisissant et au débiteur ; le premier saisissant poursuit seul la vente (R221-42). En cas
de concours, l'agent chargé de la vente propose une répartition amiable ; à défaut
d'accord, il consigne les fonds et saisit le juge de l'exécution (L221-6).

Saisie des rémunérations (régime du 1er juillet 2025) : l'intervenant a son propre
commandement et attend un mois (L212-2 al. 3) ; l'acte d'intervention est signifié au
premier créancier saisissant et dénoncé au débiteur dans les huit jours, à peine de
caducité, puis inscrit au registre (R212-1-17) ; le répartiteur distribue les sommes
chaque mois s'il n'y a qu'un créancier, au moins toutes les six semaines s'il y en a
plusieurs, aux seuls créanciers inscrits ; faute de créanciers inscrits, les fonds
reviennent au débiteur (R212-1-23, procedures.md §2.4 ligne 10).

Clé de répartition : sans cause légitime de préférence, le prix « se distribue entre eux par
contribution » (C. civ. 2285), c'est-à-dire au prorata des créances (voir
`procedures.repartition`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from dossiers.models import Creancier
from etude.models import Etude

from .base import Procedure


def _montant(nom: str, **extra):
    return models.DecimalField(nom, max_digits=14, decimal_places=2, **extra)


class Intervention(models.Model):
    """Un autre créancier qui se joint à la saisie (opposition en saisie-vente, intervention
    en saisie des rémunérations)."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="interventions"
    )
    creancier = models.ForeignKey(
        Creancier, on_delete=models.PROTECT, related_name="interventions", verbose_name="créancier"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dossier de l'étude",
        help_text="Si l'étude poursuit aussi pour ce créancier : sa part de chaque répartition "
        "est passée au grand livre de ce dossier. Vide pour un créancier tiers.",
    )
    titre = models.CharField(
        "titre exécutoire invoqué",
        max_length=300,
        help_text="Nature, date, juridiction (R221-42).",
    )
    montant = _montant(
        "créance déclarée",
        help_text="Principal, frais et intérêts échus du décompte de l'acte (R221-42).",
    )
    commandement_le = models.DateField(
        "commandement de l'intervenant le",
        null=True,
        blank=True,
        help_text="Saisie des rémunérations : son propre commandement, un mois avant "
        "(L212-2 al. 3).",
    )
    acte_le = models.DateTimeField("acte signifié au premier saisissant le")
    denoncee_le = models.DateTimeField("dénoncé (signifié) au débiteur le", null=True, blank=True)
    inscrite_le = models.DateField("inscrit au registre le", null=True, blank=True)
    cree_par = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "intervention"
        ordering = ["acte_le", "id"]

    def __str__(self) -> str:
        return f"{self.creancier} : {self.montant} €"


class Repartition(models.Model):
    """Une distribution de sommes entre les créanciers d'une saisie (C. civ. 2285)."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="repartitions")
    le = models.DateField("répartie le")
    montant = _montant("sommes à répartir")
    reliquat = _montant("reliquat rendu au débiteur", default=0)
    cree_par = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)
    # Une répartition erronée ne se modifie pas : elle est contre-passée (ses versements aux
    # grands livres de l'étude aussi) et ne compte plus ; la juste s'arrête à nouveau.
    contre_passee_le = models.DateTimeField("contre-passée le", null=True, blank=True)
    contre_passee_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motif_contre_passation = models.CharField(
        "motif de la contre-passation", max_length=300, blank=True
    )

    class Meta:
        verbose_name = "répartition"
        ordering = ["le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant__gt=0), name="repartition_montant_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"Répartition du {self.le:%d/%m/%Y} : {self.montant} €"


class PartRepartition(models.Model):
    """Ce que reçoit un créancier d'une répartition : sa créance restante et sa part."""

    repartition = models.ForeignKey(Repartition, on_delete=models.PROTECT, related_name="parts")
    creancier = models.ForeignKey(Creancier, on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    creance = _montant("créance restante")
    part = _montant("part reçue")
    # La part d'un dossier de l'étude (premier saisissant, intervenant qui est un dossier de
    # l'étude) est un versement au grand livre de ce dossier, passé par la répartition : une
    # part ne fait qu'un versement (rejouer le passage ne crée rien). Vide : créancier tiers,
    # part nulle, ou répartition arrêtée avant ce passage (session 4).
    versement = models.OneToOneField(
        "comptabilite.Versement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part_repartition",
    )

    class Meta:
        verbose_name = "part de répartition"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.creancier} : {self.part} € sur {self.creance} €"
