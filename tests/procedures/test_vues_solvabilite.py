"""Évaluation de la solvabilité (procedures/solvabilite.py) et son panneau sur la fiche.

Chiffres calculés à la main sur les données de référence (comptabilite/donnees) :
barème 2025 (seuils annuels 4 440 / 8 660 / 12 890 / 17 090 / 21 300 / 25 600, fractions
1/20, 1/10, 1/5, 1/4, 1/3, 2/3, puis tout ; 1 720 EUR par personne à charge) et RSA d'une
personne seule 646,52 EUR du 1er avril 2025 au 31 mars 2026.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from comptabilite import referentiel
from dossiers.models import Bien as BienModele
from dossiers.models import CompteBancaire
from etude.errors import DonneeManquante
from procedures.solvabilite import Bien, Compte, evaluation_solvabilite
from tests.factories import creer_debiteur, creer_dossier

# Le barème et le RSA sont lus dans les tables de référence (semées par migration).
pytestmark = pytest.mark.django_db

LE = date(2025, 6, 15)


def test_remunerations_quotite_sur_le_bareme_2025():
    # 1 800 x 12 = 21 600 : 4 440/20 = 222 ; 4 220/10 = 422 ; 4 230/5 = 846 ;
    # 4 200/4 = 1 050 ; 4 210/3 = 1 403,333… ; 300 x 2/3 = 200 ; total 4 143,333… / 12
    # = 345,2777… soit 345,28 (1 800 - 646,52 laisse bien plus que le RSA).
    evaluation = evaluation_solvabilite(
        le=LE, employeur_nom="Transports Rhône", revenus_mensuels_nets=Decimal("1800.00")
    )
    voie = evaluation.recommandee
    assert voie.type == "saisie_remunerations"
    assert voie.montant_estime == Decimal("345.28")
    assert voie.raison == (
        "employeur connu (Transports Rhône) : saisie des rémunérations, "
        "quotité estimée 345,28 EUR/mois"
    )


def test_personne_a_charge_releve_les_seuils():
    # Seuils + 1 720 : 6 160/20 = 308 ; 4 220/10 = 422 ; 4 230/5 = 846 ; 4 200/4 = 1 050 ;
    # (21 600 - 18 810)/3 = 930 ; total 3 556 / 12 = 296,333… soit 296,33.
    evaluation = evaluation_solvabilite(
        le=LE,
        employeur_nom="Transports Rhône",
        revenus_mensuels_nets=Decimal("1800.00"),
        personnes_a_charge=1,
    )
    assert evaluation.recommandee.montant_estime == Decimal("296.33")


def test_le_salarie_garde_le_rsa():
    # 660 x 12 = 7 920 : 222 + 3 480/10 = 570 / 12 = 47,50 au barème ; mais 660 - 646,52
    # = 13,48 : R3252-5 limite la quotité à 13,48.
    evaluation = evaluation_solvabilite(
        le=LE, employeur_nom="X", revenus_mensuels_nets=Decimal("660.00")
    )
    assert evaluation.voies[0].montant_estime == Decimal("13.48")


def test_compte_au_solde_connu_recommande_avant_les_remunerations():
    # 1 820,40 - SBI 646,52 = 1 173,88 au-delà du solde bancaire insaisissable.
    evaluation = evaluation_solvabilite(
        le=LE,
        employeur_nom="X",
        revenus_mensuels_nets=Decimal("1800.00"),
        comptes=[Compte("Banque Populaire", Decimal("1820.40"))],
    )
    assert [v.type for v in evaluation.voies] == ["saisie_attribution", "saisie_remunerations"]
    attribution = evaluation.recommandee
    assert attribution.montant_estime == Decimal("1173.88")
    assert "1 173,88 EUR au-delà du SBI (646,52 EUR)" in attribution.raison


def test_compte_sans_solde_connu_dit_que_le_solde_au_dela_du_sbi_est_inconnu():
    evaluation = evaluation_solvabilite(le=LE, comptes=[Compte("Crédit Mutuel")])
    voie = evaluation.voies[0]
    assert voie.type == "saisie_attribution"
    assert voie.montant_estime is None
    assert voie.raison.startswith(
        "compte connu (Crédit Mutuel) : saisie-attribution, solde au-delà du SBI inconnu"
    )
    # Il reste à chercher l'employeur et les biens, pas les comptes.
    assert len(evaluation.a_rechercher) == 2
    assert not any("FICOBA" in r for r in evaluation.a_rechercher)


def test_solde_sous_le_sbi_rien_a_saisir():
    evaluation = evaluation_solvabilite(le=LE, comptes=[Compte("B", Decimal("500.00"))])
    assert evaluation.voies[0].montant_estime == Decimal("0.00")
    assert "rien à saisir" in evaluation.voies[0].raison
    assert evaluation.recommandee is None


def test_saisie_vente_et_subsidiarite_L221_2_sous_535_euros():
    evaluation = evaluation_solvabilite(
        le=LE,
        comptes=[Compte("B", Decimal("1000.00"))],
        biens=[Bien("mobilier", "Téléviseur", Decimal("400.00"))],
        principal=Decimal("480.00"),
        nature_creance="loyers",
    )
    assert [v.type for v in evaluation.voies] == ["saisie_attribution", "saisie_vente"]
    vente = evaluation.voies[1]
    assert "CPCE L221-2, R221-2" in vente.raison
    assert "seulement si la saisie d'un compte ou des rémunérations n'aboutit pas" in vente.raison


def test_saisie_vente_sans_subsidiarite_pour_une_creance_alimentaire():
    evaluation = evaluation_solvabilite(
        le=LE,
        biens=[Bien("mobilier", "Téléviseur", Decimal("400.00"))],
        principal=Decimal("480.00"),
        nature_creance="pension_alimentaire",
    )
    assert evaluation.recommandee.type == "saisie_vente"
    assert "L221-2" not in evaluation.recommandee.raison


def test_un_immeuble_n_est_pas_propose_en_saisie_vente():
    # CPCE L221-1 : la saisie-vente porte sur les meubles corporels ; un immeuble relève de
    # la saisie immobilière (L311-1 s.), des parts de la saisie des droits d'associé (L231-1).
    evaluation = evaluation_solvabilite(
        le=LE,
        biens=[
            Bien("immobilier", "Maison, 4 rue des Lilas", Decimal("250000.00")),
            Bien("parts", "Parts de SCI", Decimal("10000.00")),
        ],
        principal=Decimal("3000.00"),
    )
    assert evaluation.voies == ()
    assert any("saisie immobilière (CPCE L311-1" in r for r in evaluation.a_rechercher)
    assert any("CPCE L231-1" in r for r in evaluation.a_rechercher)


def test_sans_titre_executoire_l_evaluation_dit_qu_il_faut_d_abord_un_titre():
    evaluation = evaluation_solvabilite(
        le=LE,
        comptes=[Compte("B", Decimal("1000.00"))],
        titre_executoire=False,
    )
    assert "CPCE L111-2" in evaluation.prealable
    assert "petites créances" in evaluation.prealable
    assert evaluation_solvabilite(le=LE, titre_executoire=True).prealable == ""


def test_rien_de_connu_dit_quoi_rechercher():
    evaluation = evaluation_solvabilite(le=LE)
    assert evaluation.voies == ()
    assert len(evaluation.a_rechercher) == 3
    assert any("FICOBA" in r for r in evaluation.a_rechercher)


def test_surendettement_recevable_bloque_avec_l_article():
    evaluation = evaluation_solvabilite(
        le=LE,
        employeur_nom="X",
        revenus_mensuels_nets=Decimal("1800.00"),
        surendettement_recevable=True,
        surendettement_decision=date(2025, 5, 2),
    )
    assert evaluation.voies == ()
    assert evaluation.bloquee.startswith("C. consom. L722-2")
    assert "02/05/2025" in evaluation.bloquee


def test_bareme_manquant_montre_le_message_et_pas_de_chiffre():
    # Aucun barème 2022 dans les données : la donnée manquante est dite, pas remplacée.
    with pytest.raises(DonneeManquante) as attendu:
        referentiel.bareme_saisie(2022)
    evaluation = evaluation_solvabilite(
        le=date(2022, 9, 1), employeur_nom="X", revenus_mensuels_nets=Decimal("1800.00")
    )
    voie = evaluation.voies[0]
    assert voie.montant_estime is None
    assert voie.donnee_manquante == str(attendu.value)


def test_rsa_manquant_pour_le_sbi():
    evaluation = evaluation_solvabilite(le=date(2021, 1, 4), comptes=[Compte("B", Decimal("900"))])
    assert evaluation.voies[0].montant_estime is None
    assert "RSA" in evaluation.voies[0].donnee_manquante


@pytest.mark.django_db
def test_panneau_solvabilite_de_la_fiche(client, clerc):
    debiteur = creer_debiteur(
        etude=clerc.etude,
        employeur_nom="Transports Rhône",
        revenus_mensuels_nets=Decimal("1800.00"),
    )
    CompteBancaire.objects.create(
        debiteur=debiteur, iban="FR7630006000011234567890189", banque="Banque Populaire"
    )
    BienModele.objects.create(debiteur=debiteur, nature="vehicule", description="Clio")
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    client.force_login(clerc)
    with time_machine.travel(date(2025, 6, 16), tick=False):
        contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert 'id="solvabilite"' in contenu
    assert "quotité estimée 345,28 EUR/mois" in contenu
    assert "solde au-delà du SBI inconnu" in contenu
    # Les rémunérations (chiffrées) viennent avant le compte au solde inconnu.
    assert contenu.index("quotité estimée") < contenu.index("solde au-delà du SBI inconnu")
    assert "recommandée" in contenu


@pytest.mark.django_db
def test_panneau_solvabilite_bloque_par_le_surendettement(client, clerc):
    debiteur = creer_debiteur(
        etude=clerc.etude,
        employeur_nom="X",
        revenus_mensuels_nets=Decimal("1800.00"),
        surendettement_statut="recevable",
        surendettement_decision=date(2025, 5, 2),
    )
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    client.force_login(clerc)
    contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert (
        "C. consom. L722-2 : dossier de surendettement déclaré recevable le 02/05/2025" in contenu
    )
    assert "quotité estimée" not in contenu


def test_donnee_non_confirmee_signalee_a_verifier():
    # Le RSA du 1er avril 2026 (652,33) est saisi mais non confirmé dans les données.
    evaluation = evaluation_solvabilite(
        le=date(2026, 6, 15), comptes=[Compte("B", Decimal("1000.00"))]
    )
    voie = evaluation.voies[0]
    assert voie.montant_estime == Decimal("347.67")  # 1 000 - 652,33
    assert any("à vérifier" in a for a in voie.a_verifier)
    confirme = evaluation_solvabilite(le=LE, comptes=[Compte("B", Decimal("1000.00"))])
    assert confirme.voies[0].a_verifier == ()
