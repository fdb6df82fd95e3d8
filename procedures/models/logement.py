"""Expulsion et commandement visant la clause résolutoire (procedures.md §2.5)."""

from __future__ import annotations

from django.db import models
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from etude.errors import RegleMetier

from .. import catalogue, gardes
from .base import MachineProcedure, Procedure, poursuites_possibles

# --- Expulsion (CPCE L411-1 et s., R411-1 et s.) --------------------------------------------


class EtatExpulsion(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : commandement de quitter les lieux à signifier"
    COMMANDEMENT_SIGNIFIE = "commandement_signifie", "Commandement de quitter les lieux signifié"
    DELAI_EXPIRE = "delai_expire", "Délai de deux mois expiré"
    REQUISITION = "requisition", "Concours de la force publique requis"
    CONCOURS_ACCORDE = "concours_accorde", "Concours de la force publique accordé"
    CONCOURS_REFUSE = "concours_refuse", "Concours refusé (ou silence de deux mois)"
    MEUBLES_EN_DEPOT = "meubles_en_depot", "Expulsé : meubles à retirer"
    MEUBLES_NON_RETIRES = "meubles_non_retires", "Meubles non retirés : vente ou abandon"
    LIBERE = "libere", "Lieux libérés volontairement"
    TERMINEE = "terminee", "Expulsion terminée"
    ABANDONNEE = "abandonnee", "Abandonnée"


_EX = EtatExpulsion


class ExceptionTreve(models.TextChoices):
    """CPCE L412-6 à L412-8 : cas où la trêve hivernale ne protège pas l'occupant."""

    AUCUNE = "", "Aucune"
    RELOGEMENT = "relogement", "Relogement assuré (L412-6 al. 1)"
    VOIE_DE_FAIT_DOMICILE = (
        "voie_de_fait_domicile",
        "Entrée par voie de fait dans le domicile d'autrui (L412-6 al. 2)",
    )
    JUGE = "juge", "Trêve supprimée ou réduite par le juge (L412-6 al. 3)"
    ETUDIANT = "etudiant", "Logement étudiant (L412-7)"
    CONJOINT_VIOLENT = "conjoint_violent", "Conjoint ou partenaire violent (L412-8)"


_EX_AVANT_EXPULSION = [_EX.COMMANDEMENT_SIGNIFIE, _EX.DELAI_EXPIRE]


class Expulsion(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatExpulsion
    ETATS_FINAUX = frozenset({_EX.LIBERE, _EX.TERMINEE, _EX.ABANDONNEE})
    # C. consom. L722-6 : la recevabilité ne suspend pas l'expulsion ; la commission peut
    # demander au juge de la suspendre. Pas de blocage automatique.
    SUSPENDUE_PAR_SURENDETTEMENT = False

    etat = FSMField("état", choices=EtatExpulsion.choices, default=_EX.OUVERTE, protected=True)
    commandement_le = models.DateTimeField("commandement signifié le", null=True, blank=True)
    prefet_saisi_le = models.DateField(
        "copie au préfet le (L412-5)",
        null=True,
        blank=True,
        help_text="Sans saisine du préfet, le délai de deux mois est suspendu (L412-5).",
    )
    voie_de_fait = models.BooleanField(
        "entrée par manœuvres, menaces, voies de fait ou contrainte (L412-1 al. 2)",
        default=False,
    )
    delai_supprime_par_juge = models.BooleanField(
        "délai de deux mois réduit ou supprimé par le juge (L412-1 al. 1)", default=False
    )
    exception_treve = models.CharField(
        "exception à la trêve hivernale",
        max_length=24,
        choices=ExceptionTreve.choices,
        blank=True,
    )
    requisition_le = models.DateField("réquisition de la force publique le", null=True, blank=True)
    concours_le = models.DateField("décision sur le concours le", null=True, blank=True)
    pv_expulsion_le = models.DateTimeField("procès-verbal d'expulsion le", null=True, blank=True)
    meubles_laisses = models.BooleanField("meubles laissés sur place", null=True)
    meubles_retires_le = models.DateField("meubles retirés le", null=True, blank=True)
    libere_le = models.DateField("lieux libérés le", null=True, blank=True)

    class Meta:
        verbose_name = "expulsion"

    @property
    def sans_delai_de_deux_mois(self) -> bool:
        return self.voie_de_fait or self.delai_supprime_par_juge

    @property
    def depart_delai(self):
        """Le délai de L412-1 court du commandement ; faute de copie au préfet, il est
        suspendu (L412-5) : lecture sûre, il ne court que de cette saisine."""
        if self.commandement_le is None or self.prefet_saisi_le is None:
            return None
        return max(gardes.jour_de(self.commandement_le), self.prefet_saisi_le)

    @transition(etat, source=_EX.OUVERTE, target=_EX.COMMANDEMENT_SIGNIFIE)
    def signifier_commandement(self, *, le, calendrier, voie_de_fait=False, prefet_saisi_le=None):
        """CPCE L411-1, R411-1, R412-1 ; copie au préfet « dès le commandement » (L412-5)."""
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        self.commandement_le = le
        self.voie_de_fait = voie_de_fait
        self.prefet_saisi_le = prefet_saisi_le

    @transition(etat, source=[*_EX_AVANT_EXPULSION, _EX.REQUISITION], target=None)
    def informer_prefet(self, *, le):
        """CPCE L412-5, R412-2 : saisine du préfet, qui fait courir le délai suspendu."""
        self.prefet_saisi_le = le

    @transition(etat, source=_EX.COMMANDEMENT_SIGNIFIE, target=_EX.DELAI_EXPIRE)
    def constater_expiration_delai(self):
        """Nuit : les deux mois de L412-1 sont écoulés."""

    @transition(etat, source=[*_EX_AVANT_EXPULSION, _EX.CONCOURS_REFUSE], target=_EX.REQUISITION)
    def requerir_force_publique(self, *, le):
        """CPCE R153-1 : le préfet a deux mois ; son silence vaut refus."""
        self.requisition_le = le

    @transition(etat, source=_EX.REQUISITION, target=_EX.CONCOURS_ACCORDE)
    def accorder_concours(self, *, le):
        self.concours_le = le

    @transition(etat, source=_EX.REQUISITION, target=_EX.CONCOURS_REFUSE)
    def refuser_concours(self, *, le):
        """Refus motivé (R153-1) : ouvre droit à réparation (L153-1)."""
        self.concours_le = le

    @transition(etat, source=_EX.REQUISITION, target=_EX.CONCOURS_REFUSE)
    def constater_refus_concours(self):
        """Nuit : CPCE R153-1, silence de deux mois."""

    @transition(
        etat,
        source=[*_EX_AVANT_EXPULSION, _EX.CONCOURS_ACCORDE],
        target=RETURN_VALUE(_EX.MEUBLES_EN_DEPOT, _EX.TERMINEE),
        conditions=[poursuites_possibles],
    )
    def dresser_pv_expulsion(self, *, le, meubles_laisses: bool, calendrier):
        """CPCE R432-1 ; meubles laissés : sommation de les retirer dans les deux mois
        (R433-1), papiers conservés deux ans (R433-6)."""
        jour = gardes.jour_de(le)
        if gardes.en_treve_hivernale(jour) and not self.exception_treve:
            raise RegleMetier(
                "CPCE L412-6 : il est sursis à toute mesure d'expulsion du 1er novembre au "
                f"31 mars (le {jour:%d/%m/%Y} est pendant la trêve hivernale), sauf relogement "
                "assuré ou exception prévue par la loi."
            )
        gardes.verifier_horaire(le, calendrier=calendrier)
        if not self.sans_delai_de_deux_mois:
            if self.prefet_saisi_le is None:
                raise RegleMetier(
                    "CPCE L412-5 : faute de saisine du préfet, le délai de deux mois avant "
                    "lequel l'expulsion ne peut avoir lieu est suspendu."
                )
            gardes.apres_attente(
                "ex_attente_commandement",
                self.depart_delai,
                jour,
                calendrier=calendrier,
                message="l'expulsion d'un lieu habité n'a lieu qu'à l'expiration d'un délai de "
                "deux mois qui suit le commandement.",
            )
        self.pv_expulsion_le = le
        self.meubles_laisses = meubles_laisses
        return _EX.MEUBLES_EN_DEPOT if meubles_laisses else _EX.TERMINEE

    @transition(
        etat,
        source=_EX_AVANT_EXPULSION + [_EX.REQUISITION, _EX.CONCOURS_ACCORDE, _EX.CONCOURS_REFUSE],
        target=_EX.LIBERE,
    )
    def constater_depart_volontaire(self, *, le):
        self.libere_le = le

    @transition(etat, source=_EX.MEUBLES_EN_DEPOT, target=_EX.TERMINEE)
    def constater_retrait_meubles(self, *, le):
        self.meubles_retires_le = le

    @transition(etat, source=_EX.MEUBLES_EN_DEPOT, target=_EX.MEUBLES_NON_RETIRES)
    def constater_meubles_non_retires(self):
        """Nuit : CPCE R433-1, deux mois écoulés ; vente ou abandon (R433-5)."""

    @transition(etat, source=_EX.MEUBLES_NON_RETIRES, target=_EX.TERMINEE)
    def clore(self, *, le):
        """Vente des biens de valeur (R433-5) ou constat d'abandon des autres."""

    @transition(
        etat,
        source=[
            _EX.OUVERTE,
            *_EX_AVANT_EXPULSION,
            _EX.REQUISITION,
            _EX.CONCOURS_ACCORDE,
            _EX.CONCOURS_REFUSE,
        ],
        target=_EX.ABANDONNEE,
    )
    def abandonner(self, *, motif: str):
        """Renonciation du créancier (accord, paiement, délais de grâce...)."""


# --- Commandement visant la clause résolutoire (loi 89-462, art. 24) -----------------------


class EtatClauseResolutoire(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : commandement à signifier"
    COMMANDEMENT_SIGNIFIE = "commandement_signifie", "Commandement signifié : délai de paiement"
    DETTE_REGLEE = "dette_reglee", "Dette réglée dans le délai"
    CLAUSE_ACQUISE = "clause_acquise", "Clause résolutoire acquise"
    ASSIGNATION_DELIVREE = "assignation_delivree", "Assignation délivrée"
    PREFET_NOTIFIE = "prefet_notifie", "Assignation notifiée au préfet"
    TERMINEE = "terminee", "Jugement rendu"
    ABANDONNEE = "abandonnee", "Abandonnée"


_CR = EtatClauseResolutoire


class ClauseResolutoire(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatClauseResolutoire
    ETATS_FINAUX = frozenset({_CR.DETTE_REGLEE, _CR.TERMINEE, _CR.ABANDONNEE})
    SUSPENDUE_PAR_SURENDETTEMENT = False

    etat = FSMField(
        "état", choices=EtatClauseResolutoire.choices, default=_CR.OUVERTE, protected=True
    )
    commandement_le = models.DateTimeField("commandement signifié le", null=True, blank=True)
    bail_signe_le = models.DateField("bail signé le", null=True, blank=True)
    loyer_mensuel_hc = models.DecimalField(
        "loyer mensuel hors charges", max_digits=14, decimal_places=2, null=True, blank=True
    )
    dette = models.DecimalField(
        "dette locative", max_digits=14, decimal_places=2, null=True, blank=True
    )
    ccapex_requise = models.BooleanField("signalement à la CCAPEX requis", default=False)
    ccapex_signale_le = models.DateField("signalé à la CCAPEX le", null=True, blank=True)
    paiement_le = models.DateField("dette réglée le", null=True, blank=True)
    assignation_le = models.DateField("assignation le", null=True, blank=True)
    audience_le = models.DateField("audience le", null=True, blank=True)
    prefet_notifie_le = models.DateField(
        "assignation notifiée au préfet le", null=True, blank=True
    )
    jugement_le = models.DateField("jugement le", null=True, blank=True)

    class Meta:
        verbose_name = "clause résolutoire"

    @property
    def duree_paiement(self) -> dict[str, int]:
        """Six semaines ou deux mois selon la date du bail (DOMAINE décision 12)."""
        return catalogue.duree_clause(self.bail_signe_le)

    @transition(etat, source=_CR.OUVERTE, target=_CR.COMMANDEMENT_SIGNIFIE)
    def signifier_commandement(
        self,
        *,
        le,
        calendrier,
        bail_signe_le,
        loyer_mensuel_hc,
        dette,
        impayes_depuis_deux_mois: bool = False,
    ):
        """Loi 89-462 art. 24 I ; signalement à la CCAPEX si deux mois d'impayés continus ou
        une dette égale à deux loyers hors charges (avant-dernier alinéa)."""
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        self.commandement_le = le
        self.bail_signe_le = bail_signe_le
        self.loyer_mensuel_hc = loyer_mensuel_hc
        self.dette = dette
        self.ccapex_requise = impayes_depuis_deux_mois or dette >= 2 * loyer_mensuel_hc

    @transition(
        etat,
        source=[_CR.COMMANDEMENT_SIGNIFIE, _CR.CLAUSE_ACQUISE, _CR.ASSIGNATION_DELIVREE],
        target=None,
    )
    def signaler_ccapex(self, *, le):
        self.ccapex_signale_le = le

    @transition(etat, source=_CR.COMMANDEMENT_SIGNIFIE, target=_CR.DETTE_REGLEE)
    def constater_paiement(self, *, le):
        self.paiement_le = le

    @transition(etat, source=_CR.COMMANDEMENT_SIGNIFIE, target=_CR.CLAUSE_ACQUISE)
    def constater_clause_acquise(self, *, le, calendrier):
        gardes.apres_attente(
            "cr_paiement",
            gardes.jour_de(self.commandement_le),
            le,
            calendrier=calendrier,
            duree=self.duree_paiement,
            message="la clause résolutoire n'est acquise qu'à l'expiration du délai laissé au "
            "locataire pour payer.",
        )

    @transition(etat, source=_CR.CLAUSE_ACQUISE, target=_CR.ASSIGNATION_DELIVREE)
    def assigner(self, *, le, audience_le):
        if audience_le <= le:
            raise RegleMetier("L'audience doit suivre l'assignation.")
        self.assignation_le = le
        self.audience_le = audience_le

    @transition(etat, source=_CR.ASSIGNATION_DELIVREE, target=_CR.PREFET_NOTIFIE)
    def notifier_prefet(self, *, le, calendrier):
        """Loi 89-462 art. 24 III : six semaines au moins avant l'audience, comptées à rebours
        sans prorogation (Cass. 3e civ., avis 6 nov. 2025, n° 25-70.018)."""
        gardes.avant_echeance(
            "cr_prefet_assignation",
            self.audience_le,
            le,
            calendrier=calendrier,
            message="l'assignation est notifiée au préfet six semaines au moins avant l'audience.",
        )
        self.prefet_notifie_le = le

    @transition(etat, source=_CR.PREFET_NOTIFIE, target=_CR.TERMINEE)
    def enregistrer_jugement(self, *, le):
        self.jugement_le = le

    @transition(
        etat,
        source=[
            _CR.OUVERTE,
            _CR.COMMANDEMENT_SIGNIFIE,
            _CR.CLAUSE_ACQUISE,
            _CR.ASSIGNATION_DELIVREE,
            _CR.PREFET_NOTIFIE,
        ],
        target=_CR.ABANDONNEE,
    )
    def abandonner(self, *, motif: str):
        """Renonciation du bailleur."""
