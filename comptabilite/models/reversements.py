"""Reversements au créancier, lots de virements SEPA, alertes de fonds détenus.

Un `Reversement` est immuable (comme les écritures qu'il passe au poste « fonds » du grand
livre) : il fige ce qui sort des fonds du dossier, les retenues (A444-32 et sa TVA, facture
de l'étude) et le net viré au créancier, avec l'IBAN du jour. Un lot (`LotReversements`)
regroupe des reversements pour un fichier pain.001 ; une fois émis, il ne change plus (le
service refuse, et la ligne `LigneLot` est elle aussi immuable).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .grand_livre import LigneImmuable


class ParametresComptables(models.Model):
    """Réglages comptables d'une étude (une ligne par étude, créée au premier besoin)."""

    etude = models.OneToOneField(
        "etude.Etude", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    bic_compte_affecte = models.CharField(
        "BIC du compte affecté",
        max_length=11,
        blank=True,
        help_text="Facultatif : déduit de l'IBAN quand le registre des banques le connaît.",
    )
    delai_detention_jours = models.PositiveIntegerField(
        "délai maximal de détention des fonds (jours)",
        null=True,
        blank=True,
        help_text=(
            "Aucun délai chiffré pour les commissaires de justice n'a été trouvé dans les "
            "sources (le mois de CPCE R124-6 vise les sociétés de recouvrement amiable, que "
            "R124-1 exclut ; les règles professionnelles ne sont pas recopiées) : saisir le "
            "délai que l'étude s'impose, avec sa source. Vide : la nuit ne contrôle rien et "
            "le dit."
        ),
    )
    source_delai = models.CharField("source du délai", max_length=300, blank=True)

    class Meta:
        verbose_name = "paramètres comptables"
        verbose_name_plural = "paramètres comptables"

    def __str__(self) -> str:
        return f"Paramètres comptables de {self.etude}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.bic_compte_affecte = (self.bic_compte_affecte or "").replace(" ", "").upper()
        if self.bic_compte_affecte:
            from comptabilite.sepa import verifier_bic

            try:
                verifier_bic(self.bic_compte_affecte, "l'étude")
            except ValidationError as erreur:
                raise ValidationError({"bic_compte_affecte": erreur.messages}) from None
        if self.delai_detention_jours is not None and not self.source_delai.strip():
            raise ValidationError({"source_delai": "Indiquez d'où vient ce délai."})


class Reversement(LigneImmuable):
    """Ce qui sort des fonds d'un dossier pour son créancier, à une date (immuable)."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="reversements"
    )
    creancier = models.ForeignKey(
        "dossiers.Creancier", on_delete=models.PROTECT, related_name="reversements"
    )
    date_reversement = models.DateField("date du reversement")
    brut = models.DecimalField("fonds imputés", max_digits=14, decimal_places=2)
    recouvre_cumule = models.DecimalField(
        "recouvré cumulé (assiette A444-32)", max_digits=14, decimal_places=2
    )
    date_tarif = models.DateField("tarif appliqué au")
    droit_ht = models.DecimalField("droit A444-32 HT retenu", max_digits=14, decimal_places=2)
    tva_droit = models.DecimalField("TVA sur le droit", max_digits=14, decimal_places=2)
    facture = models.DecimalField("facture de l'étude retenue", max_digits=14, decimal_places=2)
    libelle_facture = models.CharField("objet de la facture", max_length=300, blank=True)
    net = models.DecimalField("net reversé", max_digits=14, decimal_places=2)
    iban = models.CharField("IBAN du créancier", max_length=34)
    detail = models.JSONField("détail du calcul", default=dict)
    cree_par = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "reversement"
        ordering = ["-date_reversement", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(net__gt=0), name="reversement_net_positif"),
            models.CheckConstraint(
                condition=models.Q(droit_ht__gte=0, tva_droit__gte=0, facture__gte=0),
                name="reversement_retenues_positives",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    brut=models.F("net")
                    + models.F("droit_ht")
                    + models.F("tva_droit")
                    + models.F("facture")
                ),
                name="reversement_brut_egal_net_plus_retenues",
            ),
        ]

    def __str__(self) -> str:
        return f"Reversement de {self.net} € du {self.date_reversement:%d/%m/%Y}"

    @property
    def retenues(self):
        return self.droit_ht + self.tva_droit + self.facture


class StatutLot(models.TextChoices):
    BROUILLON = "brouillon", "En préparation"
    EMIS = "emis", "Émis (fichier SEPA produit)"


class LotReversements(models.Model):
    """Un lot de reversements, payé par un virement SEPA groupé (pain.001)."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    statut = models.CharField(max_length=10, choices=StatutLot.choices)
    date_execution = models.DateField("date d'exécution demandée")
    cree_par = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)
    emis_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    emis_le = models.DateTimeField(null=True, blank=True)
    identifiant_message = models.CharField("MsgId", max_length=35, blank=True)
    schema = models.CharField(max_length=20, blank=True)
    fichier = models.BinaryField("fichier pain.001", null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    nombre = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "lot de reversements"
        verbose_name_plural = "lots de reversements"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut="brouillon")
                | models.Q(emis_le__isnull=False, fichier__isnull=False),
                name="lot_emis_a_son_fichier",
            ),
        ]

    def __str__(self) -> str:
        return f"Lot n° {self.pk} ({self.get_statut_display()})"

    @property
    def emis(self) -> bool:
        return self.statut == StatutLot.EMIS


