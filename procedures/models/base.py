"""La procédure commune à tous les types, ses délais et les approbations.

Choix de l'héritage multi-tables (une table `Procedure` et une table par type, jointes par la
clé primaire) plutôt qu'un un-à-un explicite :
- les listes (dossier, tableau, supervision) lisent la seule table `Procedure` avec son
  `etape` dénormalisée, sans jointure vers sept tables ;
- chaque type garde ses champs datés et son `etat` avec ses propres choix, dans sa table ;
- `ConcurrentTransitionMixin` fonctionne : Django écrit chaque table de la hiérarchie par un
  `_do_update` distinct, et le mixin filtre sur `etat` celle qui le porte (la table du type).
  Un service enregistre toujours `etat` dans `update_fields`, sans quoi la table du type ne
  serait pas filtrée. Le test `test_concurrence` le vérifie sur les deux bases.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from dossiers.models import Debiteur, Dossier, QuerySetEtude, TitreExecutoire
from etude.models import Etude

from ..catalogue import Nature, Type


class TypeProcedure(models.TextChoices):
    SAISIE_VENTE = Type.SAISIE_VENTE, "Saisie-vente"
    SAISIE_ATTRIBUTION = Type.SAISIE_ATTRIBUTION, "Saisie-attribution"
    INJONCTION_DE_PAYER = Type.INJONCTION_DE_PAYER, "Injonction de payer"
    PETITES_CREANCES = Type.PETITES_CREANCES, "Petites créances"
    SAISIE_REMUNERATIONS = Type.SAISIE_REMUNERATIONS, "Saisie des rémunérations"
    EXPULSION = Type.EXPULSION, "Expulsion"
    CLAUSE_RESOLUTOIRE = Type.CLAUSE_RESOLUTOIRE, "Commandement visant la clause résolutoire"


# Procédures qui peuvent commencer sans titre exécutoire : elles servent à en obtenir un.
SANS_TITRE = {Type.INJONCTION_DE_PAYER, Type.PETITES_CREANCES}


class ProcedureQuerySet(QuerySetEtude):
    def actives(self):
        return self.filter(cloturee_le__isnull=True)


class Procedure(models.Model):
    """Une procédure d'exécution d'un dossier contre un débiteur ; le détail est dans la table
    de son type (`specifique`)."""

    # Pas d'index propre sur etude_id et dossier_id : `procedure_en_cours_idx` et
    # `procedure_dossier_idx` les couvrent ; chaque index de plus ralentit la nuit (UPDATE).
    etude = models.ForeignKey(
        Etude, on_delete=models.PROTECT, related_name="procedures", db_index=False
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="procedures", db_index=False
    )
    debiteur = models.ForeignKey(
        Debiteur, on_delete=models.PROTECT, related_name="procedures", verbose_name="débiteur"
    )
    titre = models.ForeignKey(
        TitreExecutoire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name="titre exécutoire",
    )
    type = models.CharField("type", max_length=24, choices=TypeProcedure.choices)
    ouverte_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    ouverte_le = models.DateTimeField("ouverte le", default=timezone.now)
    # Libellé de l'état du type, recopié par les services et la nuit pour les listes.
    etape = models.CharField("étape", max_length=120, blank=True)
    cloturee_le = models.DateTimeField("close le", null=True, blank=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = "procédure"
        constraints = [
            # CPCE L111-2 : pas d'exécution forcée sans titre exécutoire ; seules l'injonction
            # de payer et les petites créances commencent avant lui.
            models.CheckConstraint(
                condition=models.Q(titre__isnull=False) | models.Q(type__in=sorted(SANS_TITRE)),
                name="procedure_titre_requis",
            ),
        ]
        indexes = [
            # Fiche dossier : WHERE dossier_id = ? ORDER BY id DESC.
            models.Index(fields=["dossier", "-id"], name="procedure_dossier_idx"),
            # Listes par type des procédures en cours :
            # WHERE etude_id = ? AND type = ? AND cloturee_le IS NULL ORDER BY id DESC.
            models.Index(
                fields=["etude", "type", "-id"],
                condition=models.Q(cloturee_le__isnull=True),
                name="procedure_en_cours_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.etape})"

    @property
    def specifique(self):
        """L'instance du type (SaisieVente...), qui porte `etat` et les transitions."""
        from . import MODELES

        modele = MODELES[self.type]
        if isinstance(self, modele):
            return self
        return getattr(self, modele._meta.model_name)


