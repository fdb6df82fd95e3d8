"""Grand livre des dossiers : écritures immuables, versements, soldes, relevés, débours.

Convention de signe. Chaque écriture a un montant strictement positif et un `sens` :
- **débit** : augmente ce que le débiteur doit (principal du titre, intérêts courus, frais,
  émoluments, débours, TVA, droit proportionnel, capitalisation côté principal) ;
- **crédit** : le diminue (part d'un versement imputée sur un poste, capitalisation côté
  intérêts, régularisation d'intérêts à la baisse).
Chaque écriture touche un seul `poste` : frais, intérêts, principal, ou excédent (ce que le
débiteur a versé au-delà de sa dette, à lui restituer) ; le poste « fonds », hors de la dette,
porte au crédit ce qui sort des fonds encaissés pour le créancier (reversement, retenues).
Le solde d'un poste est la somme des débits moins la somme des crédits ; le dû est frais +
intérêts + principal - excédent.

Une écriture passée ne se modifie ni ne s'efface : un trigger PostgreSQL l'interdit (migration
0004) ; une erreur se corrige par une contre-passation, nouvelle écriture de sens contraire qui
désigne l'écriture d'origine (une seule fois : contrainte unique). Le solde en cache
(`SoldeDossier`) est mis à jour dans la transaction qui passe l'écriture, sous verrou de
ligne, et se vérifie en le recalculant depuis les écritures (`grand_livre.verifier_solde`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from etude.errors import RegleMetier

ZERO = Decimal("0.00")


class Sens(models.TextChoices):
    DEBIT = "debit", "Débit (augmente le dû)"
    CREDIT = "credit", "Crédit (diminue le dû)"


class Poste(models.TextChoices):
    """Les compartiments de la dette, dans l'ordre d'imputation légal (C. civ. 1343-1)."""

    FRAIS = "frais", "Frais"
    INTERETS = "interets", "Intérêts"
    PRINCIPAL = "principal", "Principal"
    EXCEDENT = "excedent", "Excédent à restituer"
    # Hors de la dette : les fonds encaissés pour le créancier qui sortent du compte affecté
    # (reversement, retenues A444-32 et facture). Ce poste n'entre pas dans le dû.
    FONDS = "fonds", "Fonds du créancier (reversements)"


class NatureEcriture(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    INTERETS = "interets", "Intérêts"
    CAPITALISATION = "capitalisation", "Capitalisation des intérêts (C. civ. 1343-2)"
    FRAIS = "frais", "Frais alloués (art. 700, dépens)"
    EMOLUMENT = "emolument", "Émolument"
    DEBOURS = "debours", "Débours"
    TVA = "tva", "TVA"
    DROIT_PROPORTIONNEL = "droit_proportionnel", "Droit proportionnel (A444-31)"
    VERSEMENT = "versement", "Versement"
    REVERSEMENT = "reversement", "Reversement"
    # Remise d'intérêts ou de frais consentie au débiteur dans un échéancier (à la charge du
    # créancier) : crédit du poste remis, jamais une contre-passation (l'écriture remise était
    # juste).
    REMISE = "remise", "Remise consentie (échéancier)"
    CONTRE_PASSATION = "contre_passation", "Contre-passation"


class Cause(models.TextChoices):
    """Ce qui a fait naître l'écriture ; `cause_id` désigne la ligne en cause."""

    TITRE = "titre", "Titre exécutoire"
    ACTE = "acte", "Acte"
    VERSEMENT = "versement", "Versement"
    NUIT = "nuit", "Calcul de nuit"
    CALCUL = "calcul", "Recalcul lors d'une opération"
    SAISIE = "saisie", "Saisie manuelle"
    DEBOURS = "debours", "Débours"
    CONTRE_PASSATION = "contre_passation", "Contre-passation"
    REVERSEMENT = "reversement", "Reversement au créancier"
    ECHEANCIER = "echeancier", "Échéancier (remise)"


class ModeVersement(models.TextChoices):
    ESPECES = "especes", "Espèces"
    CHEQUE = "cheque", "Chèque"
    VIREMENT = "virement", "Virement"
    CARTE = "carte", "Carte bancaire"
    # Part d'une répartition entre créanciers saisissants (C. civ. 2285) : créée par le
    # service de la répartition (`procedures.services.interventions`), jamais saisie à la main.
    REPARTITION = "repartition", "Répartition entre créanciers"


IMMUABLE = "Le grand livre est immuable : une erreur se corrige par une contre-passation."


class LigneImmuableQuerySet(models.QuerySet):
    """Refuse UPDATE et DELETE en masse dès Python ; le trigger PostgreSQL (migration 0004)
    les refuse de toute façon, y compris hors de Django."""

    def update(self, **kwargs):
        raise RegleMetier(IMMUABLE)

    def delete(self):
        raise RegleMetier(IMMUABLE)


