"""Tarif des commissaires de justice : A444-15, A444-31, A444-32, A444-46, TVA.

Chaque tranche : part du montant × taux / 100, arrondie au centime demi supérieur, puis
somme, dans la limite du plafond (DOMAINE.md, décision 7).
"""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptabilite.tarif import (
    appliquer_coefficient,
    calculer_droit_engagement_poursuites,
    calculer_droit_proportionnel,
    calculer_emolument,
    coefficient_a444_46,
    coefficient_selon_obligation,
    droit_engagement_poursuites,
    droit_proportionnel,
    droit_selon_bareme,
    emolument,
    ttc,
    tva,
)
from etude.errors import DonneeManquante

EN_2025 = date(2025, 1, 15)  # tarif du 01/03/2024 au 28/02/2026
EN_2022 = date(2022, 6, 1)  # tarif du 01/01/2021 au 29/02/2024
EN_2018 = date(2018, 6, 1)  # tarif du 01/05/2016 au 31/12/2020

pytestmark = pytest.mark.django_db


# --- A444-31 : droit de recouvrement à la charge du débiteur ---------------------------------


def test_a444_31_exemple_service_public_premiere_tranche():
    # F10404 (2024) : « 125 x 9,77 % = 12,21 » (12,2125).
    assert droit_proportionnel(D("125.00"), charge="debiteur", le=EN_2025) == D("12.21")


def test_a444_31_par_tranches_arrondies_puis_additionnees():
    # 125 × 9,77 % = 12,2125 -> 12,21 ; 485 × 6,35 % = 30,7975 -> 30,80 ;
    # 390 × 3,41 % = 13,299 -> 13,30 ; total 56,31.
    calcul = calculer_droit_proportionnel(D("1000.00"), charge="debiteur", le=EN_2025)
    assert [t.montant for t in calcul.tranches] == [D("12.21"), D("30.80"), D("13.30")]
    assert calcul.montant == D("56.31")
    assert calcul.article == "A444-31"


def test_a444_31_periode_2021():
    # 125 × 9,67 % = 12,0875 -> 12,09 ; 485 × 6,29 % = 30,5065 -> 30,51 ;
    # 390 × 3,38 % = 13,182 -> 13,18 ; total 55,78.
    assert droit_proportionnel(D("1000.00"), charge="debiteur", le=EN_2022) == D("55.78")


def test_a444_31_forfait_jusqu_a_44_euros_inclus():
    calcul = calculer_droit_proportionnel(D("44.00"), charge="debiteur", le=EN_2025)
    assert (calcul.montant, calcul.forfait_applique) == (D("4.30"), True)
    # 44,01 × 9,77 % = 4,2998 -> 4,30 : proportionnel au-delà du seuil.
    calcul = calculer_droit_proportionnel(D("44.01"), charge="debiteur", le=EN_2025)
    assert (calcul.montant, calcul.forfait_applique) == (D("4.30"), False)
    # 2021 : forfait de 4,25 €.
    assert droit_proportionnel(D("10.00"), charge="debiteur", le=EN_2022) == D("4.25")


def test_a444_31_plafond_de_550_euros():
    # 12,21 + 30,80 + 915 × 3,41 % (31,2015 -> 31,20) + 198 475 × 0,29 % (575,5775 -> 575,58)
    # = 649,79 > 550.
    calcul = calculer_droit_proportionnel(D("200000.00"), charge="debiteur", le=EN_2025)
    assert calcul.montant == D("550.00")
    assert calcul.plafond_applique


def test_a444_31_taux_doubles_pour_une_creance_alimentaire():
    # 125 × 19,54 % = 24,425 -> 24,43 (demi supérieur) ; 485 × 12,70 % = 61,595 -> 61,60 ;
    # 390 × 6,82 % = 26,598 -> 26,60 ; total 112,63.
    calcul = calculer_droit_proportionnel(
        D("1000.00"), charge="debiteur", le=EN_2025, creance_alimentaire=True
    )
    assert calcul.montant == D("112.63")
    # Taux doublés publiés (argent.md § 6.5) : 19,54 / 12,70 / 6,82 % (et 0,58 %).
    assert [t.taux for t in calcul.tranches] == [D("19.54"), D("12.70"), D("6.82")]
    calcul = calculer_droit_proportionnel(
        D("2000.00"), charge="debiteur", le=EN_2025, creance_alimentaire=True
    )
    assert calcul.tranches[-1].taux == D("0.58")


