"""Campagnes (passes d'étapes dues), envois (un message à un débiteur), appels, lettres du
jour.

Exactement un envoi par dossier et par étape, quoi qu'il arrive (deux passes, deux workers,
un worker tué, Redis vidé) : la contrainte unique `envoi_unique_dossier_etape` le garantit en
base, et l'état de chaque envoi est tenu en PostgreSQL, pas dans la file :
    a_envoyer -> en_cours -> envoye | echoue ;   ignore (condition non remplie, dit pourquoi).
`en_cours` est écrit et validé juste avant de remettre le message au canal : un envoi trouvé
`en_cours` après une interruption n'est jamais renvoyé (il finit `echoue`, « interrompu ») ;
on préfère un message perdu, visible et relançable à la main, à un message en double.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from dossiers.models import QuerySetEtude

from .scenario import Canal


class Campagne(models.Model):
    class Origine(models.TextChoices):
        NUIT = "nuit", "Nuit"
        DEMANDE = "demande", "À la demande"

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    le = models.DateField("journée")
    origine = models.CharField("origine", max_length=8, choices=Origine.choices)
    lancee_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lancee_le = models.DateTimeField("lancée le", auto_now_add=True)
    nombre_envois = models.PositiveIntegerField("envois créés", default=0)
    nombre_taches = models.PositiveIntegerField("tâches Celery", default=0)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "campagne"
        ordering = ["-le", "-id"]
        constraints = [
            # La nuit d'une journée est une seule campagne : rejouée, elle se retrouve.
            models.UniqueConstraint(
                fields=["etude", "le"],
                condition=models.Q(origine="nuit"),
                name="campagne_nuit_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Campagne du {self.le:%d/%m/%Y} ({self.get_origine_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("relances_campagne", args=[self.pk])


class EtatEnvoi(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    EN_COURS = "en_cours", "En cours"
    ENVOYE = "envoye", "Envoyé"
    ECHOUE = "echoue", "Échoué"
    IGNORE = "ignore", "Ignoré"


ETATS_FINAUX = (EtatEnvoi.ENVOYE, EtatEnvoi.ECHOUE, EtatEnvoi.IGNORE)


class LotLettres(models.Model):
    """Le fichier PDF des lettres d'une journée, prêt à imprimer (enveloppes à fenêtre),
    précédé de la liste des dossiers."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    le = models.DateField("journée")
    fichier = models.FileField("fichier", upload_to="relances/lettres/%Y/%m/")
    nombre = models.PositiveIntegerField("lettres", default=0)
    produit_le = models.DateTimeField("produit le", auto_now=True)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "lettres du jour"
        ordering = ["-le"]
        constraints = [
            models.UniqueConstraint(fields=["etude", "le"], name="lot_lettres_unique"),
        ]

    def __str__(self) -> str:
        return f"Lettres du {self.le:%d/%m/%Y}"


