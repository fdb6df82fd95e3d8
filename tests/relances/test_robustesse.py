"""Manques trouvés par la revue au navigateur (session 5) : campagne à la demande pour une
journée à venir ou passée, résultat d'appel mal saisi, mauvais numéro et appels en attente,
case « contestation » du scénario et contestation reçue depuis la fiche."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from etude.models import Evenement
from relances.models import Campagne, Envoi

from .conftest import creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db
MARDI = date(2026, 11, 24)  # heures_ouvertes : mardi 24/11/2026, 10 h


def _messages(reponse) -> str:
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


# --- Campagne à la demande : la journée ----------------------------------------------------


@pytest.fixture
def scenario_complet(clerc):
    creer_scenario(etude=clerc.etude)
    return [creer_dossier_joignable(acteur=clerc, ouvert_le=date(2026, 11, 1)) for _ in range(2)]


@pytest.mark.parametrize("jours", [3, 10, 24])
def test_campagne_pour_une_journee_a_venir_refusee(
    client, principal_clerc, scenario_complet, heures_ouvertes, jours
):
    """27/11, 04/12, 11/12, 18/12 lancées un même soir déroulaient tout le scénario."""
    client.force_login(principal_clerc)
    le = MARDI + timedelta(days=jours)
    reponse = client.post(reverse("relances_campagne_lancer"), {"le": le.isoformat()})
    assert reponse.status_code == 302
    assert "journée à venir" in _messages(reponse)
    assert not Campagne.objects.exists() and not Envoi.objects.exists()
    assert not Evenement.objects.filter(action="relances.campagne_lancer").exists()


def test_campagne_d_une_journee_passee_refusee_au_clerc(
    client, clerc, scenario_complet, heures_ouvertes
):
    client.force_login(clerc)
    reponse = client.post(reverse("relances_campagne_lancer"), {"le": "2026-11-20"})
    assert "principal clerc" in _messages(reponse)
    assert not Campagne.objects.exists() and not Envoi.objects.exists()


def test_le_principal_clerc_rattrape_une_nuit_manquee_et_c_est_audite(
    client, principal_clerc, scenario_complet, heures_ouvertes, django_capture_on_commit_callbacks
):
    client.force_login(principal_clerc)
    with django_capture_on_commit_callbacks(execute=False):
        reponse = client.post(reverse("relances_campagne_lancer"), {"le": "2026-11-20"})
    campagne = Campagne.objects.get()
    assert reponse.url == campagne.get_absolute_url()
    assert campagne.le == date(2026, 11, 20) and campagne.lancee_par == principal_clerc
    assert Envoi.objects.filter(campagne=campagne).count() == 2  # les lettres du 20/11
    evenement = Evenement.objects.get(action="relances.campagne_lancer")
    assert evenement.acteur == principal_clerc
    assert evenement.apres["rattrapage"] is True
    assert "Rattrapage de la journée passée du 20/11/2026 (lancé le 24/11/2026)" in (
        evenement.libelle
    )


def test_le_clerc_lance_la_campagne_du_jour(
    client, clerc, scenario_complet, heures_ouvertes, django_capture_on_commit_callbacks
):
    client.force_login(clerc)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("relances_campagne_lancer"), {"le": MARDI.isoformat()})
    evenement = Evenement.objects.get(action="relances.campagne_lancer")
    assert evenement.apres["rattrapage"] is False
    assert Envoi.objects.count() == 2
