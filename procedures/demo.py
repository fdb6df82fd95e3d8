"""Démonstration des procédures : chaque état de chaque machine, sur les dossiers de la démo.

CONTRAT.md : `python manage.py demo` crée « des dossiers dans chaque état de chaque
procédure ». Chaque scénario ouvre une procédure et la fait avancer par les services d'étape
(gardes, délais, événements, approbations), avec des dates relatives au jour de
l'exécution ; les états que seule la nuit atteint (délai expiré, caducité, péremption, non
avenue, silence valant refus) sont obtenus en rejouant la passe de nuit de la veille sur la
seule étude de démonstration, comme l'aurait fait `manage.py nuit`.

Approbations : l'étude exige l'accord du principal clerc pour le procès-verbal d'expulsion
et l'annonce d'une vente forcée sur un dossier complexe. Quand une étape l'attend, la
principale l'accorde et l'étape est rejouée ; un scénario laisse sa demande en attente, pour
que la file d'approbation ne soit pas vide.

Idempotence : les scénarios d'un (dossier, type) sont rangés dans l'ordre ; une seconde
exécution compte les procédures de ce type déjà au dossier et ne crée que les suivantes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from etude.demo import ContexteDemo, Etape

from . import services
from .delais import est_jour_ferie
from .models import MODELES, Procedure, RegleApprobation
from .models.base import SANS_TITRE
from .models.logement import ExceptionTreve
from .nuit import passe_delais

PARIS = ZoneInfo("Europe/Paris")

# Étapes qui, sur un dossier complexe, attendent l'approbation (règles de l'étude de démo).
REGLES = [
    ("expulsion", "dresser_pv_expulsion"),
    ("saisie_vente", "annoncer_vente_forcee"),
]


def _ouvrable(jour: date) -> date:
    """Le jour ou le précédent où un acte est possible : ni dimanche ni férié (CPC 664)."""
    while jour.weekday() == 6 or est_jour_ferie(jour, "metropole"):
        jour -= timedelta(days=1)
    return jour


def d(jours: int) -> Callable[[ContexteDemo], date]:
    """Date `jours` avant le jour de la démo (négatif : après), ramenée à un jour ouvrable."""
    return lambda ctx: _ouvrable(ctx.aujourd_hui - timedelta(days=jours))


def dt(jours: int, heure: int = 10) -> Callable[[ContexteDemo], datetime]:
    """Même jour que `d(jours)`, à `heure` heures (heure de Paris)."""
    return lambda ctx: datetime.combine(d(jours)(ctx), time(heure), tzinfo=PARIS)


@dataclass
class Pas:
    """Une étape : le service `<type>_<nom>`, ses arguments (valeurs ou fonctions du
    contexte) ; `en_attente` : l'approbation demandée reste dans la file."""

    nom: str
    arguments: dict = field(default_factory=dict)
    en_attente: bool = False


@dataclass
class Scenario:
    dossier: str  # référence du créancier
    type: str
    etat: str  # l'état où la démo doit laisser la procédure
    pas: list[Pas] = field(default_factory=list)
    debiteur: str | None = None  # clé du débiteur ; par défaut le premier du dossier
    # Après les étapes, à la création seulement : interventions, répartitions.
    apres: Callable | None = None


def P(nom: str, en_attente: bool = False, **arguments) -> Pas:  # noqa: N802 - tableau
    return Pas(nom, arguments, en_attente)


def _opposition_et_repartition(ctx: ContexteDemo, procedure, acteur) -> None:
    """Saisie-vente chez M. Santini : M. Garnier, qui a son propre titre contre lui, forme
    opposition (L221-1 al. 2) ; le prix de la vente amiable, 4 200 €, est réparti par
    contribution (C. civ. 2285) entre la créance restante du premier saisissant (lue au
    décompte du dossier) et les 4 380 € de M. Garnier."""
    opposition = services.intervention_former(
        acteur=acteur,
        procedure=procedure,
        creancier=ctx.creanciers["garnier"],
        titre="Titre du commissaire de justice pour chèque impayé (CMF L131-73), CNP 0457",
        montant=M("4380.00"),
        acte_le=dt(42)(ctx),
    )
    services.intervention_denoncer(acteur=acteur, intervention=opposition, le=dt(42, 15)(ctx))
    procedure = services.saisie_vente_realiser_vente_amiable(
        acteur=acteur, procedure=procedure, le=d(20)(ctx)
    )
    services.repartition_effectuer(
        acteur=acteur,
        procedure=procedure,
        le=d(15)(ctx),
        montant=M("4200.00"),
    )


