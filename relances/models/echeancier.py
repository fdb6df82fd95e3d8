"""Échéanciers (plans de paiement amiables) et leurs échéances ; politique de l'étude.

Cycle d'un échéancier (django-fsm-2, transitions pures ; les services enregistrent, écrivent
l'événement d'audit) :

    a_approuver --approuver--> en_cours --solder--> solde
         |                        |
         +--refuser--> refuse     +--prononcer_decheance--> dechu
    (accepter dans la politique : en_cours directement)

Un plan hors de la politique de l'étude (plus long que sa durée maximale, ou qui abandonne
intérêts ou frais) attend l'approbation du principal clerc (`a_approuver`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers.models import QuerySetEtude

from ..echeancier_calcul import DUREE_REFERENCE_MOIS

ZERO = Decimal("0.00")


class PolitiqueEcheancier(models.Model):
    """Ce que l'étude accorde sans approbation, et les délais qu'elle laisse au débiteur.

    Les valeurs par défaut sont des choix de l'étude, pas des chiffres de la loi, sauf la
    durée de référence (C. civ. 1343-5 : deux années)."""

    etude = models.OneToOneField(
        "etude.Etude", on_delete=models.CASCADE, related_name="politique_echeancier"
    )
    duree_max_mois = models.PositiveSmallIntegerField(
        "durée maximale (mois)",
        default=DUREE_REFERENCE_MOIS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Au-delà, le plan attend l'approbation du principal clerc (référence : "
        "C. civ. 1343-5, deux années).",
    )
    remise_interets_autorisee = models.BooleanField(
        "remise des intérêts sans approbation", default=False
    )
    remise_frais_autorisee = models.BooleanField(
        "remise des frais sans approbation", default=False
    )
    reste_a_vivre = models.DecimalField(
        "reste-à-vivre du foyer (par mois)",
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="Laissé au débiteur avant toute échéance (en plus de ce que la quotité "
        "saisissable laisse déjà : C. trav. R3252-5).",
    )
    reste_a_vivre_par_personne = models.DecimalField(
        "reste-à-vivre par personne à charge (par mois)",
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    grace_jours = models.PositiveSmallIntegerField(
        "grâce après une échéance manquée (jours)",
        default=15,
        help_text="Après ce délai, le clerc est invité à prononcer la déchéance du terme.",
    )
    delai_mise_en_demeure_jours = models.PositiveSmallIntegerField(
        "délai laissé par la mise en demeure (jours)",
        default=8,
        help_text="La déchéance ne se prononce qu'après ce délai suivant la mise en demeure.",
    )

    class Meta:
        verbose_name = "politique des échéanciers"
        verbose_name_plural = "politiques des échéanciers"

    def __str__(self) -> str:
        return f"Politique des échéanciers ({self.etude_id})"

    @classmethod
    def de(cls, etude_id: int) -> PolitiqueEcheancier:
        """La politique de l'étude, ou celle par défaut (non enregistrée) si elle n'en a pas."""
        return cls.objects.filter(etude_id=etude_id).first() or cls(etude_id=etude_id)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.delai_mise_en_demeure_jours is not None and self.delai_mise_en_demeure_jours < 1:
            raise ValidationError(
                {
                    "delai_mise_en_demeure_jours": "Une mise en demeure laisse au moins un jour "
                    "au débiteur pour régulariser."
                }
            )

    def reste_a_vivre_foyer(self, personnes_a_charge: int) -> Decimal:
        return self.reste_a_vivre + self.reste_a_vivre_par_personne * personnes_a_charge


class EtatEcheancier(models.TextChoices):
    A_APPROUVER = "a_approuver", "À approuver (hors politique)"
    REFUSE = "refuse", "Refusé"
    EN_COURS = "en_cours", "En cours"
    SOLDE = "solde", "Soldé"
    DECHU = "dechu", "Déchu (déchéance du terme)"


ACTIFS = (EtatEcheancier.A_APPROUVER, EtatEcheancier.EN_COURS)


class SuiteDecheance(models.TextChoices):
    SCENARIO = "scenario", "Reprise du scénario de relance"
    JUDICIAIRE = "judiciaire", "Voie judiciaire"


class EcheancierQuerySet(QuerySetEtude):
    def actifs(self):
        return self.filter(etat__in=ACTIFS)


class Echeancier(ConcurrentTransitionMixin, models.Model):
    """Un plan de paiement amiable d'un dossier : ses échéances, son état, ses décisions."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="echeanciers"
    )
    etat = FSMField(
        "état", max_length=12, choices=EtatEcheancier.choices, protected=True, default=""
    )
    montant = models.DecimalField("montant échelonné", max_digits=14, decimal_places=2)
    # Ce qui composait le dû au jour de l'accord (solde du grand livre) et ce qui est remis.
    du_frais = models.DecimalField("frais dus", max_digits=14, decimal_places=2)
    du_interets = models.DecimalField("intérêts dus", max_digits=14, decimal_places=2)
    du_principal = models.DecimalField("principal dû", max_digits=14, decimal_places=2)
    remise_interets = models.BooleanField("intérêts remis", default=False)
    remise_frais = models.BooleanField("frais remis", default=False)
    nombre = models.PositiveSmallIntegerField("nombre d'échéances")
    capacite = models.DecimalField(
        "capacité mensuelle estimée", max_digits=14, decimal_places=2, null=True, blank=True
    )
    motifs_hors_politique = models.JSONField("hors politique", default=list, blank=True)
    accepte_le = models.DateField("accepté le")
    accepte_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, related_name="+"
    )
    decide_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decide_le = models.DateTimeField(null=True, blank=True)
    commentaire_decision = models.TextField("commentaire du principal clerc", blank=True)
    # Suivi de nuit : premier jour où la déchéance peut être prononcée (grâce écoulée).
    a_decheoir_depuis = models.DateField("déchéance possible depuis", null=True, blank=True)
    # La dernière mise en demeure ; elle ne vaut que pour le défaut en cours (faite le jour où
    # la déchéance est devenue possible, ou après). Les précédentes, faites pour un défaut
    # que le débiteur a régularisé, restent dans `mises_en_demeure_anterieures`.
    mise_en_demeure_le = models.DateField("mise en demeure le", null=True, blank=True)
    mises_en_demeure_anterieures = models.JSONField(
        "mises en demeure antérieures",
        default=list,
        blank=True,
        help_text="Dates (AAAA-MM-JJ) des mises en demeure faites pour un défaut régularisé.",
    )
    dechu_le = models.DateField("déchu le", null=True, blank=True)
    suite = models.CharField(
        "suite après déchéance", max_length=12, choices=SuiteDecheance.choices, blank=True
    )
    solde_le = models.DateField("soldé le", null=True, blank=True)
    verse = models.DecimalField("versé sur le plan", max_digits=14, decimal_places=2, default=ZERO)
    # A444-44 : total de l'émolument n° 204 déjà passé au grand livre (HT).
    emolument_percu = models.DecimalField(
        "émolument A444-44 passé (HT)", max_digits=10, decimal_places=2, default=ZERO
    )
    rapproche_le = models.DateField("rapproché au", null=True, blank=True)
    cree_le = models.DateTimeField(default=timezone.now)

    objects = EcheancierQuerySet.as_manager()

    class Meta:
        verbose_name = "échéancier"
        constraints = [
            # Un seul plan vivant par dossier.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(etat__in=ACTIFS),
                name="echeancier_un_actif_par_dossier",
            ),
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="echeancier_positif"),
            models.CheckConstraint(
                condition=~models.Q(etat=EtatEcheancier.DECHU)
                | models.Q(dechu_le__isnull=False, mise_en_demeure_le__isnull=False),
                name="echeancier_decheance_apres_mise_en_demeure",
            ),
        ]
        indexes = [
            # Nuit : WHERE etat = 'en_cours' ; files : WHERE etude_id = ? AND etat = ?.
            models.Index(fields=["etude", "etat"], name="echeancier_etat_idx"),
        ]

    def __str__(self) -> str:
        return f"Échéancier {self.pk} du dossier {self.dossier_id}"

    def get_absolute_url(self) -> str:
        return reverse("echeancier_detail", args=[self.pk])

    @property
    def hors_politique(self) -> bool:
        return bool(self.motifs_hors_politique)

    @property
    def mise_en_demeure_en_vigueur(self) -> bool:
        """Une mise en demeure vaut pour le défaut en cours : faite le jour où la déchéance
        est devenue possible (`a_decheoir_depuis`) ou après. Celle d'un défaut antérieur,
        que le débiteur a régularisé, ne fonde pas la déchéance d'un nouveau défaut."""
        return (
            self.mise_en_demeure_le is not None
            and self.a_decheoir_depuis is not None
            and self.mise_en_demeure_le >= self.a_decheoir_depuis
        )

    # --- transitions (en mémoire ; le service enregistre et audite) ---

    @transition(etat, source="", target=EtatEcheancier.A_APPROUVER)
    def soumettre(self):
        pass

    @transition(etat, source="", target=EtatEcheancier.EN_COURS)
    def ouvrir(self):
        pass

    @transition(etat, source=EtatEcheancier.A_APPROUVER, target=EtatEcheancier.EN_COURS)
    def approuver(self):
        pass

    @transition(etat, source=EtatEcheancier.A_APPROUVER, target=EtatEcheancier.REFUSE)
    def refuser(self):
        pass

    @transition(etat, source=EtatEcheancier.EN_COURS, target=EtatEcheancier.SOLDE)
    def solder(self):
        pass

    @transition(
        etat,
        source=EtatEcheancier.EN_COURS,
        target=EtatEcheancier.DECHU,
        conditions=[lambda e: e.mise_en_demeure_en_vigueur],
    )
    def prononcer_decheance(self):
        pass


