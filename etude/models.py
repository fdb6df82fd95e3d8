"""L'étude elle-même : l'office, ses utilisateurs et leurs rôles, le journal d'audit."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

# Départements où s'applique le droit local d'Alsace-Moselle (Vendredi saint, 26 décembre :
# Code du travail L3134-13 ; DOMAINE.md, décision 9).
DEPARTEMENTS_ALSACE_MOSELLE = {"57", "67", "68"}
# Départements et régions d'outre-mer (CPC 643-644 : délais de distance ; jours fériés
# de l'abolition de l'esclavage).
DEPARTEMENTS_OUTRE_MER = {"971", "972", "973", "974", "976"}

valider_code_postal = RegexValidator(
    r"^\d{5}$", "Le code postal doit comporter exactement 5 chiffres (ex. 75001)."
)
valider_departement = RegexValidator(
    r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$",
    "Département inconnu : indiquez son numéro (ex. 75, 2A, 974).",
)


def luhn_valide(chiffres: str) -> bool:
    total = 0
    for index, caractere in enumerate(reversed(chiffres)):
        valeur = int(caractere)
        if index % 2 == 1:
            valeur *= 2
            if valeur > 9:
                valeur -= 9
        total += valeur
    return total % 10 == 0


def valider_siret(valeur: str) -> None:
    """SIRET : 14 chiffres, clé de Luhn (sauf La Poste, SIREN 356000000, règle propre)."""
    chiffres = (valeur or "").replace(" ", "")
    if not chiffres.isdigit() or len(chiffres) != 14:
        raise ValidationError("Le SIRET doit comporter 14 chiffres.")
    if chiffres.startswith("356000000"):
        if sum(int(c) for c in chiffres) % 5 != 0:
            raise ValidationError("Ce SIRET de La Poste n'est pas valide (clé de contrôle).")
        return
    if not luhn_valide(chiffres):
        raise ValidationError("Ce SIRET n'est pas valide : la clé de contrôle est fausse.")


def valider_siren(valeur: str) -> None:
    chiffres = (valeur or "").replace(" ", "")
    if not chiffres.isdigit() or len(chiffres) != 9 or not luhn_valide(chiffres):
        raise ValidationError("Le SIREN doit comporter 9 chiffres avec une clé valide.")


def valider_iban(valeur: str) -> None:
    """IBAN vérifié par schwifty (longueur par pays, clé ISO 7064)."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        IBAN(valeur)
    except SchwiftyException as exc:
        raise ValidationError(f"IBAN invalide : {valeur!s} ({exc}).") from exc


def normaliser_iban(valeur: str) -> str:
    return "".join((valeur or "").split()).upper()


def iban_masque(iban: str) -> str:
    """IBAN pour l'affichage et les journaux : pays, clé et 4 derniers caractères."""
    iban = normaliser_iban(iban)
    if len(iban) < 8:
        return "****"
    return f"{iban[:4]} **** {iban[-4:]}"


