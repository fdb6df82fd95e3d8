"""Délais de procédure (CPC 640 à 644) : dates calculées à la main à partir des articles.

Fonctions pures : aucun test ici n'a besoin de la base de données.
"""

import ast
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etude.errors import DonneeManquante
from procedures import delais
from procedures.delais import (
    CALENDRIERS,
    LectureSure,
    ajouter_jours_ouvrables,
    ajouter_mois,
    echeance_jours_ouvrables,
    echeance_sure,
    est_jour_ferie,
    est_jour_ouvrable,
    fin_de_delai,
    fin_sans_prorogation,
    jours_feries,
    prochain_jour_ouvrable,
    proroger_cpc_642,
)

# C. trav. L3133-1, calculé à la main : Pâques 2026 = 5 avril, Pâques 2027 = 28 mars
# (procedures.md §1.3) ; lundi de Pâques = +1, Ascension = +39, lundi de Pentecôte = +50.
FERIES_L3133_1 = {
    2026: {
        date(2026, 1, 1),  # 1° 1er janvier
        date(2026, 4, 6),  # 2° lundi de Pâques
        date(2026, 5, 1),  # 3° 1er mai
        date(2026, 5, 8),  # 4° 8 mai
        date(2026, 5, 14),  # 5° Ascension
        date(2026, 5, 25),  # 6° lundi de Pentecôte
        date(2026, 7, 14),  # 7° 14 juillet
        date(2026, 8, 15),  # 8° Assomption
        date(2026, 11, 1),  # 9° Toussaint
        date(2026, 11, 11),  # 10° 11 novembre
        date(2026, 12, 25),  # 11° Noël
    },
    2027: {
        date(2027, 1, 1),
        date(2027, 3, 29),
        date(2027, 5, 1),
        date(2027, 5, 8),
        date(2027, 5, 6),
        date(2027, 5, 17),
        date(2027, 7, 14),
        date(2027, 8, 15),
        date(2027, 11, 1),
        date(2027, 11, 11),
        date(2027, 12, 25),
    },
}

# C. trav. L3422-2 (procedures.md §1.3) : jour de l'abolition de l'esclavage, en 2026.
ABOLITION_2026 = {
    "guadeloupe": date(2026, 5, 27),
    "martinique": date(2026, 5, 22),
    "guyane": date(2026, 6, 10),
    "reunion": date(2026, 12, 20),
    "mayotte": date(2026, 4, 27),
}


# --- Jours fériés ------------------------------------------------------------------------


@pytest.mark.parametrize("annee", [2026, 2027])
def test_feries_de_metropole_sont_exactement_ceux_de_l3133_1(annee):
    assert set(jours_feries(annee, "metropole")) == FERIES_L3133_1[annee]


def test_alsace_moselle_ajoute_vendredi_saint_et_26_decembre():
    # C. trav. L3134-13 : Vendredi saint (Pâques - 2) et « second jour de Noël ».
    assert set(jours_feries(2026, "alsace-moselle")) == FERIES_L3133_1[2026] | {
        date(2026, 4, 3),
        date(2026, 12, 26),
    }
    assert set(jours_feries(2027, "alsace-moselle")) == FERIES_L3133_1[2027] | {
        date(2027, 3, 26),
        date(2027, 12, 26),
    }


def test_le_paquet_donne_les_memes_feries_a_la_moselle_et_a_l_alsace():
    # Le calendrier "alsace-moselle" lit la Moselle ("57") : vaut aussi pour le Bas-Rhin et le
    # Haut-Rhin tant que le paquet ne les distingue pas.
    for annee in (2026, 2027):
        moselle = holidays.France(years=annee, subdiv="57")
        alsace = holidays.France(years=annee, subdiv="6AE")
        assert set(moselle) == set(alsace)


@pytest.mark.parametrize(("calendrier", "abolition"), sorted(ABOLITION_2026.items()))
def test_outre_mer_ajoute_seulement_le_jour_de_l_abolition(calendrier, abolition):
    # DOMAINE décision 9 : ni Vendredi saint, ni Mi-Carême, ni fête de Victor Schoelcher.
    assert set(jours_feries(2026, calendrier)) == FERIES_L3133_1[2026] | {abolition}
    assert jours_feries(2026, calendrier)[abolition] == "Abolition de l'esclavage"


