"""Passe de nuit des intérêts : mêmes chiffres que le décompte, idempotente, sans plantage
quand un taux manque. Sur PostgreSQL, le chemin ensembliste (SQL) est exercé ; sur SQLite,
le recalcul dossier par dossier."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection

from comptabilite import grand_livre
from comptabilite.models import Ecriture, SoldeDossier
from comptabilite.nuit import accruer_interets
from comptabilite.services import decompte_dossier, versement_enregistrer
from tests.factories import creer_titre_comptable

pytestmark = pytest.mark.django_db


def jours(du: date, au: date):
    while du <= au:
        yield du
        du += timedelta(days=1)


def test_nuits_successives_egalent_le_decompte(clerc):
    # Majoration dès le 03/06/2025, semestre au 01/07/2025 : deux coupures traversées.
    dossier = creer_titre_comptable(acteur=clerc)
    contractuel = creer_titre_comptable(
        acteur=clerc, type_interets="contractuel", taux_contractuel=D("9.5000")
    )
    particulier = creer_titre_comptable(
        acteur=clerc,
        creancier=None,
        majoration_ecartee=True,
        montant=D("1234.56"),
    )
    resume = accruer_interets(date(2025, 5, 30))
    assert resume["grands_livres_ouverts"] == 3
    for jour in jours(date(2025, 5, 31), date(2025, 7, 3)):
        resume = accruer_interets(jour)
        assert resume["erreurs"] == {}
        for d in (dossier, contractuel, particulier):
            decompte = decompte_dossier(d, le=jour)
            assert decompte.interets_a_comptabiliser == 0, (jour, d.reference)
            assert decompte.total_du == decompte.solde_grand_livre
            assert grand_livre.verifier_solde(d.pk) == {}
    # Au 03/07/2025 (calcul à la main, test_grand_livre) : 34,56 + 28,40 au 30/06, puis
    # 3 jours à 7,76 % : 4250 × 3 × 7,76 / 36500 = 2,7107 -> 2,71.
    assert decompte_dossier(dossier, le=date(2025, 7, 3)).interets_courus == D("65.67")
    if connection.vendor == "postgresql":
        assert resume["dossiers_ensemblistes"] == 3


def test_seconde_passe_pour_la_meme_date_n_ecrit_rien(clerc):
    creer_titre_comptable(acteur=clerc)
    creer_titre_comptable(acteur=clerc, type_interets="contractuel", taux_contractuel=D("4"))
    premiere = accruer_interets(date(2025, 6, 30))
    assert premiere["ecritures"] == 2
    avant = Ecriture.objects.count()
    seconde = accruer_interets(date(2025, 6, 30))
    assert (seconde["ecritures"], seconde["grands_livres_ouverts"]) == (0, 0)
    assert Ecriture.objects.count() == avant


def test_versement_entre_deux_nuits_suit_le_principal_reduit(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    accruer_interets(date(2025, 6, 27))
    versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("2000.00"),
        date_valeur=date(2025, 6, 27),
        mode="virement",
    )
    for jour in jours(date(2025, 6, 28), date(2025, 7, 2)):
        accruer_interets(jour)
    d = decompte_dossier(dossier, le=date(2025, 7, 2))
    assert d.interets_a_comptabiliser == 0
    assert d.total_du == d.solde_grand_livre
    assert grand_livre.verifier_solde(dossier.pk) == {}
    # Après le versement : frais 800 et intérêts payés d'abord, le principal suit.
    assert d.morceaux[-1].principal < D("4250.00")


def test_versement_antidate_apres_la_nuit_regularise_les_interets(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    for jour in jours(date(2025, 6, 20), date(2025, 6, 30)):
        accruer_interets(jour)
    versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("3000.00"),
        date_valeur=date(2025, 6, 22),
        mode="cheque",
    )
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    assert d.interets_a_comptabiliser == 0
    assert Ecriture.objects.filter(
        dossier=dossier, nature="interets", sens="credit"
    ).exists()  # régularisation à la baisse des intérêts déjà passés du 23 au 30 juin
    accruer_interets(date(2025, 7, 1))
    assert decompte_dossier(dossier, le=date(2025, 7, 1)).interets_a_comptabiliser == 0


def test_taux_manquant_compte_en_erreur_sans_planter(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    accruer_interets(date(2026, 6, 30))
    resume = accruer_interets(date(2026, 7, 1))
    assert resume["ecritures"] == 0
    [(message, nombre)] = resume["erreurs"].items()
    assert "2e semestre 2026" in message and nombre == 1
    assert SoldeDossier.objects.get(pk=dossier.pk).interets_arretes_au == date(2026, 6, 30)