class MachineProcedure:
    """Ce que partagent les sept machines (mélangé aux modèles, pas un modèle).

    `ETATS_FINAUX` : aucune transition n'en sort, sauf celles que la nuit n'applique pas ;
    `MOTIFS_FINAUX` donne, pour les états finaux nés d'une sanction, l'article qui interdit
    toute étape ultérieure. `SUSPENDUE_PAR_SURENDETTEMENT` : les mesures d'exécution sur les
    biens du débiteur sont suspendues et interdites par la recevabilité (C. consom. L722-2).
    """

    ETATS_FINAUX: frozenset[str] = frozenset()
    MOTIFS_FINAUX: dict[str, str] = {}
    SUSPENDUE_PAR_SURENDETTEMENT = False

    @property
    def est_close(self) -> bool:
        return self.etat in self.ETATS_FINAUX

    @property
    def libelle_etat(self) -> str:
        return self.get_etat_display()


def poursuites_possibles(procedure) -> bool:
    """Condition des transitions d'exécution : C. consom. L722-2 (DOMAINE décision 14)."""
    return not (
        procedure.SUSPENDUE_PAR_SURENDETTEMENT and procedure.debiteur.poursuites_suspendues
    )


# --- Délais ---------------------------------------------------------------------------------


class NatureDelai(models.TextChoices):
    AGIR_AVANT = Nature.AGIR_AVANT, "Agir avant"
    PAS_AVANT = Nature.PAS_AVANT, "Pas avant"
    VALABLE_JUSQU_AU = Nature.VALABLE_JUSQU_AU, "Valable jusqu'au"
    AU_MOINS_AVANT = Nature.AU_MOINS_AVANT, "Au moins … avant"
    JOURS_OUVRABLES = Nature.JOURS_OUVRABLES, "Jours ouvrables"


class StatutDelai(models.TextChoices):
    OUVERT = "ouvert", "Ouvert"
    RESPECTE = "respecte", "Respecté"
    DEPASSE = "depasse", "Dépassé"
    SANS_OBJET = "sans_objet", "Sans objet"


class DelaiQuerySet(QuerySetEtude):
    def ouverts(self):
        return self.filter(statut=StatutDelai.OUVERT)

    def a_echeance(self, *, avant=None, depuis=None):
        """Échéance sûre dans [depuis, avant] (bornes incluses), la plus proche d'abord."""
        qs = self
        if avant is not None:
            qs = qs.filter(echeance__lte=avant)
        if depuis is not None:
            qs = qs.filter(echeance__gte=depuis)
        return qs.order_by("echeance", "id")

    def du_clerc(self, clerc):
        return self.filter(clerc=clerc)

    def echus(self, le):
        """Ce que la nuit traite : délais ouverts dont l'échéance sûre est au plus tard `le`."""
        return self.filter(statut=StatutDelai.OUVERT, echeance__lte=le)