def test_jours_feries_portent_leur_nom_en_francais():
    feries = jours_feries(2026, "alsace-moselle")
    assert feries[date(2026, 12, 25)] == "Noël"
    assert feries[date(2026, 4, 3)] == "Vendredi saint"


def test_jours_feries_rend_une_copie_que_l_appelant_peut_modifier():
    feries = jours_feries(2026, "metropole")
    feries.clear()
    assert len(jours_feries(2026, "metropole")) == 11


def test_jours_feries_sont_calcules_une_fois_par_calendrier_et_par_annee():
    jours_feries(2031, "martinique")
    avant = delais._feries.cache_info()
    jours_feries(2031, "martinique")
    est_jour_ferie(date(2031, 5, 22), "martinique")
    apres = delais._feries.cache_info()
    assert apres.misses == avant.misses
    assert apres.hits > avant.hits


def test_annee_que_le_paquet_ne_couvre_pas_leve_donnee_manquante():
    # Le paquet rend une liste vide après 2100 : ce serait un délai sans jours fériés.
    with pytest.raises(DonneeManquante, match="Jours fériés de 2101"):
        est_jour_ferie(date(2101, 1, 1), "metropole")
    with pytest.raises(DonneeManquante):
        fin_de_delai(date(2100, 12, 30), jours=5)


def test_est_jour_ferie_depend_du_calendrier():
    assert est_jour_ferie(date(2026, 12, 26), "alsace-moselle")
    assert not est_jour_ferie(date(2026, 12, 26), "metropole")
    assert est_jour_ferie(date(2026, 5, 27), "guadeloupe")
    assert not est_jour_ferie(date(2026, 5, 27), "martinique")


# --- Jours ouvrables -----------------------------------------------------------------------


def test_le_samedi_est_un_jour_ouvrable_par_defaut():
    assert est_jour_ouvrable(date(2026, 3, 7), "metropole")


def test_le_samedi_n_est_pas_un_jour_ouvre():
    assert not est_jour_ouvrable(date(2026, 3, 7), "metropole", samedi_ouvrable=False)


def test_le_dimanche_et_les_feries_ne_sont_pas_ouvrables():
    assert not est_jour_ouvrable(date(2026, 3, 8), "metropole")
    assert not est_jour_ouvrable(date(2026, 7, 14), "metropole")
    assert not est_jour_ouvrable(date(2026, 4, 3), "alsace-moselle")
    assert est_jour_ouvrable(date(2026, 4, 3), "metropole")


def test_prochain_jour_ouvrable_apres_un_vendredi_est_le_samedi():
    # CPC 658 et 659 : « premier jour ouvrable suivant », samedi compris par défaut.
    assert prochain_jour_ouvrable(date(2026, 3, 6), "metropole") == date(2026, 3, 7)


def test_prochain_jour_ouvre_apres_un_vendredi_est_le_lundi():
    suivant = prochain_jour_ouvrable(date(2026, 3, 6), "metropole", samedi_ouvrable=False)
    assert suivant == date(2026, 3, 9)


def test_prochain_jour_ouvrable_saute_les_feries():
    # Jeudi 30 avril 2026 : le 1er mai est férié, le samedi 2 mai est ouvrable.
    assert prochain_jour_ouvrable(date(2026, 4, 30), "metropole") == date(2026, 5, 2)
    # CPCE R211-4 : premier jour ouvré après le mercredi 13 mai 2026, veille de l'Ascension.
    suivant = prochain_jour_ouvrable(date(2026, 5, 13), "metropole", samedi_ouvrable=False)
    assert suivant == date(2026, 5, 15)


def test_prochain_jour_ouvrable_est_strictement_apres_la_date():
    assert prochain_jour_ouvrable(date(2026, 3, 10), "metropole") == date(2026, 3, 11)