def _intervention_et_repartition(ctx: ContexteDemo, procedure, acteur) -> None:
    """Saisie des rémunérations de Mme D'Arcy : la Caisse intervient (son commandement deux
    mois plus tôt, L212-2 al. 3), dénonce et inscrit (R212-1-17) ; les 825 € versés sont
    répartis entre les deux créanciers inscrits (R212-1-23), la créance du premier saisissant
    lue au décompte du dossier."""
    intervention = services.intervention_former(
        acteur=acteur,
        procedure=procedure,
        creancier=ctx.creanciers["caisse"],
        titre="Contrainte du directeur de la caisse, CTR-2025-518",
        montant=M("2310.00"),
        acte_le=dt(30)(ctx),
        commandement_le=d(70)(ctx),
    )
    services.intervention_denoncer(acteur=acteur, intervention=intervention, le=dt(28)(ctx))
    services.intervention_inscrire(acteur=acteur, intervention=intervention, le=d(28)(ctx))
    services.repartition_effectuer(
        acteur=acteur,
        procedure=procedure,
        le=d(4)(ctx),
        montant=M("825.00"),
    )


M = Decimal
REPARTITEUR = "Me Olivier Fabre, commissaire de justice répartiteur (Paris)"
BANQUE = "Banque du Marais, agence Bastille"