class LigneLot(models.Model):
    """Un reversement dans un lot : au plus un lot par reversement (contrainte unique)."""

    lot = models.ForeignKey(LotReversements, on_delete=models.CASCADE, related_name="lignes")
    reversement = models.OneToOneField(
        Reversement, on_delete=models.PROTECT, related_name="ligne_lot"
    )

    class Meta:
        verbose_name = "ligne de lot"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reversement} dans {self.lot}"


class AlerteFonds(models.Model):
    """Fonds d'un dossier détenus au-delà du délai de l'étude, constatés par la nuit du
    `le` (une ligne par dossier et par nuit : la seconde passe n'ajoute rien)."""

    # Pas d'index propre aux clés étrangères : (etude, le) et l'unique (dossier, le) les
    # couvrent, et chaque index coûte à chaque alerte de la nuit (mesuré : l'insertion des
    # alertes est l'essentiel de la partie « fonds_detenus »).
    etude = models.ForeignKey(
        "etude.Etude", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    le = models.DateField("nuit du")
    detenus_depuis = models.DateField("plus ancien encaissement non reversé")
    montant = models.DecimalField("fonds détenus", max_digits=14, decimal_places=2)
    delai_jours = models.PositiveIntegerField()

    class Meta:
        verbose_name = "alerte de fonds détenus"
        verbose_name_plural = "alertes de fonds détenus"
        ordering = ["-le", "detenus_depuis"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "le"], name="alerte_fonds_une_par_nuit"),
        ]
        indexes = [models.Index(fields=["etude", "le"], name="alerte_fonds_etude_le_idx")]

    def __str__(self) -> str:
        return f"{self.montant} € détenus depuis le {self.detenus_depuis:%d/%m/%Y}"


class FondsDossier(models.Model):
    """État des fonds détenus d'un dossier, tenu à jour à chaque encaissement ou sortie.

    Dérivé des écritures (comme `SoldeDossier`) : recalculé par `grand_livre.passer` dans la
    transaction de chaque écriture de versement, de contre-passation ou du poste « fonds »
    (le solde du dossier est alors verrouillé), écrit par la génération en masse et rempli
    par la migration 0011. La nuit des fonds détenus ne lit que les dossiers dont le plus
    ancien encaissement non reversé dépasse le délai (index partiel), au lieu de relire
    tous les encaissements de l'étude ; `reversements.fonds_calculer` reste la règle.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    etude = models.ForeignKey(
        "etude.Etude", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    detenus_depuis = models.DateField(
        "plus ancien encaissement non reversé", null=True, blank=True
    )
    disponible = models.DecimalField("fonds détenus", max_digits=14, decimal_places=2)
    dernier_mouvement = models.DateField(
        "dernière date de valeur d'un encaissement ou d'une sortie",
        help_text="Une nuit antérieure à cette date recalcule le dossier à sa date.",
    )

    class Meta:
        verbose_name = "fonds détenus d'un dossier"
        verbose_name_plural = "fonds détenus des dossiers"
        indexes = [
            # La nuit : WHERE etude_id = ? AND detenus_depuis < le - délai (dossiers en retard
            # seulement ; ceux dont tout est reversé n'y entrent pas).
            models.Index(
                fields=["etude", "detenus_depuis"],
                condition=models.Q(detenus_depuis__isnull=False),
                name="fonds_detenus_depuis_idx",
            ),
            # Nuit d'une date passée : les dossiers qui ont bougé après elle sont recalculés.
            models.Index(fields=["dernier_mouvement"], name="fonds_dernier_mouvement_idx"),
        ]

    def __str__(self) -> str:
        return f"Fonds du dossier {self.dossier_id} : {self.disponible}"