def test_prorogation_cpc_642_laisse_un_jour_ouvre_et_reporte_un_samedi_au_lundi():
    assert proroger_cpc_642(date(2026, 3, 10), "metropole") == date(2026, 3, 10)
    assert proroger_cpc_642(date(2026, 3, 14), "metropole") == date(2026, 3, 16)


def test_quinze_jours_ouvrables_comptent_le_samedi_par_defaut():
    # CPCE L162-1 : saisie le lundi 2 mars 2026 ; du 3 au 19 mars, dimanches exclus.
    assert ajouter_jours_ouvrables(date(2026, 3, 2), 15, calendrier="metropole") == date(
        2026, 3, 19
    )


def test_quinze_jours_ouvres_excluent_le_samedi():
    fin = ajouter_jours_ouvrables(
        date(2026, 3, 2), 15, calendrier="metropole", samedi_ouvrable=False
    )
    assert fin == date(2026, 3, 23)


def test_jours_ouvrables_sautent_les_feries_de_mai():
    # Jeudi 30 avril 2026 : 1er mai, 8 mai, Ascension (14) et Pentecôte (25) sautés.
    depart = date(2026, 4, 30)
    assert ajouter_jours_ouvrables(depart, 15, calendrier="metropole") == date(2026, 5, 21)
    fin_ouvres = ajouter_jours_ouvrables(depart, 15, calendrier="metropole", samedi_ouvrable=False)
    assert fin_ouvres == date(2026, 5, 27)


def test_jours_ouvrables_depuis_un_dimanche_commencent_le_lundi():
    assert ajouter_jours_ouvrables(date(2026, 3, 8), 1, calendrier="metropole") == date(2026, 3, 9)


def test_zero_jour_ouvrable_rend_le_depart():
    assert ajouter_jours_ouvrables(date(2026, 3, 8), 0, calendrier="metropole") == date(2026, 3, 8)


def test_jours_ouvrables_en_alsace_moselle_sautent_le_vendredi_saint():
    depart = date(2026, 4, 2)
    assert ajouter_jours_ouvrables(depart, 1, calendrier="metropole") == date(2026, 4, 3)
    assert ajouter_jours_ouvrables(depart, 1, calendrier="alsace-moselle") == date(2026, 4, 4)


# --- fin_de_delai : exemples du CONTRAT ----------------------------------------------------


def test_exemple_du_contrat_huit_jours():
    assert fin_de_delai(date(2026, 5, 7), jours=8) == date(2026, 5, 15)


def test_exemple_du_contrat_un_mois_depuis_le_31_janvier():
    # 28 février 2026 est un samedi : lundi 2 mars.
    assert fin_de_delai(date(2026, 1, 31), mois=1) == date(2026, 3, 2)


# --- Délais en jours (CPC 641 al. 1 et 642) -----------------------------------------------


def test_delai_en_jours_ne_compte_pas_le_jour_de_depart():
    assert fin_de_delai(date(2026, 3, 2), jours=8) == date(2026, 3, 10)


def test_delai_qui_finit_un_samedi_est_proroge_au_lundi():
    assert fin_de_delai(date(2026, 3, 6), jours=8) == date(2026, 3, 16)


def test_delai_qui_finit_un_dimanche_est_proroge_au_lundi():
    assert fin_de_delai(date(2026, 3, 7), jours=8) == date(2026, 3, 16)


def test_delai_qui_finit_un_ferie_est_proroge_au_lendemain():
    assert fin_de_delai(date(2026, 7, 6), jours=8) == date(2026, 7, 15)


def test_delai_qui_finit_un_vendredi_ferie_est_proroge_au_lundi():
    assert fin_de_delai(date(2026, 4, 23), jours=8) == date(2026, 5, 4)
    assert fin_de_delai(date(2026, 4, 30), jours=8) == date(2026, 5, 11)


def test_depart_un_jour_ferie_ne_change_pas_le_decompte():
    assert fin_de_delai(date(2026, 5, 14), jours=8) == date(2026, 5, 22)


def test_delai_nul_finit_le_jour_meme_ou_le_premier_jour_ouvre_suivant():
    assert fin_de_delai(date(2026, 3, 10)) == date(2026, 3, 10)
    assert fin_de_delai(date(2026, 3, 7)) == date(2026, 3, 9)