def test_a444_31_2024_signale_le_forfait_d_une_seule_source():
    calcul = calculer_droit_proportionnel(D("1000.00"), charge="debiteur", le=EN_2025)
    assert len(calcul.a_verifier) == 1
    assert "A444-31" in calcul.a_verifier[0]
    # Période 2021 : barème officiel, rien à signaler.
    assert (
        calculer_droit_proportionnel(D("1000.00"), charge="debiteur", le=EN_2022).a_verifier == ()
    )


# --- A444-32 : droit d'encaissement à la charge du créancier ---------------------------------


def test_a444_32_par_tranches():
    # 125 × 11,73 % = 14,6625 -> 14,66 ; 485 × 10,75 % = 52,1375 -> 52,14 ;
    # 390 × 10,26 % = 40,014 -> 40,01 ; total 106,81.
    assert droit_proportionnel(D("1000.00"), charge="creancier", le=EN_2025) == D("106.81")


def test_a444_32_forfait_de_21_50_jusqu_a_188_euros():
    # 25,80 € TTC publiés (F10404) : 21,50 HT + 4,30 de TVA.
    calcul = calculer_droit_proportionnel(D("188.00"), charge="creancier", le=EN_2025)
    assert calcul.montant == D("21.50")
    assert ttc(calcul.montant) == D("25.80")
    assert calcul.a_verifier  # forfait calculé (CALC), non publié HT


def test_a444_32_jusqu_a_52_400_euros_en_2024():
    # 14,66 + 52,14 + 915 × 10,26 % (93,879 -> 93,88) + 50 875 × 3,91 % (1 989,2125 ->
    # 1 989,21) = 2 149,89.
    assert droit_proportionnel(D("52400.00"), charge="creancier", le=EN_2025) == D("2149.89")


def test_a444_32_tranche_au_dela_de_52_400_non_trouvee_en_2024():
    with pytest.raises(DonneeManquante) as erreur:
        droit_proportionnel(D("52400.01"), charge="creancier", le=EN_2025)
    assert "52" in str(erreur.value) and "A444-32" in str(erreur.value)


def test_a444_32_periode_2021_et_plafond():
    # 125 × 11,61 % = 14,5125 -> 14,51 ; 485 × 10,64 % = 51,604 -> 51,60 ;
    # 915 × 10,16 % = 92,964 -> 92,96 ; 50 875 × 3,87 % = 1 968,8625 -> 1 968,86 ;
    # 47 600 × 2,98 % = 1 418,48 ; total 3 546,41.
    assert droit_proportionnel(D("100000.00"), charge="creancier", le=EN_2022) == D("3546.41")
    # 200 000 € : 2 127,93 + 147 600 × 2,98 % = 6 526,41 > 5 540.
    assert droit_proportionnel(D("200000.00"), charge="creancier", le=EN_2022) == D("5540.00")


def test_a444_32_periode_2016():
    # 125 × 11,70 % = 14,625 -> 14,63 ; 485 × 10,73 % = 52,0405 -> 52,04 ;
    # 390 × 10,24 % = 39,936 -> 39,94 ; total 106,61.
    assert droit_proportionnel(D("1000.00"), charge="creancier", le=EN_2018) == D("106.61")


def test_a444_32_non_du_sur_une_creance_alimentaire():
    # R444-53 3° : le droit n° 129 n'est pas dû.
    assert droit_proportionnel(
        D("1000.00"), charge="creancier", le=EN_2025, creance_alimentaire=True
    ) == D("0.00")


def test_rien_recouvre_aucun_droit():
    assert droit_proportionnel(D("0.00"), charge="debiteur", le=EN_2025) == D("0.00")


def test_charge_inconnue_refusee():
    with pytest.raises(ValueError, match="debiteur"):
        droit_proportionnel(D("100.00"), charge="tiers", le=EN_2025)


