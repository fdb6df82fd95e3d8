"""Créanciers, débiteurs, dossiers, titres exécutoires et pièces."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from etude.models import Etude, valider_code_postal, valider_iban, valider_siren

ZERO = Decimal("0.00")


def normaliser_recherche(texte: str) -> str:
    """Minuscules sans accents ni ponctuation : « Éloïse D'ARCY » -> « eloise d arcy »."""
    texte = unicodedata.normalize("NFKD", texte or "")
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    texte = "".join(c if c.isalnum() or c == "-" else " " for c in texte)
    return " ".join(texte.split())


class TypePersonne(models.TextChoices):
    PHYSIQUE = "physique", "Personne physique"
    MORALE = "morale", "Personne morale"


class Civilite(models.TextChoices):
    MADAME = "Mme", "Madame"
    MONSIEUR = "M.", "Monsieur"


class QuerySetEtude(models.QuerySet):
    """Toute requête d'un écran passe par `.pour(utilisateur)` : cloisonnement par étude."""

    def pour(self, utilisateur):
        if not utilisateur.is_authenticated or utilisateur.etude_id is None:
            return self.none()
        return self.filter(etude_id=utilisateur.etude_id)


class Personne(models.Model):
    """Champs d'identité communs (CPC 648 : nom, prénoms, profession, domicile, nationalité,
    date et lieu de naissance pour une personne physique ; forme, dénomination, siège et
    organe représentant pour une personne morale)."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+")
    type_personne = models.CharField(
        "type de personne", max_length=10, choices=TypePersonne.choices
    )
    civilite = models.CharField("civilité", max_length=4, choices=Civilite.choices, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    prenoms = models.CharField("prénoms", max_length=150, blank=True)
    raison_sociale = models.CharField("dénomination", max_length=200, blank=True)
    forme_juridique = models.CharField("forme juridique", max_length=60, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[valider_siren])
    representant = models.CharField(
        "organe représentant", max_length=200, blank=True, help_text="Personne morale."
    )
    adresse = models.CharField("adresse", max_length=300, blank=True)
    code_postal = models.CharField(
        "code postal", max_length=5, blank=True, validators=[valider_code_postal]
    )
    ville = models.CharField("ville", max_length=120, blank=True)
    pays = models.CharField("pays", max_length=60, default="France")
    email = models.EmailField("courriel", blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = QuerySetEtude.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.designation

    @property
    def designation(self) -> str:
        if self.type_personne == TypePersonne.MORALE:
            forme = f" ({self.forme_juridique})" if self.forme_juridique else ""
            return f"{self.raison_sociale}{forme}"
        return " ".join(p for p in [self.civilite, self.prenoms, self.nom.upper()] if p)

    def clean(self):
        if self.type_personne == TypePersonne.MORALE and not self.raison_sociale.strip():
            raise ValidationError({"raison_sociale": "La dénomination est obligatoire."})
        if self.type_personne == TypePersonne.PHYSIQUE and not self.nom.strip():
            raise ValidationError({"nom": "Le nom est obligatoire."})


class Creancier(Personne):
    """Le client de l'étude, à qui la somme est due."""

    agit_pour_besoins_professionnels = models.BooleanField(
        "agit pour les besoins de son activité professionnelle",
        default=True,
        help_text=(
            "Choisit le taux de l'intérêt légal (C. mon. fin. L313-2) : décoché, le taux "
            "« particuliers » s'applique (personne physique hors besoins professionnels)."
        ),
    )
    iban = models.CharField(
        "IBAN de reversement", max_length=34, blank=True, validators=[valider_iban]
    )
    # CPC 648 2° a : l'acte désigne le requérant personne physique par « ses nom, prénoms,
    # profession, domicile, nationalité, date et lieu de naissance » (à peine de nullité).
    profession = models.CharField("profession", max_length=120, blank=True)
    nationalite = models.CharField("nationalité", max_length=60, blank=True)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    lieu_naissance = models.CharField("lieu de naissance", max_length=150, blank=True)
    # Nom normalisé (nom, prénoms, dénomination, forme juridique) : la recherche de dossiers
    # trouve d'abord les créanciers qui portent tous les mots saisis, « (OPH) » compris.
    # Tenu à jour par `save()` ; quelques milliers de lignes par étude, lues en entier.
    recherche = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "créancier"
        indexes = [models.Index(fields=["etude", "nom", "raison_sociale"])]
        constraints = [
            # DOMAINE.md, décision 2 : seule une personne physique peut relever du taux
            # « particuliers ».
            models.CheckConstraint(
                condition=models.Q(agit_pour_besoins_professionnels=True)
                | models.Q(type_personne="physique"),
                name="creancier_morale_professionnelle",
            ),
        ]

    def save(self, *args, **kwargs):
        self.recherche = self.texte_recherche()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "recherche"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.date_naissance and self.date_naissance >= timezone.localdate():
            raise ValidationError(
                {"date_naissance": "La date de naissance doit être dans le passé."}
            )

    def texte_recherche(self) -> str:
        return normaliser_recherche(
            " ".join([self.nom, self.prenoms, self.raison_sociale, self.forme_juridique])
        )

    @property
    def creancier_particulier(self) -> bool:
        return (
            self.type_personne == TypePersonne.PHYSIQUE
            and not self.agit_pour_besoins_professionnels
        )