def test_feries_au_milieu_du_delai_ne_l_allongent_pas():
    # 7 mai + 8 jours : le 8 mai et l'Ascension tombent pendant le délai.
    assert fin_de_delai(date(2026, 5, 7), jours=8) == date(2026, 5, 15)


# --- Délais en mois et années (CPC 641 al. 2 et 3) -----------------------------------------


def test_delai_en_mois_finit_le_jour_de_meme_quantieme():
    assert fin_de_delai(date(2026, 3, 15), mois=1) == date(2026, 4, 15)


def test_delai_en_mois_finit_le_dernier_jour_du_mois_quand_le_quantieme_manque():
    assert fin_de_delai(date(2026, 3, 31), mois=1) == date(2026, 4, 30)
    assert fin_de_delai(date(2026, 8, 31), mois=1) == date(2026, 9, 30)


def test_delai_d_un_mois_depuis_le_31_janvier_d_une_annee_bissextile_finit_le_29_fevrier():
    assert fin_de_delai(date(2028, 1, 31), mois=1) == date(2028, 2, 29)


def test_delai_en_mois_qui_passe_l_annee_finit_fin_fevrier_puis_est_proroge():
    # 30 novembre 2026 + 3 mois = 28 février 2027, un dimanche : lundi 1er mars.
    assert fin_de_delai(date(2026, 11, 30), mois=3) == date(2027, 3, 1)


def test_delai_d_un_an_depuis_le_29_fevrier_finit_le_28_fevrier():
    assert fin_de_delai(date(2024, 2, 29), ans=1) == date(2025, 2, 28)
    assert fin_de_delai(date(2028, 2, 29), ans=1) == date(2029, 2, 28)


def test_delai_de_quatre_ans_depuis_le_29_fevrier_finit_le_29_fevrier():
    assert fin_de_delai(date(2024, 2, 29), ans=4) == date(2028, 2, 29)


def test_delai_de_dix_ans_finit_au_meme_quantieme_proroge_si_dimanche():
    # CPCE L111-4 : 15 mars 2016 + 10 ans = dimanche 15 mars 2026.
    assert fin_de_delai(date(2016, 3, 15), ans=10) == date(2026, 3, 16)


def test_delai_en_ans_et_mois_compte_le_quantieme_depuis_le_depart():
    # 31 janvier 2025 + 1 an 1 mois = 28 février 2026 (samedi) : lundi 2 mars.
    assert fin_de_delai(date(2025, 1, 31), ans=1, mois=1) == date(2026, 3, 2)


def test_les_mois_sont_comptes_avant_les_jours():
    # CPC 641 al. 3 : 28 janvier + 1 mois = 28 février, + 3 jours = 3 mars. (Les jours
    # d'abord donneraient 31 janvier + 1 mois = samedi 28 février, soit le 2 mars.)
    assert fin_de_delai(date(2026, 1, 28), mois=1, jours=3) == date(2026, 3, 3)


def test_la_prorogation_ne_joue_qu_a_la_fin_du_delai():
    # 31 janvier + 1 mois = samedi 28 février, non prorogé avant d'ajouter 2 jours.
    assert fin_de_delai(date(2026, 1, 31), mois=1, jours=2) == date(2026, 3, 2)