class Delai(models.Model):
    """Un délai légal qui court pour une procédure (DOMAINE décision 8 : lecture sûre)."""

    # La passe de nuit réécrit chaque délai échu et une mise à jour qui change `statut`
    # (prédicat des index partiels) touche tous les index de la table : seuls restent ceux
    # qu'une requête nomme. etude_id et clerc_id sont couverts, pour les délais ouverts, par
    # `delai_tableau_idx` et `delai_clerc_idx` ; procedure_id par la contrainte unique.
    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+", db_index=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="delais")
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="delais", db_index=False
    )
    # Recopié du dossier à l'ouverture du délai : le tableau « mes délais » ne joint pas.
    clerc = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    code = models.CharField("définition", max_length=40)
    nature = models.CharField("nature", max_length=20, choices=NatureDelai.choices)
    libelle = models.CharField("libellé", max_length=200)
    depart = models.DateField("point de départ")
    echeance = models.DateField("échéance (lecture sûre)")
    echeance_alternative = models.DateField("autre lecture", null=True, blank=True)
    raison_alternative = models.TextField("raison de l'autre lecture", blank=True)
    article = models.CharField("article", max_length=120)
    sanction = models.CharField("sanction", max_length=200)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutDelai.choices, default=StatutDelai.OUVERT
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    clos_le = models.DateTimeField("clos le", null=True, blank=True)
    # Délai propre à une intervention (dénonciation, R212-1-17) : deux interventions du même
    # jour ont chacune le leur. Jamais supprimée : pas d'index (la nuit n'en veut pas).
    intervention = models.ForeignKey(
        "procedures.Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delais",
        db_index=False,
    )

    objects = DelaiQuerySet.as_manager()

    class Meta:
        verbose_name = "délai"
        ordering = ["echeance", "id"]
        constraints = [
            # La nuit et les services peuvent rejouer une étape : un même délai (même
            # définition, même point de départ) n'existe qu'une fois par procédure et par
            # intervention (NULLS NOT DISTINCT : une fois pour les délais de la procédure).
            models.UniqueConstraint(
                fields=["procedure", "code", "depart", "intervention"],
                name="delai_unique_par_procedure",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(statut="ouvert", clos_le__isnull=True)
                | (~models.Q(statut="ouvert") & models.Q(clos_le__isnull=False)),
                name="delai_clos_date",
            ),
        ]
        indexes = [
            # Tableau « Délais » de l'étude : WHERE etude_id = ? AND statut = 'ouvert'
            # AND echeance <= ? ORDER BY echeance.
            models.Index(
                fields=["etude", "echeance"],
                condition=models.Q(statut="ouvert"),
                name="delai_tableau_idx",
            ),
            # Tableau par clerc : WHERE clerc_id = ? AND statut = 'ouvert' [AND etude_id = ?]
            # ORDER BY echeance, id LIMIT 51. L'id dans la clé : la limite s'applique dans
            # l'index, avant les jointures (sans lui : tri incrémental après jointure de tout
            # le premier jour, 346 lignes au banc) ; l'étude incluse : les comptes du clerc
            # (COUNT FILTER) se lisent dans l'index seul (6,2 ms contre 1,2 ms à 5 000 délais).
            models.Index(
                fields=["clerc", "echeance", "id"],
                include=["etude"],
                condition=models.Q(statut="ouvert"),
                name="delai_clerc_idx",
            ),
            # Passe de nuit (toutes études) : WHERE statut = 'ouvert' AND echeance <= ?.
            models.Index(
                fields=["echeance"], condition=models.Q(statut="ouvert"), name="delai_nuit_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} : {self.echeance:%d/%m/%Y} ({self.article})"


# --- Approbations ------------------------------------------------------------------------------


class RegleApprobation(models.Model):
    """Une étape d'un type de procédure qui, sur un dossier complexe, attend l'approbation du
    principal clerc ou du commissaire de justice (règle propre à l'étude)."""

    etude = models.ForeignKey(Etude, on_delete=models.CASCADE, related_name="+")
    type_procedure = models.CharField("type", max_length=24, choices=TypeProcedure.choices)
    transition = models.CharField("étape", max_length=60)
    active = models.BooleanField("active", default=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "règle d'approbation"
        constraints = [
            models.UniqueConstraint(
                fields=["etude", "type_procedure", "transition"], name="regle_approbation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_procedure_display()} : {self.transition}"


class DecisionApprobation(models.TextChoices):
    EN_ATTENTE = "", "En attente"
    APPROUVEE = "approuvee", "Approuvée"
    REFUSEE = "refusee", "Refusée"


class Approbation(models.Model):
    """Une demande d'approbation d'une étape, et la décision du principal clerc."""

    etude = models.ForeignKey(Etude, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="approbations")
    transition = models.CharField("étape", max_length=60)
    regle = models.ForeignKey(
        RegleApprobation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    demandee_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, related_name="+"
    )
    demandee_le = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        "décision", max_length=10, choices=DecisionApprobation.choices, blank=True, default=""
    )
    decidee_par = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decidee_le = models.DateTimeField(null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "approbation"
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "transition"],
                condition=models.Q(decision=""),
                name="approbation_une_en_attente",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="", decidee_le__isnull=True)
                | (~models.Q(decision="") & models.Q(decidee_le__isnull=False)),
                name="approbation_decision_datee",
            ),
        ]
        indexes = [
            # File d'approbation du principal clerc : WHERE etude_id = ? AND decision = ''
            # ORDER BY demandee_le.
            models.Index(
                fields=["etude", "demandee_le"],
                condition=models.Q(decision=""),
                name="approbation_file_idx",
            ),
            # Dernière décision pour une étape : WHERE procedure_id = ? AND transition = ?
            # ORDER BY demandee_le DESC.
            models.Index(
                fields=["procedure", "transition", "-demandee_le"], name="approbation_etape_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transition} : {self.get_decision_display()}"
