"""Cours des intérêts pendant un échéancier qui les remet (issue 6, docs/ETAT.md) : arrêté du
jour de l'accord tant que le plan court ; repris le lendemain de la déchéance du terme sur le
restant dû, sans rattrapage de la période du plan ; repris à la fin d'un plan payé s'il
reste du principal ; jamais arrêté par un plan refusé.

Chiffres à la main : titre du 14/03/2025 (principal 4 250 €, frais 800 €, créancier
professionnel, majoration CMF L313-3 dès le 03/06/2025) ; 2e semestre 2025 : 2,76 % + 5 =
7,76 % ; intérêts dus à l'accord du 30/09/2025 : 146,09 €
(tests/comptabilite/test_interets_arretes_plan.py). Jours comptés d avec du < d <= au.
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from comptabilite import grand_livre
from comptabilite.models import Ecriture, NatureEcriture, SoldeDossier, SuspensionInterets
from comptabilite.nuit import accruer_interets
from comptabilite.services import decompte_dossier, frais_enregistrer, versement_enregistrer
from etude.models import Evenement
from relances.models import AffectationScenario, EtatEcheancier, PolitiqueEcheancier, Scenario
from relances.services import echeanciers as services
from tests.factories import creer_debiteur, creer_titre_comptable

pytestmark = pytest.mark.django_db

J = date(2025, 9, 30)
INTERETS_A_J = D("146.09")


@pytest.fixture
def dossier(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    d = creer_titre_comptable(acteur=clerc, debiteurs=[debiteur])
    accruer_interets(J)
    return d


@pytest.fixture
def politique(clerc):
    return PolitiqueEcheancier.objects.create(etude=clerc.etude, remise_interets_autorisee=True)


def _interets_apres(dossier, jour):
    return Ecriture.objects.filter(dossier=dossier, nature="interets", date_valeur__gt=jour)


@pytest.mark.parametrize("nuit_avant", [False, True], ids=["prononcee-le-jour", "apres-nuits"])
def test_decheance_les_interets_reprennent_depuis_la_decheance(
    clerc, politique, dossier, nuit_avant
):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 10, 1),
        le=J,
        remise_interets=True,
    )
    accruer_interets(J + timedelta(days=30))  # 30/10/2025
    # Échéance du 01/10 impayée, grâce de 15 jours : à déchoir le 17/10 ; mise en demeure le
    # 20/10 (8 jours) : déchéance possible dès le 29/10, prononcée le 03/11/2025.
    services.echeancier_rapprocher(echeancier=plan, le=date(2025, 10, 20))
    services.echeancier_mettre_en_demeure(acteur=clerc, echeancier=plan, le=date(2025, 10, 20))
    decheance = date(2025, 11, 3)
    # La suite « scénario » suppose que le dossier en suive un.
    AffectationScenario.objects.create(
        etude=clerc.etude,
        dossier=dossier,
        scenario=Scenario.objects.create(etude=clerc.etude, nom="Standard"),
        depuis=J,
    )
    if nuit_avant:
        # Déchéance saisie après coup : la nuit du 29/11 est déjà passée (cours arrêté).
        accruer_interets(J + timedelta(days=60))
        assert not _interets_apres(dossier, J).exists()
    plan = services.echeancier_prononcer_decheance(
        acteur=clerc, echeancier=plan, le=decheance, suite="scenario"
    )
    assert plan.etat == EtatEcheancier.DECHU
    arret = SuspensionInterets.objects.get(dossier=dossier)
    assert (arret.du, arret.au) == (J, decheance)
    reprise = Evenement.objects.get(action="interets_reprendre", dossier=dossier)
    assert "03/11/2025" in reprise.libelle and reprise.apres["au"] == "2025-11-03"
    accruer_interets(J + timedelta(days=60))  # 29/11/2025
    # Du 03/11 au 29/11 : 26 jours, 4 250 × 26 × 7,76 / 36 500 = 23,4926 -> 23,49 €.
    assert SoldeDossier.objects.get(pk=dossier.pk).interets == D("23.49")
    accruer_interets(date(2025, 12, 3))
    # Du 03/11 au 03/12 : 30 jours, 4 250 × 30 × 7,76 / 36 500 = 27,1068 -> 27,11 € : rien
    # pour la période du plan (30/09 au 03/11), remise acquise.
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.interets, solde.principal) == (D("27.11"), D("4250.00"))
    ecritures = _interets_apres(dossier, J)
    assert sum(e.signe for e in ecritures) == D("27.11")
    assert all(e.date_valeur > decheance for e in ecritures)
    d = decompte_dossier(dossier, le=date(2025, 12, 3))
    assert d.interets_courus == INTERETS_A_J + D("27.11")
    assert (d.interets_dus, d.interets_a_comptabiliser) == (D("27.11"), D("0.00"))
    assert d.total_du == D("4250.00") + D("800.00") + D("27.11")
    assert grand_livre.verifier_solde(dossier.pk) == {}
    # Le recalcul Python est d'accord avec la nuit ensembliste.
    assert grand_livre.interets_regulariser(solde, au=date(2025, 12, 3)) == []


def test_plan_paye_avec_reliquat_les_interets_reprennent_a_la_fin(clerc, politique, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=1,
        premiere=date(2025, 10, 31),
        le=J,
        remise_interets=True,
    )
    assert plan.montant == D("5050.00")  # principal et frais, intérêts remis
    # Un émolument de 100 € HT (120 € TTC) s'ajoute pendant le plan : le versement du plan
    # paie d'abord les frais (920 €), puis 4 130 € de principal ; 120 € de principal restent.
    frais_enregistrer(
        acteur=clerc,
        dossier=dossier,
        nature=NatureEcriture.EMOLUMENT,
        montant_ht=D("100.00"),
        date_valeur=date(2025, 10, 15),
        libelle="Émolument d'un acte",
    )
    accruer_interets(date(2025, 10, 30))
    versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("5050.00"),
        date_valeur=date(2025, 10, 31),
        mode="virement",
    )
    accruer_interets(date(2025, 10, 31))
    services.passe_echeances(date(2025, 10, 31))
    plan.refresh_from_db()
    assert (plan.etat, plan.solde_le) == (EtatEcheancier.SOLDE, date(2025, 10, 31))
    assert SuspensionInterets.objects.get(dossier=dossier).au == date(2025, 10, 31)
    assert not _interets_apres(dossier, J).exists()
    assert SoldeDossier.objects.get(pk=dossier.pk).principal == D("120.00")
    accruer_interets(date(2025, 11, 30))
    # Reliquat : 120 € du 31/10 au 30/11, 30 jours : 120 × 30 × 7,76 / 36 500 = 0,7653 ->
    # 0,77 €.
    assert SoldeDossier.objects.get(pk=dossier.pk).interets == D("0.77")
    assert decompte_dossier(dossier, le=date(2025, 11, 30)).interets_a_comptabiliser == 0
    assert grand_livre.verifier_solde(dossier.pk) == {}


def test_plan_paye_sans_reliquat_rien_ne_court(clerc, dossier):
    PolitiqueEcheancier.objects.create(
        etude=clerc.etude, remise_interets_autorisee=True, remise_frais_autorisee=True
    )
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=1,
        premiere=date(2025, 10, 31),
        le=J,
        remise_interets=True,
        remise_frais=True,
    )
    assert plan.montant == D("4250.00")
    versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("4250.00"),
        date_valeur=date(2025, 10, 31),
        mode="virement",
    )
    services.passe_echeances(date(2025, 10, 31))
    plan.refresh_from_db()
    assert plan.etat == EtatEcheancier.SOLDE
    for jour in (date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31)):
        accruer_interets(jour)
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.principal, solde.interets) == (D("0.00"), D("0.00"))
    assert not _interets_apres(dossier, J).exists()


def test_plan_refuse_les_interets_courent_puis_plan_approuve_apres_des_nuits(
    clerc, principal_clerc, dossier
):
    """Un plan hors politique refusé n'arrête rien. Le suivant, accepté le J et approuvé
    après la nuit du J + 10, arrête le cours du jour de l'accord (le montant du plan est
    fixé ce jour-là) : les intérêts passés depuis sont repris au crédit et tout ce qui était
    dû à l'accord est remis."""
    refuse = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 10, 31),
        le=J,
        remise_interets=True,
    )
    services.echeancier_decider(
        acteur=principal_clerc, echeancier=refuse, approuve=False, commentaire="Créancier opposé"
    )
    accruer_interets(J + timedelta(days=10))
    assert not SuspensionInterets.objects.filter(dossier=dossier).exists()
    # Morceau du 2e semestre (30/06 au 10/10/2025, 102 jours) : 4 250 × 102 × 7,76 /
    # 36 500 = 92,1633 -> 92,16 € ; 62,96 + 92,16 = 155,12 €.
    assert SoldeDossier.objects.get(pk=dossier.pk).interets == D("155.12")
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 10, 31),
        le=J,
        remise_interets=True,
    )
    assert plan.etat == EtatEcheancier.A_APPROUVER
    services.echeancier_decider(acteur=principal_clerc, echeancier=plan, approuve=True)
    # Morceau coupé à l'accord : 83,13 € ; 92,16 − 83,13 = 9,03 € repris au crédit.
    credit = Ecriture.objects.get(dossier=dossier, nature="interets", sens="credit")
    assert (credit.montant, credit.date_valeur) == (D("9.03"), J + timedelta(days=10))
    remise = Ecriture.objects.get(dossier=dossier, nature="remise", poste="interets")
    assert remise.montant == INTERETS_A_J
    assert SuspensionInterets.objects.get(dossier=dossier).du == J
    accruer_interets(J + timedelta(days=30))
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.interets, solde.du) == (D("0.00"), D("5050.00"))
    evenement = Evenement.objects.get(action="echeancier_approuver", dossier=dossier)
    assert evenement.apres["remise_interets"] == "146.09"