class LigneImmuable(models.Model):
    objects = LigneImmuableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RegleMetier(IMMUABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RegleMetier(IMMUABLE)


class Versement(LigneImmuable):
    """Un paiement reçu d'un débiteur ; son imputation est faite d'écritures (immuable)."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="versements"
    )
    date_valeur = models.DateField("date de valeur")
    montant = models.DecimalField("montant", max_digits=14, decimal_places=2)
    mode = models.CharField("mode", max_length=20, choices=ModeVersement.choices)
    reference = models.CharField("référence", max_length=140, blank=True)
    ligne_releve = models.OneToOneField(
        "comptabilite.LigneReleve",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versement",
        help_text="Ligne du relevé bancaire confirmée : une ligne ne fait qu'un versement.",
    )
    cree_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "versement"
        ordering = ["date_valeur", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="versement_positif"),
        ]

    def __str__(self) -> str:
        return f"Versement {self.montant} € du {self.date_valeur:%d/%m/%Y}"


class Ecriture(LigneImmuable):
    """Une écriture du grand livre d'un dossier : jamais modifiée ni effacée."""

    # Index : seulement ceux qu'une requête utilise (chaque index coûte à chaque écriture de
    # la nuit, un million par soir) ; ecriture_dossier_idx couvre les lectures par dossier.
    etude = models.ForeignKey(
        "etude.Etude", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="ecritures", db_index=False
    )
    date_valeur = models.DateField("date de valeur")
    nature = models.CharField("nature", max_length=20, choices=NatureEcriture.choices)
    poste = models.CharField("poste", max_length=10, choices=Poste.choices)
    sens = models.CharField("sens", max_length=6, choices=Sens.choices)
    montant = models.DecimalField("montant", max_digits=14, decimal_places=2)
    libelle = models.CharField("libellé", max_length=300)
    cause = models.CharField("cause", max_length=20, choices=Cause.choices)
    cause_id = models.CharField("identifiant de la cause", max_length=64, blank=True)
    versement = models.ForeignKey(
        Versement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ecritures",
        db_index=False,
    )
    # Une écriture n'est contre-passée qu'une fois : index unique partiel (les écritures de
    # nuit, sans origine, n'y entrent pas).
    contre_passe = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contre_passations",
        verbose_name="écriture contre-passée",
        db_index=False,
    )
    motif = models.CharField("motif", max_length=300, blank=True)
    # Détail d'un morceau d'intérêts (DOMAINE.md, décision 1) : jours d avec debut < d <= fin.
    periode_debut = models.DateField(null=True, blank=True)
    periode_fin = models.DateField(null=True, blank=True)
    taux = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    cree_par = models.ForeignKey(
        "etude.Utilisateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide pour le calcul de nuit.",
        db_index=False,
    )
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "écriture"
        ordering = ["date_valeur", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="ecriture_positive"),
            # Une contre-passation désigne son origine, et seule elle en désigne une.
            models.CheckConstraint(
                condition=models.Q(nature="contre_passation", contre_passe__isnull=False)
                | (~models.Q(nature="contre_passation") & models.Q(contre_passe__isnull=True)),
                name="ecriture_contre_passation_designe_origine",
            ),
            # Le calcul de nuit est idempotent par contrainte : une écriture d'intérêts de nuit
            # par dossier et par jour (un second passage pour la même date n'écrit rien).
            models.UniqueConstraint(
                fields=["dossier", "date_valeur"],
                condition=models.Q(nature="interets", cause="nuit"),
                name="ecriture_interets_nuit_unique",
            ),
            # Une capitalisation par anniversaire et par poste (C. civ. 1343-2).
            models.UniqueConstraint(
                fields=["dossier", "date_valeur", "poste"],
                condition=models.Q(nature="capitalisation"),
                name="ecriture_capitalisation_unique",
            ),
            models.UniqueConstraint(
                fields=["contre_passe"],
                condition=models.Q(contre_passe__isnull=False),
                name="ecriture_contre_passee_une_fois",
            ),
            # Le principal d'un titre n'est passé qu'une fois.
            models.UniqueConstraint(
                fields=["dossier", "nature", "cause_id"],
                condition=models.Q(cause="titre"),
                name="ecriture_titre_unique",
            ),
        ]
        indexes = [
            # Décompte et recalcul d'un dossier : WHERE dossier_id = ? ORDER BY date_valeur, id.
            models.Index(fields=["dossier", "date_valeur", "id"], name="ecriture_dossier_idx"),
            # Fonds du créancier (reversements, nuit des fonds détenus) : encaissements,
            # frais alloués par le titre (au créancier), remises et sorties par dossier et par
            # date. Partiel : les intérêts de la nuit n'y entrent pas (aucun coût de plus pour
            # le million d'écritures du soir).
            models.Index(
                fields=["dossier", "date_valeur"],
                condition=models.Q(nature__in=["versement", "contre_passation", "frais", "remise"])
                | models.Q(poste="fonds"),
                name="ecriture_fonds_idx",
            ),
            # Imputations d'un versement : WHERE versement_id = ? (jamais pour la nuit).
            models.Index(
                fields=["versement"],
                condition=models.Q(versement__isnull=False),
                name="ecriture_versement_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.date_valeur:%d/%m/%Y} {self.get_nature_display()} {self.sens} {self.montant}"
        )

    @property
    def contre_passation(self):
        """L'écriture qui contre-passe celle-ci, s'il y en a une (au plus une)."""
        return self.contre_passations.first()

    @property
    def signe(self) -> Decimal:
        """Effet sur le dû : +montant au débit, -montant au crédit."""
        return self.montant if self.sens == Sens.DEBIT else -self.montant


class Regime(models.TextChoices):
    """Régime d'intérêts du dossier, recopié du titre pour le calcul de nuit."""

    AUCUN = "aucun", "Sans intérêts"
    LEGAL_PARTICULIER = "particulier", "Taux légal, créancier particulier"
    LEGAL_AUTRE = "autre", "Taux légal, autres cas"
    CONTRACTUEL = "contractuel", "Taux contractuel"
    COMMERCIAL = "commercial", "Pénalités L441-10"


class SoldeDossier(models.Model):
    """Solde en cache d'un dossier, dérivé des écritures ; mis à jour dans leur transaction
    sous `select_for_update`, et vérifiable (`grand_livre.verifier_solde`).

    Il porte aussi l'état du calcul d'intérêts (le morceau en cours, DOMAINE.md décision 1),
    pour que la nuit calcule en une requête ensembliste l'intérêt du jour sans relire
    l'historique : `interets_arretes_au` est le dernier jour dont l'intérêt est passé.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, primary_key=True, related_name="solde"
    )
    etude = models.ForeignKey(
        "etude.Etude", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    frais = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    interets = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    principal = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    excedent = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    verse = models.DecimalField("versé", max_digits=14, decimal_places=2, default=ZERO)
    du = models.DecimalField("dû", max_digits=14, decimal_places=2, default=ZERO)
    # Paramètres d'intérêts du titre (recopiés à l'ouverture du grand livre).
    regime = models.CharField(max_length=12, choices=Regime.choices, default=Regime.AUCUN)
    taux_fixe = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    majoration_depuis = models.DateField(null=True, blank=True)
    capitalisation = models.BooleanField(default=False)
    interets_depuis = models.DateField(null=True, blank=True)
    # État du morceau en cours : jours d avec morceau_debut < d, au principal morceau_principal,
    # dont l'intérêt arrondi déjà passé vaut morceau_poste.
    interets_arretes_au = models.DateField(null=True, blank=True)
    morceau_debut = models.DateField(null=True, blank=True)
    morceau_principal = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    morceau_poste = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    # Cours des intérêts arrêté (`SuspensionInterets` ouverte, p. ex. un échéancier qui les
    # remet) : aucun intérêt pour les jours d > cette date. Recopie de la suspension ouverte
    # pour que la nuit ensembliste la lise sur la ligne du solde, sans jointure.
    interets_suspendus_depuis = models.DateField(null=True, blank=True)
    modifie_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "solde de dossier"
        constraints = [
            # Le dû est la somme des postes. SQLite range les décimaux en flottants : la
            # comparaison tolère un millième (moins qu'un centime, l'écart reste détecté) ;
            # sur PostgreSQL (numeric), l'égalité est exacte à l'intérieur de cette marge.
            models.CheckConstraint(
                condition=models.Q(
                    du__gte=models.F("frais")
                    + models.F("interets")
                    + models.F("principal")
                    - models.F("excedent")
                    - Decimal("0.001"),
                    du__lte=models.F("frais")
                    + models.F("interets")
                    + models.F("principal")
                    - models.F("excedent")
                    + Decimal("0.001"),
                ),
                name="solde_du_coherent",
            ),
        ]
        # Pas d'index sur interets_arretes_au : la nuit parcourt les soldes par lots de clé
        # primaire, et la mise à jour du soir reste sans index à entretenir de plus.

    def __str__(self) -> str:
        return f"Solde {self.dossier_id} : {self.du}"


class SuspensionInterets(models.Model):
    """Période où le cours des intérêts d'un dossier est arrêté : jours d avec
    `du < d <= au` (même convention que les morceaux, DOMAINE.md décision 1) ; `au` vide :
    toujours arrêté. Cause : un échéancier qui remet les intérêts, du jour de l'accord à sa
    déchéance ou à sa fin (`comptabilite.services.interets_suspendre`, `interets_reprendre`).
    Le calcul des intérêts (décompte, recalcul, nuit) compte ces jours à zéro."""

    etude = models.ForeignKey(
        "etude.Etude", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="suspensions_interets"
    )
    du = models.DateField("arrêtés après le")
    au = models.DateField("repris après le", null=True, blank=True)
    cause_id = models.CharField("cause", max_length=64)
    motif = models.CharField("motif", max_length=300)
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "suspension du cours des intérêts"
        verbose_name_plural = "suspensions du cours des intérêts"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(au__isnull=True),
                name="suspension_interets_une_ouverte",
            ),
            models.CheckConstraint(
                condition=models.Q(au__isnull=True) | models.Q(au__gte=models.F("du")),
                name="suspension_interets_ordonnee",
            ),
        ]

    def __str__(self) -> str:
        fin = f" au {self.au:%d/%m/%Y}" if self.au else ""
        return f"Intérêts arrêtés du {self.du:%d/%m/%Y}{fin} ({self.motif})"


class ReleveBancaire(models.Model):
    """Un relevé camt.053 importé (le fichier, une fois par étude)."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    nom_fichier = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    version = models.CharField("version camt.053", max_length=20)
    identifiant = models.CharField("identifiant du relevé", max_length=140, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    nb_lignes = models.PositiveIntegerField(default=0)
    importe_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, related_name="+"
    )
    importe_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "relevé bancaire"
        ordering = ["-importe_le", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["etude", "sha256"], name="releve_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.nom_fichier} ({self.importe_le:%d/%m/%Y})"


class StatutLigne(models.TextChoices):
    RAPPROCHEE = "rapprochee", "Rapprochée d'un dossier"
    NON_RAPPROCHEE = "non_rapprochee", "À examiner"
    CONFIRMEE = "confirmee", "Versement enregistré"
    IGNOREE = "ignoree", "Ignorée"


class LigneReleve(models.Model):
    """Un crédit d'un relevé camt.053 : rapproché d'un dossier ou à examiner."""

    # Index : ligne_releve_unique et ligne_releve_statut_idx commencent par etude ; un index
    # de plus coûte à chacune des 100 000 lignes d'un gros relevé.
    etude = models.ForeignKey(
        "etude.Etude", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    releve = models.ForeignKey(ReleveBancaire, on_delete=models.PROTECT, related_name="lignes")
    cle = models.CharField(
        max_length=64, help_text="AcctSvcrRef, NtryRef ou empreinte de l'écriture bancaire."
    )
    reference_banque = models.CharField(max_length=140, blank=True)
    montant = models.DecimalField(max_digits=14, decimal_places=2)
    devise = models.CharField(max_length=3)
    date_valeur = models.DateField()
    date_comptable = models.DateField(null=True, blank=True)
    libelle = models.TextField("information de remise", blank=True)
    emetteur = models.CharField(max_length=140, blank=True)
    reference_trouvee = models.CharField(max_length=11, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lignes_releve",
        db_index=False,
    )
    statut = models.CharField(max_length=16, choices=StatutLigne.choices)

    class Meta:
        verbose_name = "ligne de relevé"
        ordering = ["releve", "id"]
        constraints = [
            # Importer deux fois le même relevé ne crée rien : une écriture bancaire par étude.
            models.UniqueConstraint(fields=["etude", "cle"], name="ligne_releve_unique"),
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="ligne_positive"),
        ]
        indexes = [
            # Lignes à examiner : WHERE etude_id = ? AND statut = 'non_rapprochee'.
            models.Index(fields=["etude", "statut", "id"], name="ligne_releve_statut_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date_valeur:%d/%m/%Y} {self.montant} {self.devise}"


class StatutDebours(models.TextChoices):
    A_VALIDER = "a_valider", "À valider par le principal clerc"
    VALIDE = "valide", "Validé"
    REFUSE = "refuse", "Refusé"


class Debours(models.Model):
    """Un coût avancé par l'étude pour le dossier, avec son justificatif."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    date_depense = models.DateField("date de la dépense")
    libelle = models.CharField("objet", max_length=200)
    montant = models.DecimalField("montant", max_digits=14, decimal_places=2)
    justificatif = models.FileField("justificatif", upload_to="debours/%Y/%m/")
    type_mime = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    statut = models.CharField(max_length=10, choices=StatutDebours.choices)
    saisi_par = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    saisi_le = models.DateTimeField(default=timezone.now)
    valide_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valide_le = models.DateTimeField(null=True, blank=True)
    motif_refus = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "débours"
        verbose_name_plural = "débours"
        ordering = ["-saisi_le"]
        constraints = [
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="debours_positif"),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.montant} €)"