class Envoi(models.Model):
    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    # Pas d'index propre à campagne, dossier ni echeance : ils ouvrent des index composés
    # (campagne, etat), (dossier, -le) et l'unique (echeance, etape) des rappels, qui servent
    # aussi leurs clés étrangères ; trois index de moins à tenir par envoi créé (une
    # campagne en crée 100 000 d'un coup).
    campagne = models.ForeignKey(
        Campagne, on_delete=models.PROTECT, related_name="envois", db_index=False
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    debiteur = models.ForeignKey("dossiers.Debiteur", on_delete=models.PROTECT, related_name="+")
    etape = models.ForeignKey(
        "relances.EtapeScenario", on_delete=models.PROTECT, related_name="envois"
    )
    canal = models.CharField("canal", max_length=6, choices=Canal.choices)
    le = models.DateField("journée")
    etat = models.CharField(
        "état", max_length=10, choices=EtatEnvoi.choices, default=EtatEnvoi.A_ENVOYER
    )
    motif = models.CharField("raison", max_length=200, blank=True)
    destinataire = models.CharField("destinataire", max_length=254, blank=True)
    reclame_le = models.DateTimeField("pris par un worker le", null=True, blank=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)
    identifiant_externe = models.CharField(
        "identifiant du prestataire", max_length=120, blank=True
    )
    segments = models.PositiveSmallIntegerField("SMS facturés", null=True, blank=True)
    lot = models.ForeignKey(
        LotLettres, on_delete=models.PROTECT, null=True, blank=True, related_name="envois"
    )
    # Rappel d'une échéance manquée (étape « échéance manquée ») : un envoi par échéance.
    echeance = models.ForeignKey(
        "relances.Echeance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rappels",
        db_index=False,
    )

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "envoi"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "etape"],
                condition=models.Q(echeance__isnull=True),
                name="envoi_unique_dossier_etape",
            ),
            models.UniqueConstraint(
                fields=["echeance", "etape"],
                condition=models.Q(echeance__isnull=False),
                name="envoi_unique_echeance_etape",
            ),
        ]
        indexes = [
            # Page de la campagne : compteurs GROUP BY etat WHERE campagne_id = ?.
            models.Index(fields=["campagne", "etat"], name="envoi_campagne_etat_idx"),
            # Reprise depuis PostgreSQL : WHERE etat IN ('a_envoyer', 'en_cours').
            models.Index(
                fields=["etat", "id"],
                condition=models.Q(etat__in=["a_envoyer", "en_cours"]),
                name="envoi_en_attente_idx",
            ),
            # Étape suivante d'un dossier : dernier envoi WHERE dossier_id = ?.
            models.Index(fields=["dossier", "-le"], name="envoi_dossier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} {self.dossier_id} ({self.get_etat_display()})"


class ResultatAppel(models.TextChoices):
    PAS_JOINT = "pas_joint", "Pas joint"
    MAUVAIS_NUMERO = "mauvais_numero", "Mauvais numéro"
    PROMESSE = "promesse", "Promesse de payer"
    PLAN = "plan", "Plan proposé"
    CONTESTATION = "contestation", "Contestation"
    # Jamais choisi par le clerc : un mauvais numéro signalé sur un autre appel retire du
    # même coup les appels en attente vers ce numéro (le commentaire dit lequel).
    IGNORE = "ignore", "Ignoré : numéro retiré"


RESULTATS_JOINTS = (ResultatAppel.PROMESSE, ResultatAppel.PLAN, ResultatAppel.CONTESTATION)


class Appel(models.Model):
    """Un appel à passer par le clerc du dossier, et son résultat."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    envoi = models.OneToOneField(
        Envoi, on_delete=models.PROTECT, null=True, blank=True, related_name="appel"
    )
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    debiteur = models.ForeignKey("dossiers.Debiteur", on_delete=models.PROTECT, related_name="+")
    clerc = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    telephone = models.CharField("numéro", max_length=20)
    prevu_le = models.DateField("à appeler le")
    script = models.TextField("script", blank=True)
    resultat = models.CharField(
        "résultat", max_length=15, choices=ResultatAppel.choices, blank=True
    )
    promesse_date = models.DateField("promesse : payer au plus tard le", null=True, blank=True)
    promesse_montant = models.DecimalField(
        "promesse : montant", max_digits=14, decimal_places=2, null=True, blank=True
    )
    commentaire = models.CharField("commentaire", max_length=300, blank=True)
    traite_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    traite_le = models.DateTimeField("traité le", null=True, blank=True)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "appel"
        ordering = ["prevu_le", "id"]
        indexes = [
            # Liste d'appels du clerc : WHERE clerc_id = ? AND resultat = ''.
            models.Index(
                fields=["clerc", "prevu_le"],
                condition=models.Q(resultat=""),
                name="appel_a_faire_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(resultat="promesse")
                | models.Q(promesse_date__isnull=False, promesse_montant__gt=0),
                name="appel_promesse_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Appel {self.dossier_id} le {self.prevu_le:%d/%m/%Y}"


# Intitulé d'une tâche qui propose la voie judiciaire (étape `voie_judiciaire`) : il mène à
# l'évaluation de solvabilité de la fiche du dossier, où sont proposées les voies.
PROPOSER_VOIE_JUDICIAIRE = "Proposer la voie judiciaire"


class Tache(models.Model):
    """Une tâche à faire par le clerc du dossier : mise par une étape « tâche » du scénario,
    ou par l'arrêt d'un scénario épuisé dont la dernière étape propose la voie judiciaire.

    Une tâche par envoi (OneToOne : un paquet rejoué, deux workers, la nuit suivante qui
    arrête le scénario ne créent jamais la seconde)."""

    etude = models.ForeignKey("etude.Etude", on_delete=models.PROTECT, related_name="+")
    envoi = models.OneToOneField(Envoi, on_delete=models.PROTECT, related_name="tache")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    clerc = models.ForeignKey("etude.Utilisateur", on_delete=models.PROTECT, related_name="+")
    prevue_le = models.DateField("à faire le")
    texte = models.TextField("à faire")
    voie_judiciaire = models.BooleanField("propose la voie judiciaire", default=False)
    faite_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    faite_le = models.DateTimeField("faite le", null=True, blank=True)

    objects = QuerySetEtude.as_manager()

    class Meta:
        verbose_name = "tâche"
        ordering = ["prevue_le", "id"]
        indexes = [
            # Mon bureau : WHERE clerc_id = ? AND faite_le IS NULL AND prevue_le <= ?.
            models.Index(
                fields=["clerc", "prevue_le"],
                condition=models.Q(faite_le__isnull=True),
                name="tache_a_faire_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(faite_le__isnull=True, faite_par__isnull=True)
                | models.Q(faite_le__isnull=False, faite_par__isnull=False),
                name="tache_faite_par_qui",
            ),
        ]

    def __str__(self) -> str:
        return f"Tâche {self.dossier_id} le {self.prevue_le:%d/%m/%Y}"

    @property
    def ancre(self) -> str:
        """L'endroit de la fiche du dossier où la tâche se fait : l'évaluation de solvabilité
        et ses voies proposées pour la voie judiciaire, le panneau des relances sinon."""
        return "solvabilite" if self.voie_judiciaire else "relances"