# fmt: off
SCENARIOS = [
    # --- Saisie-vente (R221-1 et s.) -----------------------------------------------------
    Scenario("FD-F24-1187", "saisie_vente", "ouverte"),
    Scenario("FD-F24-1187", "saisie_vente", "commandement_signifie",
             [P("signifier_commandement", le=dt(3))]),
    Scenario("TG-FA-2025-061", "saisie_vente", "delai_expire",
             [P("signifier_commandement", le=dt(20))]),
    Scenario("TG-FA-2025-061", "saisie_vente", "pv_saisie", [
        P("signifier_commandement", le=dt(30)),
        P("dresser_pv_saisie", le=dt(3, 9), debiteur_present=False)]),
    Scenario("CIPA-CTR-2025-311", "saisie_vente", "pv_carence", [
        P("signifier_commandement", le=dt(30)),
        P("dresser_pv_carence", le=dt(15))]),
    Scenario("BH-2025-0417", "saisie_vente", "vente_amiable", [
        P("signifier_commandement", le=dt(40)),
        P("dresser_pv_saisie", le=dt(20), debiteur_present=True)]),
    Scenario("CIPA-CTR-2025-311", "saisie_vente", "vente_amiable_realisee", [
        P("signifier_commandement", le=dt(60)),
        P("dresser_pv_saisie", le=dt(45), debiteur_present=True),
        P("transmettre_propositions", le=d(40))],
        # Opposition, vente amiable, répartition du prix : dans _opposition_et_repartition.
        apres=_opposition_et_repartition),
    Scenario("FD-F24-0950", "saisie_vente", "vente_forcee_publicite", [
        P("signifier_commandement", le=dt(90)),
        P("dresser_pv_saisie", le=dt(75), debiteur_present=True),
        P("annoncer_vente_forcee", le=d(20), vente_le=d(-12))]),
    Scenario("FD-F24-0950", "saisie_vente", "vente_forcee", [
        P("signifier_commandement", le=dt(120)),
        P("dresser_pv_saisie", le=dt(100), debiteur_present=True),
        P("annoncer_vente_forcee", le=d(50), vente_le=d(30)),
        P("proceder_vente_forcee", le=dt(30, 14))]),
    Scenario("TG-FA-2025-061", "saisie_vente", "distribution", [
        P("signifier_commandement", le=dt(90)),
        P("dresser_pv_saisie", le=dt(70), debiteur_present=True),
        P("realiser_vente_amiable", le=d(40)),
        P("distribuer", le=d(25))]),
    Scenario("FD-F24-1187", "saisie_vente", "caduque", [
        P("signifier_commandement", le=dt(40)),
        P("dresser_pv_saisie", le=dt(20), debiteur_present=False)]),
    Scenario("CSE-IMMO-1203", "saisie_vente", "commandement_perime",
             [P("signifier_commandement", le=dt(760))]),
    Scenario("BH-2025-0417", "saisie_vente", "abandonnee", [
        P("signifier_commandement", le=dt(10)),
        P("abandonner", motif="Paiement intégral reçu du débiteur")]),

    # --- Saisie-attribution (R211-1 et s.) -----------------------------------------------
    Scenario("CSE-PP-88412", "saisie_attribution", "ouverte"),
    Scenario("CSE-PP-88412", "saisie_attribution", "saisie_signifiee", [
        P("signifier", signifie_le=dt(2, 9), tiers_saisi="Banque des Canuts",
          compte_bancaire=True)]),
    Scenario("BH-2025-0417", "saisie_attribution", "declaration_recue", [
        P("signifier", signifie_le=dt(3, 11), tiers_saisi=BANQUE, compte_bancaire=True),
        P("enregistrer_declaration", le=dt(3, 11), solde_declare=M("2874.12"))]),
    Scenario("CSE-PP-90107", "saisie_attribution", "denoncee", [
        P("signifier", signifie_le=dt(20), tiers_saisi="Caisse d'épargne d'Alsace",
          compte_bancaire=True),
        P("denoncer", le=dt(16))]),
    Scenario("CIPA-CTR-2025-402", "saisie_attribution", "contestee", [
        P("signifier", signifie_le=dt(30), tiers_saisi="Crédit Coopératif, agence de Nantes",
          compte_bancaire=True),
        P("denoncer", le=dt(27)),
        P("enregistrer_contestation", le=d(10))]),
    Scenario("CSE-PP-88412", "saisie_attribution", "certificat_delivre", [
        P("signifier", signifie_le=dt(60), tiers_saisi="Banque des Canuts",
          compte_bancaire=True),
        P("denoncer", le=dt(57)),
        P("delivrer_certificat_non_contestation", le=d(20))]),
    Scenario("FD-F24-0950", "saisie_attribution", "paiement_autorise", [
        P("signifier", signifie_le=dt(70), tiers_saisi="Locations Matériel Ouest (loyers dus)"),
        P("denoncer", le=dt(66)),
        P("enregistrer_contestation", le=d(50)),
        P("statuer_contestation", rejetee=True)]),
    Scenario("BH-2025-0417", "saisie_attribution", "payee", [
        P("signifier", signifie_le=dt(80), tiers_saisi=BANQUE, compte_bancaire=True),
        P("denoncer", le=dt(77)),
        P("delivrer_certificat_non_contestation", le=d(40)),
        P("constater_paiement", le=d(30), montant=M("1412.60"))]),
    Scenario("CSE-PP-90107", "saisie_attribution", "mainlevee", [
        P("signifier", signifie_le=dt(70), tiers_saisi="Caisse d'épargne d'Alsace"),
        P("denoncer", le=dt(66)),
        P("enregistrer_contestation", le=d(50)),
        P("statuer_contestation", rejetee=False)]),
    Scenario("CIPA-CTR-2025-402", "saisie_attribution", "caduque", [
        P("signifier", signifie_le=dt(20), tiers_saisi="Banque Populaire Grand Ouest")]),
    Scenario("HM-LOY-01", "saisie_attribution", "abandonnee", [
        P("signifier", signifie_le=dt(5), tiers_saisi="Banque de La Réunion"),
        P("abandonner", motif="Compte clôturé selon le tiers saisi")]),

    # --- Injonction de payer (CPC 1405 et s.) --------------------------------------------
    Scenario("FD-F25-0210", "injonction_de_payer", "ouverte"),
    Scenario("FD-F25-0210", "injonction_de_payer", "requete_deposee", [
        P("deposer_requete", le=d(10), juridiction="Tribunal de commerce de Lyon",
          montant_principal=M("2890.40"))]),
    Scenario("HM-LOY-02", "injonction_de_payer", "requete_rejetee", [
        P("deposer_requete", le=d(30), juridiction="Tribunal judiciaire de Paris",
          montant_principal=M("2150.00")),
        P("rejeter_requete", le=d(20))]),
    Scenario("BH-2026-0031", "injonction_de_payer", "ordonnance_rendue", [
        P("deposer_requete", le=d(19), juridiction="Tribunal judiciaire de Paris",
          montant_principal=M("1290.00")),
        P("enregistrer_ordonnance", le=d(12))]),
    Scenario("FD-F25-0388", "injonction_de_payer", "signifiee", [
        P("deposer_requete", le=d(60), juridiction="Tribunal judiciaire de Bordeaux",
          montant_principal=M("3600.00")),
        P("enregistrer_ordonnance", le=d(40)),
        P("signifier", le=dt(10), a_personne=True)]),
    Scenario("TG-FA-2025-077", "injonction_de_payer", "opposition_formee", [
        P("deposer_requete", le=d(90), juridiction="Tribunal judiciaire de Nanterre",
          montant_principal=M("1860.00")),
        P("enregistrer_ordonnance", le=d(70)),
        P("signifier", le=dt(40), a_personne=False),
        P("enregistrer_opposition", le=d(30))]),
    Scenario("BH-2026-0102", "injonction_de_payer", "titre_executoire", [
        P("deposer_requete", le=d(120), juridiction="Tribunal judiciaire de Paris",
          montant_principal=M("2940.00")),
        P("enregistrer_ordonnance", le=d(100)),
        P("signifier", le=dt(90), a_personne=True),
        P("constater_force_executoire", le=d(50))]),
    Scenario("OM-55131450", "injonction_de_payer", "non_avenue", [
        P("deposer_requete", le=d(230), juridiction="Tribunal judiciaire de Bobigny",
          montant_principal=M("612.00")),
        P("enregistrer_ordonnance", le=d(200))]),
    Scenario("FD-F25-0210", "injonction_de_payer", "abandonnee", [
        P("deposer_requete", le=d(15), juridiction="Tribunal de commerce de Lyon",
          montant_principal=M("2890.40")),
        P("abandonner", motif="Doublon de la requête déposée par le créancier")]),

    # --- Petites créances (CPCE L125-1, R125-1 et s.) ------------------------------------
    Scenario("OM-55144023", "petites_creances", "ouverte"),
    Scenario("OM-55120987", "petites_creances", "lettre_envoyee", [
        P("envoyer_lettre", le=d(5), montant_principal=M("389.90"),
          montant_interets=M("4.12"))]),
    Scenario("OM-PRO-3391", "petites_creances", "accord", [
        P("envoyer_lettre", le=d(20), montant_principal=M("1045.00"),
          montant_interets=M("18.40")),
        P("enregistrer_accord", le=d(10))]),
    Scenario("OM-55131450", "petites_creances", "refus", [
        P("envoyer_lettre", le=d(45), montant_principal=M("612.00"),
          montant_interets=M("9.65"))]),
    Scenario("TG-FA-2025-077", "petites_creances", "titre_delivre", [
        P("envoyer_lettre", le=d(40), montant_principal=M("1860.00"),
          montant_interets=M("31.20")),
        P("enregistrer_accord", le=d(25)),
        P("delivrer_titre", le=d(20))]),
    Scenario("OM-55144023", "petites_creances", "abandonnee", [
        P("envoyer_lettre", le=d(10), montant_principal=M("240.00"),
          montant_interets=M("0.00")),
        P("abandonner", motif="Paiement reçu du débiteur")]),

    # --- Saisie des rémunérations (régime du 1er juillet 2025) ---------------------------
    Scenario("CSE-PP-88412", "saisie_remunerations", "ouverte"),
    Scenario("BH-2025-0417", "saisie_remunerations", "commandement_signifie",
             [P("signifier_commandement", le=dt(5))]),
    Scenario("CSE-IMMO-1203", "saisie_remunerations", "suspendue", [
        P("signifier_commandement", le=dt(20)),
        P("enregistrer_accord", le=d(10))]),
    Scenario("CSE-PP-88412", "saisie_remunerations", "contestee", [
        P("signifier_commandement", le=dt(20)),
        P("enregistrer_contestation", le=d(10))]),
    Scenario("BH-2025-0417", "saisie_remunerations", "delai_expire",
             [P("signifier_commandement", le=dt(45))]),
    Scenario("CSE-IMMO-1203", "saisie_remunerations", "repartiteur_designe", [
        P("signifier_commandement", le=dt(45)),
        P("inscrire_commandement", le=d(44)),
        P("designer_repartiteur", le=d(5), repartiteur=REPARTITEUR)]),
    Scenario("CSE-PP-88412", "saisie_remunerations", "pv_signifie", [
        P("signifier_commandement", le=dt(50)),
        P("inscrire_commandement", le=d(48)),
        P("designer_repartiteur", le=d(40), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(3), employeur="Clinique Saint-Exupéry")]),
    Scenario("BH-2025-0417", "saisie_remunerations", "denoncee", [
        P("signifier_commandement", le=dt(60)),
        P("inscrire_commandement", le=d(58)),
        P("designer_repartiteur", le=d(50), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(10), employeur="Ascenseurs Parisiens"),
        P("denoncer", le=dt(7))]),
    Scenario("CSE-IMMO-1203", "saisie_remunerations", "declaration_recue", [
        P("signifier_commandement", le=dt(75)),
        P("inscrire_commandement", le=d(73)),
        P("designer_repartiteur", le=d(60), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(35), employeur="Transports Rhénans"),
        P("denoncer", le=dt(30)),
        P("enregistrer_declaration_employeur", le=d(25))]),
    Scenario("CSE-PP-88412", "saisie_remunerations", "versements", [
        P("signifier_commandement", le=dt(85)),
        P("inscrire_commandement", le=d(83)),
        P("designer_repartiteur", le=d(70), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(45), employeur="Clinique Saint-Exupéry"),
        P("denoncer", le=dt(41)),
        P("enregistrer_declaration_employeur", le=d(38)),
        P("enregistrer_versement", le=d(33), montant=M("412.50")),
        P("enregistrer_versement", le=d(5), montant=M("412.50"))],
        apres=_intervention_et_repartition),
    Scenario("CSE-IMMO-1203", "saisie_remunerations", "fin_emploi", [
        P("signifier_commandement", le=dt(85)),
        P("inscrire_commandement", le=d(83)),
        P("designer_repartiteur", le=d(70), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(45), employeur="Transports Rhénans"),
        P("denoncer", le=dt(41)),
        P("enregistrer_declaration_employeur", le=d(38)),
        P("enregistrer_versement", le=d(30), montant=M("236.80")),
        P("constater_fin_emploi", le=d(10))]),
    Scenario("BH-2025-0417", "saisie_remunerations", "terminee", [
        P("signifier_commandement", le=dt(88)),
        P("inscrire_commandement", le=d(86)),
        P("designer_repartiteur", le=d(75), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(50), employeur="Ascenseurs Parisiens"),
        P("denoncer", le=dt(46)),
        P("enregistrer_declaration_employeur", le=d(42)),
        P("enregistrer_versement", le=d(35), montant=M("486.20")),
        P("terminer", le=d(6))]),
    Scenario("CSE-IMMO-1203", "saisie_remunerations", "commandement_caduc",
             [P("signifier_commandement", le=dt(100))]),
    Scenario("CSE-PP-88412", "saisie_remunerations", "caduque", [
        P("signifier_commandement", le=dt(60)),
        P("inscrire_commandement", le=d(58)),
        P("designer_repartiteur", le=d(50), repartiteur=REPARTITEUR),
        P("signifier_pv_saisie", le=dt(20), employeur="Clinique Saint-Exupéry")]),
    Scenario("CSE-IMMO-1203", "saisie_remunerations", "mainlevee", [
        P("signifier_commandement", le=dt(30)),
        P("enregistrer_contestation", le=d(20)),
        P("statuer_contestation", rejetee=False)]),
    Scenario("BH-2025-0417", "saisie_remunerations", "abandonnee", [
        P("signifier_commandement", le=dt(12)),
        P("abandonner", motif="Échéancier accepté par le créancier")]),

    # --- Expulsion (L411-1 et s.) ----------------------------------------------------------
    Scenario("BH-2026-0078", "expulsion", "ouverte"),
    Scenario("BH-2026-0078", "expulsion", "commandement_signifie", [
        P("signifier_commandement", le=dt(10), prefet_saisi_le=d(9))]),
    Scenario("HM-LOY-01", "expulsion", "delai_expire", [
        P("signifier_commandement", le=dt(80), prefet_saisi_le=d(79))]),
    Scenario("BH-2025-0417", "expulsion", "requisition", [
        P("signifier_commandement", le=dt(100), prefet_saisi_le=d(99)),
        P("requerir_force_publique", le=d(20))]),
    Scenario("HM-LOY-03", "expulsion", "concours_accorde", [
        P("signifier_commandement", le=dt(110), prefet_saisi_le=d(109)),
        P("requerir_force_publique", le=d(50)),
        P("accorder_concours", le=d(20)),
        P("enregistrer_exceptions", exception_treve=ExceptionTreve.RELOGEMENT),
        # Dossier complexe : la demande reste dans la file du principal clerc.
        P("dresser_pv", en_attente=True, le=dt(1, 9), meubles_laisses=False)]),
    Scenario("BH-2026-0078", "expulsion", "concours_refuse", [
        P("signifier_commandement", le=dt(180), prefet_saisi_le=d(179)),
        P("requerir_force_publique", le=d(100))]),
    Scenario("BH-2025-0522", "expulsion", "meubles_en_depot", [
        P("signifier_commandement", le=dt(130), prefet_saisi_le=d(129)),
        P("requerir_force_publique", le=d(60)),
        P("accorder_concours", le=d(30)),
        P("enregistrer_exceptions", exception_treve=ExceptionTreve.RELOGEMENT),
        P("dresser_pv", le=dt(10, 8), meubles_laisses=True)],
        debiteur="leroy_s"),
    Scenario("HM-LOY-01", "expulsion", "meubles_non_retires", [
        P("signifier_commandement", le=dt(240), prefet_saisi_le=d(239)),
        P("requerir_force_publique", le=d(160)),
        P("accorder_concours", le=d(120)),
        P("enregistrer_exceptions", exception_treve=ExceptionTreve.RELOGEMENT),
        P("dresser_pv", le=dt(90, 8), meubles_laisses=True)]),
    Scenario("BH-2025-0522", "expulsion", "libere", [
        P("signifier_commandement", le=dt(40), prefet_saisi_le=d(39)),
        P("constater_depart_volontaire", le=d(5))],
        debiteur="leroy_t"),
    Scenario("BH-2025-0417", "expulsion", "terminee", [
        P("signifier_commandement", le=dt(150), prefet_saisi_le=d(149)),
        P("requerir_force_publique", le=d(90)),
        P("accorder_concours", le=d(60)),
        P("enregistrer_exceptions", exception_treve=ExceptionTreve.RELOGEMENT),
        P("dresser_pv", le=dt(40, 8), meubles_laisses=False)]),
    Scenario("HM-LOY-03", "expulsion", "abandonnee", [
        P("signifier_commandement", le=dt(30), prefet_saisi_le=d(29)),
        P("abandonner", motif="Protocole d'accord et plan d'apurement signés")],
        debiteur="ozturk"),

    # --- Commandement visant la clause résolutoire (loi 89-462, art. 24) -----------------
    Scenario("BH-2026-0078", "clause_resolutoire", "ouverte"),
    Scenario("BH-2026-0078", "clause_resolutoire", "commandement_signifie", [
        P("signifier_commandement", le=dt(10), bail_signe_le=date(2024, 3, 1),
          loyer_mensuel_hc=M("640.00"), dette=M("2480.00"))]),
    Scenario("HM-LOY-01", "clause_resolutoire", "dette_reglee", [
        P("signifier_commandement", le=dt(40), bail_signe_le=date(2019, 9, 1),
          loyer_mensuel_hc=M("720.00"), dette=M("1440.00")),
        P("signaler_ccapex", le=d(38)),
        P("constater_paiement", le=d(20))]),
    Scenario("HM-LOY-03", "clause_resolutoire", "clause_acquise", [
        P("signifier_commandement", le=dt(60), bail_signe_le=date(2024, 1, 15),
          loyer_mensuel_hc=M("980.00"), dette=M("5200.00")),
        P("signaler_ccapex", le=d(58)),
        P("constater_clause_acquise", le=d(10))]),
    Scenario("BH-2025-0522", "clause_resolutoire", "assignation_delivree", [
        P("signifier_commandement", le=dt(90), bail_signe_le=date(2023, 10, 1),
          loyer_mensuel_hc=M("810.00"), dette=M("7260.50")),
        P("signaler_ccapex", le=d(88)),
        P("constater_clause_acquise", le=d(40)),
        P("assigner", le=d(20), audience_le=d(-70))]),
    Scenario("BH-2025-0417", "clause_resolutoire", "prefet_notifie", [
        P("signifier_commandement", le=dt(100), bail_signe_le=date(2021, 5, 1),
          loyer_mensuel_hc=M("760.00"), dette=M("3840.00")),
        P("signaler_ccapex", le=d(98)),
        P("constater_clause_acquise", le=d(30)),
        P("assigner", le=d(25), audience_le=d(-60)),
        P("notifier_prefet", le=d(22))]),
    Scenario("HM-LOY-01", "clause_resolutoire", "terminee", [
        P("signifier_commandement", le=dt(260), bail_signe_le=date(2019, 9, 1),
          loyer_mensuel_hc=M("720.00"), dette=M("4600.00")),
        P("signaler_ccapex", le=d(258)),
        P("constater_clause_acquise", le=d(190)),
        P("assigner", le=d(180), audience_le=d(100)),
        P("notifier_prefet", le=d(170)),
        P("enregistrer_jugement", le=d(100))]),
    Scenario("BH-2026-0078", "clause_resolutoire", "abandonnee", [
        P("signifier_commandement", le=dt(30), bail_signe_le=date(2024, 3, 1),
          loyer_mensuel_hc=M("640.00"), dette=M("1290.00")),
        P("abandonner", motif="Dette soldée par le fonds de solidarité pour le logement")]),
]
# fmt: on