def test_periode_tarifaire_apres_fevrier_2026_non_saisie():
    # Aucun arrêté trouvé après le 28/02/2026 (argent.md § 6.1) : on s'arrête.
    with pytest.raises(DonneeManquante) as erreur:
        droit_proportionnel(D("1000.00"), charge="debiteur", le=date(2026, 3, 1))
    assert "01/03/2026" in str(erreur.value)
    assert "période" in str(erreur.value).lower()
    assert droit_proportionnel(D("1000.00"), charge="debiteur", le=date(2026, 2, 28)) == D("56.31")


# --- A444-15 : droit d'engagement des poursuites ---------------------------------------------


def test_a444_15_par_tranches():
    # 2024 : 304 × 5,66 % = 17,2064 -> 17,21 ; 608 × 2,83 % = 17,2064 -> 17,21 ;
    # 88 × 1,41 % = 1,2408 -> 1,24 ; total 35,66.
    assert droit_engagement_poursuites(D("1000.00"), le=EN_2025) == D("35.66")
    # 2021 : 304 × 5,60 % = 17,024 -> 17,02 ; 608 × 2,80 % = 17,024 -> 17,02 ;
    # 88 × 1,40 % = 1,232 -> 1,23 ; total 35,27.
    assert droit_engagement_poursuites(D("1000.00"), le=EN_2022) == D("35.27")


def test_a444_15_forfait_jusqu_a_76_euros_inclus():
    assert droit_engagement_poursuites(D("76.00"), le=EN_2025) == D("4.29")
    # 77 × 5,66 % = 4,3582 -> 4,36.
    assert droit_engagement_poursuites(D("77.00"), le=EN_2025) == D("4.36")


def test_a444_15_bornes_des_tranches():
    # 304 € : première tranche seule, 17,21 ; 912 € : 17,21 + 17,21 = 34,42 ;
    # 3 040 € : + 2 128 × 1,41 % (30,0048 -> 30,00) = 64,42.
    assert droit_engagement_poursuites(D("304.00"), le=EN_2025) == D("17.21")
    assert droit_engagement_poursuites(D("912.00"), le=EN_2025) == D("34.42")
    assert droit_engagement_poursuites(D("3040.00"), le=EN_2025) == D("64.42")


def test_a444_15_plafond():
    # 64,42 + 196 960 × 0,28 % (551,488 -> 551,49) = 615,91 > 268,13.
    calcul = calculer_droit_engagement_poursuites(D("200000.00"), le=EN_2025)
    assert (calcul.montant, calcul.plafond_applique) == (D("268.13"), True)


def test_a444_15_2024_d_une_seule_source_est_signale():
    assert calculer_droit_engagement_poursuites(D("1000.00"), le=EN_2025).a_verifier
    assert calculer_droit_engagement_poursuites(D("1000.00"), le=EN_2022).a_verifier == ()


def test_a444_15_non_saisi_pour_2016():
    with pytest.raises(DonneeManquante, match="A444-15"):
        droit_engagement_poursuites(D("1000.00"), le=EN_2018)


def test_a444_15_creance_nulle_refusee():
    with pytest.raises(ValueError, match="strictement positif"):
        droit_engagement_poursuites(D("0.00"), le=EN_2025)


# --- A444-46 : coefficient des émoluments fixes ----------------------------------------------


@pytest.mark.parametrize(
    ("obligation", "coefficient"),
    [
        (D("0.00"), D("0.5")),
        (D("128.00"), D("0.5")),  # « entre 0 et 128 euros »
        (D("128.01"), D("1")),  # « supérieur à 128 euros et inférieur ou égal à 1280 »
        (D("1280.00"), D("1")),
        (D("1280.01"), D("2")),  # « supérieur à 1 280 euros »
    ],
)
def test_coefficient_a444_46_aux_bornes(obligation, coefficient):
    assert coefficient_a444_46(obligation, le=EN_2025) == coefficient


