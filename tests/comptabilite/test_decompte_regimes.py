"""Décompte selon le régime d'intérêts du titre : taux légal « particulier », taux
contractuel, pénalités de retard L441-10 ; calculs à la main (principal × jours × taux /
36 500, arrondi au centime demi supérieur, DOMAINE.md décision 1)."""

from datetime import date
from decimal import Decimal as D

import pytest

from comptabilite.services import decompte_dossier
from tests.factories import creer_creancier, creer_titre_comptable

pytestmark = pytest.mark.django_db


def morceaux(d):
    return [(m.debut, m.fin, m.jours, m.taux, m.montant) for m in d.morceaux]


def test_creancier_particulier_prend_le_taux_des_particuliers_et_la_majoration(clerc):
    # Décision 2 : personne physique hors besoins professionnels. 2025-S1 : 7,21 %.
    creancier = creer_creancier(
        etude=clerc.etude,
        type_personne="physique",
        nom="Bernard",
        prenoms="Lucie",
        raison_sociale="",
        forme_juridique="",
        agit_pour_besoins_professionnels=False,
    )
    dossier = creer_titre_comptable(acteur=clerc, creancier=creancier)
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    # 80 jours à 7,21 % : 4250 × 80 × 7,21 / 36500 = 67,1616 -> 67,16
    # 28 jours à 12,21 % (majoré dès le 03/06/2025) : 4250 × 28 × 12,21 / 36500 = 39,8079 -> 39,81
    assert morceaux(d) == [
        (date(2025, 3, 14), date(2025, 6, 2), 80, D("7.21"), D("67.16")),
        (date(2025, 6, 2), date(2025, 6, 30), 28, D("12.21"), D("39.81")),
    ]


def test_majoration_ecartee_par_le_juge(clerc):
    dossier = creer_titre_comptable(acteur=clerc, majoration_ecartee=True)
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    # 108 jours à 3,71 % : 4250 × 108 × 3,71 / 36500 = 46,6545 -> 46,65, sans coupure.
    assert morceaux(d) == [(date(2025, 3, 14), date(2025, 6, 30), 108, D("3.71"), D("46.65"))]


def test_taux_contractuel_sans_majoration(clerc):
    dossier = creer_titre_comptable(
        acteur=clerc, type_interets="contractuel", taux_contractuel=D("9.5000")
    )
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    # 108 jours à 9,5 % : 4250 × 108 × 9,5 / 36500 = 119,4658 -> 119,47 (L313-3 ne majore
    # que le taux légal).
    assert morceaux(d) == [(date(2025, 3, 14), date(2025, 6, 30), 108, D("9.5"), D("119.47"))]


def test_penalites_l441_10_au_taux_bce_plus_dix(clerc):
    dossier = creer_titre_comptable(
        acteur=clerc, type_interets="commercial", interets_depuis=date(2025, 6, 30)
    )
    d = decompte_dossier(dossier, le=date(2025, 7, 31))
    # 2025-S2 : taux BCE au 01/07/2025 2,15 % + 10 points = 12,15 % (domaine/argent.md § 4.2).
    # 31 jours : 4250 × 31 × 12,15 / 36500 = 43,8565 -> 43,86.
    assert morceaux(d) == [(date(2025, 6, 30), date(2025, 7, 31), 31, D("12.15"), D("43.86"))]
    assert d.total_du == D("4250.00") + D("800.00") + D("43.86")
