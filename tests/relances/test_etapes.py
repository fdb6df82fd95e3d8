"""Étapes d'un scénario à l'écran : retirer (supprimée si jamais utilisée, désactivée sinon :
les envois la citent en PROTECT), réactiver, réordonner sans toucher aux envois faits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from etude.errors import RegleMetier
from etude.models import Evenement
from relances.models import AffectationScenario, Appel, Envoi, EtapeScenario
from relances.services.campagnes import campagne_lancer
from relances.services.scenarios import etapes_reordonner, ordre_deplace

from .conftest import creer_dossier_joignable, creer_scenario

J0 = date(2026, 11, 2)

pytestmark = pytest.mark.django_db


def lancer(etude, le, capture):
    with capture(execute=True):
        return campagne_lancer(etude=etude, le=le)


@pytest.fixture
def scenario(clerc, heures_ouvertes, settings, tmp_path):
    # lettre J0, courriel J+8, SMS J+7, appel J+7, tâche (voie judiciaire) J+15
    settings.MEDIA_ROOT = tmp_path
    scenario = creer_scenario(etude=clerc.etude)
    creer_dossier_joignable(acteur=clerc)
    creer_dossier_joignable(acteur=clerc)
    return scenario


def _canaux(scenario):
    return list(scenario.etapes.order_by("rang").values_list("rang", "canal", "actif"))


def test_retirer_une_etape_jamais_utilisee_la_supprime_et_les_suivantes_remontent(
    client, principal_clerc, scenario
):
    courriel = scenario.etapes.get(canal="email")
    client.force_login(principal_clerc)
    reponse = client.post(reverse("relances_etape_retirer", args=[courriel.pk]), follow=True)
    assert "retirée" in reponse.content.decode()
    assert not EtapeScenario.objects.filter(pk=courriel.pk).exists()
    assert _canaux(scenario) == [
        (1, "lettre", True),
        (2, "sms", True),
        (3, "appel", True),
        (4, "tache", True),
    ]
    evenement = Evenement.objects.get(action="relances.etape_retirer")
    assert evenement.acteur == principal_clerc and evenement.avant["canal"] == "email"


def test_une_etape_utilisee_se_desactive_et_la_campagne_passe_a_la_suivante(
    client, principal_clerc, clerc, scenario, django_capture_on_commit_callbacks
):
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    lettre = scenario.etapes.get(canal="lettre")
    envois_lettre = set(Envoi.objects.filter(etape=lettre).values_list("pk", flat=True))
    assert len(envois_lettre) == 2
    client.force_login(principal_clerc)
    reponse = client.post(reverse("relances_etape_retirer", args=[lettre.pk]), follow=True)
    assert "désactivée" in reponse.content.decode()
    lettre.refresh_from_db()
    assert lettre.actif is False
    assert set(Envoi.objects.filter(etape=lettre).values_list("pk", flat=True)) == envois_lettre
    assert Evenement.objects.filter(action="relances.etape_desactiver").count() == 1
    # Le courriel (J+8) aussi, retiré avant d'avoir servi : supprimé.
    client.post(reverse("relances_etape_retirer", args=[scenario.etapes.get(canal="email").pk]))
    assert _canaux(scenario)[:2] == [(1, "lettre", False), (2, "sms", True)]
    # Le SMS suit, 7 jours après la lettre ; jamais de seconde lettre.
    assert (
        lancer(clerc.etude, J0 + timedelta(days=6), django_capture_on_commit_callbacks).crees == 0
    )
    assert (
        lancer(clerc.etude, J0 + timedelta(days=7), django_capture_on_commit_callbacks).crees == 2
    )
    assert Envoi.objects.filter(canal="sms").count() == 2
    assert Envoi.objects.filter(canal="lettre").count() == 2
    # Un second retrait de l'étape désactivée est refusé en français.
    reponse = client.post(reverse("relances_etape_retirer", args=[lettre.pk]), follow=True)
    assert "déjà désactivée" in reponse.content.decode()


def test_scenario_epuise_sans_compter_l_etape_desactivee(
    principal_clerc, clerc, scenario, django_capture_on_commit_callbacks
):
    from relances.services.scenarios import etape_retirer

    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    for etape in scenario.etapes.exclude(canal="lettre"):
        etape_retirer(acteur=principal_clerc, etape=etape)
    # Reste la lettre, déjà faite : désactivée ; aucune étape active sans envoi.
    etape_retirer(acteur=principal_clerc, etape=scenario.etapes.get())
    lancer(clerc.etude, J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    assert set(AffectationScenario.objects.values_list("arret", flat=True)) == {"termine"}
    assert Envoi.objects.count() == 2


def test_reactiver(client, principal_clerc, clerc, scenario, django_capture_on_commit_callbacks):
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    lettre = scenario.etapes.get(canal="lettre")
    client.force_login(principal_clerc)
    client.post(reverse("relances_etape_retirer", args=[lettre.pk]))
    client.post(reverse("relances_etape_reactiver", args=[lettre.pk]))
    lettre.refresh_from_db()
    assert lettre.actif is True
    assert Evenement.objects.filter(action="relances.etape_reactiver").count() == 1


def test_reordonner_garde_les_envois_et_suit_le_nouvel_ordre(
    client, principal_clerc, clerc, scenario, django_capture_on_commit_callbacks
):
    lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    avant = list(Envoi.objects.order_by("id").values_list("pk", "etape_id", "etat"))
    appel = scenario.etapes.get(canal="appel")
    client.force_login(principal_clerc)
    url = reverse("relances_etape_deplacer", args=[appel.pk])
    client.post(url, {"sens": "monter"})
    client.post(url, {"sens": "monter"})
    assert [c for _, c, _ in _canaux(scenario)] == ["lettre", "appel", "email", "sms", "tache"]
    evenements = Evenement.objects.filter(action="relances.etapes_reordonner")
    assert evenements.count() == 2
    assert list(Envoi.objects.order_by("id").values_list("pk", "etape_id", "etat")) == avant
    # L'appel (J+7) vient maintenant après la lettre, puis le courriel (J+8 après l'appel).
    lancer(clerc.etude, J0 + timedelta(days=7), django_capture_on_commit_callbacks)
    assert Appel.objects.count() == 2
    assert not Envoi.objects.filter(canal="email").exists()
    assert (
        lancer(clerc.etude, J0 + timedelta(days=14), django_capture_on_commit_callbacks).crees == 0
    )
    lancer(clerc.etude, J0 + timedelta(days=15), django_capture_on_commit_callbacks)
    assert Envoi.objects.filter(canal="email").count() == 2
    # Redescendre la lettre déjà faite ne la renvoie pas : un envoi par dossier et étape.
    lettre = scenario.etapes.get(canal="lettre")
    client.post(reverse("relances_etape_deplacer", args=[lettre.pk]), {"sens": "descendre"})
    client.post(reverse("relances_etape_deplacer", args=[lettre.pk]), {"sens": "descendre"})
    client.post(reverse("relances_etape_deplacer", args=[lettre.pk]), {"sens": "descendre"})
    assert [c for _, c, _ in _canaux(scenario)][:4] == ["appel", "email", "sms", "lettre"]
    lancer(clerc.etude, J0 + timedelta(days=22), django_capture_on_commit_callbacks)
    assert Envoi.objects.filter(canal="sms").count() == 2
    lancer(clerc.etude, J0 + timedelta(days=60), django_capture_on_commit_callbacks)
    assert Envoi.objects.filter(canal="lettre").count() == 2


def test_ordre_incomplet_refuse_rien_ne_change(principal_clerc, scenario):
    ordre = list(scenario.etapes.order_by("rang").values_list("pk", flat=True))
    for mauvais in (ordre[:-1], ordre + [ordre[0]], [*ordre[1:], ordre[1]]):
        with pytest.raises(RegleMetier, match="chaque étape du scénario une fois"):
            etapes_reordonner(acteur=principal_clerc, scenario=scenario, ordre=mauvais)
    assert list(scenario.etapes.order_by("rang").values_list("pk", flat=True)) == ordre
    assert not Evenement.objects.filter(action="relances.etapes_reordonner").exists()


def test_ordre_deplace():
    assert ordre_deplace([1, 2, 3], 3, "monter") == [1, 3, 2]
    assert ordre_deplace([1, 2, 3], 1, "descendre") == [2, 1, 3]
    assert ordre_deplace([1, 2, 3], 1, "monter") == [1, 2, 3]
    assert ordre_deplace([1, 2, 3], 3, "descendre") == [1, 2, 3]
    with pytest.raises(RegleMetier):
        ordre_deplace([1, 2, 3], 2, "gauche")


def test_le_clerc_ne_touche_pas_aux_etapes_une_autre_etude_ne_les_voit_pas(
    client, clerc, autre_etude, scenario
):
    etape = scenario.etapes.get(rang=2)
    avant = _canaux(scenario)
    for utilisateur, statut in ((clerc, 403), (autre_etude, 404)):
        client.force_login(utilisateur)
        assert (
            client.post(reverse("relances_etape_retirer", args=[etape.pk])).status_code == statut
        )
        assert (
            client.post(
                reverse("relances_etape_deplacer", args=[etape.pk]), {"sens": "monter"}
            ).status_code
            == statut
        )
        assert (
            client.post(reverse("relances_etape_reactiver", args=[etape.pk])).status_code == statut
        )
    assert _canaux(scenario) == avant
