"""Webhook des rebonds : une plainte (« complained », courriel marqué comme indésirable) ou
un désabonnement (« unsubscribed ») pose une opposition sur l'adresse (RGPD art. 21), auditée
et signée du prestataire, une seule fois ; la campagne suivante n'envoie plus de courriel à
cette adresse, les autres canaux suivent leurs règles ; le clerc la voit sur la fiche."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dossiers.models import EmailDebiteur
from etude.models import Evenement
from relances import sms
from relances.models import Envoi
from relances.services.campagnes import campagne_lancer
from tests.factories import creer_debiteur, creer_dossier
from tests.securite.outils import compter_lignes

from .conftest import creer_dossier_joignable, creer_scenario
from .test_rebonds import SECRET, _auth, _evenement, _poster

pytestmark = pytest.mark.django_db
J0 = date(2026, 11, 24)
# Brevo nomme « spam » la plainte et « unsubscribe » le désabonnement ; anymail les ramène
# à « complained » et « unsubscribed ».
GENRES = {
    "spam": "plainte (courriel marqué comme indésirable)",
    "unsubscribe": "désabonnement",
}


def _lancer(etude, le, capture):
    with capture(execute=True):
        return campagne_lancer(etude=etude, le=le)


@pytest.fixture
def envoi(clerc, heures_ouvertes, settings, django_capture_on_commit_callbacks):
    """Un courriel parti le 24/11 ; le scénario prévoit un second courriel le lendemain puis
    un SMS."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.RELANCES_REBONDS_PRESTATAIRE = "brevo"
    creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "email", "objet": "Message", "modele": "Rappelez."},
            {"apres_jours": 1, "canal": "email", "objet": "Message", "modele": "Rappelez."},
            {"apres_jours": 0, "canal": "sms", "modele": "{{ etude }} : rappelez-nous."},
        ],
    )
    creer_dossier_joignable(acteur=clerc)
    _lancer(clerc.etude, J0, django_capture_on_commit_callbacks)
    envoi = Envoi.objects.get()
    assert envoi.etat == "envoye" and len(mail.outbox) == 1
    return envoi


@pytest.mark.parametrize("genre", GENRES)
def test_opposition_posee_auditee_une_seule_fois(envoi, genre):
    assert _poster(_evenement(envoi, genre), **_auth(SECRET)).status_code == 200
    courriel = EmailDebiteur.objects.get()
    assert courriel.adresse == envoi.destinataire
    assert courriel.opposition is True
    assert courriel.consentement is True  # le consentement donné reste dans l'historique
    envoi.refresh_from_db()
    assert envoi.etat == "envoye"  # le courriel a bien été remis : ce n'est pas un rebond
    evenement = Evenement.objects.get(action="relances.courriel_opposition")
    assert evenement.acteur_id is None and evenement.acteur_libelle == "webhook Brevo"
    assert evenement.dossier_id == envoi.dossier_id
    assert evenement.objet_type == "dossiers.EmailDebiteur"
    assert evenement.objet_id == str(courriel.pk)
    assert evenement.avant == {"opposition": False}
    assert evenement.apres == {"opposition": True}
    assert evenement.libelle == (
        f"Opposition aux courriels posée sur {courriel.adresse} : {GENRES[genre]} reçu du "
        "prestataire pour le courriel du 24/11/2026 (RGPD art. 21)"
    )
    # Le prestataire renvoie le même événement : rien de plus.
    avant = compter_lignes()
    assert _poster(_evenement(envoi, genre), **_auth(SECRET)).status_code == 200
    assert compter_lignes() == avant
    assert Evenement.objects.filter(action="relances.courriel_opposition").count() == 1


@pytest.mark.parametrize("genre", GENRES)
def test_la_campagne_suivante_n_envoie_plus_de_courriel_les_sms_continuent(
    envoi, genre, django_capture_on_commit_callbacks
):
    assert _poster(_evenement(envoi, genre), **_auth(SECRET)).status_code == 200
    _lancer(envoi.etude, J0 + timedelta(days=1), django_capture_on_commit_callbacks)
    second = Envoi.objects.get(etape__rang=2)
    assert (second.etat, second.motif, second.destinataire) == (
        "ignore",
        "Courriel sans consentement ou avec opposition",
        "",
    )
    assert len(mail.outbox) == 1  # seul le premier courriel, d'avant la plainte
    # L'étape ignorée compte comme passée ; le SMS suit ses propres règles et part.
    _lancer(envoi.etude, J0 + timedelta(days=2), django_capture_on_commit_callbacks)
    troisieme = Envoi.objects.get(etape__rang=3)
    assert troisieme.etat == "envoye"
    assert len(sms.boite) == 1
    assert len(mail.outbox) == 1


def test_meme_adresse_dans_l_etude_opposee_jamais_dans_une_autre_etude(
    envoi, clerc, autre_etude_obj
):
    """C'est la boîte aux lettres qui refuse : l'adresse d'un autre débiteur de l'étude (casse
    différente) est opposée aussi, avec son événement sur son dossier ; une autre étude, autre
    responsable de traitement, n'est pas touchée."""
    meme = creer_debiteur(etude=clerc.etude, nom="Martin")
    EmailDebiteur.objects.create(
        debiteur=meme, adresse=envoi.destinataire.upper(), consentement=True
    )
    dossier_meme = creer_dossier(acteur=clerc, debiteurs=[meme])
    ailleurs = creer_debiteur(etude=autre_etude_obj, nom="Martin")
    EmailDebiteur.objects.create(debiteur=ailleurs, adresse=envoi.destinataire, consentement=True)

    assert _poster(_evenement(envoi, "spam"), **_auth(SECRET)).status_code == 200
    assert EmailDebiteur.objects.get(debiteur=meme).opposition is True
    assert EmailDebiteur.objects.get(debiteur=ailleurs).opposition is False
    dossiers = set(
        Evenement.objects.filter(action="relances.courriel_opposition").values_list(
            "dossier_id", "etude_id"
        )
    )
    assert dossiers == {(envoi.dossier_id, clerc.etude_id), (dossier_meme.pk, clerc.etude_id)}


def test_un_autre_destinataire_ne_pose_rien(envoi):
    """Retrouvé par le Message-ID mais pour une autre adresse : rien n'est opposé."""
    corps = _evenement(envoi, "spam", email="autre@exemple.fr", **{"X-Mailin-custom": None})
    avant = compter_lignes()
    assert _poster(corps, **_auth(SECRET)).status_code == 200
    assert compter_lignes() == avant
    assert EmailDebiteur.objects.get().opposition is False


def test_sans_authentification_rien_n_est_oppose(envoi):
    avant = compter_lignes()
    assert _poster(_evenement(envoi, "spam"), **_auth("prestataire:mauvais")).status_code == 400
    assert compter_lignes() == avant


def test_le_clerc_voit_l_opposition_sur_la_fiche_du_dossier(envoi, clerc):
    assert _poster(_evenement(envoi, "unsubscribe"), **_auth(SECRET)).status_code == 200
    client = Client()
    client.force_login(clerc)
    page = client.get(reverse("dossier_detail", args=[envoi.dossier.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        f"{envoi.destinataire} · accepte les courriels : oui · <strong>opposition</strong>" in html
    )
    # La chronologie dit qui (le webhook du prestataire), quand et quoi.
    assert "webhook Brevo" in html
    assert "Opposition aux courriels posée sur" in html