def test_rattrapage_des_plans_en_cours_acceptes_avant_l_arret(clerc, politique, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 10, 31),
        le=J,
        remise_interets=True,
    )
    # Un plan accepté avant la session 5 : remise passée, mais pas d'arrêt du cours.
    SuspensionInterets.objects.filter(dossier=dossier).delete()
    SoldeDossier.objects.filter(pk=dossier.pk).update(interets_suspendus_depuis=None)
    accruer_interets(J + timedelta(days=30))
    # Morceau du 2e semestre jusqu'au 30/10/2025 (122 jours) : 4 250 × 122 × 7,76 / 36 500
    # = 110,2345 -> 110,23 € ; 83,13 € déjà passés à l'accord : 27,10 € de plus.
    assert SoldeDossier.objects.get(pk=dossier.pk).interets == D("27.10")
    assert services.interets_arreter_plans_en_cours() == {"arretes": 1, "erreurs": []}
    credit = Ecriture.objects.get(dossier=dossier, nature="interets", sens="credit")
    assert (credit.montant, credit.date_valeur) == (D("27.10"), J + timedelta(days=30))
    arret = SuspensionInterets.objects.get(dossier=dossier)
    assert (arret.du, arret.au, arret.cause_id) == (J, None, f"echeancier-{plan.pk}")
    evenement = Evenement.objects.get(action="interets_suspendre", dossier=dossier, acteur=None)
    assert "rattrapage" in evenement.libelle and evenement.acteur_libelle == "nuit"
    accruer_interets(J + timedelta(days=60))
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.interets, solde.du) == (D("0.00"), D("5050.00"))
    assert grand_livre.verifier_solde(dossier.pk) == {}
    # Relancé : plus rien à rattraper.
    assert services.interets_arreter_plans_en_cours() == {"arretes": 0, "erreurs": []}
