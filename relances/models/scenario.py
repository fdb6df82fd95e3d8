"""Scénarios de recouvrement amiable, leurs étapes, leur affectation aux dossiers, et les
réglages de contact de l'étude."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from dossiers.models import Nature, QuerySetEtude, TypePersonne


class Canal(models.TextChoices):
    LETTRE = "lettre", "Lettre"
    EMAIL = "email", "Courriel"
    SMS = "sms", "SMS"
    APPEL = "appel", "Appel téléphonique"
    TACHE = "tache", "Tâche pour le clerc"


CANAUX_ELECTRONIQUES = {Canal.EMAIL, Canal.SMS}

# Rien qui révèle la dette à un tiers : un SMS ou un courriel peut être lu par un proche (un
# téléphone partagé, une boîte commune). Règles professionnelles des commissaires de justice
# (arrêté du 27 février 2024, annexe, art. 27 : « Il respecte la vie privée des personnes » ;
# art. 28 : secret des informations). Ces messages invitent à prendre contact, sans dire de
# quoi il s'agit ; la lettre, sous pli fermé au nom du débiteur, porte le détail.
MOTS_INDISCRETS = (
    "dette",
    "impayé",
    "impaye",
    "créance",
    "creance",
    "recouvrement",
    "saisie",
    "poursuite",
    "huissier",
    "contentieux",
    "montant",
    "solde",
    "principal",
    "intérêts",
)
VARIABLES_INDISCRETES = ("montant", "principal", "interets", "frais", "total", "creancier")


def mots_indiscrets(texte: str) -> list[str]:
    """Mots ou variables d'un modèle de SMS ou de courriel qui révéleraient la dette."""
    bas = texte.lower()
    trouves = [m for m in MOTS_INDISCRETS if re.search(rf"\b{re.escape(m)}", bas)]
    for variable in re.findall(r"{{\s*([\w.]+)", bas):
        if any(v in variable for v in VARIABLES_INDISCRETES):
            trouves.append("{{ " + variable + " }}")
    return trouves


