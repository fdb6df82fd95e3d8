"""Intérêts au taux légal, au taux conventionnel et pénalités L441-10.

Les montants attendus sont calculés à la main : principal × jours × taux / 36 500 par
morceau, arrondi au centime demi supérieur (DOMAINE.md, décision 1).
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptabilite import interets
from comptabilite.interets import (
    decompte,
    interets_au_taux,
    interets_legaux,
    penalites_retard,
    plancher_penalites_conventionnelles,
    premier_jour_majoration,
    semestres_couverts,
    taux_penalites_retard,
)
from comptabilite.models import TauxBCE, TauxInteretLegal
from etude.errors import DonneeManquante

pytestmark = pytest.mark.django_db


def morceaux(resultat):
    return [(p.debut, p.fin, p.jours, p.taux, p.montant) for p in resultat.periodes]


# --- Exemples officiels et cas de base -----------------------------------------------------


def test_exemple_officiel_f783_donne_29_jours_et_6_91():
    # F783 : 2 000 € du 1er au 30 septembre 2016, 4,35 % : 2000 × 29 × 4,35 / 36500 = 6,9123.
    resultat = interets_legaux(
        D("2000.00"), du=date(2016, 9, 1), au=date(2016, 9, 30), creancier_particulier=True
    )
    assert resultat.total == D("6.91")
    assert morceaux(resultat) == [(date(2016, 9, 1), date(2016, 9, 30), 29, D("4.35"), D("6.91"))]
    assert resultat.a_verifier == ()


def test_creancier_professionnel_prend_le_taux_des_autres_cas():
    # 2016-S2 « autres cas » 0,93 % : 2000 × 29 × 0,93 / 36500 = 1,4778 -> 1,48.
    resultat = interets_legaux(
        D("2000.00"), du=date(2016, 9, 1), au=date(2016, 9, 30), creancier_particulier=False
    )
    assert resultat.total == D("1.48")
    assert resultat.periodes[0].taux == D("0.93")


def test_periode_coupee_au_changement_de_semestre():
    # 2016-S1 4,54 % : 16 au 30 juin = 15 jours, 10000 × 15 × 4,54 / 36500 = 18,6575 -> 18,66
    # 2016-S2 4,35 % : 1er au 10 juillet = 10 jours, 10000 × 10 × 4,35 / 36500 = 11,9178 -> 11,92
    resultat = interets_legaux(
        D("10000.00"), du=date(2016, 6, 15), au=date(2016, 7, 10), creancier_particulier=True
    )
    assert morceaux(resultat) == [
        (date(2016, 6, 15), date(2016, 6, 30), 15, D("4.54"), D("18.66")),
        (date(2016, 6, 30), date(2016, 7, 10), 10, D("4.35"), D("11.92")),
    ]
    assert resultat.total == D("30.58")
    assert resultat.jours == 25


def test_annee_bissextile_reste_divisee_par_365():
    # 2020, « autres cas » : S1 0,87 % sur 182 jours (29 février compris), S2 0,84 % sur 184.
    # 10000 × 182 × 0,87 / 36500 = 43,3808 -> 43,38 ; 10000 × 184 × 0,84 / 36500 = 42,3452
    # -> 42,35. Une année entière de 366 jours donne donc plus qu'un an d'intérêts.
    resultat = interets_legaux(
        D("10000.00"), du=date(2019, 12, 31), au=date(2020, 12, 31), creancier_particulier=False
    )
    assert [(p.jours, p.montant) for p in resultat.periodes] == [
        (182, D("43.38")),
        (184, D("42.35")),
    ]
    assert resultat.total == D("85.73")
    assert resultat.jours == 366


def test_zero_jour_ne_produit_aucun_interet():
    resultat = interets_legaux(
        D("5000.00"), du=date(2020, 3, 1), au=date(2020, 3, 1), creancier_particulier=True
    )
    assert resultat.total == D("0.00")
    assert resultat.periodes == []


def test_un_seul_jour_compte_le_jour_d_arrivee():
    # Le 1er mars ne compte pas, le 2 compte : 100000 × 1 × 3,15 / 36500 = 8,6301 -> 8,63.
    resultat = interets_legaux(
        D("100000.00"), du=date(2020, 3, 1), au=date(2020, 3, 2), creancier_particulier=True
    )
    assert resultat.total == D("8.63")


def test_arrondi_demi_superieur_par_morceau():
    # Demi-centime exact : 365 × 1 × 0,5 / 36500 = 0,005 -> 0,01 (demi supérieur).
    assert interets_au_taux(
        D("365.00"), du=date(2026, 1, 1), au=date(2026, 1, 2), taux=D("0.5")
    ).total == D("0.01")
    # 2026-S1 particulier 6,67 % : 365 × 1 × 6,67 / 36500 = 0,0667 -> 0,07.
    resultat = interets_legaux(
        D("365.00"), du=date(2026, 1, 1), au=date(2026, 1, 2), creancier_particulier=True
    )
    assert resultat.total == D("0.07")


def test_taux_conventionnel_negatif_ou_float_refuse():
    with pytest.raises(ValueError, match="positif"):
        interets_au_taux(D("100.00"), du=date(2026, 1, 1), au=date(2026, 2, 1), taux=D("-1"))
    with pytest.raises(TypeError, match="float"):
        interets_au_taux(D("100.00"), du=date(2026, 1, 1), au=date(2026, 2, 1), taux=4.5)


# --- Majoration de cinq points (CMF L313-3) --------------------------------------------------


def test_premier_jour_de_majoration_exemple_officiel():
    # F20688 : signification le 17/09/2015, « intérêts légaux majorés … à partir du
    # 18 novembre 2015 ».
    assert premier_jour_majoration(date(2015, 9, 17)) == date(2015, 11, 18)


@pytest.mark.parametrize(
    ("executoire_le", "premier_jour"),
    [
        # Pas de 31 février : le délai expire le dernier jour du mois.
        (date(2023, 12, 31), date(2024, 3, 1)),  # 29/02/2024 + 1
        (date(2022, 12, 31), date(2023, 3, 1)),  # 28/02/2023 + 1
        (date(2023, 12, 30), date(2024, 3, 1)),
        (date(2015, 11, 30), date(2016, 1, 31)),  # passage d'année
        (date(2026, 5, 2), date(2026, 7, 3)),  # pas de report au jour ouvrable (décision 3)
    ],
)
def test_premier_jour_de_majoration_fin_de_mois_et_annee(executoire_le, premier_jour):
    assert premier_jour_majoration(executoire_le) == premier_jour


def test_majoration_exemple_officiel_coupe_au_premier_jour_majore():
    # F20688 : 17/09/2015 -> 10/04/2016, majoration dès le 18/11/2015, particulier.
    # 18/09 -> 17/11/2015 : 61 jours à 4,29 % : 10000 × 61 × 4,29 / 36500 = 71,6959 -> 71,70
    # 18/11 -> 31/12/2015 : 44 jours à 9,29 % : 10000 × 44 × 9,29 / 36500 = 111,9890 -> 111,99
    # 01/01 -> 10/04/2016 : 101 jours à 9,54 % : 10000 × 101 × 9,54 / 36500 = 263,9836
    # -> 263,98. La fiche compte 100 jours pour ce dernier morceau (205 au total) alors que la
    # période réelle fait 206 jours : nous suivons la règle, pas l'erreur (argent.md § 1.3).
    resultat = interets_legaux(
        D("10000.00"),
        du=date(2015, 9, 17),
        au=date(2016, 4, 10),
        creancier_particulier=True,
        majoration_depuis=premier_jour_majoration(date(2015, 9, 17)),
    )
    assert morceaux(resultat) == [
        (date(2015, 9, 17), date(2015, 11, 17), 61, D("4.29"), D("71.70")),
        (date(2015, 11, 17), date(2015, 12, 31), 44, D("9.29"), D("111.99")),
        (date(2015, 12, 31), date(2016, 4, 10), 101, D("9.54"), D("263.98")),
    ]
    assert [p.majore for p in resultat.periodes] == [False, True, True]
    assert resultat.total == D("447.67")


def test_majoration_le_dernier_jour_seulement():
    # 2 000 €, majoration le 30/09/2016 : 28 jours à 4,35 % (2000 × 28 × 4,35 / 36500 =
    # 6,6740 -> 6,67) puis 1 jour à 9,35 % (2000 × 9,35 / 36500 = 0,5123 -> 0,51).
    resultat = interets_legaux(
        D("2000.00"),
        du=date(2016, 9, 1),
        au=date(2016, 9, 30),
        creancier_particulier=True,
        majoration_depuis=date(2016, 9, 30),
    )
    assert [(p.jours, p.taux, p.montant) for p in resultat.periodes] == [
        (28, D("4.35"), D("6.67")),
        (1, D("9.35"), D("0.51")),
    ]


def test_majoration_au_debut_d_un_semestre_ne_cree_pas_de_morceau_vide():
    resultat = interets_legaux(
        D("1000.00"),
        du=date(2015, 12, 1),
        au=date(2016, 1, 31),
        creancier_particulier=False,
        majoration_depuis=date(2016, 1, 1),
    )
    assert [(p.jours, p.taux) for p in resultat.periodes] == [(30, D("0.99")), (31, D("6.01"))]


def test_majoration_anterieure_a_la_periode_majore_tout():
    resultat = interets_legaux(
        D("1000.00"),
        du=date(2016, 9, 1),
        au=date(2016, 9, 30),
        creancier_particulier=True,
        majoration_depuis=date(2016, 1, 1),
    )
    assert [(p.jours, p.taux, p.majore) for p in resultat.periodes] == [(29, D("9.35"), True)]


def test_majoration_posterieure_a_la_periode_est_sans_effet():
    sans = interets_legaux(
        D("1000.00"), du=date(2016, 9, 1), au=date(2016, 9, 30), creancier_particulier=True
    )
    avec = interets_legaux(
        D("1000.00"),
        du=date(2016, 9, 1),
        au=date(2016, 9, 30),
        creancier_particulier=True,
        majoration_depuis=date(2016, 10, 1),
    )
    assert avec == sans


# --- Données manquantes et entrées refusées -------------------------------------------------


def test_semestre_non_saisi_leve_donnee_manquante_en_francais():
    # Le taux du 2e semestre 2026 n'a pas été trouvé (argent.md § 1.2) : on s'arrête au lieu
    # de reprendre celui du 1er semestre.
    with pytest.raises(DonneeManquante) as erreur:
        interets_legaux(
            D("1000.00"), du=date(2026, 6, 1), au=date(2026, 7, 15), creancier_particulier=True
        )
    message = str(erreur.value)
    assert "2e semestre 2026" in message
    assert "créancier particulier" in message
    assert "arrêté" in message and "saisir" in message


def test_avant_2015_le_taux_n_est_pas_connu():
    with pytest.raises(DonneeManquante, match="2e semestre 2014"):
        interets_legaux(
            D("1000.00"), du=date(2014, 12, 1), au=date(2015, 1, 15), creancier_particulier=False
        )


def test_semestre_saisi_par_un_administrateur_est_utilise_et_signale_s_il_n_est_pas_confirme():
    TauxInteretLegal.objects.create(
        semestre_debut=date(2026, 7, 1),
        categorie="particulier",
        taux=D("6.50"),
        texte="arrêté de juin 2026 (hypothèse de test)",
        source="saisie de test",
        confiance="1S",
        confirme=False,
    )
    # 1000 × 14 × 6,50 / 36500 = 2,4932 -> 2,49 (1er au 15 juillet 2026).
    resultat = interets_legaux(
        D("1000.00"), du=date(2026, 7, 1), au=date(2026, 7, 15), creancier_particulier=True
    )
    assert resultat.total == D("2.49")
    assert len(resultat.a_verifier) == 1
    assert "non confirmé" in resultat.a_verifier[0]


def test_date_de_fin_avant_le_depart_est_refusee():
    with pytest.raises(ValueError, match="précède"):
        interets_legaux(
            D("1000.00"), du=date(2020, 3, 2), au=date(2020, 3, 1), creancier_particulier=True
        )


def test_un_float_n_est_jamais_accepte_comme_montant():
    with pytest.raises(TypeError, match="float"):
        interets_legaux(
            1000.0, du=date(2020, 1, 1), au=date(2020, 2, 1), creancier_particulier=True
        )


def test_principal_negatif_refuse():
    with pytest.raises(ValueError, match="positif"):
        interets_au_taux(D("-1.00"), du=date(2020, 1, 1), au=date(2020, 2, 1), taux=D("5"))


# --- Taux conventionnel --------------------------------------------------------------------


def test_taux_conventionnel_sur_une_annee_bissextile():
    # 366 jours à 10 % : 1000 × 366 × 10 / 36500 = 100,2740 -> 100,27.
    resultat = interets_au_taux(
        D("1000.00"), du=date(2024, 1, 1), au=date(2025, 1, 1), taux=D("10")
    )
    assert resultat.total == D("100.27")
    assert len(resultat.periodes) == 1


def test_taux_conventionnel_ne_lit_aucune_table(django_assert_num_queries):
    with django_assert_num_queries(0):
        interets_au_taux(D("1000.00"), du=date(2030, 1, 1), au=date(2030, 6, 1), taux=D("4"))


# --- Pénalités de retard entre professionnels (C. com. L441-10) -----------------------------


@pytest.mark.parametrize(
    ("semestre", "taux"),
    [
        # argent.md § 4.2 (CALC à partir des taux BCE du § 4.1).
        (date(2023, 1, 1), D("12.50")),
        (date(2023, 7, 1), D("14.00")),
        (date(2024, 1, 1), D("14.50")),
        (date(2024, 7, 1), D("14.25")),  # contrôle bpifrance : « au total 14,25 % »
        (date(2025, 1, 1), D("13.15")),
        (date(2025, 7, 1), D("12.15")),
        (date(2026, 1, 1), D("12.15")),
    ],
)
def test_taux_des_penalites_bce_plus_dix_points(semestre, taux):
    assert taux_penalites_retard(semestre) == taux


def test_taux_bce_du_2e_semestre_2026_inconnu():
    with pytest.raises(DonneeManquante, match="01/07/2026"):
        taux_penalites_retard(date(2026, 7, 1))


def test_penalites_coupees_par_semestre():
    # 2024-S1 : BCE au 01/01/2024 = 4,50 % (depuis le 20/09/2023) + 10 = 14,50 % ;
    # 21 au 30 juin = 10 jours : 1000 × 10 × 14,5 / 36500 = 3,9726 -> 3,97.
    # 2024-S2 : 4,25 + 10 = 14,25 % ; 10 jours : 1000 × 10 × 14,25 / 36500 = 3,9041 -> 3,90.
    resultat = penalites_retard(D("1000.00"), du=date(2024, 6, 20), au=date(2024, 7, 10))
    assert [(p.jours, p.taux, p.montant) for p in resultat.periodes] == [
        (10, D("14.50"), D("3.97")),
        (10, D("14.25"), D("3.90")),
    ]
    assert resultat.total == D("7.87")
    assert resultat.a_verifier == ()


def test_penalites_signalent_un_taux_bce_d_une_seule_source():
    # Le taux du 21/12/2022 (2,50 %) n'a qu'une source : le 1er semestre 2023 est à vérifier.
    resultat = penalites_retard(D("1000.00"), du=date(2023, 1, 1), au=date(2023, 1, 31))
    assert resultat.periodes[0].taux == D("12.50")
    assert len(resultat.a_verifier) == 1
    assert "Taux BCE" in resultat.a_verifier[0]


@pytest.mark.parametrize(
    ("jour", "plancher"),
    [
        # 3 × taux légal « autres cas » ; contrôles publiés (argent.md § 4.2).
        (date(2023, 9, 1), D("12.66")),  # capeb09
        (date(2024, 8, 1), D("14.76")),  # bpifrance
        (date(2025, 12, 31), D("8.28")),  # legifiscal
        (date(2026, 1, 1), D("7.86")),  # adecia
    ],
)
def test_plancher_des_penalites_conventionnelles(jour, plancher):
    assert plancher_penalites_conventionnelles(jour) == plancher


def test_taux_bce_connu_jusqu_a_la_derniere_decision_de_maintien():
    from comptabilite import referentiel

    assert referentiel.taux_bce(date(2026, 2, 5)).valeur == D("2.15")
    with pytest.raises(DonneeManquante):
        referentiel.taux_bce(date(2026, 2, 6))
    with pytest.raises(DonneeManquante):
        referentiel.taux_bce(date(2022, 12, 20))
    TauxBCE.objects.create(
        date_effet=date(2026, 6, 10),
        taux=D("2.00"),
        en_vigueur_au_moins_jusqu_au=date(2026, 7, 22),
        texte="décision de test",
        source="saisie de test",
        confiance="2S",
        confirme=True,
    )
    referentiel.vider_cache()
    # Une décision plus récente établit que 2,15 % valait jusqu'au 09/06/2026.
    assert referentiel.taux_bce(date(2026, 3, 1)).valeur == D("2.15")
    assert taux_penalites_retard(date(2026, 7, 1)) == D("12.00")


# --- Propriétés --------------------------------------------------------------------------------

# Taux fictifs sur 2015-2030 : le cœur pur ne lit aucune table.
TAUX_FICTIFS = {
    date(annee, mois, 1): D(f"{(annee - 2010) % 9}.{mois:02d}")
    for annee in range(2015, 2031)
    for mois in (1, 7)
}
jours = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
principaux = st.decimals(min_value=D("0"), max_value=D("10000000"), places=2)


@given(principal=principaux, a=jours, b=jours, c=jours, majoration=st.none() | jours)
def test_interets_additifs_a_un_centime_pres(principal, a, b, c, majoration):
    """Couper une période en deux ne change le total que d'un centime au plus.

    Les morceaux des deux demi-périodes sont ceux de la période entière, sauf celui qui
    contient le point de coupe, scindé en deux : trois arrondis d'au plus un demi-centime
    chacun, soit un écart d'au plus 0,015, donc d'au plus 0,01 puisque c'est un nombre de
    centimes.
    """
    du, milieu, au = sorted((a, b, c))
    entier = decompte(
        principal, du=du, au=au, taux_par_semestre=TAUX_FICTIFS, majoration_depuis=majoration
    )
    gauche = decompte(
        principal, du=du, au=milieu, taux_par_semestre=TAUX_FICTIFS, majoration_depuis=majoration
    )
    droite = decompte(
        principal, du=milieu, au=au, taux_par_semestre=TAUX_FICTIFS, majoration_depuis=majoration
    )
    assert abs(entier.total - (gauche.total + droite.total)) <= D("0.01")
    assert entier.jours == gauche.jours + droite.jours == (au - du).days


@given(principal=principaux, a=jours, b=jours)
def test_les_morceaux_se_suivent_sans_trou_ni_chevauchement(principal, a, b):
    du, au = sorted((a, b))
    resultat = decompte(principal, du=du, au=au, taux_par_semestre=TAUX_FICTIFS)
    bornes = [du] + [p.fin for p in resultat.periodes]
    assert [p.debut for p in resultat.periodes] == bornes[:-1]
    assert bornes[-1] == au
    assert all(p.jours > 0 for p in resultat.periodes)
    assert len(resultat.periodes) == len(semestres_couverts(du, au))
    # Chaque morceau reste dans un seul semestre.
    for p in resultat.periodes:
        premier = p.debut + timedelta(days=1)
        assert interets.debut_semestre(premier) == interets.debut_semestre(p.fin)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(
    principal=principaux,
    a=st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 6, 30)),
    b=st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 6, 30)),
    particulier=st.booleans(),
)
def test_interets_legaux_avec_les_taux_semes(principal, a, b, particulier):
    du, au = sorted((a, b))
    resultat = interets_legaux(principal, du=du, au=au, creancier_particulier=particulier)
    assert resultat.total >= 0
    assert resultat.jours == (au - du).days
    assert resultat.a_verifier == ()
