"""Capacité de paiement de tous les débiteurs du dossier : les débiteurs tenus
solidairement (C. civ. 1313) portent ensemble le plan, leurs capacités s'additionnent ; un
débiteur tenu de sa seule part (C. civ. 1309) n'est pas compté ; revenus inconnus : non
compté, jamais supposé."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine

from dossiers.models import DossierDebiteur
from etude.errors import DonneeManquante
from relances.models import PolitiqueEcheancier
from relances.services import echeanciers as services
from tests.factories import creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db
LE = date(2025, 6, 2)


@pytest.fixture
def dossier(clerc):
    # Reste-à-vivre de l'étude : 1 300 € + 300 € par personne à charge. Barème 2025
    # (décret 2024-1231) : quotité de 1 800 € nets avec une personne à charge 296,33 €, de
    # 1 500 € nets sans personne à charge 236,94 € ; le reste-à-vivre borne les deux :
    # 1 800 - 1 600 = 200 € et 1 500 - 1 300 = 200 €.
    PolitiqueEcheancier.objects.create(
        etude=clerc.etude, reste_a_vivre=D("1300.00"), reste_a_vivre_par_personne=D("300.00")
    )
    premier = creer_debiteur(
        etude=clerc.etude, nom="Premier", revenus_mensuels_nets=D("1800.00"), personnes_a_charge=1
    )
    second = creer_debiteur(
        etude=clerc.etude, nom="Second", revenus_mensuels_nets=D("1500.00"), personnes_a_charge=0
    )
    return creer_dossier(acteur=clerc, debiteurs=[premier, second])


def _second(dossier, **valeurs):
    partie = DossierDebiteur.objects.filter(dossier=dossier).order_by("rang", "id").last()
    DossierDebiteur.objects.filter(pk=partie.pk).update(**valeurs)
    return partie.debiteur


def test_deux_debiteurs_solidaires_leurs_capacites_s_ajoutent(dossier):
    capacite = services.capacite_du_debiteur(dossier, le=LE)
    assert [c.mensuelle for c in capacite.parts] == [D("200.00"), D("200.00")]
    assert capacite.parts[1].quotite_saisissable == D("236.94")
    assert capacite.mensuelle == D("400.00")
    assert capacite.non_comptes == []
    resultat = services.propositions_calculer(dossier, le=LE, premiere=date(2025, 6, 10))
    # Dû 5 050 € (principal 4 250 + frais 800) ; 5 050 / 400 = 12,625 -> 13 échéances.
    assert resultat.montant == D("5050.00")
    assert resultat.propositions[0].nombre == 13
    assert resultat.propositions[0].supportable


def test_un_debiteur_tenu_de_sa_seule_part_n_est_pas_compte(dossier):
    second = _second(dossier, solidaire=False)
    capacite = services.capacite_du_debiteur(dossier, le=LE)
    assert capacite.mensuelle == D("200.00")
    assert len(capacite.parts) == 1
    assert capacite.non_comptes == [
        f"{second.designation} n'est tenu que de sa part (C. civ. 1309) : non compté "
        "dans un plan de toute la dette"
    ]


def test_revenus_inconnus_non_comptes_jamais_supposes(dossier):
    debiteur = _second(dossier)
    type(debiteur).objects.filter(pk=debiteur.pk).update(revenus_mensuels_nets=None)
    capacite = services.capacite_du_debiteur(dossier, le=LE)
    assert capacite.mensuelle == D("200.00")
    assert len(capacite.parts) == 1
    assert (
        "inconnus" in capacite.non_comptes[0] and debiteur.designation in capacite.non_comptes[0]
    )


def test_aucun_debiteur_solidaire_le_calcul_s_arrete_en_francais(dossier):
    DossierDebiteur.objects.filter(dossier=dossier).update(solidaire=False)
    with pytest.raises(
        DonneeManquante, match="Aucun débiteur du dossier n'est tenu solidairement"
    ):
        services.capacite_du_debiteur(dossier, le=LE)
    resultat = services.propositions_calculer(dossier, le=LE, premiere=date(2025, 6, 10))
    assert any("C. civ. 1309" in e for e in resultat.erreurs)


def test_la_page_detaille_chaque_debiteur(client, clerc, dossier):
    from django.urls import reverse

    client.force_login(clerc)
    # La première échéance tient dans la durée de l'étude comptée depuis aujourd'hui.
    with time_machine.travel(LE, tick=False):
        page = client.get(
            reverse("echeancier_propositions", args=[dossier.reference]),
            {"premiere": "2025-06-10"},
            headers={"HX-Request": "true"},
        ).content.decode()
    assert "tenus solidairement, C. civ. 1313" in page
    assert page.count("quotité saisissable") == 2