def test_ajouter_mois_garde_le_quantieme_ou_prend_le_dernier_jour():
    assert ajouter_mois(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert ajouter_mois(date(2026, 1, 31), 0) == date(2026, 1, 31)
    assert ajouter_mois(date(2026, 12, 15), 13) == date(2028, 1, 15)


def test_fin_sans_prorogation_peut_finir_un_samedi():
    assert fin_sans_prorogation(date(2026, 1, 31), mois=1) == date(2026, 2, 28)


# --- Délais de distance (CPC 643 et 644) ---------------------------------------------------


def test_distance_outre_mer_ajoute_un_mois_avant_les_jours():
    # procedures.md §1.4 : ordonnance signifiée le 12 février 2017, appel 15 jours + 1 mois.
    assert fin_de_delai(date(2017, 2, 12), jours=15, distance="outre-mer") == date(2017, 3, 27)


def test_distance_etranger_ajoute_deux_mois_avant_les_jours():
    assert fin_de_delai(date(2017, 2, 12), jours=15, distance="etranger") == date(2017, 4, 27)


def test_distance_allonge_le_delai_en_mois_en_un_seul_decompte_depuis_le_depart():
    # Opposition (1 mois) + 1 mois : 2 mois depuis le 31 janvier = 31 mars, et non
    # 28 février + 1 mois = 28 mars.
    assert fin_de_delai(date(2026, 1, 31), mois=1, distance="outre-mer") == date(2026, 3, 31)
    assert fin_de_delai(date(2026, 1, 31), mois=1, distance="etranger") == date(2026, 4, 30)


def test_distance_est_ajoutee_avant_la_prorogation():
    # 14 janvier + 1 mois + 1 mois = samedi 14 mars : lundi 16 mars.
    assert fin_de_delai(date(2026, 1, 14), mois=1, distance="outre-mer") == date(2026, 3, 16)


# --- Calendriers ---------------------------------------------------------------------------


def test_alsace_moselle_proroge_un_delai_qui_finit_le_26_decembre():
    # Fiche F31111 (2014) : fin le jeudi 25 décembre 2014, « vendredi 26 décembre (ou lundi
    # 29 décembre en Alsace-Moselle) ».
    assert fin_de_delai(date(2014, 12, 17), jours=8) == date(2014, 12, 26)
    assert fin_de_delai(date(2014, 12, 17), jours=8, calendrier="alsace-moselle") == date(
        2014, 12, 29
    )


def test_alsace_moselle_proroge_un_delai_qui_finit_le_vendredi_saint():
    # Vendredi saint 3 avril 2026, puis week-end, puis lundi de Pâques : mardi 7 avril.
    assert fin_de_delai(date(2026, 3, 26), jours=8) == date(2026, 4, 3)
    assert fin_de_delai(date(2026, 3, 26), jours=8, calendrier="alsace-moselle") == date(
        2026, 4, 7
    )


def test_alsace_moselle_proroge_un_mardi_26_decembre():
    assert fin_de_delai(date(2028, 12, 18), jours=8) == date(2028, 12, 26)
    assert fin_de_delai(date(2028, 12, 18), jours=8, calendrier="alsace-moselle") == date(
        2028, 12, 27
    )


@pytest.mark.parametrize(
    ("calendrier", "depart", "fin_metropole", "fin_locale"),
    [
        ("guadeloupe", date(2026, 5, 19), date(2026, 5, 27), date(2026, 5, 28)),
        # Vendredi 22 mai, week-end, lundi de Pentecôte : mardi 26 mai.
        ("martinique", date(2026, 5, 14), date(2026, 5, 22), date(2026, 5, 26)),
        ("guyane", date(2026, 6, 2), date(2026, 6, 10), date(2026, 6, 11)),
        ("reunion", date(2027, 12, 12), date(2027, 12, 20), date(2027, 12, 21)),
        ("mayotte", date(2026, 4, 19), date(2026, 4, 27), date(2026, 4, 28)),
    ],
)
def test_outre_mer_proroge_un_delai_qui_finit_le_jour_de_l_abolition(
    calendrier, depart, fin_metropole, fin_locale
):
    assert fin_de_delai(depart, jours=8) == fin_metropole
    assert fin_de_delai(depart, jours=8, calendrier=calendrier) == fin_locale


# --- Entrées invalides ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"jours": -1}, "ne peut pas être négatif"),
        ({"mois": -1}, "ne peut pas être négatif"),
        ({"ans": -2}, "ne peut pas être négatif"),
        ({"jours": 1.5}, "doit être un entier"),
        ({"jours": "8"}, "doit être un entier"),
        ({"jours": True}, "doit être un entier"),
        ({"calendrier": "paris"}, "Calendrier inconnu"),
        ({"calendrier": None}, "Calendrier inconnu"),
        ({"distance": "lune"}, "Distance inconnue"),
        ({"distance": 1}, "Distance inconnue"),
    ],
)
def test_argument_invalide_leve_value_error_en_francais(arguments, message):
    with pytest.raises(ValueError, match=message):
        fin_de_delai(date(2026, 3, 2), **arguments)