class EtatEcheance(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    PARTIELLE = "partielle", "Partiellement payée"
    PAYEE = "payee", "Payée"
    EN_RETARD = "en_retard", "En retard (manquée)"


class EcheanceQuerySet(models.QuerySet):
    def pour(self, utilisateur):
        return self.filter(echeancier__etude_id=utilisateur.etude_id)


class Echeance(models.Model):
    """Une échéance d'un échéancier ; `paye` et `etat` sont tenus par le rapprochement."""

    echeancier = models.ForeignKey(Echeancier, on_delete=models.CASCADE, related_name="echeances")
    rang = models.PositiveSmallIntegerField("rang")
    date = models.DateField("date")
    montant = models.DecimalField("montant", max_digits=14, decimal_places=2)
    paye = models.DecimalField("payé", max_digits=14, decimal_places=2, default=ZERO)
    etat = models.CharField(
        "état", max_length=10, choices=EtatEcheance.choices, default=EtatEcheance.A_VENIR
    )
    payee_le = models.DateField("payée le", null=True, blank=True)
    # Jour où la nuit a constaté le manquement (une fois) : l'étape de relance s'y attache.
    manquee_le = models.DateField("manquée constatée le", null=True, blank=True)

    objects = EcheanceQuerySet.as_manager()

    class Meta:
        verbose_name = "échéance"
        ordering = ["rang"]
        constraints = [
            models.UniqueConstraint(fields=["echeancier", "rang"], name="echeance_rang_unique"),
            models.CheckConstraint(condition=models.Q(montant__gt=0), name="echeance_positive"),
            models.CheckConstraint(
                condition=models.Q(paye__gte=0, paye__lte=models.F("montant")),
                name="echeance_paye_borne",
            ),
        ]
        indexes = [
            # Nuit et relances : échéances échues non payées des plans en cours
            # (WHERE date < ? AND etat <> 'payee').
            models.Index(
                fields=["date"],
                condition=~models.Q(etat="payee"),
                name="echeance_non_payee_idx",
            ),
            # Nuit (plans_a_rapprocher) : échéances échues dont la nuit n'a pas encore tout
            # constaté (WHERE date < ? AND etat <> 'payee' AND (manquee_le IS NULL OR etat
            # <> 'en_retard')) : quelques lignes par nuit, pas toutes les échéances en retard.
            models.Index(
                fields=["date"],
                condition=~models.Q(etat="payee")
                & (models.Q(manquee_le__isnull=True) | ~models.Q(etat="en_retard")),
                name="echeance_a_constater_idx",
            ),
            # Nuit : plans qui ont une échéance en retard (la grâce court).
            models.Index(
                fields=["echeancier"],
                condition=models.Q(etat="en_retard"),
                name="echeance_en_retard_idx",
            ),
            # echeances_manquees(le) : WHERE manquee_le = ?.
            models.Index(
                fields=["manquee_le"],
                condition=models.Q(manquee_le__isnull=False),
                name="echeance_manquee_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Échéance {self.rang} du {self.date:%d/%m/%Y}"

    @property
    def reste(self) -> Decimal:
        return self.montant - self.paye
