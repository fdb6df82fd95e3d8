"""Écrans des relances : progression d'une campagne, liste d'appels et boutons de résultat,
lettres du jour, résultats en SVG, affectation à la main depuis la fiche."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from relances.models import AffectationScenario, Appel, Envoi, LotLettres

from .conftest import PARIS, creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db
J0 = date(2026, 11, 2)


@pytest.fixture
def campagne_faite(clerc, heures_ouvertes, settings, tmp_path, django_capture_on_commit_callbacks):
    from relances.services.campagnes import campagne_lancer

    settings.MEDIA_ROOT = tmp_path
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "lettre"},
            {"apres_jours": 1, "canal": "appel", "script": "Se présenter."},
        ],
    )
    dossiers = [creer_dossier_joignable(acteur=clerc) for _ in range(2)]
    creer_dossier_joignable(acteur=clerc, email=False, mobile=False)
    with django_capture_on_commit_callbacks(execute=True):
        campagne_lancer(etude=clerc.etude, le=J0)
        lancement = campagne_lancer(etude=clerc.etude, le=date(2026, 11, 3))
    return lancement.campagne, dossiers


def test_page_de_campagne_compteurs_et_raisons(client, clerc, campagne_faite):
    campagne, _ = campagne_faite
    client.force_login(clerc)
    reponse = client.get(reverse("relances_campagne", args=[campagne.pk]))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Aucun téléphone connu" in contenu
    assert '<progress max="100" value="100">' in contenu
    fragment = client.get(
        reverse("relances_campagne", args=[campagne.pk]), headers={"HX-Request": "true"}
    )
    assert fragment.content.decode().lstrip().startswith('<section id="progression"')


def test_liste_d_appels_et_promesse_par_bouton(client, clerc, campagne_faite):
    _, dossiers = campagne_faite
    client.force_login(clerc)
    reponse = client.get(reverse("relances_appels"))
    contenu = reponse.content.decode()
    assert "Se présenter." in contenu
    assert "Lettre · Envoyé" in contenu  # historique du débiteur
    appel = Appel.objects.get(dossier=dossiers[0])
    client.post(
        reverse("relances_appel_resultat", args=[appel.pk]),
        {"resultat": "promesse", "promesse_date": "2026-12-05", "promesse_montant": "150,00"},
    )
    appel.refresh_from_db()
    assert appel.resultat == "promesse" and str(appel.promesse_montant) == "150.00"
    assert AffectationScenario.objects.get(dossier=dossiers[0]).suspendu_jusqu_au == date(
        2026, 12, 5
    )
    # Promesse sans montant : refusée, rien d'écrit.
    autre = Appel.objects.get(dossier=dossiers[1])
    client.post(reverse("relances_appel_resultat", args=[autre.pk]), {"resultat": "promesse"})
    autre.refresh_from_db()
    assert autre.resultat == ""


def test_lettres_du_jour_en_pdf_et_resultats_en_svg(client, clerc, campagne_faite):
    client.force_login(clerc)
    lot = LotLettres.objects.get()
    assert lot.nombre == 3
    reponse = client.get(reverse("relances_lettres_pdf", args=[lot.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    assert b"".join(reponse.streaming_content).startswith(b"%PDF-")
    resultats = client.get(reverse("relances_resultats")).content.decode()
    assert "<svg" in resultats and "barre--envoye" in resultats


def test_affectation_a_la_main_depuis_la_fiche(client, clerc, heures_ouvertes):
    scenario = creer_scenario(etude=clerc.etude, affectation_auto=False)
    dossier = creer_dossier_joignable(acteur=clerc, titre=True)
    client.force_login(clerc)
    fiche = client.get(dossier.get_absolute_url()).content.decode()
    assert "Relance amiable" in fiche
    client.post(
        reverse("relances_dossier_scenario", args=[dossier.reference]), {"scenario": scenario.pk}
    )
    affectation = AffectationScenario.objects.get(dossier=dossier)
    assert affectation.scenario == scenario and affectation.manuelle
    assert not Envoi.objects.exists()


def test_le_principal_clerc_definit_un_scenario_et_ses_etapes(client, principal_clerc, clerc):
    from etude.models import Evenement
    from relances.models import Scenario

    client.force_login(clerc)
    assert client.get(reverse("relances_scenario_nouveau")).status_code == 403
    client.force_login(principal_clerc)
    reponse = client.post(
        reverse("relances_scenario_nouveau"),
        {
            "nom": "Petites créances",
            "actif": "on",
            "priorite": "5",
            "affectation_auto": "on",
            "regle_montant_max": "1500.00",
            "arret_paiement_total": "on",
            "arret_plan": "on",
        },
    )
    scenario = Scenario.objects.get(nom="Petites créances")
    assert reponse.status_code == 302 and scenario.etude == principal_clerc.etude
    assert str(scenario.regle_montant_max) == "1500.00" and not scenario.arret_promesse
    url = reverse("relances_etape_ajouter", args=[scenario.pk])
    refus = client.post(
        url, {"apres_jours": "3", "declencheur": "delai", "canal": "sms", "modele": "Votre dette"}
    )
    assert refus.status_code == 400
    assert "tiers" in refus.content.decode()
    assert not scenario.etapes.exists()
    client.post(url, {"apres_jours": "0", "declencheur": "delai", "canal": "lettre"})
    client.post(
        url, {"apres_jours": "7", "declencheur": "delai", "canal": "sms", "modele": "Rappelez."}
    )
    assert list(scenario.etapes.values_list("rang", "canal")) == [(1, "lettre"), (2, "sms")]
    assert Evenement.objects.filter(action="relances.etape_ajouter").count() == 2


def test_campagne_hors_heures_dit_quand_partiront_courriels_et_sms(client, clerc, campagne_faite):
    """Un dimanche, les envois restants attendent l'ouverture du lundi : la page le dit et
    s'actualise chaque minute au lieu de toutes les deux secondes."""
    campagne, _ = campagne_faite
    Envoi.objects.filter(campagne=campagne).update(etat="a_envoyer")
    with time_machine.travel(datetime(2026, 11, 29, 10, 0, tzinfo=PARIS), tick=False):
        client.force_login(clerc)
        fragment = client.get(
            reverse("relances_campagne", args=[campagne.pk]), headers={"HX-Request": "true"}
        ).content.decode()
    assert "partiront à l'ouverture, le lundi 30/11/2026 à 08:00" in fragment
    assert 'hx-trigger="every 60s"' in fragment
    # Dans les heures : pas d'avertissement, actualisation rapide.
    client.force_login(clerc)
    fragment = client.get(
        reverse("relances_campagne", args=[campagne.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "partiront à l'ouverture" not in fragment and 'hx-trigger="every 2s"' in fragment