@pytest.mark.parametrize("depart", ["2026-03-02", None, datetime(2026, 3, 2, 10, 0), 20260302])
def test_depart_qui_n_est_pas_une_date_leve_value_error(depart):
    with pytest.raises(ValueError, match="doit être une date"):
        fin_de_delai(depart, jours=8)


def test_delai_qui_depasse_l_an_9999_leve_value_error():
    with pytest.raises(ValueError, match="dépasse"):
        fin_sans_prorogation(date(9999, 12, 31), jours=1)
    with pytest.raises(ValueError, match="dépasse"):
        fin_sans_prorogation(date(9999, 12, 1), mois=1)


def test_fonctions_auxiliaires_refusent_les_arguments_invalides():
    with pytest.raises(ValueError, match="Calendrier inconnu"):
        est_jour_ouvrable(date(2026, 3, 2), "bretagne")
    with pytest.raises(ValueError, match="doit être une date"):
        est_jour_ferie("2026-03-02", "metropole")
    with pytest.raises(ValueError, match="ne peut pas être négatif"):
        ajouter_jours_ouvrables(date(2026, 3, 2), -1, calendrier="metropole")
    with pytest.raises(ValueError, match="doit être un entier"):
        jours_feries("2026", "metropole")


# --- Lecture sûre (DOMAINE décision 8) ----------------------------------------------------


def test_delai_pour_agir_retient_la_fin_sans_prorogation_et_montre_la_prorogee():
    echeance = echeance_sure(
        date(2026, 1, 31), mois=1, nature="agir_avant", calendrier="metropole"
    )
    assert echeance.date_sure == date(2026, 2, 28)
    assert echeance.date_alternative == date(2026, 3, 2)
    assert "CPC 642" in echeance.raison_alternative
    assert "samedi 28 février 2026" in echeance.raison_alternative
    assert "lundi 2 mars 2026" in echeance.raison_alternative


def test_delai_de_validite_retient_la_fin_sans_prorogation():
    echeance = echeance_sure(
        date(2026, 1, 31), mois=1, nature="valable_jusqu_au", calendrier="metropole"
    )
    assert (echeance.date_sure, echeance.date_alternative) == (date(2026, 2, 28), date(2026, 3, 2))


def test_delai_d_attente_retient_la_fin_prorogee_et_montre_la_fin_sans_prorogation():
    # CPCE R221-10 : commandement le vendredi 6 mars 2026, saisie après 8 jours ; le délai
    # finit le samedi 14, prorogé au lundi 16 : saisie possible à partir du mardi 17.
    echeance = echeance_sure(date(2026, 3, 6), jours=8, nature="pas_avant", calendrier="metropole")
    assert echeance.date_sure == date(2026, 3, 16)
    assert echeance.date_alternative == date(2026, 3, 14)
    assert "samedi 14 mars 2026" in echeance.raison_alternative


def test_lecture_sure_sans_alternative_quand_le_delai_finit_un_jour_ouvre():
    echeance = echeance_sure(
        date(2026, 3, 2), jours=8, nature="agir_avant", calendrier="metropole"
    )
    assert echeance == LectureSure(date(2026, 3, 10), None, "")


def test_alsace_moselle_delai_pour_agir_retient_la_date_la_plus_tot():
    echeance = echeance_sure(
        date(2014, 12, 17), jours=8, nature="agir_avant", calendrier="alsace-moselle"
    )
    assert echeance.date_sure == date(2014, 12, 25)
    assert echeance.date_alternative == date(2014, 12, 29)
    assert "L3134-13" in echeance.raison_alternative
    assert "vendredi 26 décembre 2014" in echeance.raison_alternative


def test_alsace_moselle_delai_d_attente_retient_la_date_la_plus_tard():
    echeance = echeance_sure(
        date(2014, 12, 17), jours=8, nature="pas_avant", calendrier="alsace-moselle"
    )
    assert echeance.date_sure == date(2014, 12, 29)
    assert echeance.date_alternative == date(2014, 12, 25)
    assert "vendredi 26 décembre 2014" in echeance.raison_alternative


