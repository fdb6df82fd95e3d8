"""Écrans des échéanciers : fiche du dossier, propositions (htmx), acceptation, PDF à signer,
file d'approbation, rapprochement, mise en demeure et déchéance."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from dossiers.models import Dossier
from etude.models import Evenement
from relances.models import Echeancier, EtatEcheancier
from tests.factories import creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(clerc):
    debiteur = creer_debiteur(
        etude=clerc.etude, revenus_mensuels_nets=D("1800.00"), personnes_a_charge=1
    )
    return creer_dossier(acteur=clerc, debiteurs=[debiteur])


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_proposer_puis_accepter_un_plan_depuis_la_fiche(client, clerc, dossier):
    client.force_login(clerc)
    fiche = client.get(dossier.get_absolute_url()).content.decode()
    url = reverse("echeancier_proposer", args=[dossier.reference])
    assert "Proposer un plan de paiement" in fiche and url in fiche

    page = client.get(url).content.decode()
    # 1 800 € nets, une personne à charge : quotité 296,33 € ; 5 050 € dus -> 18 échéances
    # de 280,55 (dernière 5 050 - 17 × 280,55 = 280,65).
    assert "296,33\u00a0EUR" in page and "050,00\u00a0EUR" in page
    fragment = client.get(
        reverse("echeancier_propositions", args=[dossier.reference]),
        {"premiere": "2025-06-10", "remise_interets": "on"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<html" not in fragment and "Le débiteur accepte" in fragment
    assert "hors politique : remise des intérêts" in fragment

    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"nombre": "18", "premiere": "2025-06-10"},
    )
    plan = Echeancier.objects.get(dossier=dossier)
    assert reponse.status_code == 302 and reponse.url == plan.get_absolute_url()
    assert plan.etat == EtatEcheancier.EN_COURS
    montants = list(plan.echeances.values_list("montant", flat=True))
    assert montants == [D("280.55")] * 17 + [D("280.65")]
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "10/06/2025" in detail and "10/11/2026" in detail and "À venir" in detail
    assert Evenement.objects.filter(action="echeancier_accepter", dossier=dossier).exists()

    pdf = client.get(reverse("echeancier_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_saisie_invalide_rien_n_est_enregistre(client, clerc, dossier):
    client.force_login(clerc)
    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"nombre": "0", "premiere": "2025-06-10"},
        follow=True,
    )
    assert "Rien n&#x27;a été enregistré" in reponse.content.decode()
    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"nombre": "6", "premiere": "2025-05-01"},
        follow=True,
    )
    assert "dans le passé" in reponse.content.decode()
    assert not Echeancier.objects.exists()


@time_machine.travel(date(2025, 6, 2), tick=False)
def test_plan_hors_politique_dans_la_file_d_approbation(client, clerc, principal_clerc, dossier):
    client.force_login(clerc)
    client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"nombre": "30", "premiere": "2025-06-10"},
    )
    plan = Echeancier.objects.get(dossier=dossier)
    assert plan.etat == EtatEcheancier.A_APPROUVER
    assert (
        client.post(
            reverse("echeancier_decider", args=[plan.pk]), {"decision": "approuver"}
        ).status_code
        == 403
    )

    client.force_login(principal_clerc)
    file = client.get(reverse("approbations_file")).content.decode()
    assert "Échéanciers hors politique" in file and plan.get_absolute_url() in file
    assert "au-delà de la durée de l&#x27;étude (24 mois)" in file
    reponse = client.post(
        reverse("echeancier_decider", args=[plan.pk]), {"decision": "approuver", "retour": "file"}
    )
    assert reponse.url == reverse("approbations_file")
    assert Echeancier.objects.get(pk=plan.pk).etat == EtatEcheancier.EN_COURS
    assert plan.get_absolute_url() not in client.get(reverse("approbations_file")).content.decode()


def test_manque_mise_en_demeure_et_decheance_par_l_ecran(client, clerc, dossier):
    from relances.models import AffectationScenario, Scenario

    # La reprise du scénario suppose que le dossier en suive un.
    AffectationScenario.objects.create(
        etude=clerc.etude,
        dossier=dossier,
        scenario=Scenario.objects.create(etude=clerc.etude, nom="Standard"),
        depuis=date(2025, 5, 1),
    )
    with time_machine.travel(date(2025, 6, 2), tick=False):
        client.force_login(clerc)
        client.post(
            reverse("echeancier_accepter", args=[dossier.reference]),
            {"nombre": "12", "premiere": "2025-06-10"},
        )
    plan = Echeancier.objects.get(dossier=dossier)
    with time_machine.travel(date(2025, 6, 30), tick=False):
        client.force_login(clerc)
        client.post(reverse("echeancier_rapprocher", args=[plan.pk]))
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "En retard (manquée)" in page and "la déchéance du terme est à prononcer" in page
        client.post(reverse("echeancier_mettre_en_demeure", args=[plan.pk]))
    with time_machine.travel(date(2025, 7, 8), tick=False):
        client.force_login(clerc)
        reponse = client.post(
            reverse("echeancier_decheance", args=[plan.pk]), {"suite": "scenario"}, follow=True
        )
        assert "possible à partir du 09/07/2025" in reponse.content.decode()
    with time_machine.travel(date(2025, 7, 9), tick=False):
        client.force_login(clerc)
        client.post(reverse("echeancier_decheance", args=[plan.pk]), {"suite": "scenario"})
    plan = Echeancier.objects.get(pk=plan.pk)
    assert plan.etat == EtatEcheancier.DECHU and plan.suite == "scenario"
    # Retour au scénario : la phase du dossier ne change pas.
    assert Dossier.objects.get(pk=dossier.pk).phase == dossier.phase
    assert not Evenement.objects.filter(action="dossier_phase", dossier=dossier).exists()


def test_la_liste_invite_le_clerc_a_prononcer_la_decheance(client, clerc, dossier):
    from relances.services import echeanciers as services

    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=6, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    client.force_login(clerc)
    liste = reverse("echeanciers_liste")
    assert plan.get_absolute_url() not in client.get(liste).content.decode()
    services.passe_echeances(date(2025, 6, 26))
    page = client.get(liste).content.decode()
    # Échéance du 10/06 impayée, grâce de 15 jours : à déchoir depuis le 26/06.
    assert 'id="a-decheoir"' in page and plan.get_absolute_url() in page and "26/06/2025" in page
    assert plan.get_absolute_url() in client.get(liste, {"mes": "1"}).content.decode()


def test_lettre_de_mise_en_demeure_en_pdf(client, clerc, dossier):
    from relances.services import echeanciers as services

    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=6, premiere=date(2025, 6, 10), le=date(2025, 6, 2)
    )
    client.force_login(clerc)
    url = reverse("echeancier_mise_en_demeure_pdf", args=[plan.pk])
    # Rien d'impayé au-delà de la grâce : pas de lettre.
    assert client.get(url).status_code == 302
    services.passe_echeances(date(2025, 6, 26))
    reponse = client.get(url)
    assert reponse["Content-Type"] == "application/pdf" and reponse.content.startswith(b"%PDF")