def test_emolument_fixe_multiplie_par_le_coefficient():
    # Commandement de payer avant saisie-vente (n° 42) : 20,42 € HT en 2024-2026.
    assert emolument("42", le=EN_2025) == D("20.42")
    assert emolument("42", le=EN_2025, obligation=D("1000.00")) == D("20.42")
    assert emolument("42", le=EN_2025, obligation=D("2000.00")) == D("40.84")
    assert emolument("42", le=EN_2025, obligation=D("100.00")) == D("10.21")
    # Protêt (n° 48) : 18,27 × 0,5 = 9,135 -> 9,14 (demi supérieur).
    assert emolument("48", le=EN_2025, obligation=D("100.00")) == D("9.14")
    # 2021-2024 : 20,21 €.
    assert emolument("42", le=EN_2022) == D("20.21")


def test_emolument_et_coefficient_d_une_source_incertaine_sont_signales():
    assert calculer_emolument("42", le=EN_2025, obligation=D("2000.00")).a_verifier == ()
    # Protêt 2024 : une seule source.
    assert len(calculer_emolument("48", le=EN_2025).a_verifier) == 1
    # 2021 : coefficient supposé identique, non confirmé.
    assert any(
        "A444-46" in a
        for a in calculer_emolument("106", le=EN_2022, obligation=D("2000.00")).a_verifier
    )


def test_emolument_non_trouve_leve_donnee_manquante():
    # PV d'expulsion (n° 106) : valeur 2024-2026 non trouvée.
    with pytest.raises(DonneeManquante, match="106"):
        emolument("106", le=EN_2025)
    assert emolument("106", le=EN_2022) == D("152.14")


def test_prestation_creee_en_cours_de_periode():
    # CCAPEX (n° 205) : 10,02 € depuis la publication du 14/03/2025.
    with pytest.raises(DonneeManquante):
        emolument("205", le=date(2025, 3, 13))
    assert emolument("205", le=date(2025, 3, 14)) == D("10.02")


# --- TVA ---------------------------------------------------------------------------------------


def test_tva_a_20_pour_cent_arrondie_au_centime():
    assert tva(D("9.14")) == D("1.83")  # 1,828
    assert ttc(D("20.42")) == D("24.50")  # 20,42 + 4,084 -> 4,08
    # Contrôles publiés (argent.md § 6.5) : forfaits TTC de service-public.
    assert ttc(D("21.45")) == D("25.74")
    assert ttc(D("4.29")) == D("5.15")
    assert ttc(D("4.25")) == D("5.10")


def test_appliquer_coefficient_arrondit_demi_superieur():
    assert appliquer_coefficient(D("18.27"), D("0.5")) == D("9.14")
    assert appliquer_coefficient(D("25.79"), D("2")) == D("51.58")


# --- Propriétés du cœur pur ---------------------------------------------------------------

TRANCHES_A444_31 = [
    (D("125"), D("9.77")),
    (D("610"), D("6.35")),
    (D("1525"), D("3.41")),
    (None, D("0.29")),
]
montants = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2)


def bareme_31(montant):
    return droit_selon_bareme(
        montant,
        article="A444-31",
        seuil_forfait=D("44"),
        forfait=D("4.30"),
        plafond=D("550"),
        tranches=TRANCHES_A444_31,
    )


@given(montant=montants)
def test_droit_egal_a_la_somme_des_tranches_arrondies_dans_le_plafond(montant):
    calcul = bareme_31(montant)
    assert D("0") <= calcul.montant <= D("550")
    if not calcul.forfait_applique:
        assert sum(t.base for t in calcul.tranches) == montant
        somme = sum(t.montant for t in calcul.tranches)
        assert calcul.montant == min(somme, D("550"))
        assert all(t.montant == t.montant.quantize(D("0.01")) for t in calcul.tranches)


@given(a=montants, b=montants)
def test_droit_croissant_au_dela_du_forfait(a, b):
    bas, haut = sorted((a, b))
    # Chaque tranche (base croissante, arrondi monotone) croît avec le montant : la somme
    # aussi. Seul le passage du forfait au proportionnel peut baisser (A444-32 : 21,50 € à
    # 188 €, 21,43 € à 188,01 €).
    if bas > D("44"):
        assert bareme_31(bas).montant <= bareme_31(haut).montant


def test_coefficient_sans_tranche_ouverte_refuse():
    with pytest.raises(ValueError, match="ouverte"):
        coefficient_selon_obligation(D("2000.00"), [(D("128"), D("0.5"))])
