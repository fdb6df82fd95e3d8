"""Calculs purs des échéanciers, avec des chiffres faits à la main."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relances.echeancier_calcul import (
    EcheancePrevue,
    Etat,
    ajouter_mois,
    capacite_mensuelle,
    decheance_possible_le,
    echelonner,
    proposer,
    rapprocher,
)


def test_echelonner_1000_euros_en_7_la_derniere_porte_l_arrondi():
    # 1 000 / 7 = 142,857… -> 142,85 ; 6 × 142,85 = 857,10 ; dernière 1 000 - 857,10 = 142,90.
    echeances = echelonner(D("1000.00"), nombre=7, premiere=date(2025, 1, 31))
    assert [e.montant for e in echeances] == [D("142.85")] * 6 + [D("142.90")]
    assert [e.date for e in echeances] == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 30),
        date(2025, 7, 31),
    ]


def test_echelonner_sur_24_mois():
    # 1 000 / 24 = 41,666… -> 41,66 ; 23 × 41,66 = 958,18 ; dernière 41,82.
    echeances = echelonner(D("1000.00"), nombre=24, premiere=date(2025, 12, 5))
    assert echeances[0].montant == D("41.66") and echeances[-1].montant == D("41.82")
    assert echeances[-1].date == date(2027, 11, 5)
    assert sum(e.montant for e in echeances) == D("1000.00")


def test_ajouter_mois_garde_le_quantieme_ou_prend_le_dernier_jour():
    assert ajouter_mois(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert ajouter_mois(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert ajouter_mois(date(2025, 1, 31), 2) == date(2025, 3, 31)
    assert ajouter_mois(date(2025, 11, 15), 3) == date(2026, 2, 15)


@given(
    st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2),
    st.integers(min_value=1, max_value=60),
)
def test_la_somme_des_echeances_vaut_le_montant(montant, nombre):
    if montant < D("0.01") * nombre:
        with pytest.raises(ValueError):
            echelonner(montant, nombre=nombre, premiere=date(2025, 1, 1))
        return
    echeances = echelonner(montant, nombre=nombre, premiere=date(2025, 1, 1))
    assert sum(e.montant for e in echeances) == montant
    assert len({e.montant for e in echeances[:-1]}) <= 1
    assert D("0") <= echeances[-1].montant - echeances[0].montant < D("0.01") * nombre


def test_capacite_la_plus_petite_de_la_quotite_et_des_revenus_moins_le_reste_a_vivre():
    assert capacite_mensuelle(
        D("1500.00"), quotite_saisissable=D("300.50"), reste_a_vivre=D("1300.00")
    ) == D("200.00")
    assert capacite_mensuelle(
        D("1500.00"), quotite_saisissable=D("300.50"), reste_a_vivre=D("1000.00")
    ) == D("300.50")
    assert capacite_mensuelle(
        D("1500.00"), quotite_saisissable=D("300.50"), reste_a_vivre=D("1600.00")
    ) == D("0.00")


def test_proposer_le_plus_court_supportable_puis_l_intermediaire_puis_toute_la_duree():
    propositions = proposer(
        D("1000.00"), capacite=D("150.00"), duree_max_mois=24, premiere=date(2025, 2, 1)
    )
    # 1 000 / 150 = 6,67 -> 7 échéances (142,85, dernière 142,90) ; (7 + 24) // 2 = 15 :
    # 1 000 / 15 = 66,666… -> 66,66, dernière 1 000 - 14 × 66,66 = 66,76 ; 24 : 41,66 / 41,82.
    assert [(p.nombre, p.mensualite, p.derniere) for p in propositions] == [
        (7, D("142.85"), D("142.90")),
        (15, D("66.66"), D("66.76")),
        (24, D("41.66"), D("41.82")),
    ]
    assert all(p.supportable and p.dans_la_duree for p in propositions)


def test_la_derniere_echeance_qui_porte_l_arrondi_reste_supportable():
    # 0,05 en 3 : 0,01, 0,01, 0,03 > 0,02 ; en 4 : 0,01 ×3 et 0,02.
    (premiere, *_) = proposer(
        D("0.05"), capacite=D("0.02"), duree_max_mois=24, premiere=date(2025, 2, 1)
    )
    assert (premiere.nombre, premiere.derniere) == (4, D("0.02"))


def test_capacite_insuffisante_dans_la_duree_propose_aussi_le_plan_hors_politique():
    toute_la_duree, au_dela = proposer(
        D("10000.00"), capacite=D("200.00"), duree_max_mois=24, premiere=date(2025, 2, 1)
    )
    # 10 000 / 24 = 416,666… -> 416,66, dernière 10 000 - 23 × 416,66 = 416,82.
    assert (toute_la_duree.nombre, toute_la_duree.derniere) == (24, D("416.82"))
    assert not toute_la_duree.supportable and toute_la_duree.dans_la_duree
    assert (au_dela.nombre, au_dela.mensualite, au_dela.derniere) == (50, D("200.00"), D("200.00"))
    assert au_dela.supportable and not au_dela.dans_la_duree


def _trois_echeances():
    return [
        EcheancePrevue(1, date(2025, 1, 10), D("100.00")),
        EcheancePrevue(2, date(2025, 2, 10), D("100.00")),
        EcheancePrevue(3, date(2025, 3, 10), D("100.00")),
    ]


def test_rapprocher_payee_partielle_en_retard():
    versements = [
        (date(2025, 1, 10), D("100.00")),
        (date(2025, 2, 20), D("60.00")),
        (date(2025, 3, 5), D("50.00")),
    ]
    au_15_fevrier = rapprocher(_trois_echeances(), versements, le=date(2025, 2, 15))
    assert [(e.etat, e.paye) for e in au_15_fevrier.echeances] == [
        (Etat.PAYEE, D("100.00")),
        (Etat.EN_RETARD, D("0.00")),
        (Etat.A_VENIR, D("0.00")),
    ]
    au_10_mars = rapprocher(_trois_echeances(), versements, le=date(2025, 3, 10))
    # 60 + 50 = 110 : l'échéance 2 est payée le 05/03 (en retard), la 3 reçoit 10 et
    # vaut « partielle » le jour même de son échéance (le débiteur a jusqu'au soir).
    assert [(e.etat, e.paye, e.payee_le) for e in au_10_mars.echeances] == [
        (Etat.PAYEE, D("100.00"), date(2025, 1, 10)),
        (Etat.PAYEE, D("100.00"), date(2025, 3, 5)),
        (Etat.PARTIELLE, D("10.00"), None),
    ]
    au_11_mars = rapprocher(_trois_echeances(), versements, le=date(2025, 3, 11))
    assert au_11_mars.echeances[2].etat == Etat.EN_RETARD
    assert [e.rang for e in au_11_mars.manquees] == [3]
    assert au_11_mars.solde_le is None


def test_rapprocher_un_trop_verse_solde_le_plan_et_laisse_un_excedent():
    resultat = rapprocher(
        _trois_echeances(),
        [(date(2025, 1, 8), D("150.00")), (date(2025, 2, 1), D("200.00"))],
        le=date(2025, 2, 2),
    )
    assert all(e.etat == Etat.PAYEE for e in resultat.echeances)
    assert (resultat.verse, resultat.excedent, resultat.solde_le) == (
        D("350.00"),
        D("50.00"),
        date(2025, 2, 1),
    )
    assert resultat.acomptes == (date(2025, 1, 8), date(2025, 2, 1))


def test_decheance_possible_le_lendemain_de_la_grace():
    assert decheance_possible_le(date(2025, 2, 10), grace_jours=15) == date(2025, 2, 26)
