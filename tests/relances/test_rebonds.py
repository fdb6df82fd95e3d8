"""Webhook des rebonds (django-anymail, format Brevo par défaut) : authentifié par le secret
de configuration ; sans la bonne authentification, refusé et rien d'écrit ; un rebond fait
passer l'envoi en échec avec la raison, une seule fois."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from etude.models import Evenement
from relances.models import Envoi
from relances.services.campagnes import campagne_lancer
from tests.securite.outils import compter_lignes

from .conftest import creer_dossier_joignable, creer_scenario

pytestmark = pytest.mark.django_db
SECRET = "prestataire:secret-de-test"
URL = "/relances/rebonds/"


def _auth(secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


@pytest.fixture
def envoi(clerc, heures_ouvertes, settings, django_capture_on_commit_callbacks):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.RELANCES_REBONDS_PRESTATAIRE = "brevo"
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {
                "apres_jours": 0,
                "canal": "email",
                "objet": "Message de {{ etude }}",
                "modele": "Bonjour {{ debiteur }}, merci de rappeler {{ etude }}.",
            }
        ],
    )
    creer_dossier_joignable(acteur=clerc)
    with django_capture_on_commit_callbacks(execute=True):
        campagne_lancer(etude=clerc.etude, le=date(2026, 11, 24))
    envoi = Envoi.objects.get()
    assert envoi.etat == "envoye" and envoi.identifiant_externe
    # La métadonnée qui revient dans les événements d'un prestataire (backend anymail).
    assert mail.outbox[0].metadata == {"envoi": str(envoi.pk)}
    return envoi


def _evenement(envoi, genre="hard_bounce", **extra):
    return json.dumps(
        {
            "event": genre,
            "email": envoi.destinataire,
            "message-id": envoi.identifiant_externe,
            "reason": "550 5.1.1 utilisateur inconnu",
            "ts_epoch": 1764000000000,
            "X-Mailin-custom": json.dumps({"envoi": str(envoi.pk)}),
            **extra,
        }
    )


def _poster(corps, **entetes):
    # Un client comme celui du prestataire, qui applique CSRF comme un navigateur : la vue
    # en est exemptée, c'est l'authentification qui décide.
    return Client(enforce_csrf_checks=True).post(
        URL, corps, content_type="application/json", headers=entetes
    )


def test_adresse():
    assert reverse("relances_rebonds") == URL


@pytest.mark.parametrize(
    "entetes",
    [{}, _auth("prestataire:mauvais"), _auth("autre:secret-de-test"), {"Authorization": "x"}],
    ids=["sans", "mauvais-mot-de-passe", "mauvais-utilisateur", "illisible"],
)
def test_sans_la_bonne_authentification_refuse_et_rien_n_est_ecrit(envoi, entetes):
    avant = compter_lignes()
    reponse = _poster(_evenement(envoi), **entetes)
    assert reponse.status_code == 400
    assert compter_lignes() == avant
    envoi.refresh_from_db()
    assert envoi.etat == "envoye"


def test_sans_secret_configure_tout_est_refuse(envoi, settings):
    settings.ANYMAIL = {}
    avant = compter_lignes()
    reponse = _poster(_evenement(envoi), **_auth(SECRET))
    assert reponse.status_code == 403
    assert "non configuré" in reponse.content.decode()
    assert compter_lignes() == avant


def test_une_session_ne_suffit_pas(envoi, principal_clerc):
    client = Client(enforce_csrf_checks=True)
    client.force_login(principal_clerc)
    avant = compter_lignes()
    assert client.post(URL, _evenement(envoi), content_type="application/json").status_code == 400
    assert compter_lignes() == avant


def test_get_refuse(envoi):
    assert Client().get(URL, headers=_auth(SECRET)).status_code == 405


def test_un_rebond_authentifie_fait_echouer_l_envoi_une_seule_fois(envoi):
    reponse = _poster(_evenement(envoi), **_auth(SECRET))
    assert reponse.status_code == 200
    envoi.refresh_from_db()
    assert envoi.etat == "echoue"
    assert envoi.motif == "Rebond : Brevo, 550 5.1.1 utilisateur inconnu"
    evenement = Evenement.objects.get(action="relances.envoi_rebond")
    assert evenement.dossier_id == envoi.dossier_id
    assert evenement.avant["etat"] == "envoye" and evenement.apres["etat"] == "echoue"
    # Le prestataire renvoie le même événement : rien de plus.
    assert _poster(_evenement(envoi), **_auth(SECRET)).status_code == 200
    assert Evenement.objects.filter(action="relances.envoi_rebond").count() == 1


@pytest.mark.parametrize("genre", ["delivered", "opened", "deferred", "click"])
def test_les_autres_evenements_ne_changent_rien(envoi, genre):
    avant = compter_lignes()
    assert _poster(_evenement(envoi, genre), **_auth(SECRET)).status_code == 200
    assert compter_lignes() == avant


def test_retrouve_par_l_identifiant_du_message_sans_metadonnee(envoi):
    corps = _evenement(envoi, "blocked", **{"X-Mailin-custom": None})
    assert _poster(corps, **_auth(SECRET)).status_code == 200
    envoi.refresh_from_db()
    assert envoi.etat == "echoue"


def test_metadonnee_d_un_autre_destinataire_ignoree(envoi):
    """La métadonnée seule ne désigne pas l'envoi : le destinataire doit concorder, sinon
    seul l'identifiant du message compte (ici inconnu : rien ne change)."""
    corps = _evenement(envoi, email="autre@exemple.fr", **{"message-id": "<inconnu@x>"})
    avant = compter_lignes()
    assert _poster(corps, **_auth(SECRET)).status_code == 200
    assert compter_lignes() == avant