def test_alsace_moselle_vendredi_saint_donne_une_alternative_pour_agir():
    echeance = echeance_sure(
        date(2026, 3, 26), jours=8, nature="agir_avant", calendrier="alsace-moselle"
    )
    assert (echeance.date_sure, echeance.date_alternative) == (date(2026, 4, 3), date(2026, 4, 7))
    assert "Vendredi saint" in echeance.raison_alternative
    metropole = echeance_sure(
        date(2026, 3, 26), jours=8, nature="agir_avant", calendrier="metropole"
    )
    assert metropole == LectureSure(date(2026, 4, 3))


def test_lecture_sure_applique_la_distance():
    echeance = echeance_sure(
        date(2017, 2, 12),
        jours=15,
        distance="outre-mer",
        nature="pas_avant",
        calendrier="metropole",
    )
    assert echeance == LectureSure(date(2017, 3, 27))


@pytest.mark.parametrize("nature", ["au_moins_avant", "jours_ouvrables", "", None])
def test_lecture_sure_refuse_une_nature_inconnue(nature):
    with pytest.raises(ValueError, match="Nature de délai"):
        echeance_sure(date(2026, 3, 2), jours=8, nature=nature, calendrier="metropole")


def test_jours_ouvrables_d_attente_retiennent_les_jours_ouvres():
    # CPCE L162-1 : l'étude attend la fin des quinze jours ouvrables.
    echeance = echeance_jours_ouvrables(
        date(2026, 3, 2), 15, nature="pas_avant", calendrier="metropole"
    )
    assert echeance.date_sure == date(2026, 3, 23)
    assert echeance.date_alternative == date(2026, 3, 19)
    assert "jeudi 19 mars 2026" in echeance.raison_alternative


def test_jours_ouvrables_pour_agir_comptent_le_samedi():
    echeance = echeance_jours_ouvrables(
        date(2026, 3, 2), 15, nature="agir_avant", calendrier="metropole"
    )
    assert (echeance.date_sure, echeance.date_alternative) == (
        date(2026, 3, 19),
        date(2026, 3, 23),
    )


def test_jours_ouvrables_en_alsace_moselle_encadrent_les_deux_incertitudes():
    depart = date(2026, 4, 2)
    pour_agir = echeance_jours_ouvrables(
        depart, 1, nature="agir_avant", calendrier="alsace-moselle"
    )
    attente = echeance_jours_ouvrables(depart, 1, nature="pas_avant", calendrier="alsace-moselle")
    assert (pour_agir.date_sure, pour_agir.date_alternative) == (
        date(2026, 4, 3),
        date(2026, 4, 7),
    )
    assert (attente.date_sure, attente.date_alternative) == (date(2026, 4, 7), date(2026, 4, 3))


def test_jours_ouvrables_sans_samedi_ni_ferie_n_ont_pas_d_alternative():
    echeance = echeance_jours_ouvrables(
        date(2026, 3, 2), 3, nature="pas_avant", calendrier="metropole"
    )
    assert echeance == LectureSure(date(2026, 3, 5))


# --- Pureté du module --------------------------------------------------------------------


def test_le_module_des_delais_n_importe_ni_django_ni_l_orm():
    # STYLE.md : l'arithmétique juridique pure n'importe pas l'ORM.
    source = Path(delais.__file__).read_text(encoding="utf-8")
    modules = set()
    for noeud in ast.walk(ast.parse(source)):
        if isinstance(noeud, ast.Import):
            modules.update(alias.name for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom):
            modules.add(noeud.module or "")
    assert not {m for m in modules if m.startswith("django") or m.endswith("models")}


# --- Propriétés ----------------------------------------------------------------------------

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2085, 12, 31))
calendriers = st.sampled_from(sorted(CALENDRIERS))
distances = st.sampled_from([None, "outre-mer", "etranger"])
delais_ = st.fixed_dictionaries(
    {
        "jours": st.integers(0, 400),
        "mois": st.integers(0, 36),
        "ans": st.integers(0, 10),
        "distance": distances,
        "calendrier": calendriers,
    }
)


