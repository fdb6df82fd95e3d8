"""Émolument A444-44 (délais de paiement, prestation n° 204, à la charge du débiteur).

Chiffres : 6,44 € HT par acompte, dans la limite de 33,07 € depuis le 01/03/2024 (6,37 € et
32,74 € avant) ; « n'est dû qu'à l'issue d'un délai de six mois à compter du premier
versement … à l'exception du versement du solde » (domaine/argent.md § 6.5).
"""

from datetime import date
from decimal import Decimal as D

import pytest

from comptabilite.tarif import (
    calculer_emoluments_delais_paiement,
    emolument_echeance,
    emoluments_delais_paiement_selon_tarif,
)
from etude.errors import DonneeManquante

pytestmark = pytest.mark.django_db

TRIMESTRIELS = [date(2024, 3, 10), date(2024, 6, 10)]


def test_rien_n_est_du_avant_six_mois():
    calcul = calculer_emoluments_delais_paiement(TRIMESTRIELS, le=date(2024, 6, 10))
    assert calcul.montant == D("0.00")
    # Six mois depuis le 10/03/2024 : le 10/09/2024 ; dû « à l'issue », le lendemain.
    assert calcul.exigible_le == date(2024, 9, 11)
    assert emolument_echeance(versements_precedents=TRIMESTRIELS, le=date(2024, 9, 10)) == D(
        "0.00"
    )


def test_a_l_issue_des_six_mois_tous_les_acomptes_deviennent_dus():
    # Trois acomptes à 6,44 € : 19,32 € HT.
    assert emolument_echeance(versements_precedents=TRIMESTRIELS, le=date(2024, 9, 11)) == D(
        "19.32"
    )
    # L'acompte suivant : 6,44 € de plus.
    assert emolument_echeance(
        versements_precedents=[*TRIMESTRIELS, date(2024, 9, 11)],
        le=date(2024, 12, 11),
        deja_facture=D("19.32"),
    ) == D("6.44")


def test_le_versement_du_solde_ne_porte_pas_d_emolument():
    precedents = [*TRIMESTRIELS, date(2024, 9, 11), date(2024, 12, 11)]
    assert emolument_echeance(
        versements_precedents=precedents,
        le=date(2025, 1, 20),
        solde=True,
        deja_facture=D("25.76"),
    ) == D("0.00")


def test_plafond_de_33_07():
    mensuels = [date(2024, m, 5) for m in range(3, 13)]  # 10 acomptes : 64,40 € > 33,07 €
    calcul = calculer_emoluments_delais_paiement(mensuels, le=date(2024, 12, 5))
    assert calcul.montant == D("33.07")
    assert calcul.plafond_applique
    assert calcul.a_verifier == ()  # valeurs 2024-2026 : texte officiel


def test_ancien_tarif_6_37_et_plafond_32_74_signales_a_verifier():
    mensuels = [date(2022, m, 1) for m in range(1, 9)]  # 8 acomptes : 50,96 € > 32,74 €
    calcul = calculer_emoluments_delais_paiement(mensuels, le=date(2022, 8, 1))
    assert calcul.montant == D("32.74")
    deux = calculer_emoluments_delais_paiement(
        [date(2022, 1, 1), date(2022, 7, 2)], le=date(2022, 7, 2)
    )
    assert deux.montant == D("12.74")
    assert deux.a_verifier  # une seule source pour 2021-2024


def test_acomptes_a_cheval_sur_deux_tarifs():
    calcul = calculer_emoluments_delais_paiement(
        [date(2024, 1, 15), date(2024, 4, 15), date(2024, 7, 16)], le=date(2024, 7, 16)
    )
    # 6,37 (janvier, ancien tarif) + 6,44 + 6,44.
    assert calcul.montant == D("19.25")


def test_tarif_absent_apres_fevrier_2026():
    with pytest.raises(DonneeManquante, match="Périodes tarifaires"):
        emolument_echeance(versements_precedents=[date(2025, 9, 1)], le=date(2026, 3, 15))


def test_coeur_pur_sans_base():
    calcul = emoluments_delais_paiement_selon_tarif(
        [(date(2024, 3, 1), D("6.44"))] * 3,
        premier_versement=date(2024, 3, 1),
        le=date(2024, 9, 2),
        plafond=D("33.07"),
    )
    assert calcul.montant == D("19.32")
