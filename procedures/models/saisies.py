"""Saisie-vente, saisie-attribution, saisie des rémunérations : leurs machines à états.

Les transitions ne touchent que les champs en mémoire ; celles qui datent une étape vérifient
les délais et l'horaire par `procedures.gardes` (RegleMetier, l'article dans le message).
Les transitions « constater_* » appliquées par la nuit ne changent que `etat` : la nuit les
exécute en une requête par groupe (procedures.nuit).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from etude.errors import RegleMetier

from .. import catalogue, gardes
from .base import MachineProcedure, Procedure, poursuites_possibles

ZERO = Decimal("0.00")


def _montant(nom: str, **extra):
    return models.DecimalField(nom, max_digits=14, decimal_places=2, **extra)


# --- Saisie-vente (CPCE L221-1 et s., R221-1 et s. ; procedures.md §2.1) -------------------


class EtatSaisieVente(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : commandement à signifier"
    COMMANDEMENT_SIGNIFIE = "commandement_signifie", "Commandement de payer signifié"
    DELAI_EXPIRE = "delai_expire", "Délai de huit jours expiré"
    PV_SAISIE = "pv_saisie", "Procès-verbal de saisie à signifier (débiteur absent)"
    PV_CARENCE = "pv_carence", "Procès-verbal de carence"
    VENTE_AMIABLE = "vente_amiable", "Délai de vente amiable"
    VENTE_AMIABLE_REALISEE = "vente_amiable_realisee", "Vente amiable réalisée"
    VENTE_FORCEE_PUBLICITE = "vente_forcee_publicite", "Vente forcée annoncée"
    VENTE_FORCEE = "vente_forcee", "Vente forcée réalisée"
    DISTRIBUTION = "distribution", "Prix distribué"
    CADUQUE = "caduque", "Saisie caduque"
    COMMANDEMENT_PERIME = "commandement_perime", "Commandement périmé"
    ABANDONNEE = "abandonnee", "Abandonnée"


_SV = EtatSaisieVente
_SV_EN_COURS = [
    _SV.OUVERTE,
    _SV.COMMANDEMENT_SIGNIFIE,
    _SV.DELAI_EXPIRE,
    _SV.PV_SAISIE,
    _SV.VENTE_AMIABLE,
    _SV.VENTE_AMIABLE_REALISEE,
    _SV.VENTE_FORCEE_PUBLICITE,
    _SV.VENTE_FORCEE,
]


class SaisieVente(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatSaisieVente
    ETATS_FINAUX = frozenset(
        {_SV.PV_CARENCE, _SV.DISTRIBUTION, _SV.CADUQUE, _SV.COMMANDEMENT_PERIME, _SV.ABANDONNEE}
    )
    MOTIFS_FINAUX = {
        _SV.CADUQUE: "CPCE R221-26 : la saisie est caduque faute de signification au débiteur "
        "dans les huit jours",
        _SV.COMMANDEMENT_PERIME: "CPCE R221-5 : aucun acte d'exécution dans les deux ans du "
        "commandement ; un nouveau commandement est nécessaire",
    }
    SUSPENDUE_PAR_SURENDETTEMENT = True

    etat = FSMField("état", choices=EtatSaisieVente.choices, default=_SV.OUVERTE, protected=True)
    commandement_le = models.DateTimeField("commandement signifié le", null=True, blank=True)
    pv_le = models.DateTimeField("saisie le", null=True, blank=True)
    debiteur_present = models.BooleanField("débiteur présent à la saisie", null=True)
    pv_signifie_le = models.DateTimeField("PV signifié au débiteur le", null=True, blank=True)
    propositions_transmises_le = models.DateField(
        "propositions de vente amiable transmises le", null=True, blank=True
    )
    vente_amiable_le = models.DateField("vente amiable le", null=True, blank=True)
    publicite_le = models.DateField("publicité de la vente le", null=True, blank=True)
    vente_forcee_prevue_le = models.DateField("vente forcée prévue le", null=True, blank=True)
    vente_forcee_le = models.DateTimeField("vente forcée le", null=True, blank=True)

    class Meta:
        verbose_name = "saisie-vente"

    @transition(
        etat,
        source=_SV.OUVERTE,
        target=_SV.COMMANDEMENT_SIGNIFIE,
        conditions=[poursuites_possibles],
    )
    def signifier_commandement(self, *, le, calendrier):
        """CPCE R221-1 : commandement de payer dans les huit jours."""
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        self.commandement_le = le

    @transition(etat, source=_SV.COMMANDEMENT_SIGNIFIE, target=_SV.DELAI_EXPIRE)
    def constater_expiration_delai(self):
        """Nuit : les huit jours de R221-10 sont écoulés."""

    def _verifier_saisie_possible(self, le, calendrier):
        gardes.verifier_horaire(le, calendrier=calendrier)
        jour, depart = gardes.jour_de(le), gardes.jour_de(self.commandement_le)
        gardes.apres_attente(
            "sv_attente_commandement",
            depart,
            jour,
            calendrier=calendrier,
            message="les opérations de saisie ne peuvent commencer qu'à l'expiration d'un "
            "délai de huit jours à compter de la signification du commandement.",
        )
        gardes.avant_echeance(
            "sv_validite_commandement",
            depart,
            jour,
            calendrier=calendrier,
            message="aucun acte d'exécution dans les deux ans du commandement.",
        )

    @transition(
        etat,
        source=[_SV.COMMANDEMENT_SIGNIFIE, _SV.DELAI_EXPIRE],
        target=RETURN_VALUE(_SV.VENTE_AMIABLE, _SV.PV_SAISIE),
        conditions=[poursuites_possibles],
    )
    def dresser_pv_saisie(self, *, le, debiteur_present: bool, calendrier):
        """CPCE R221-16 ; débiteur absent : copie signifiée dans les huit jours (R221-26)."""
        self._verifier_saisie_possible(le, calendrier)
        self.pv_le = le
        self.debiteur_present = debiteur_present
        return _SV.VENTE_AMIABLE if debiteur_present else _SV.PV_SAISIE

    @transition(
        etat,
        source=[_SV.COMMANDEMENT_SIGNIFIE, _SV.DELAI_EXPIRE],
        target=_SV.PV_CARENCE,
        conditions=[poursuites_possibles],
    )
    def dresser_pv_carence(self, *, le, calendrier):
        """CPCE R221-14 : aucun bien saisissable ou de valeur marchande."""
        self._verifier_saisie_possible(le, calendrier)
        self.pv_le = le

    @transition(
        etat, source=_SV.PV_SAISIE, target=_SV.VENTE_AMIABLE, conditions=[poursuites_possibles]
    )
    def signifier_pv(self, *, le, calendrier):
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        gardes.avant_echeance(
            "sv_signification_pv",
            gardes.jour_de(self.pv_le),
            gardes.jour_de(le),
            calendrier=calendrier,
            message="la copie du procès-verbal est signifiée au débiteur huit jours au plus "
            "tard après la saisie.",
        )
        self.pv_signifie_le = le

    @transition(etat, source=_SV.VENTE_AMIABLE, target=None)
    def transmettre_propositions(self, *, le):
        """CPCE R221-31 : les créanciers ont quinze jours pour répondre."""
        self.propositions_transmises_le = le

    @transition(etat, source=_SV.VENTE_AMIABLE, target=_SV.VENTE_AMIABLE_REALISEE)
    def realiser_vente_amiable(self, *, le):
        self.vente_amiable_le = le

    @property
    def debut_vente_amiable(self):
        """CPCE R221-30 : le mois court de la notification de l'acte de saisie."""
        return gardes.jour_de(self.pv_signifie_le or self.pv_le)

    @transition(
        etat,
        source=_SV.VENTE_AMIABLE,
        target=_SV.VENTE_FORCEE_PUBLICITE,
        conditions=[poursuites_possibles],
    )
    def annoncer_vente_forcee(self, *, le, vente_le, calendrier):
        """CPCE R221-31, R221-34, R221-35 : après le mois (et quinze jours), huit jours avant."""
        gardes.apres_attente(
            "sv_vente_amiable",
            self.debut_vente_amiable,
            le,
            calendrier=calendrier,
            message="la vente forcée n'a lieu qu'après le délai d'un mois de vente amiable.",
        )
        if self.propositions_transmises_le:
            gardes.apres_attente(
                "sv_reponse_creanciers",
                self.propositions_transmises_le,
                le,
                calendrier=calendrier,
                message="le délai d'un mois est augmenté des quinze jours laissés aux créanciers.",
            )
        gardes.avant_echeance(
            "sv_publicite_vente",
            vente_le,
            le,
            calendrier=calendrier,
            message="la publicité et l'avis au débiteur précèdent la vente de huit jours au "
            "moins.",
        )
        self.publicite_le = le
        self.vente_forcee_prevue_le = vente_le

    @transition(
        etat,
        source=_SV.VENTE_FORCEE_PUBLICITE,
        target=_SV.VENTE_FORCEE,
        conditions=[poursuites_possibles],
    )
    def proceder_vente_forcee(self, *, le, calendrier):
        gardes.verifier_horaire(le, calendrier=calendrier)
        if gardes.jour_de(le) < self.vente_forcee_prevue_le:
            raise RegleMetier(
                "CPCE R221-34 : la vente ne peut avoir lieu avant la date annoncée "
                f"({self.vente_forcee_prevue_le:%d/%m/%Y})."
            )
        self.vente_forcee_le = le

    @transition(
        etat, source=[_SV.VENTE_AMIABLE_REALISEE, _SV.VENTE_FORCEE], target=_SV.DISTRIBUTION
    )
    def distribuer(self, *, le):
        """CPCE L221-4 : fin de la saisie une fois le créancier rempli de ses droits."""

    @transition(etat, source=_SV.PV_SAISIE, target=_SV.CADUQUE)
    def constater_caducite(self):
        """Nuit : CPCE R221-26, copie non signifiée dans les huit jours."""

    @transition(
        etat, source=[_SV.COMMANDEMENT_SIGNIFIE, _SV.DELAI_EXPIRE], target=_SV.COMMANDEMENT_PERIME
    )
    def constater_peremption_commandement(self):
        """Nuit : CPCE R221-5, deux ans sans acte d'exécution (pas une caducité)."""

    @transition(etat, source=_SV_EN_COURS, target=_SV.ABANDONNEE)
    def abandonner(self, *, motif: str):
        """Mainlevée ou abandon à la demande du créancier."""


