"""Imputation d'un paiement : frais, intérêts, principal (C. civ. 1343-1, 1343-5)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptabilite.imputation import Imputation, imputer


def test_paiement_partiel_paie_les_frais_puis_les_interets_puis_le_principal():
    assert imputer(D("100.00"), frais=D("30.00"), interets=D("20.00"), principal=D("1000.00")) == (
        Imputation(frais=D("30.00"), interets=D("20.00"), principal=D("50.00"), excedent=D("0.00"))
    )


def test_paiement_insuffisant_pour_les_frais_ne_touche_ni_interets_ni_principal():
    resultat = imputer(D("10.00"), frais=D("30.00"), interets=D("20.00"), principal=D("100.00"))
    assert (resultat.frais, resultat.interets, resultat.principal) == (D("10.00"), 0, 0)


def test_paiement_qui_couvre_les_frais_entame_les_interets():
    resultat = imputer(D("40.00"), frais=D("30.00"), interets=D("20.00"), principal=D("100.00"))
    assert (resultat.frais, resultat.interets, resultat.principal) == (
        D("30.00"),
        D("10.00"),
        D("0.00"),
    )


def test_trop_percu_devient_un_excedent():
    resultat = imputer(D("1100.00"), frais=D("30.00"), interets=D("20.00"), principal=D("1000.00"))
    assert resultat.excedent == D("50.00")
    assert resultat.principal == D("1000.00")


def test_paiement_exact_solde_tout_sans_excedent():
    resultat = imputer(D("1050.00"), frais=D("30.00"), interets=D("20.00"), principal=D("1000.00"))
    assert resultat.excedent == D("0.00")
    assert resultat.total == D("1050.00")


def test_dette_deja_soldee_tout_est_excedent():
    resultat = imputer(D("5.00"), frais=D("0"), interets=D("0"), principal=D("0"))
    assert resultat == Imputation(D("0.00"), D("0.00"), D("0.00"), D("5.00"))


def test_juge_peut_ordonner_l_imputation_sur_le_principal_d_abord():
    # C. civ. 1343-5 : principal d'abord, puis l'ordre habituel (frais, intérêts).
    assert imputer(
        D("1040.00"),
        frais=D("30.00"),
        interets=D("20.00"),
        principal=D("1000.00"),
        principal_dabord=True,
    ) == Imputation(
        frais=D("30.00"), interets=D("10.00"), principal=D("1000.00"), excedent=D("0.00")
    )
    resultat = imputer(
        D("100.00"),
        frais=D("30.00"),
        interets=D("20.00"),
        principal=D("1000.00"),
        principal_dabord=True,
    )
    assert (resultat.frais, resultat.interets, resultat.principal) == (0, 0, D("100.00"))


@pytest.mark.parametrize("montant", [D("0"), D("0.00"), D("-10.00")])
def test_montant_nul_ou_negatif_refuse_en_francais(montant):
    with pytest.raises(ValueError, match="strictement positif"):
        imputer(montant, frais=D("1.00"), interets=D("1.00"), principal=D("1.00"))


def test_somme_due_negative_refusee():
    with pytest.raises(ValueError, match="Les intérêts dus"):
        imputer(D("10.00"), frais=D("0"), interets=D("-1.00"), principal=D("100.00"))


def test_float_refuse():
    with pytest.raises(TypeError, match="float"):
        imputer(10.0, frais=D("0"), interets=D("0"), principal=D("100.00"))


def test_fraction_de_centime_refusee():
    with pytest.raises(ValueError, match="centime"):
        imputer(D("10.005"), frais=D("0"), interets=D("0"), principal=D("100.00"))


montants = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2)


@given(
    montant=st.decimals(min_value=D("0.01"), max_value=D("2000000"), places=2),
    frais=montants,
    interets=montants,
    principal=montants,
    principal_dabord=st.booleans(),
)
def test_imputation_ne_cree_ni_ne_perd_un_centime(
    montant, frais, interets, principal, principal_dabord
):
    r = imputer(
        montant,
        frais=frais,
        interets=interets,
        principal=principal,
        principal_dabord=principal_dabord,
    )
    assert r.frais + r.interets + r.principal + r.excedent == montant
    assert 0 <= r.frais <= frais and 0 <= r.interets <= interets and 0 <= r.principal <= principal
    assert r.excedent >= 0
    # Un poste n'est entamé que si les postes qui le précèdent sont soldés.
    ordre = (
        [(r.principal, principal), (r.frais, frais), (r.interets, interets)]
        if principal_dabord
        else [(r.frais, frais), (r.interets, interets), (r.principal, principal)]
    )
    ordre.append((r.excedent, None))
    for rang, (part, du) in enumerate(ordre[:-1]):
        if any(suivant > 0 for suivant, _ in ordre[rang + 1 :]):
            assert part == du
    for valeur in (r.frais, r.interets, r.principal, r.excedent):
        assert valeur == valeur.quantize(D("0.01"))