class Etude(models.Model):
    """Un office de commissaire(s) de justice ; chaque ligne de l'application lui appartient."""

    nom = models.CharField("nom", max_length=200)
    adresse = models.CharField("adresse", max_length=300)
    code_postal = models.CharField("code postal", max_length=5, validators=[valider_code_postal])
    ville = models.CharField("ville", max_length=120)
    departement = models.CharField(
        "département",
        max_length=3,
        validators=[valider_departement],
        help_text="Fixe le calendrier des jours fériés (Alsace-Moselle, outre-mer).",
    )
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[valider_siret])
    iban_compte_affecte = models.CharField(
        "IBAN du compte affecté",
        max_length=34,
        validators=[valider_iban],
        help_text="Compte des fonds de tiers (maniement de fonds).",
    )
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("courriel", blank=True)
    double_facteur_obligatoire = models.BooleanField(
        "second facteur (TOTP) obligatoire", default=False
    )
    seuil_validation_debours = models.DecimalField(
        "seuil de validation des débours",
        max_digits=14,
        decimal_places=2,
        default=Decimal("150.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Au-delà, un débours attend la validation du principal clerc.",
    )
    seuil_dossier_complexe = models.DecimalField(
        "montant au-delà duquel un dossier est complexe",
        max_digits=14,
        decimal_places=2,
        default=Decimal("15000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "étude"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seuil_validation_debours__gte=0),
                name="etude_seuil_debours_positif",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def clean(self):
        self.iban_compte_affecte = normaliser_iban(self.iban_compte_affecte)
        self.siret = (self.siret or "").replace(" ", "")

    @property
    def calendrier(self) -> str:
        """Calendrier des jours fériés pour `procedures.delais.fin_de_delai`."""
        if self.departement in DEPARTEMENTS_ALSACE_MOSELLE:
            return "alsace-moselle"
        return "metropole"

    @property
    def outre_mer(self) -> bool:
        return self.departement in DEPARTEMENTS_OUTRE_MER


class Role(models.TextChoices):
    """Les rôles sont des groupes Django (créés par la migration `etude.0002`)."""

    CLERC = "clerc", "Clerc aux procédures"
    PRINCIPAL_CLERC = "principal_clerc", "Principal clerc"
    COMMISSAIRE = "commissaire", "Commissaire de justice"
    COMPTABLE = "comptable", "Comptable"
    LECTURE = "lecture", "Lecture seule"


class Utilisateur(AbstractUser):
    """Un membre d'une étude. Un utilisateur sans étude n'est qu'un administrateur technique."""

    etude = models.ForeignKey(
        Etude,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="utilisateurs",
        verbose_name="étude",
    )
    initiales = models.CharField(
        "initiales",
        max_length=5,
        blank=True,
        help_text="Portées en pied de page des actes (arrêté du 21 mars 2023).",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def a_role(self, *roles: str) -> bool:
        noms = getattr(self, "_roles_cache", None)
        if noms is None:
            noms = set(self.groups.values_list("name", flat=True))
            self._roles_cache = noms
        return bool(noms.intersection(roles))

    @property
    def roles(self) -> list[str]:
        self.a_role()
        return sorted(self._roles_cache)

    @property
    def peut_ecrire(self) -> bool:
        """Tout rôle sauf « lecture » peut agir sur les dossiers de son étude."""
        return (
            self.is_active
            and self.etude_id is not None
            and self.a_role(Role.CLERC, Role.PRINCIPAL_CLERC, Role.COMMISSAIRE, Role.COMPTABLE)
        )

    @property
    def est_principal(self) -> bool:
        return self.a_role(Role.PRINCIPAL_CLERC, Role.COMMISSAIRE)

    def get_initiales(self) -> str:
        if self.initiales:
            return self.initiales
        return ((self.first_name[:1] + self.last_name[:1]) or self.username[:2]).upper()


class EvenementQuerySet(models.QuerySet):
    def pour(self, utilisateur):
        return self.filter(etude_id=utilisateur.etude_id)


class Evenement(models.Model):
    """Ligne du journal d'audit : qui, quand, quoi, valeurs avant et après.

    Écrite par les services dans la même transaction que le changement ; jamais modifiée
    (un trigger PostgreSQL l'interdit, migration `etude.0002`).
    """

    # Pas d'index propre à etude ni dossier : ils ouvrent les index composés plus bas, qui
    # servent aussi leurs clés étrangères (deux index de moins à tenir par événement écrit).
    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+", db_index=False)
    horodatage = models.DateTimeField(default=timezone.now, db_index=False)
    acteur = models.ForeignKey(
        "etude.Utilisateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide pour un traitement automatique (nuit).",
    )
    acteur_libelle = models.CharField(
        max_length=150, help_text="Nom de l'acteur figé au moment de l'événement."
    )
    action = models.CharField(max_length=80)
    libelle = models.CharField(max_length=300)
    objet_type = models.CharField(max_length=80)
    objet_id = models.CharField(max_length=64)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements",
        db_index=False,
    )
    avant = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    apres = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        ordering = ["-horodatage", "-id"]
        indexes = [
            # Chronologie de la fiche dossier : WHERE dossier_id = ? ORDER BY horodatage DESC.
            models.Index(fields=["dossier", "-horodatage", "-id"], name="evenement_dossier_idx"),
            # Journal de l'étude (supervision) : WHERE etude_id = ? ORDER BY horodatage DESC.
            models.Index(fields=["etude", "-horodatage"], name="evenement_etude_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} {self.acteur_libelle} : {self.libelle}"

    def get_absolute_url(self) -> str:
        if self.dossier_id:
            return reverse("dossier_detail", args=[self.dossier.reference])
        return reverse("bureau")
