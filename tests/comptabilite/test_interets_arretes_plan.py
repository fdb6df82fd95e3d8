"""Un échéancier qui remet les intérêts arrête leur cours tant qu'il court : ni la nuit
ensembliste, ni le recalcul Python, ni le décompte ne portent d'intérêts pour les jours qui
suivent l'accord (`comptabilite.services.interets_suspendre`).

Chiffres à la main (domaine/argent.md § 1, DOMAINE.md décision 1) : titre du 14/03/2025,
principal 4 250 €, frais 800 €, créancier professionnel (taux « autres cas »), exécutoire le
02/04/2025, majoration de 5 points dès le 03/06/2025 (CMF L313-3).
- au 30/06/2025 : 34,56 + 28,40 = 62,96 € (tests/comptabilite/test_nuit.py) ;
- 2e semestre 2025 : 2,76 % + 5 = 7,76 % ; du 30/06 au 30/09/2025, 92 jours :
  4 250 × 92 × 7,76 / 36 500 = 83,1276 -> 83,13 € ;
- intérêts dus au jour de l'accord J = 30/09/2025 : 62,96 + 83,13 = 146,09 €.
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from comptabilite import grand_livre
from comptabilite.models import Ecriture, SoldeDossier, SuspensionInterets
from comptabilite.nuit import accruer_interets
from comptabilite.services import decompte_dossier, versement_enregistrer
from etude.models import Evenement
from relances.models import EtatEcheancier, PolitiqueEcheancier
from relances.services import echeanciers as services
from tests.factories import creer_debiteur, creer_titre_comptable

pytestmark = pytest.mark.django_db

J = date(2025, 9, 30)
INTERETS_A_J = D("146.09")


def _dossier(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    return creer_titre_comptable(acteur=clerc, debiteurs=[debiteur])


def _plan(clerc, dossier, *, remise_interets: bool):
    return services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=J + timedelta(days=31),
        le=J,
        remise_interets=remise_interets,
    )


def _interets_apres(dossier, jour: date):
    return Ecriture.objects.filter(dossier=dossier, nature="interets", date_valeur__gt=jour)


@pytest.fixture
def politique(clerc):
    return PolitiqueEcheancier.objects.create(etude=clerc.etude, remise_interets_autorisee=True)


@pytest.mark.parametrize("ensembliste", [True, False], ids=["sql", "python"])
def test_plan_qui_remet_les_interets_arrete_leur_cours(clerc, politique, ensembliste):
    dossier = _dossier(clerc)
    accruer_interets(J, ensembliste=ensembliste)
    assert SoldeDossier.objects.get(pk=dossier.pk).interets == INTERETS_A_J
    plan = _plan(clerc, dossier, remise_interets=True)
    assert plan.etat == EtatEcheancier.EN_COURS and plan.montant == D("5050.00")
    # Remise de tout ce qui était dû au jour de l'accord, arrêt du cours après J.
    remise = Ecriture.objects.get(dossier=dossier, nature="remise", poste="interets")
    assert (remise.montant, remise.date_valeur) == (INTERETS_A_J, J)
    arret = SuspensionInterets.objects.get(dossier=dossier)
    assert (arret.du, arret.au, arret.cause_id) == (J, None, f"echeancier-{plan.pk}")
    assert Evenement.objects.filter(action="interets_suspendre", dossier=dossier).count() == 1

    for jour in (J + timedelta(days=30), J + timedelta(days=60)):
        resume = accruer_interets(jour, ensembliste=ensembliste)
        assert resume["ecritures"] == 0 and resume["erreurs"] == {}
    assert not _interets_apres(dossier, J).exists()
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.interets, solde.principal, solde.du) == (D("0.00"), D("4250.00"), D("5050.00"))
    assert solde.interets_arretes_au == J + timedelta(days=60)
    assert grand_livre.verifier_solde(dossier.pk) == {}
    if ensembliste:
        assert resume["dossiers_ensemblistes"] == 1 and resume["dossiers_recalcules"] == 0
    # Le recalcul Python est d'accord avec la nuit : rien à régulariser, même état du
    # morceau (vide, parti du dernier jour passé).
    etat = (solde.morceau_debut, solde.morceau_principal, solde.morceau_poste)
    assert grand_livre.interets_regulariser(solde, au=solde.interets_arretes_au) == []
    solde.refresh_from_db()
    assert (solde.morceau_debut, solde.morceau_principal, solde.morceau_poste) == etat
    assert etat == (J + timedelta(days=60), D("4250.00"), D("0.00"))


def test_decompte_pendant_le_plan_egal_au_jour_de_l_accord(clerc, politique):
    dossier = _dossier(clerc)
    accruer_interets(J)
    _plan(clerc, dossier, remise_interets=True)
    accruer_interets(J + timedelta(days=30))
    a_l_accord = decompte_dossier(dossier, le=J)
    assert (a_l_accord.interets_courus, a_l_accord.interets_remis) == (INTERETS_A_J,) * 2
    assert (a_l_accord.interets_dus, a_l_accord.total_du) == (D("0.00"), D("5050.00"))
    # J + 45 : la nuit n'est pas passée (décompte calculé), le cours reste arrêté.
    for jour in (J + timedelta(days=30), J + timedelta(days=45)):
        d = decompte_dossier(dossier, le=jour)
        assert d.interets_courus == INTERETS_A_J, jour
        assert (d.interets_dus, d.interets_a_comptabiliser) == (D("0.00"), D("0.00"))
        assert d.total_du == a_l_accord.total_du == D("5050.00")
        dernier = d.morceaux[-1]
        assert (dernier.debut, dernier.fin, dernier.suspendu) == (J, jour, True)
        assert (dernier.taux, dernier.montant) == (D("0"), D("0"))


def test_plan_sans_remise_les_interets_courent_comme_avant(clerc, politique):
    sans_remise = _dossier(clerc)
    avec_remise = _dossier(clerc)
    accruer_interets(J)
    _plan(clerc, sans_remise, remise_interets=False)
    _plan(clerc, avec_remise, remise_interets=True)
    accruer_interets(J + timedelta(days=30))
    accruer_interets(J + timedelta(days=60))
    assert not SuspensionInterets.objects.filter(dossier=sans_remise).exists()
    # 60 jours à 7,76 % sur 4 250 € : 4 250 × 60 × 7,76 / 36 500 = 54,2137 -> 54,21 €.
    assert sum(e.montant for e in _interets_apres(sans_remise, J)) == D("54.21")
    assert SoldeDossier.objects.get(pk=sans_remise.pk).interets == INTERETS_A_J + D("54.21")
    assert decompte_dossier(sans_remise, le=J + timedelta(days=60)).interets_a_comptabiliser == 0
    # Même nuit, même titre : le dossier dont le plan remet les intérêts n'en porte aucun.
    assert not _interets_apres(avec_remise, J).exists()
    assert SoldeDossier.objects.get(pk=avec_remise.pk).interets == D("0.00")


def test_seconde_passe_de_nuit_pour_la_meme_date_n_ecrit_rien(clerc, politique):
    dossier = _dossier(clerc)
    accruer_interets(J)
    _plan(clerc, dossier, remise_interets=True)
    premiere = accruer_interets(J + timedelta(days=30))
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    ecritures = Ecriture.objects.count()
    seconde = accruer_interets(J + timedelta(days=30))
    assert (premiere["ecritures"], seconde["ecritures"]) == (0, 0)
    assert (seconde["dossiers_ensemblistes"], seconde["dossiers_recalcules"]) == (0, 0)
    assert Ecriture.objects.count() == ecritures
    apres = SoldeDossier.objects.get(pk=dossier.pk)
    assert (apres.du, apres.interets_arretes_au, apres.morceau_debut) == (
        solde.du,
        solde.interets_arretes_au,
        solde.morceau_debut,
    )


def test_accord_antidate_reprend_au_credit_les_interets_deja_passes(clerc, politique):
    """La nuit a déjà passé J + 10 quand le plan accordé le J est enregistré : les intérêts
    des jours qui suivent l'accord sont repris au crédit. Le morceau du 2e semestre (30/06 au
    10/10/2025, 102 jours) valait 4 250 × 102 × 7,76 / 36 500 = 92,1633 -> 92,16 € ; coupé
    à l'accord, 83,13 € : 9,03 € repris (l'arrondi porte sur le morceau, décision 1)."""
    dossier = _dossier(clerc)
    accruer_interets(J)
    accruer_interets(J + timedelta(days=10))
    assert SoldeDossier.objects.get(pk=dossier.pk).interets == D("62.96") + D("92.16")
    _plan(clerc, dossier, remise_interets=True)
    credit = Ecriture.objects.get(dossier=dossier, nature="interets", sens="credit")
    assert (credit.montant, credit.date_valeur) == (D("9.03"), J + timedelta(days=10))
    remise = Ecriture.objects.get(dossier=dossier, nature="remise", poste="interets")
    assert remise.montant == INTERETS_A_J
    accruer_interets(J + timedelta(days=30))
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.interets, solde.du) == (D("0.00"), D("5050.00"))
    assert decompte_dossier(dossier, le=J + timedelta(days=30)).interets_courus == INTERETS_A_J
    assert grand_livre.verifier_solde(dossier.pk) == {}


def test_taux_manquant_a_l_accord_l_arret_part_du_dernier_jour_passe(clerc, politique):
    """Le taux légal du 2e semestre 2026 n'est pas saisi (DOMAINE.md décision 15) : les
    intérêts ne se portent pas jusqu'à l'accord du 15/10/2026. Le cours s'arrête après le
    dernier jour passé (30/06/2026) : les jours qu'on ne sait pas chiffrer sont compris dans
    la remise, la nuit ne compte plus ce dossier en erreur et un versement pendant le plan
    s'impute (aucun taux du semestre arrêté n'est lu)."""
    dossier = _dossier(clerc)
    accruer_interets(date(2026, 6, 30))
    du = SoldeDossier.objects.get(pk=dossier.pk).interets
    accord = date(2026, 10, 15)
    services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2026, 10, 31),
        le=accord,
        remise_interets=True,
    )
    assert SuspensionInterets.objects.get(dossier=dossier).du == date(2026, 6, 30)
    remise = Ecriture.objects.get(dossier=dossier, nature="remise", poste="interets")
    assert (remise.montant, remise.date_valeur) == (du, accord)
    resume = accruer_interets(date(2026, 10, 16))
    assert (resume["ecritures"], resume["erreurs"]) == (0, {})
    versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("841.66"),
        date_valeur=date(2026, 10, 31),
        mode="virement",
    )
    # 800 € de frais du titre, puis 41,66 € de principal.
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.frais, solde.interets, solde.principal) == (
        D("0.00"),
        D("0.00"),
        D("4208.34"),
    )
    d = decompte_dossier(dossier, le=date(2026, 10, 31))
    assert d.erreurs == [] and d.interets_dus == D("0.00")