# --- Saisie-attribution (CPCE L211-1 et s., R211-1 et s. ; procedures.md §2.2) --------------


class EtatSaisieAttribution(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : acte de saisie à signifier"
    SAISIE_SIGNIFIEE = "saisie_signifiee", "Acte de saisie signifié au tiers saisi"
    DECLARATION_RECUE = "declaration_recue", "Déclaration du tiers saisi reçue"
    DENONCEE = "denoncee", "Saisie dénoncée : délai de contestation"
    CONTESTEE = "contestee", "Contestée devant le juge de l'exécution"
    CERTIFICAT_DELIVRE = "certificat_delivre", "Certificat de non-contestation délivré"
    PAIEMENT_AUTORISE = "paiement_autorise", "Contestation rejetée : paiement dû"
    PAYEE = "payee", "Payée par le tiers saisi"
    MAINLEVEE = "mainlevee", "Mainlevée ordonnée"
    CADUQUE = "caduque", "Saisie caduque"
    ABANDONNEE = "abandonnee", "Abandonnée"


_SA = EtatSaisieAttribution
_SA_EN_COURS = [
    _SA.OUVERTE,
    _SA.SAISIE_SIGNIFIEE,
    _SA.DECLARATION_RECUE,
    _SA.DENONCEE,
    _SA.CONTESTEE,
    _SA.CERTIFICAT_DELIVRE,
    _SA.PAIEMENT_AUTORISE,
]


class SaisieAttribution(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatSaisieAttribution
    ETATS_FINAUX = frozenset({_SA.PAYEE, _SA.MAINLEVEE, _SA.CADUQUE, _SA.ABANDONNEE})
    MOTIFS_FINAUX = {
        _SA.CADUQUE: "CPCE R211-3 : la saisie est caduque faute de dénonciation au débiteur "
        "dans les huit jours",
    }
    SUSPENDUE_PAR_SURENDETTEMENT = True

    etat = FSMField(
        "état", choices=EtatSaisieAttribution.choices, default=_SA.OUVERTE, protected=True
    )
    # CPCE R211-1 : « L'acte indique l'heure à laquelle il a été signifié » (L211-2 al. 3 :
    # les saisies signifiées le même jour au même tiers viennent en concours).
    signifie_le = models.DateTimeField("acte signifié le (date et heure)", null=True, blank=True)
    tiers_saisi = models.CharField("tiers saisi", max_length=200, blank=True)
    compte_bancaire = models.BooleanField("saisie de compte bancaire (L162-1)", default=False)
    declaration_le = models.DateTimeField("déclaration du tiers le", null=True, blank=True)
    solde_declare = _montant("solde déclaré (L162-1)", null=True, blank=True)
    sbi_applique = _montant("solde bancaire insaisissable laissé (L162-2)", null=True, blank=True)
    denoncee_le = models.DateTimeField("dénoncée le", null=True, blank=True)
    contestation_le = models.DateField("contestation le", null=True, blank=True)
    renonciation_contestation = models.BooleanField(
        "le débiteur a déclaré par écrit ne pas contester (R211-6)", default=False
    )
    certificat_le = models.DateField("certificat de non-contestation le", null=True, blank=True)
    paiement_le = models.DateField("payée le", null=True, blank=True)
    montant_paye = _montant("montant payé", null=True, blank=True)

    class Meta:
        verbose_name = "saisie-attribution"

    @transition(
        etat, source=_SA.OUVERTE, target=_SA.SAISIE_SIGNIFIEE, conditions=[poursuites_possibles]
    )
    def signifier(self, *, signifie_le, tiers_saisi: str, compte_bancaire: bool, calendrier):
        """CPCE L211-2 : l'acte emporte attribution immédiate ; R211-1 : heure de l'acte."""
        gardes.verifier_horaire(signifie_le, calendrier=calendrier)
        self.signifie_le = signifie_le
        self.tiers_saisi = tiers_saisi
        self.compte_bancaire = compte_bancaire

    @transition(etat, source=_SA.SAISIE_SIGNIFIEE, target=_SA.DECLARATION_RECUE)
    def enregistrer_declaration(self, *, le, solde_declare=None, sbi_applique=None):
        """CPCE R211-4 (déclaration sur-le-champ), L162-1 et L162-2 pour un compte."""
        self.declaration_le = le
        self.solde_declare = solde_declare
        self.sbi_applique = sbi_applique

    @transition(
        etat,
        source=[_SA.SAISIE_SIGNIFIEE, _SA.DECLARATION_RECUE],
        target=_SA.DENONCEE,
        conditions=[poursuites_possibles],
    )
    def denoncer(self, *, le, calendrier):
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        gardes.avant_echeance(
            "sa_denonciation",
            gardes.jour_de(self.signifie_le),
            gardes.jour_de(le),
            calendrier=calendrier,
            message="la saisie est dénoncée au débiteur dans un délai de huit jours.",
        )
        self.denoncee_le = le

    @transition(etat, source=_SA.DENONCEE, target=_SA.CONTESTEE)
    def enregistrer_contestation(self, *, le):
        """CPCE R211-11 ; le juge apprécie la recevabilité, l'étude enregistre."""
        self.contestation_le = le

    @transition(
        etat, source=_SA.CONTESTEE, target=RETURN_VALUE(_SA.PAIEMENT_AUTORISE, _SA.MAINLEVEE)
    )
    def statuer_contestation(self, *, rejetee: bool):
        """CPCE R211-13 : contestation rejetée, le tiers paie sur notification."""
        return _SA.PAIEMENT_AUTORISE if rejetee else _SA.MAINLEVEE

    @transition(
        etat, source=_SA.DENONCEE, target=_SA.CERTIFICAT_DELIVRE, conditions=[poursuites_possibles]
    )
    def delivrer_certificat_non_contestation(self, *, le, calendrier, renonciation_ecrite=False):
        """CPCE R211-6 : après un mois sans contestation, plus tôt si le débiteur renonce."""
        if not renonciation_ecrite:
            gardes.apres_attente(
                "sa_contestation",
                gardes.jour_de(self.denoncee_le),
                le,
                calendrier=calendrier,
                message="le certificat atteste qu'aucune contestation n'a été formée dans le "
                "mois suivant la dénonciation.",
            )
        self.renonciation_contestation = renonciation_ecrite
        self.certificat_le = le

    @transition(etat, source=[_SA.CERTIFICAT_DELIVRE, _SA.PAIEMENT_AUTORISE], target=_SA.PAYEE)
    def constater_paiement(self, *, le, montant):
        self.paiement_le = le
        self.montant_paye = montant

    @transition(etat, source=[_SA.SAISIE_SIGNIFIEE, _SA.DECLARATION_RECUE], target=_SA.CADUQUE)
    def constater_caducite(self):
        """Nuit : CPCE R211-3, pas de dénonciation dans les huit jours."""

    @transition(etat, source=_SA_EN_COURS, target=_SA.ABANDONNEE)
    def abandonner(self, *, motif: str):
        """Mainlevée à la demande du créancier."""


# --- Saisie des rémunérations (régime du 1er juillet 2025 ; procedures.md §2.4) -------------


class EtatSaisieRemunerations(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte : commandement à signifier"
    COMMANDEMENT_SIGNIFIE = "commandement_signifie", "Commandement de payer signifié"
    SUSPENDUE = "suspendue", "Suspendue par un procès-verbal d'accord"
    CONTESTEE = "contestee", "Contestation suspensive"
    DELAI_EXPIRE = "delai_expire", "Délai d'un mois expiré"
    REPARTITEUR_DESIGNE = "repartiteur_designe", "Commissaire répartiteur désigné"
    PV_SIGNIFIE = "pv_signifie", "Procès-verbal de saisie signifié à l'employeur"
    DENONCEE = "denoncee", "Saisie dénoncée au débiteur"
    DECLARATION_RECUE = "declaration_recue", "Déclaration de l'employeur reçue"
    VERSEMENTS = "versements", "Versements mensuels"
    FIN_EMPLOI = "fin_emploi", "Fin de la relation de travail"
    TERMINEE = "terminee", "Terminée"
    COMMANDEMENT_CADUC = "commandement_caduc", "Commandement caduc"
    CADUQUE = "caduque", "Saisie caduque"
    MAINLEVEE = "mainlevee", "Mainlevée ordonnée"
    ABANDONNEE = "abandonnee", "Abandonnée"


_SR = EtatSaisieRemunerations
_SR_AVANT_PV = [_SR.COMMANDEMENT_SIGNIFIE, _SR.DELAI_EXPIRE, _SR.REPARTITEUR_DESIGNE]
_SR_EN_COURS = [
    _SR.OUVERTE,
    *_SR_AVANT_PV,
    _SR.SUSPENDUE,
    _SR.CONTESTEE,
    _SR.PV_SIGNIFIE,
    _SR.DENONCEE,
    _SR.DECLARATION_RECUE,
    _SR.VERSEMENTS,
    _SR.FIN_EMPLOI,
]


def commandement_inscrit(procedure) -> bool:
    """CPCE L212-2 al. 2 : le commandement est inscrit sur le registre numérique."""
    return procedure.commandement_inscrit_le is not None


commandement_inscrit.message = (
    "CPCE L212-2 al. 2 : le commandement doit être inscrit sur le registre numérique des "
    "saisies des rémunérations avant le procès-verbal de saisie."
)


class SaisieRemunerations(ConcurrentTransitionMixin, MachineProcedure, Procedure):
    Etat = EtatSaisieRemunerations
    ETATS_FINAUX = frozenset(
        {_SR.TERMINEE, _SR.COMMANDEMENT_CADUC, _SR.CADUQUE, _SR.MAINLEVEE, _SR.ABANDONNEE}
    )
    MOTIFS_FINAUX = {
        _SR.COMMANDEMENT_CADUC: "CPCE L212-6 : le procès-verbal de saisie n'a pas été signifié "
        "dans les trois mois ; le commandement est caduc",
        _SR.CADUQUE: "CPCE R212-1-11 à R212-1-15 : la saisie n'a pas été dénoncée dans les "
        "huit jours ; elle est caduque",
    }
    SUSPENDUE_PAR_SURENDETTEMENT = True

    etat = FSMField(
        "état", choices=EtatSaisieRemunerations.choices, default=_SR.OUVERTE, protected=True
    )
    commandement_le = models.DateTimeField("commandement signifié le", null=True, blank=True)
    commandement_inscrit_le = models.DateField("inscrit au registre le", null=True, blank=True)
    accord_le = models.DateField("procès-verbal d'accord le", null=True, blank=True)
    reprise_le = models.DateField("reprise le", null=True, blank=True)
    contestation_le = models.DateField("contestation le", null=True, blank=True)
    contestation_suspensive = models.BooleanField("contestation suspensive", null=True)
    repartiteur = models.CharField("commissaire répartiteur", max_length=200, blank=True)
    repartiteur_designe_le = models.DateField("répartiteur désigné le", null=True, blank=True)
    employeur = models.CharField("employeur (tiers saisi)", max_length=200, blank=True)
    pv_le = models.DateTimeField("PV signifié à l'employeur le", null=True, blank=True)
    denoncee_le = models.DateTimeField("dénoncée le", null=True, blank=True)
    declaration_le = models.DateField("déclaration de l'employeur le", null=True, blank=True)
    dernier_versement_le = models.DateField("dernier versement le", null=True, blank=True)
    total_verse = _montant("total versé au répartiteur", default=ZERO)
    fin_emploi_le = models.DateField("fin de la relation de travail le", null=True, blank=True)

    class Meta:
        verbose_name = "saisie des rémunérations"

    @transition(
        etat,
        source=_SR.OUVERTE,
        target=_SR.COMMANDEMENT_SIGNIFIE,
        conditions=[poursuites_possibles],
    )
    def signifier_commandement(self, *, le, calendrier):
        """CPCE L212-2 : commandement de payer préalable."""
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        self.commandement_le = le

    @transition(etat, source=[*_SR_AVANT_PV, _SR.SUSPENDUE, _SR.CONTESTEE], target=None)
    def inscrire_commandement(self, *, le):
        """CPCE L212-2 al. 2 : inscription sur le registre numérique des saisies."""
        self.commandement_inscrit_le = le

    @transition(etat, source=_SR_AVANT_PV, target=_SR.SUSPENDUE)
    def enregistrer_accord(self, *, le):
        """CPCE L212-3 : le procès-verbal d'accord suspend la procédure ; L212-6 al. 3 : le
        délai de trois mois ne s'applique plus."""
        self.accord_le = le

    @transition(
        etat,
        source=_SR.SUSPENDUE,
        target=RETURN_VALUE(_SR.REPARTITEUR_DESIGNE, _SR.COMMANDEMENT_SIGNIFIE),
        conditions=[poursuites_possibles],
    )
    def reprendre(self, *, le):
        """CPCE L212-3 al. 2 : reprise si l'accord n'est pas respecté ou sur intervention."""
        self.reprise_le = le
        return _SR.REPARTITEUR_DESIGNE if self.repartiteur else _SR.COMMANDEMENT_SIGNIFIE

    @transition(etat, source=_SR_AVANT_PV, target=RETURN_VALUE(_SR.CONTESTEE, *_SR_AVANT_PV))
    def enregistrer_contestation(self, *, le, calendrier):
        """CPCE L212-4 : contestation à tout moment, suspensive seulement dans le mois qui suit
        la signification du commandement."""
        self.contestation_le = le
        fin = catalogue.echeance(
            "sr_attente_commandement",
            gardes.jour_de(self.commandement_le),
            calendrier=calendrier,
        )
        # Lecture sûre pour le débiteur : suspensive jusqu'à la date la plus tardive.
        self.contestation_suspensive = le <= fin.date_sure
        return _SR.CONTESTEE if self.contestation_suspensive else self.etat

    @transition(
        etat,
        source=_SR.CONTESTEE,
        target=RETURN_VALUE(_SR.REPARTITEUR_DESIGNE, _SR.COMMANDEMENT_SIGNIFIE, _SR.MAINLEVEE),
    )
    def statuer_contestation(self, *, rejetee: bool):
        if not rejetee:
            return _SR.MAINLEVEE
        return _SR.REPARTITEUR_DESIGNE if self.repartiteur else _SR.COMMANDEMENT_SIGNIFIE

    @transition(etat, source=_SR.COMMANDEMENT_SIGNIFIE, target=_SR.DELAI_EXPIRE)
    def constater_expiration_delai(self):
        """Nuit : le mois de L212-2 est écoulé."""

    @transition(
        etat,
        source=[_SR.COMMANDEMENT_SIGNIFIE, _SR.DELAI_EXPIRE],
        target=_SR.REPARTITEUR_DESIGNE,
        conditions=[poursuites_possibles],
    )
    def designer_repartiteur(self, *, le, repartiteur: str):
        """CPCE R212-1-10 : désignation par la Chambre nationale avant tout acte de saisie."""
        self.repartiteur = repartiteur
        self.repartiteur_designe_le = le

    def _verifier_pv(self, le, calendrier):
        gardes.verifier_horaire(le, calendrier=calendrier)
        jour, depart = gardes.jour_de(le), gardes.jour_de(self.commandement_le)
        gardes.apres_attente(
            "sr_attente_commandement",
            depart,
            jour,
            calendrier=calendrier,
            message="la saisie ne peut être pratiquée qu'un mois après la signification du "
            "commandement.",
        )
        if self.accord_le is None:  # L212-6 al. 3
            gardes.avant_echeance(
                "sr_validite_commandement",
                depart,
                jour,
                calendrier=calendrier,
                message="le procès-verbal de saisie est signifié dans les trois mois du "
                "commandement.",
            )

    @transition(
        etat,
        source=_SR.REPARTITEUR_DESIGNE,
        target=_SR.PV_SIGNIFIE,
        conditions=[poursuites_possibles, commandement_inscrit],
    )
    def signifier_pv_saisie(self, *, le, employeur: str, calendrier):
        """CPCE L212-2, L212-6 ; mentions R212-1-10 et s."""
        self._verifier_pv(le, calendrier)
        self.pv_le = le
        self.employeur = employeur

    @transition(
        etat, source=_SR.PV_SIGNIFIE, target=_SR.DENONCEE, conditions=[poursuites_possibles]
    )
    def denoncer(self, *, le, calendrier):
        gardes.verifier_horaire(le, calendrier=calendrier, article="CPC 664")
        gardes.avant_echeance(
            "sr_denonciation",
            gardes.jour_de(self.pv_le),
            gardes.jour_de(le),
            calendrier=calendrier,
            message="l'acte de saisie est dénoncé au débiteur dans un délai de huit jours.",
        )
        self.denoncee_le = le

    @transition(etat, source=_SR.DENONCEE, target=_SR.DECLARATION_RECUE)
    def enregistrer_declaration_employeur(self, *, le):
        """CPCE L212-8 : déclaration dans les quinze jours."""
        self.declaration_le = le

    @transition(etat, source=[_SR.DECLARATION_RECUE, _SR.VERSEMENTS], target=_SR.VERSEMENTS)
    def enregistrer_versement(self, *, le, montant):
        """Versement mensuel de la fraction saisissable au répartiteur."""
        if montant <= 0:
            raise RegleMetier("Le versement doit être positif.")
        self.dernier_versement_le = le
        self.total_verse = (self.total_verse or ZERO) + montant

    @transition(
        etat, source=[_SR.DENONCEE, _SR.DECLARATION_RECUE, _SR.VERSEMENTS], target=_SR.FIN_EMPLOI
    )
    def constater_fin_emploi(self, *, le):
        """CPCE R212-1-31, R212-1-32 : reprise possible dans l'année chez un autre employeur."""
        self.fin_emploi_le = le

    @transition(
        etat, source=_SR.FIN_EMPLOI, target=_SR.PV_SIGNIFIE, conditions=[poursuites_possibles]
    )
    def reprendre_chez_nouvel_employeur(self, *, le, employeur: str, calendrier):
        """CPCE R212-1-32 : nouvel acte de saisie, sans nouveau commandement, dans l'année."""
        gardes.verifier_horaire(le, calendrier=calendrier)
        gardes.avant_echeance(
            "sr_reprise",
            self.fin_emploi_le,
            gardes.jour_de(le),
            calendrier=calendrier,
            message="la saisie peut être reprise dans le délai d'un an chez un nouvel employeur.",
        )
        self.pv_le = le
        self.employeur = employeur
        self.denoncee_le = None
        self.declaration_le = None

    @transition(etat, source=_SR.FIN_EMPLOI, target=_SR.TERMINEE)
    def constater_fin_saisie(self):
        """Nuit : CPCE R212-1-32, pas de reprise dans l'année."""

    @transition(etat, source=[_SR.DECLARATION_RECUE, _SR.VERSEMENTS], target=_SR.TERMINEE)
    def terminer(self, *, le):
        """Créance soldée : mainlevée et radiation au registre."""

    @transition(etat, source=_SR_AVANT_PV, target=_SR.COMMANDEMENT_CADUC)
    def constater_caducite_commandement(self):
        """Nuit : CPCE L212-6, pas de procès-verbal de saisie dans les trois mois."""

    @transition(etat, source=_SR.PV_SIGNIFIE, target=_SR.CADUQUE)
    def constater_caducite(self):
        """Nuit : dénonciation non faite dans les huit jours."""

    @transition(etat, source=_SR_EN_COURS, target=_SR.ABANDONNEE)
    def abandonner(self, *, motif: str):
        """Mainlevée à la demande du créancier."""
