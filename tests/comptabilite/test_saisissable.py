"""Quotité saisissable (C. trav. R3252-2, R3252-3, R3252-5 ; DOMAINE.md, décision 6)."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptabilite.models import MontantRSA
from comptabilite.monnaie import arrondir
from comptabilite.saisissable import (
    calculer_quotite,
    part_annuelle_saisissable,
    quotite_saisissable,
    quotite_selon_bareme,
    solde_bancaire_insaisissable,
)
from etude.errors import DonneeManquante

FRACTIONS = [Fraction(1, 20), Fraction(1, 10), Fraction(1, 5), Fraction(1, 4)]
FRACTIONS += [Fraction(1, 3), Fraction(2, 3)]
# Seuils annuels de argent.md § 5.2 (décrets 2022-1648, 2023-1228, 2024-1231, 2025-1299).
SEUILS = {
    2023: [4170, 8140, 12130, 16080, 20050, 24090],
    2024: [4370, 8520, 12690, 16820, 20970, 25200],
    2025: [4440, 8660, 12890, 17090, 21300, 25600],
    2026: [4480, 8730, 13000, 17230, 21470, 25810],
}
# argent.md § 5.2, « Cumul saisissable au seuil (CALC) » par mois, sans personne à charge.
CUMULS_PUBLIES = {
    2023: ["17.38", "50.46", "116.96", "199.25", "309.53", "533.97"],
    2024: ["18.21", "52.79", "122.29", "208.33", "323.61", "558.61"],
    2025: ["18.50", "53.67", "124.17", "211.67", "328.61", "567.50"],
    2026: ["18.67", "54.08", "125.25", "213.38", "331.15", "572.26"],
}


def tranches(annee):
    return [(D(s), f) for s, f in zip(SEUILS[annee], FRACTIONS, strict=True)] + [
        (None, Fraction(1))
    ]


@pytest.mark.parametrize("annee", sorted(SEUILS))
def test_cumul_saisissable_a_chaque_seuil_egal_au_tableau_publie(annee):
    # Ex. 2026, 4e seuil : 4480/20 + 4250/10 + 4270/5 + 4230/4 = 2560,50 par an ; / 12 =
    # 213,375 -> 213,38 (eurex.fr écrit 213,37 : arrondi vers le bas de 213,375).
    obtenus = [
        str(arrondir(part_annuelle_saisissable(Fraction(s), tranches(annee)) / 12))
        for s in SEUILS[annee]
    ]
    assert obtenus == CUMULS_PUBLIES[annee]


@pytest.mark.django_db
def test_quotite_2026_au_quatrieme_seuil_arrondie_une_seule_fois():
    # 1 435,84 × 12 = 17 230,08 : 2 560,50 + 0,08 / 3 = 2 560,5267 par an ; / 12 = 213,3772
    # -> 213,38. Reste au salarié 1 222,46 €, plus que le RSA (646,52 € en janvier 2026).
    assert quotite_saisissable(D("1435.84"), le=date(2026, 1, 15)) == D("213.38")
    # 1 435,83 × 12 = 17 229,96 : 2 560,50 - 0,04 / 4 = 2 560,49 ; / 12 = 213,3742 -> 213,37.
    assert quotite_saisissable(D("1435.83"), le=date(2026, 1, 15)) == D("213.37")


@pytest.mark.django_db
def test_personnes_a_charge_relevent_chaque_seuil():
    # 2026, 2 personnes : seuils + 3 480 € (2 × 1 740) = 7 960 / 12 210 / 16 480 / 20 710 /
    # 24 950 / 29 290. 2 000 × 12 = 24 000 : 7960/20 + 4250/10 + 4270/5 + 4230/4 + 3290/3
    # = 398 + 425 + 854 + 1 057,50 + 1 096,6667 = 3 831,1667 ; / 12 = 319,2639 -> 319,26.
    assert quotite_saisissable(D("2000.00"), personnes_a_charge=2, le=date(2026, 3, 1)) == D(
        "319.26"
    )
    # Sans personne à charge : 224 + 425 + 854 + 1 057,50 + 4240/3 + 2530 × 2/3 = 5 660,50 ;
    # / 12 = 471,7083 -> 471,71.
    assert quotite_saisissable(D("2000.00"), le=date(2026, 3, 1)) == D("471.71")


@pytest.mark.django_db
def test_au_dela_du_dernier_seuil_tout_est_saisissable():
    # 5 000 × 12 = 60 000 : 6 867,1667 jusqu'à 25 810 €, puis 34 190 € en totalité ;
    # 41 057,1667 / 12 = 3 421,4306 -> 3 421,43.
    assert quotite_saisissable(D("5000.00"), le=date(2026, 2, 1)) == D("3421.43")


@pytest.mark.django_db
def test_le_salarie_garde_toujours_le_rsa():
    le = date(2026, 1, 15)  # RSA personne seule : 646,52 €
    # 700 € : barème 51,33 € (8 400 € par an : 224 + 392 = 616 ; / 12), il reste 648,67 €.
    assert quotite_saisissable(D("700.00"), le=le) == D("51.33")
    # 680 € : barème 49,33 €, mais 680 - 49,33 < 646,52 : la quotité tombe à 33,48 €.
    calcul = calculer_quotite(D("680.00"), le=le)
    assert (calcul.quotite_bareme, calcul.quotite) == (D("49.33"), D("33.48"))
    assert calcul.limitee_par_le_rsa
    assert calcul.minimum_laisse == D("646.52")
    # Sous le RSA, rien n'est saisissable.
    assert quotite_saisissable(D("600.00"), le=le) == D("0.00")
    assert quotite_saisissable(D("0.00"), le=le) == D("0.00")


@pytest.mark.django_db
def test_rsa_du_jour_du_calcul_et_non_de_l_annee():
    # Même barème 2025, RSA 635,71 € jusqu'au 31/03/2025 puis 646,52 € : 660 € laisse
    # 24,29 € saisissables en mars, 13,48 € en avril (barème : 660 × 12 = 7 920 ; 4440/20 +
    # 3480/10 = 570 ; / 12 = 47,50).
    assert quotite_saisissable(D("660.00"), le=date(2025, 3, 31)) == D("24.29")
    assert quotite_saisissable(D("660.00"), le=date(2025, 4, 1)) == D("13.48")


@pytest.mark.django_db
def test_rsa_non_confirme_est_signale():
    # Le RSA au 01/04/2026 (652,33 €) n'est qu'annoncé : le calcul le signale.
    calcul = calculer_quotite(D("2000.00"), le=date(2026, 4, 1))
    assert calcul.minimum_laisse == D("652.33")
    assert len(calcul.a_verifier) == 1
    assert "RSA" in calcul.a_verifier[0]
    assert calculer_quotite(D("2000.00"), le=date(2026, 3, 31)).a_verifier == ()


@pytest.mark.django_db
def test_bareme_de_l_annee_absent_leve_donnee_manquante():
    with pytest.raises(DonneeManquante) as erreur:
        quotite_saisissable(D("2000.00"), le=date(2027, 1, 15))
    assert "2027" in str(erreur.value)
    assert "décret" in str(erreur.value)


@pytest.mark.django_db
def test_rsa_absent_leve_donnee_manquante():
    MontantRSA.objects.filter(debut=date(2025, 4, 1)).delete()
    with pytest.raises(DonneeManquante, match="RSA"):
        quotite_saisissable(D("2000.00"), le=date(2025, 6, 1))


@pytest.mark.django_db
def test_solde_bancaire_insaisissable_egal_au_rsa():
    assert solde_bancaire_insaisissable(date(2025, 4, 1)) == D("646.52")


def test_entrees_refusees():
    arguments = {
        "tranches": tranches(2026),
        "majoration_par_personne_a_charge": D("1740"),
        "montant_rsa": D("646.52"),
    }
    with pytest.raises(TypeError, match="float"):
        quotite_selon_bareme(1500.0, personnes_a_charge=0, **arguments)
    with pytest.raises(ValueError, match="négatif"):
        quotite_selon_bareme(D("1500.00"), personnes_a_charge=-1, **arguments)
    with pytest.raises(ValueError, match="positif"):
        quotite_selon_bareme(D("-1.00"), personnes_a_charge=0, **arguments)


salaires = st.decimals(min_value=D("0"), max_value=D("30000"), places=2)
rsa = st.decimals(min_value=D("0"), max_value=D("1000"), places=2)


def quotite(salaire, personnes=0, montant_rsa=D("646.52")):
    return quotite_selon_bareme(
        salaire,
        personnes_a_charge=personnes,
        tranches=tranches(2026),
        majoration_par_personne_a_charge=D("1740.00"),
        montant_rsa=montant_rsa,
    ).quotite


@given(a=salaires, b=salaires, personnes=st.integers(0, 6), montant_rsa=rsa)
def test_quotite_croissante_avec_le_salaire(a, b, personnes, montant_rsa):
    bas, haut = sorted((a, b))
    assert quotite(bas, personnes, montant_rsa) <= quotite(haut, personnes, montant_rsa)


@given(salaire=salaires, personnes=st.integers(0, 6), montant_rsa=rsa)
def test_quotite_ne_laisse_jamais_moins_que_le_rsa(salaire, personnes, montant_rsa):
    q = quotite(salaire, personnes, montant_rsa)
    assert 0 <= q <= salaire
    if salaire >= montant_rsa:
        assert salaire - q >= montant_rsa
    else:
        assert q == 0


@given(salaire=salaires, personnes=st.integers(0, 6))
def test_une_personne_a_charge_de_plus_ne_fait_jamais_monter_la_quotite(salaire, personnes):
    assert quotite(salaire, personnes + 1) <= quotite(salaire, personnes)