class Scenario(models.Model):
    """Un plan de relance amiable : des étapes ordonnées, une règle d'affectation, des
    conditions d'arrêt."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    nom = models.CharField("nom", max_length=120)
    actif = models.BooleanField("actif", default=True)
    # Affectation par règles : le premier scénario actif (priorité croissante) dont la règle
    # convient au dossier est affecté à un dossier amiable qui n'en a pas.
    priorite = models.PositiveSmallIntegerField("priorité", default=100)
    affectation_auto = models.BooleanField("affecté par règles", default=True)
    regle_montant_min = models.DecimalField(
        "montant à partir de", max_digits=14, decimal_places=2, null=True, blank=True
    )
    regle_montant_max = models.DecimalField(
        "montant jusqu'à", max_digits=14, decimal_places=2, null=True, blank=True
    )
    regle_type_personne = models.CharField(
        "débiteur", max_length=10, choices=TypePersonne.choices, blank=True
    )
    regle_nature = models.CharField(
        "nature de la créance", max_length=20, choices=Nature.choices, blank=True
    )
    # Ce qui arrête le scénario.
    arret_paiement_total = models.BooleanField("paiement total", default=True)
    arret_plan = models.BooleanField("plan accepté", default=True)
    arret_contestation = models.BooleanField("contestation", default=True)
    arret_surendettement = models.BooleanField("dossier de surendettement", default=True)
    arret_promesse = models.BooleanField("promesse, jusqu'à sa date", default=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "scénario"
        ordering = ["priorite", "id"]
        constraints = [
            models.UniqueConstraint(fields=["etude", "nom"], name="scenario_nom_unique"),
            models.CheckConstraint(
                condition=models.Q(regle_montant_min__isnull=True)
                | models.Q(regle_montant_max__isnull=True)
                | models.Q(regle_montant_max__gte=models.F("regle_montant_min")),
                name="scenario_tranche_ordonnee",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("relances_scenario", args=[self.pk])


class EtapeScenario(models.Model):
    """Une étape : N jours après l'étape précédente (ou l'affectation), un canal, un modèle
    de message, des conditions. Une étape dont les conditions ne conviennent pas au dossier
    est « ignorée » (l'envoi le dit, avec la raison) et le scénario passe à la suivante."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="etapes")

    class Declencheur(models.TextChoices):
        DELAI = "delai", "N jours après l'étape précédente"
        ECHEANCE_MANQUEE = "echeance_manquee", "Échéance d'un plan manquée"

    rang = models.PositiveSmallIntegerField("rang")
    # Une étape « échéance manquée » ne suit pas l'ordre des autres : elle part une fois pour
    # chaque échéance que la nuit constate manquée sur un plan en cours du dossier.
    declencheur = models.CharField(
        "déclencheur", max_length=16, choices=Declencheur.choices, default=Declencheur.DELAI
    )
    apres_jours = models.PositiveSmallIntegerField(
        "après (jours)", help_text="Jours après l'étape précédente, ou après l'affectation."
    )
    canal = models.CharField("canal", max_length=6, choices=Canal.choices)
    objet = models.CharField("objet (courriel)", max_length=150, blank=True)
    modele = models.TextField(
        "modèle du message",
        blank=True,
        help_text=(
            "Gabarit Django : {{ debiteur }}, {{ etude }}, {{ telephone_etude }}, "
            "{{ reference }} ; la lettre ajoute le détail de la dette."
        ),
    )
    script = models.TextField("script d'appel", blank=True)
    # Conditions (vides : toujours).
    montant_min = models.DecimalField(
        "si montant à partir de", max_digits=14, decimal_places=2, null=True, blank=True
    )
    montant_max = models.DecimalField(
        "si montant jusqu'à", max_digits=14, decimal_places=2, null=True, blank=True
    )
    type_personne = models.CharField(
        "si débiteur", max_length=10, choices=TypePersonne.choices, blank=True
    )
    nature = models.CharField(
        "si nature de la créance", max_length=20, choices=Nature.choices, blank=True
    )
    # La dernière étape propose la voie judiciaire avec l'évaluation de solvabilité.
    voie_judiciaire = models.BooleanField("propose la voie judiciaire", default=False)
    # Une étape retirée alors que des envois la citent (PROTECT) est désactivée : la campagne
    # ne la propose plus, ses envois et ses résultats restent.
    actif = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "étape de scénario"
        ordering = ["scenario", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "rang"], name="etape_rang_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rang}. {self.get_canal_display()} à J+{self.apres_jours}"

    def clean(self):
        if self.canal in CANAUX_ELECTRONIQUES:
            trouves = mots_indiscrets(f"{self.objet}\n{self.modele}")
            if trouves:
                raise ValidationError(
                    {
                        "modele": "Un SMS ou un courriel peut être lu par un tiers : il ne "
                        "doit rien révéler de la dette (règles professionnelles, art. 27 et "
                        "28). Retirez : " + ", ".join(trouves) + "."
                    }
                )
        if self.canal == Canal.EMAIL and not self.objet.strip():
            raise ValidationError({"objet": "Indiquez l'objet du courriel."})
        if self.canal in (Canal.EMAIL, Canal.SMS) and not self.modele.strip():
            raise ValidationError({"modele": "Écrivez le message."})


class MotifArret(models.TextChoices):
    PAIEMENT = "paiement", "Paiement total"
    PLAN = "plan", "Plan de paiement à approuver ou en cours"
    CONTESTATION = "contestation", "Contestation"
    SURENDETTEMENT = "surendettement", "Dossier de surendettement"
    TERMINE = "termine", "Étapes épuisées : voie judiciaire proposée"
    RETIRE = "retire", "Retiré à la main"


class AffectationScenario(models.Model):
    """Le scénario que suit un dossier (un seul à la fois), depuis quand, et ce qui l'arrête
    ou le suspend."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="affectation_scenario"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="affectations")
    depuis = models.DateField("depuis")
    manuelle = models.BooleanField("affecté à la main", default=False)
    arret = models.CharField("arrêté", max_length=15, choices=MotifArret.choices, blank=True)
    arrete_le = models.DateField("arrêté le", null=True, blank=True)
    # Promesse de payer : le scénario attend jusqu'à cette date (incluse).
    suspendu_jusqu_au = models.DateField("suspendu jusqu'au", null=True, blank=True)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "affectation de scénario"
        indexes = [
            # Campagne : WHERE etude_id = ? AND arret = '' (dossiers dont le scénario court).
            models.Index(
                fields=["etude", "scenario"],
                condition=models.Q(arret=""),
                name="affectation_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} : {self.scenario_id}"


class ReglageRelances(models.Model):
    """Heures de contact de l'étude, téléphone et nom affichés dans les courriels et SMS. Sans
    ligne, les valeurs par défaut s'appliquent : 8 h à 20 h, du lundi au samedi, jamais un
    jour férié ; le téléphone et le nom de l'étude."""

    etude = models.OneToOneField(
        "etude.Etude", on_delete=models.CASCADE, related_name="reglage_relances"
    )
    heure_debut = models.PositiveSmallIntegerField(
        "à partir de (heure)", default=8, validators=[MaxValueValidator(23)]
    )
    heure_fin = models.PositiveSmallIntegerField(
        "jusqu'à (heure)", default=20, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    samedi = models.BooleanField("le samedi", default=True)
    telephone = models.CharField("téléphone affiché dans les messages", max_length=30, blank=True)
    # Discrétion (issue 6 : rien qui révèle la dette à un tiers) : un SMS ou un courriel peut
    # être vu par un proche ; le nom légal de l'étude (« … commissaires de justice ») y dit
    # déjà une poursuite. Les lettres, sous pli, portent le nom légal (R124-4 1°).
    nom_affiche = models.CharField(
        "nom affiché dans les courriels et SMS",
        max_length=80,
        blank=True,
        help_text="Un nom neutre (par exemple « Cabinet Martin ») ; vide : le nom de l'étude. "
        "Les lettres, sous pli, portent toujours le nom de l'étude.",
    )

    class Meta:
        verbose_name = "réglage des relances"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(heure_fin__gt=models.F("heure_debut")),
                name="reglage_heures_ordonnees",
                violation_error_message="L'heure de fin des contacts doit venir après "
                "l'heure de début.",
            ),
        ]

    def __str__(self) -> str:
        return f"Contacts de {self.heure_debut} h à {self.heure_fin} h"


ZERO = Decimal("0.00")
