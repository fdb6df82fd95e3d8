"""Injonction de payer et petites créances : les procédures qui créent un titre exécutoire."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from etude.errors import RegleMetier

from .. import gardes
from .base import MachineProcedure, Procedure, poursuites_possibles

ZERO = Decimal("0.00")
# CPCE R125-1 dernier al. : 5 000 € en principal et intérêts depuis le 1er janvier 2020.
PLAFOND_PETITES_CREANCES = Decimal("5000.00")


def _montant(nom: str, **extra):
    return models.DecimalField(nom, max_digits=14, decimal_places=2, **extra)


# --- Injonction de payer (CPC 1405 et s. ; DOMAINE décision 11 ; procedures.md §2.3.1) -----


class EtatInjonction(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : requête à déposer"
    REQUETE_DEPOSEE = "requete_deposee", "Requête déposée"
    REQUETE_REJETEE = "requete_rejetee", "Requête rejetée"
    ORDONNANCE_RENDUE = "ordonnance_rendue", "Ordonnance rendue : à signifier"
    SIGNIFIEE = "signifiee", "Ordonnance signifiée : délai d'opposition"
    OPPOSITION_FORMEE = "opposition_formee", "Opposition formée : instance"
    TITRE_EXECUTOIRE = "titre_executoire", "Titre exécutoire"
    NON_AVENUE = "non_avenue", "Ordonnance non avenue"
    ABANDONNEE = "abandonnee", "Abandonnée"


_IP = EtatInjonction


class Distance(models.TextChoices):
    """CPC 643-644 : augmentation du délai d'opposition pour le débiteur éloigné."""

    AUCUNE = "", "Métropole"
    OUTRE_MER = "outre-mer", "Outre-mer (+1 mois)"
    ETRANGER = "etranger", "Étranger (+2 mois)"