class StatutSurendettement(models.TextChoices):
    AUCUN = "aucun", "Aucun dossier"
    DEPOSE = "depose", "Dossier déposé"
    RECEVABLE = "recevable", "Dossier recevable (C. consom. L722-2 : poursuites suspendues)"
    IRRECEVABLE = "irrecevable", "Dossier irrecevable"
    CLOS = "clos", "Procédure close"


class Debiteur(Personne):
    """Celui qui doit ; son identité et ce que l'on sait de sa solvabilité."""

    nom_naissance = models.CharField("nom de naissance", max_length=150, blank=True)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    lieu_naissance = models.CharField("lieu de naissance", max_length=150, blank=True)
    nationalite = models.CharField("nationalité", max_length=60, blank=True)
    profession = models.CharField("profession", max_length=120, blank=True)
    employeur_nom = models.CharField("employeur", max_length=200, blank=True)
    employeur_adresse = models.CharField("adresse de l'employeur", max_length=300, blank=True)
    revenus_mensuels_nets = models.DecimalField(
        "revenus mensuels nets",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    personnes_a_charge = models.PositiveSmallIntegerField("personnes à charge", default=0)
    vulnerable = models.BooleanField(
        "débiteur vulnérable", default=False, help_text="Rend le dossier complexe."
    )
    surendettement_statut = models.CharField(
        "surendettement",
        max_length=12,
        choices=StatutSurendettement.choices,
        default=StatutSurendettement.AUCUN,
    )
    surendettement_depot = models.DateField("dépôt du dossier", null=True, blank=True)
    surendettement_decision = models.DateField("décision de recevabilité", null=True, blank=True)

    class Meta:
        verbose_name = "débiteur"
        indexes = [models.Index(fields=["etude", "nom"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revenus_mensuels_nets__isnull=True)
                | models.Q(revenus_mensuels_nets__gte=0),
                name="debiteur_revenus_positifs",
            ),
            models.CheckConstraint(
                condition=~models.Q(surendettement_statut="recevable")
                | models.Q(surendettement_decision__isnull=False),
                name="debiteur_recevabilite_datee",
            ),
        ]

    def clean(self):
        super().clean()
        if self.date_naissance and self.date_naissance >= timezone.localdate():
            raise ValidationError(
                {"date_naissance": "La date de naissance doit être dans le passé."}
            )
        if (
            self.surendettement_statut == StatutSurendettement.RECEVABLE
            and not self.surendettement_decision
        ):
            raise ValidationError(
                {"surendettement_decision": "Indiquez la date de la décision de recevabilité."}
            )

    @property
    def poursuites_suspendues(self) -> bool:
        """C. consom. L722-2 : la recevabilité suspend les procédures d'exécution."""
        return self.surendettement_statut == StatutSurendettement.RECEVABLE


class AdresseDebiteur(models.Model):
    """Adresses datées : l'acte retient celle en vigueur ; l'historique reste."""

    debiteur = models.ForeignKey(Debiteur, on_delete=models.CASCADE, related_name="adresses")
    adresse = models.CharField("adresse", max_length=300)
    code_postal = models.CharField("code postal", max_length=5, validators=[valider_code_postal])
    ville = models.CharField("ville", max_length=120)
    pays = models.CharField("pays", max_length=60, default="France")
    depuis = models.DateField("depuis", null=True, blank=True)
    jusqu_au = models.DateField("jusqu'au", null=True, blank=True)
    source = models.CharField("source", max_length=120, blank=True)

    class Meta:
        verbose_name = "adresse du débiteur"
        ordering = ["-depuis", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jusqu_au__isnull=True)
                | models.Q(depuis__isnull=True)
                | models.Q(jusqu_au__gte=models.F("depuis")),
                name="adresse_periode_ordonnee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.adresse}, {self.code_postal} {self.ville}"


class TelephoneDebiteur(models.Model):
    debiteur = models.ForeignKey(Debiteur, on_delete=models.CASCADE, related_name="telephones")
    numero = models.CharField("numéro (E.164)", max_length=20)
    mobile = models.BooleanField("mobile", default=True)
    consentement_sms = models.BooleanField("accepte les SMS", default=False)
    consentement_appel = models.BooleanField("accepte les appels", default=True)
    opposition = models.BooleanField("opposition à tout contact", default=False)

    class Meta:
        verbose_name = "téléphone du débiteur"
        constraints = [
            models.UniqueConstraint(fields=["debiteur", "numero"], name="telephone_unique")
        ]

    def __str__(self) -> str:
        return self.numero


class EmailDebiteur(models.Model):
    debiteur = models.ForeignKey(Debiteur, on_delete=models.CASCADE, related_name="emails")
    adresse = models.EmailField("courriel")
    consentement = models.BooleanField("accepte les courriels", default=False)
    opposition = models.BooleanField("opposition", default=False)

    class Meta:
        verbose_name = "courriel du débiteur"
        constraints = [
            models.UniqueConstraint(fields=["debiteur", "adresse"], name="email_unique")
        ]
        # Le premier courriel d'un débiteur (campagnes : ORDER BY id LIMIT 1) se lit sur cet
        # index quelles que soient les statistiques : sans lui, juste après un import massif
        # de courriels, le planificateur parcourait la table entière par sa clé pour chaque
        # dossier (banc de campagne au million : lancement arrêté après 6 min).
        indexes = [models.Index(fields=["debiteur", "id"], name="email_debiteur_premier_idx")]

    def __str__(self) -> str:
        return self.adresse


class CompteBancaire(models.Model):
    debiteur = models.ForeignKey(Debiteur, on_delete=models.CASCADE, related_name="comptes")
    iban = models.CharField("IBAN", max_length=34, validators=[valider_iban])
    banque = models.CharField("établissement", max_length=200, blank=True)
    solde_connu = models.DecimalField(
        "dernier solde connu", max_digits=14, decimal_places=2, null=True, blank=True
    )
    solde_connu_le = models.DateField("solde connu le", null=True, blank=True)

    class Meta:
        verbose_name = "compte bancaire"
        constraints = [models.UniqueConstraint(fields=["debiteur", "iban"], name="compte_unique")]

    def __str__(self) -> str:
        from etude.models import iban_masque

        return iban_masque(self.iban)


class Bien(models.Model):
    class Nature(models.TextChoices):
        VEHICULE = "vehicule", "Véhicule"
        MOBILIER = "mobilier", "Mobilier"
        IMMOBILIER = "immobilier", "Immeuble"
        PARTS = "parts", "Parts sociales, valeurs mobilières"
        AUTRE = "autre", "Autre"

    debiteur = models.ForeignKey(Debiteur, on_delete=models.CASCADE, related_name="biens")
    nature = models.CharField("nature", max_length=12, choices=Nature.choices)
    description = models.CharField("description", max_length=300)
    valeur_estimee = models.DecimalField(
        "valeur estimée",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )

    class Meta:
        verbose_name = "bien"

    def __str__(self) -> str:
        return self.description


class Nature(models.TextChoices):
    LOYERS = "loyers", "Loyers"
    PENSION_ALIMENTAIRE = "pension_alimentaire", "Pension alimentaire"
    CHARGES_SOCIALES = "charges_sociales", "Charges sociales"
    COMMERCIALE = "commerciale", "Créance commerciale"
    CONSOMMATION = "consommation", "Crédit ou achat de consommation"
    AUTRE = "autre", "Autre"


class Phase(models.TextChoices):
    AMIABLE = "amiable", "Amiable"
    JUDICIAIRE = "judiciaire", "Judiciaire"


class Statut(models.TextChoices):
    OUVERT = "ouvert", "Ouvert"
    SUSPENDU = "suspendu", "Suspendu"
    SOLDE = "solde", "Soldé"
    CLOS = "clos", "Clos"


class DossierQuerySet(QuerySetEtude):
    def actifs(self):
        return self.filter(statut__in=[Statut.OUVERT, Statut.SUSPENDU])


class Dossier(models.Model):
    """Un dossier de recouvrement : un créancier, ses débiteurs solidaires, une créance."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="dossiers")
    annee = models.PositiveSmallIntegerField("année")
    numero = models.PositiveIntegerField("numéro")
    reference = models.CharField("référence", max_length=11, editable=False)
    creancier = models.ForeignKey(
        Creancier, on_delete=models.PROTECT, related_name="dossiers", verbose_name="créancier"
    )
    debiteurs = models.ManyToManyField(
        Debiteur, through="DossierDebiteur", related_name="dossiers", verbose_name="débiteurs"
    )
    nature = models.CharField("nature de la créance", max_length=20, choices=Nature.choices)
    phase = models.CharField("phase", max_length=10, choices=Phase.choices, default=Phase.AMIABLE)
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.OUVERT
    )
    clerc = models.ForeignKey(
        "etude.Utilisateur",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name="clerc en charge",
    )
    complexe = models.BooleanField(
        "dossier complexe",
        default=False,
        help_text="Les étapes listées par l'étude attendent l'approbation du principal clerc.",
    )
    montant_principal = models.DecimalField(
        "principal réclamé",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reference_creancier = models.CharField("référence du créancier", max_length=60, blank=True)
    ouvert_le = models.DateField("ouvert le", default=timezone.localdate)
    # C. consom. L218-2 : l'action du professionnel contre le consommateur se prescrit par
    # deux ans, « à compter du jour où le titulaire d'un droit a connu ou aurait dû
    # connaître les faits » (logique de C. civ. 2224 ; procedures.md §4 (c) : point de
    # départ exact non recherché). Lecture prudente : le premier impayé non régularisé, la
    # date la plus ancienne plausible. Sans elle, l'alerte de la nuit prend la date
    # d'ouverture du dossier, approximation tardive qu'elle signale.
    date_premier_impaye = models.DateField(
        "premier impayé non régularisé",
        null=True,
        blank=True,
        help_text="Dette de consommation : point de départ des deux ans (C. consom. L218-2).",
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)
    # Texte de recherche normalisé (référence, débiteurs, créancier, villes), tenu à jour par
    # les services (dossiers.services.dossier_indexer) ; index trigramme sur PostgreSQL.
    recherche = models.TextField(editable=False, default="")

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        constraints = [
            models.UniqueConstraint(
                fields=["etude", "reference"], name="dossier_reference_unique"
            ),
            models.UniqueConstraint(
                fields=["etude", "annee", "numero"], name="dossier_numero_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(montant_principal__gt=0), name="dossier_principal_positif"
            ),
        ]
        indexes = [
            # Liste des dossiers, tri par défaut en pagination par clé :
            # WHERE etude_id = ? ORDER BY id DESC (id > clé).
            models.Index(fields=["etude", "-id"], name="dossier_etude_id_idx"),
            # Mon bureau et filtre « mes dossiers » : WHERE etude_id = ? AND clerc_id = ?.
            models.Index(fields=["etude", "clerc", "-id"], name="dossier_clerc_idx"),
            # Dossiers d'un créancier, les plus récents d'abord (recherche par créancier).
            models.Index(fields=["etude", "creancier", "-id"], name="dossier_creancier_idx"),
            # Tri par montant en pagination par clé.
            models.Index(
                fields=["etude", "-montant_principal", "-id"], name="dossier_montant_idx"
            ),
            models.Index(fields=["etude", "statut", "-id"], name="dossier_statut_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("dossier_detail", args=[self.reference])

    def clean(self):
        premier = self.date_premier_impaye
        if premier is not None:
            if premier > timezone.localdate():
                raise ValidationError(
                    {"date_premier_impaye": "Le premier impayé ne peut pas être dans le futur."}
                )
            if self.ouvert_le and premier > self.ouvert_le:
                raise ValidationError(
                    {
                        "date_premier_impaye": "Le premier impayé précède l'ouverture du "
                        f"dossier ({self.ouvert_le:%d/%m/%Y})."
                    }
                )

    @staticmethod
    def formater_reference(annee: int, numero: int) -> str:
        """Référence par étude et par année : `2026-000123`."""
        return f"{annee:04d}-{numero:06d}"


class DossierDebiteur(models.Model):
    """Un débiteur d'un dossier ; plusieurs débiteurs d'un dossier sont tenus solidairement."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="parties")
    debiteur = models.ForeignKey(Debiteur, on_delete=models.PROTECT, related_name="parties")
    rang = models.PositiveSmallIntegerField("rang", default=1)
    solidaire = models.BooleanField("tenu solidairement", default=True)

    class Meta:
        verbose_name = "débiteur du dossier"
        ordering = ["rang", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "debiteur"], name="partie_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} / {self.debiteur_id}"


class NatureTitre(models.TextChoices):
    """CPCE L111-3 : les titres exécutoires."""

    DECISION = "decision", "1° Décision de justice ayant force exécutoire"
    ETRANGER = "etranger", "2° Acte ou jugement étranger, sentence arbitrale exécutoire"
    CONCILIATION = "conciliation", "3° Extrait de procès-verbal de conciliation"
    NOTARIE = "notarie", "4° Acte notarié revêtu de la formule exécutoire"
    CHEQUE = "cheque", "5° Titre délivré pour un chèque impayé"
    PERSONNE_PUBLIQUE = "personne_publique", "6° Titre d'une personne morale de droit public"
    INJONCTION = "injonction", "Ordonnance d'injonction de payer (exécutoire, CPC 1422)"
    # CPCE L111-3 7° : titre délivré par le commissaire de justice dans la
    # procédure simplifiée de recouvrement des petites créances (L125-1).
    PETITES_CREANCES = (
        "petites_creances",
        "7° Titre de la procédure simplifiée de recouvrement des petites créances (L125-1)",
    )


# CPCE L111-4 : dix ans pour les titres des 1° à 3° de L111-3 (et les décisions de justice,
# dont l'ordonnance d'injonction de payer devenue exécutoire).
TITRES_DECENNAUX = {
    NatureTitre.DECISION,
    NatureTitre.ETRANGER,
    NatureTitre.CONCILIATION,
    NatureTitre.INJONCTION,
}


class TypeInterets(models.TextChoices):
    LEGAL = "legal", "Taux de l'intérêt légal (C. mon. fin. L313-2)"
    CONTRACTUEL = "contractuel", "Taux contractuel"
    COMMERCIAL = "commercial", "Pénalités de retard (C. com. L441-10)"
    AUCUN = "aucun", "Sans intérêts"


class TitreExecutoire(models.Model):
    """Le titre exécutoire (CPCE L111-3) sur lequel reposent les procédures."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="titres")
    nature = models.CharField("nature du titre", max_length=20, choices=NatureTitre.choices)
    date_titre = models.DateField("date du titre")
    juridiction = models.CharField("juridiction ou auteur", max_length=200)
    numero_rg = models.CharField("n° RG / répertoire", max_length=60, blank=True)
    date_signification = models.DateField("signifié le", null=True, blank=True)
    date_force_executoire = models.DateField(
        "exécutoire depuis",
        null=True,
        blank=True,
        help_text="Signification si exécution provisoire, sinon fin du délai de recours.",
    )
    montant_principal = models.DecimalField(
        "principal", max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    montant_frais = models.DecimalField(
        "frais alloués (art. 700, dépens)",
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    # Assiette du droit A444-32 (domaine/argent.md § 6.5) : « sommes encaissées ou recouvrées
    # au titre du principal ou du montant de la condamnation, à l'exclusion des dépens ».
    # L'indemnité de l'article 700 CPC est une condamnation (hors dépens) : dans l'assiette ;
    # le reste des frais alloués (dépens) n'y est pas. Base aussi (COPY de la génération).
    dont_article_700 = models.DecimalField(
        "dont indemnité de l'article 700 CPC",
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        db_default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="Part des frais alloués qui est l'indemnité de l'article 700 (le reste : "
        "dépens). Elle entre dans l'assiette du droit A444-32, les dépens non.",
    )
    # C. com. R444-55 et R444-53 3° b) (domaine/argent.md § 6.5) : le droit n° 129 (A444-32)
    # n'est pas dû sur un titre « constatant une créance née de l'exécution d'un contrat de
    # travail ». Les deux autres cas se lisent ailleurs : titre d'une personne morale de droit
    # public (nature L111-3 6°) et créance alimentaire (nature du dossier).
    creance_contrat_travail = models.BooleanField(
        "créance née de l'exécution d'un contrat de travail",
        default=False,
        db_default=False,
        help_text="Droit n° 129 (A444-32) non dû par le créancier : C. com. R444-55 et "
        "R444-53 3°.",
    )
    type_interets = models.CharField(
        "intérêts", max_length=12, choices=TypeInterets.choices, default=TypeInterets.LEGAL
    )
    interets_depuis = models.DateField("intérêts à compter du", null=True, blank=True)
    taux_contractuel = models.DecimalField(
        "taux contractuel (%)", max_digits=7, decimal_places=4, null=True, blank=True
    )
    capitalisation = models.BooleanField(
        "capitalisation des intérêts (C. civ. 1343-2)", default=False
    )
    majoration_ecartee = models.BooleanField(
        "majoration de 5 points écartée par le juge (C. mon. fin. L313-3)", default=False
    )
    imputation_principal_dabord = models.BooleanField(
        "imputation sur le principal d'abord (C. civ. 1343-5)", default=False
    )
    # C. civ. 2244 et 2231 : date du dernier acte d'exécution forcée fait sur ce titre, qui
    # a interrompu la prescription (L111-4) ; l'acte est nommé pour la fiche.
    derniere_interruption = models.DateField(
        "dernier acte interruptif de prescription", null=True, blank=True, editable=False
    )
    # Valeur par défaut en base aussi : la génération en masse écrit les titres par COPY.
    acte_interruptif = models.CharField(
        "acte interruptif", max_length=200, blank=True, editable=False, db_default=""
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "titre exécutoire"
        ordering = ["date_titre", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant_principal__gte=0), name="titre_principal_positif"
            ),
            models.CheckConstraint(
                condition=models.Q(date_signification__isnull=True)
                | models.Q(date_signification__gte=models.F("date_titre")),
                name="titre_signifie_apres_date",
            ),
            models.CheckConstraint(
                condition=models.Q(dont_article_700__lte=models.F("montant_frais")),
                name="titre_article_700_dans_les_frais",
            ),
            models.CheckConstraint(
                condition=~models.Q(type_interets="contractuel")
                | models.Q(taux_contractuel__isnull=False),
                name="titre_taux_contractuel_renseigne",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} du {self.date_titre:%d/%m/%Y} ({self.juridiction})"

    def clean(self):
        aujourd_hui = timezone.localdate()
        erreurs = {}
        for champ in ("date_titre", "date_signification", "date_force_executoire"):
            valeur = getattr(self, champ)
            if valeur and valeur > aujourd_hui:
                erreurs[champ] = "Cette date ne peut pas être dans le futur."
        if (
            self.date_signification
            and self.date_titre
            and self.date_signification < self.date_titre
        ):
            erreurs["date_signification"] = "La signification ne peut précéder le titre."
        if (
            self.dont_article_700 is not None
            and self.montant_frais is not None
            and self.dont_article_700 > self.montant_frais
        ):
            erreurs["dont_article_700"] = (
                "L'indemnité de l'article 700 fait partie des frais alloués : elle ne peut "
                "pas les dépasser."
            )
        if self.type_interets == TypeInterets.CONTRACTUEL and self.taux_contractuel is None:
            erreurs["taux_contractuel"] = "Indiquez le taux contractuel."
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def date_prescription(self) -> date | None:
        """Fin du délai d'exécution du titre.

        CPCE L111-4 : dix ans pour les titres des 1° à 3° de L111-3, à compter du jour où le
        titre est exécutoire (Cass. 2e civ., 5 oct. 2023, n° 20-23.523, point de départ à
        confirmer). Les autres titres suivent la prescription de la créance (5 ans, C. civ.
        2224) : non confirmé par une source (procedures.md §4), affiché comme estimation.
        Interruption (C. civ. 2244) : un acte d'exécution forcée enregistré sur le titre
        (`derniere_interruption`, posée par procedures.prescription) fait courir un nouveau
        délai de même durée (C. civ. 2231) à compter de sa date.
        """
        depart = self.date_force_executoire or self.date_signification or self.date_titre
        if depart is not None and self.derniere_interruption is not None:
            depart = max(depart, self.derniere_interruption)
        if depart is None:
            return None
        ans = 10 if self.nature in TITRES_DECENNAUX else 5
        try:
            return depart.replace(year=depart.year + ans)
        except ValueError:  # 29 février -> 28 février (C. civ. 2229 / CPC 641 al. 2)
            return depart.replace(year=depart.year + ans, day=28)

    @property
    def prescription_decennale(self) -> bool:
        return self.nature in TITRES_DECENNAUX


class Piece(models.Model):
    """Un document versé au dossier (jugement, bail, facture...)."""

    class Type(models.TextChoices):
        TITRE = "titre", "Titre exécutoire"
        CONTRAT = "contrat", "Contrat, bail"
        FACTURE = "facture", "Facture"
        COURRIER = "courrier", "Courrier"
        JUSTIFICATIF = "justificatif", "Justificatif"
        AUTRE = "autre", "Autre"

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="pieces")
    type_piece = models.CharField("type", max_length=15, choices=Type.choices)
    fichier = models.FileField("fichier", upload_to="pieces/%Y/%m/")
    nom_original = models.CharField("nom du fichier", max_length=200)
    type_mime = models.CharField("type", max_length=60)
    taille = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    ajoutee_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, related_name="+"
    )
    ajoutee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce"
        ordering = ["-ajoutee_le"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sha256"], name="piece_unique_par_dossier"),
        ]

    def __str__(self) -> str:
        return self.nom_original


class CompteurReference(models.Model):
    """Dernier numéro attribué par étude et par année (verrouillé en écriture)."""

    etude = models.ForeignKey(Etude, on_delete=models.CASCADE, related_name="+")
    annee = models.PositiveSmallIntegerField()
    dernier = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["etude", "annee"], name="compteur_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.annee} : {self.dernier}"