def _valeur(ctx: ContexteDemo, valeur):
    return valeur(ctx) if callable(valeur) else valeur


def _executer_pas(ctx: ContexteDemo, procedure, pas: Pas, acteur, principal):
    service = getattr(services, f"{procedure.type}_{pas.nom}")
    arguments = {cle: _valeur(ctx, v) for cle, v in pas.arguments.items()}
    try:
        return service(acteur=acteur, procedure=procedure, **arguments)
    except services.ApprobationRequise as attente:
        if pas.en_attente:
            return procedure
        services.approbation_decider(
            acteur=principal,
            approbation=attente.approbation,
            approuvee=True,
            commentaire="Dossier vérifié : concours accordé, relogement confirmé."
            if procedure.type == "expulsion"
            else "Estimation des biens et publicité vérifiées.",
        )
        # La transition refusée a été annulée : l'état relu est celui d'avant l'étape.
        procedure = type(procedure).objects.get(pk=procedure.pk)
        return service(acteur=acteur, procedure=procedure, **arguments)


def _titre(dossier):
    return dossier.titres.order_by("date_titre", "id").first()


def etape_procedures(ctx: ContexteDemo) -> None:
    principal = ctx.utilisateurs["principal"]
    for type_procedure, transition in REGLES:
        if not RegleApprobation.objects.filter(
            etude=ctx.etude, type_procedure=type_procedure, transition=transition, active=True
        ).exists():
            services.regle_approbation_definir(
                acteur=principal, type_procedure=type_procedure, transition=transition
            )
    deja: dict[tuple[str, str], int] = {}
    rang: dict[tuple[str, str], int] = {}
    for scenario in SCENARIOS:
        dossier = ctx.dossiers[scenario.dossier]
        cle = (scenario.dossier, scenario.type)
        if cle not in deja:
            deja[cle] = Procedure.objects.filter(dossier=dossier, type=scenario.type).count()
        rang[cle] = rang.get(cle, 0) + 1
        if rang[cle] <= deja[cle]:
            continue
        acteur = dossier.clerc
        debiteur = (
            ctx.debiteurs[scenario.debiteur]
            if scenario.debiteur
            else dossier.parties.order_by("rang").first().debiteur
        )
        procedure = services.procedure_ouvrir(
            acteur=acteur,
            dossier=dossier,
            debiteur=debiteur,
            type=scenario.type,
            titre=None if scenario.type in SANS_TITRE else _titre(dossier),
        )
        for pas in scenario.pas:
            procedure = _executer_pas(ctx, procedure, pas, acteur, principal)
        if scenario.apres is not None:
            scenario.apres(ctx, procedure, acteur)
    # La nuit de la veille, sur la seule étude de démonstration : délais échus, caducités,
    # péremptions, non avenues et silences, journalisés comme par `manage.py nuit`.
    passe_delais(ctx.aujourd_hui - timedelta(days=1), etude_id=ctx.etude.pk)


def etats_attendus() -> dict[str, set[str]]:
    """Par type, les états que la démonstration doit montrer (tous ceux de la machine)."""
    return {type_: {e.value for e in modele.Etat} for type_, modele in MODELES.items()}


def demo_etapes() -> list[Etape]:
    return [Etape("procédures", etape_procedures)]