@settings(deadline=None)
@given(depart=dates, delai=delais_)
def test_un_delai_ne_finit_jamais_avant_son_depart(depart, delai):
    fin = fin_de_delai(depart, **delai)
    assert fin >= depart
    if delai["jours"] or delai["mois"] or delai["ans"] or delai["distance"]:
        assert fin > depart


@settings(deadline=None)
@given(premier=dates, ecart=st.integers(0, 60), delai=delais_)
def test_la_fin_du_delai_ne_recule_jamais_quand_le_depart_avance(premier, ecart, delai):
    second = premier + timedelta(days=ecart)
    assert fin_de_delai(premier, **delai) <= fin_de_delai(second, **delai)


@settings(deadline=None)
@given(depart=dates, delai=delais_)
def test_un_delai_ne_finit_jamais_un_samedi_un_dimanche_ni_un_ferie(depart, delai):
    fin = fin_de_delai(depart, **delai)
    assert fin.weekday() < 5
    assert not est_jour_ferie(fin, delai["calendrier"])


@settings(deadline=None)
@given(depart=dates, delai=delais_)
def test_la_prorogation_ne_saute_aucun_jour_ouvre(depart, delai):
    delai = dict(delai)
    calendrier = delai.pop("calendrier")
    brute = fin_sans_prorogation(depart, **delai)
    fin = fin_de_delai(depart, calendrier=calendrier, **delai)
    jour = brute
    while jour < fin:
        assert not est_jour_ouvrable(jour, calendrier, samedi_ouvrable=False)
        jour += timedelta(days=1)


@settings(deadline=None)
@given(depart=dates, delai=delais_)
def test_la_lecture_sure_encadre_la_fin_du_delai(depart, delai):
    delai = dict(delai)
    calendrier = delai.pop("calendrier")
    fin = fin_de_delai(depart, calendrier=calendrier, **delai)
    pour_agir = echeance_sure(depart, nature="agir_avant", calendrier=calendrier, **delai)
    attente = echeance_sure(depart, nature="pas_avant", calendrier=calendrier, **delai)
    assert pour_agir.date_sure <= fin
    assert fin in {pour_agir.date_sure, pour_agir.date_alternative}
    assert attente.date_sure == fin
    if pour_agir.date_alternative is not None:
        assert pour_agir.date_alternative == fin
        assert attente.date_alternative == pour_agir.date_sure
        assert pour_agir.raison_alternative


@settings(deadline=None)
@given(depart=dates, n=st.integers(0, 40), calendrier=calendriers, samedi=st.booleans())
def test_n_jours_ouvrables_finissent_sur_le_n_ieme_jour_ouvrable(depart, n, calendrier, samedi):
    fin = ajouter_jours_ouvrables(depart, n, calendrier=calendrier, samedi_ouvrable=samedi)
    jours = [depart + timedelta(days=i) for i in range(1, (fin - depart).days + 1)]
    ouvrables = [j for j in jours if est_jour_ouvrable(j, calendrier, samedi_ouvrable=samedi)]
    assert len(ouvrables) == n
    if n:
        assert ouvrables[-1] == fin


@settings(deadline=None)
@given(depart=dates, n=st.integers(0, 40), calendrier=calendriers)
def test_compter_en_jours_ouvres_ne_finit_jamais_avant_les_jours_ouvrables(depart, n, calendrier):
    ouvrables = ajouter_jours_ouvrables(depart, n, calendrier=calendrier)
    ouvres = ajouter_jours_ouvrables(depart, n, calendrier=calendrier, samedi_ouvrable=False)
    assert ouvrables <= ouvres


@given(depart=dates, mois=st.integers(0, 200))
def test_ajouter_mois_garde_le_quantieme_ou_finit_le_dernier_jour_du_mois(depart, mois):
    fin = ajouter_mois(depart, mois)
    assert (fin.year - depart.year) * 12 + fin.month - depart.month == mois
    if fin.day != depart.day:
        assert fin.day < depart.day
        assert (fin + timedelta(days=1)).day == 1