class InjonctionDePayer(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatInjonction
    ETATS_FINAUX = frozenset(
        {
            _IP.REQUETE_REJETEE,
            _IP.OPPOSITION_FORMEE,
            _IP.TITRE_EXECUTOIRE,
            _IP.NON_AVENUE,
            _IP.ABANDONNEE,
        }
    )
    MOTIFS_FINAUX = {
        _IP.NON_AVENUE: "CPC 1411 : l'ordonnance n'a pas été signifiée dans les six mois de sa "
        "date ; elle est non avenue",
    }
    # Obtenir un titre n'est pas une mesure d'exécution (C. consom. L722-2).
    SUSPENDUE_PAR_SURENDETTEMENT = False

    etat = FSMField("état", choices=EtatInjonction.choices, default=_IP.OUVERTE, protected=True)
    requete_le = models.DateField("requête déposée le", null=True, blank=True)
    juridiction = models.CharField("juridiction", max_length=200, blank=True)
    montant_principal = _montant("principal demandé", null=True, blank=True)
    ordonnance_le = models.DateField("ordonnance du", null=True, blank=True)
    signifiee_le = models.DateTimeField("signifiée le", null=True, blank=True)
    signifiee_a_personne = models.BooleanField("signifiée à personne", null=True)
    distance = models.CharField(
        "domicile du débiteur", max_length=10, choices=Distance.choices, blank=True
    )
    opposition_le = models.DateField("opposition le", null=True, blank=True)
    executoire_le = models.DateField("exécutoire le", null=True, blank=True)

    class Meta:
        verbose_name = "injonction de payer"

    @transition(etat, source=_IP.OUVERTE, target=_IP.REQUETE_DEPOSEE)
    def deposer_requete(self, *, le, juridiction: str, montant_principal):
        """CPC 1405 à 1407."""
        self.requete_le = le
        self.juridiction = juridiction
        self.montant_principal = montant_principal

    @transition(etat, source=_IP.REQUETE_DEPOSEE, target=_IP.REQUETE_REJETEE)
    def rejeter_requete(self, *, le):
        """CPC 1409 : pas de recours, la voie du droit commun reste ouverte."""

    @transition(etat, source=_IP.REQUETE_DEPOSEE, target=_IP.ORDONNANCE_RENDUE)
    def enregistrer_ordonnance(self, *, le):
        """CPC 1410 : ordonnance revêtue de la formule exécutoire (depuis le 1er mars 2022)."""
        self.ordonnance_le = le

    @transition(etat, source=_IP.ORDONNANCE_RENDUE, target=_IP.SIGNIFIEE)
    def signifier(self, *, le, a_personne: bool, calendrier):
        """CPC 1411 : signification dans les six mois, sinon non avenue."""
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        gardes.avant_echeance(
            "ip_signification",
            self.ordonnance_le,
            gardes.jour_de(le),
            calendrier=calendrier,
            message="l'ordonnance est non avenue si elle n'a pas été signifiée dans les six "
            "mois de sa date.",
        )
        self.signifiee_le = le
        self.signifiee_a_personne = a_personne

    @transition(etat, source=_IP.SIGNIFIEE, target=_IP.OPPOSITION_FORMEE)
    def enregistrer_opposition(self, *, le):
        """CPC 1416 : l'opposition saisit le tribunal ; non signifiée à personne, elle reste
        recevable au-delà du mois (le juge en décide)."""
        self.opposition_le = le

    @transition(etat, source=_IP.SIGNIFIEE, target=_IP.TITRE_EXECUTOIRE)
    def constater_force_executoire(self, *, le, calendrier):
        """CPC 1422 : titre exécutoire à l'expiration du délai d'opposition de 1416 al. 1."""
        gardes.apres_attente(
            "ip_opposition",
            gardes.jour_de(self.signifiee_le),
            le,
            calendrier=calendrier,
            distance=self.distance or None,
            message="l'ordonnance ne constitue un titre exécutoire qu'à l'expiration du délai "
            "d'opposition, qui est suspensif d'exécution.",
        )
        self.executoire_le = le

    @transition(etat, source=_IP.ORDONNANCE_RENDUE, target=_IP.NON_AVENUE)
    def constater_non_avenue(self):
        """Nuit : CPC 1411, pas de signification dans les six mois."""

    @transition(
        etat,
        source=[_IP.OUVERTE, _IP.REQUETE_DEPOSEE, _IP.ORDONNANCE_RENDUE, _IP.SIGNIFIEE],
        target=_IP.ABANDONNEE,
    )
    def abandonner(self, *, motif: str):
        """Désistement du créancier."""


# --- Petites créances (CPCE L125-1, R125-1 et s. ; procedures.md §2.3.2) -------------------


class EtatPetitesCreances(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : invitation à envoyer"
    LETTRE_ENVOYEE = "lettre_envoyee", "Invitation envoyée : délai de réponse"
    ACCORD = "accord", "Accord du débiteur"
    REFUS = "refus", "Refus (exprès ou silence)"
    TITRE_DELIVRE = "titre_delivre", "Titre exécutoire délivré"
    ABANDONNEE = "abandonnee", "Abandonnée"


_PC = EtatPetitesCreances


class PetitesCreances(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatPetitesCreances
    ETATS_FINAUX = frozenset({_PC.REFUS, _PC.TITRE_DELIVRE, _PC.ABANDONNEE})
    MOTIFS_FINAUX = {
        _PC.REFUS: "CPCE R125-2 : le débiteur a refusé ou n'a pas répondu dans le mois ; le "
        "créancier peut saisir le juge",
    }
    # C. consom. L722-5 : après la recevabilité, le débiteur ne peut payer ses dettes
    # antérieures ; l'étude ne l'invite pas à un accord de paiement.
    SUSPENDUE_PAR_SURENDETTEMENT = True

    etat = FSMField(
        "état", choices=EtatPetitesCreances.choices, default=_PC.OUVERTE, protected=True
    )
    lettre_envoyee_le = models.DateField("invitation envoyée le", null=True, blank=True)
    montant_principal = _montant("principal", null=True, blank=True)
    montant_interets = _montant("intérêts", null=True, blank=True)
    reponse_le = models.DateField("réponse le", null=True, blank=True)
    titre_delivre_le = models.DateField("titre délivré le", null=True, blank=True)

    class Meta:
        verbose_name = "petites créances"
        verbose_name_plural = "petites créances"

    @property
    def refus_implicite(self) -> bool:
        """R125-2 : « L'absence de réponse dans le délai d'un mois vaut refus implicite »."""
        return self.etat == _PC.REFUS and self.reponse_le is None

    @transition(
        etat, source=_PC.OUVERTE, target=_PC.LETTRE_ENVOYEE, conditions=[poursuites_possibles]
    )
    def envoyer_lettre(self, *, le, montant_principal, montant_interets):
        """CPCE R125-1 : plafond de 5 000 € en principal et intérêts ; R125-2 : mentions."""
        total = (montant_principal or ZERO) + (montant_interets or ZERO)
        if total > PLAFOND_PETITES_CREANCES:
            raise RegleMetier(
                f"CPCE R125-1 : la procédure simplifiée est limitée à 5 000 € en principal et "
                f"intérêts ({total} € demandés)."
            )
        self.lettre_envoyee_le = le
        self.montant_principal = montant_principal
        self.montant_interets = montant_interets

    @transition(etat, source=_PC.LETTRE_ENVOYEE, target=_PC.ACCORD)
    def enregistrer_accord(self, *, le, calendrier):
        gardes.avant_echeance(
            "pc_reponse",
            self.lettre_envoyee_le,
            le,
            calendrier=calendrier,
            message="l'accord est donné dans le mois de l'envoi de l'invitation.",
        )
        self.reponse_le = le

    @transition(etat, source=_PC.LETTRE_ENVOYEE, target=_PC.REFUS)
    def enregistrer_refus(self, *, le):
        self.reponse_le = le

    @transition(etat, source=_PC.LETTRE_ENVOYEE, target=_PC.REFUS)
    def constater_silence(self):
        """Nuit : CPCE R125-2, le silence d'un mois vaut refus implicite."""

    @transition(
        etat, source=_PC.ACCORD, target=_PC.TITRE_DELIVRE, conditions=[poursuites_possibles]
    )
    def delivrer_titre(self, *, le):
        """CPCE L125-1 et L111-3 7° : le commissaire délivre le titre exécutoire."""
        self.titre_delivre_le = le

    @transition(etat, source=[_PC.OUVERTE, _PC.LETTRE_ENVOYEE, _PC.ACCORD], target=_PC.ABANDONNEE)
    def abandonner(self, *, motif: str):
        """Désistement du créancier."""
