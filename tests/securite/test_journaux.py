"""Journaux : un parcours complet (connexion ratée puis réussie, second facteur, nouveau
dossier avec IBAN, IBAN refusé, versement, abonnement et flux iCalendar, refus CSRF,
déconnexion), journalisé au niveau DEBUG par le gestionnaire réel de l'application (celui
de settings.LOGGING, avec ses filtres), ne laisse dans les journaux ni mot de passe, ni code
TOTP, ni jeton CSRF ou iCalendar, ni IBAN complet, ni identifiant de session."""

import io
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.dossiers.test_vues import donnees_creation
from tests.etude.test_connexion import jeton as code_totp
from tests.factories import MOT_DE_PASSE

IBAN = "FR76 3000 6000 0112 3456 7890 189"
# Même forme, clé fausse : refusé par le formulaire, il ne doit pas plus paraître.
IBAN_FAUX = "FR76 3000 6000 0112 3456 7890 188"
MAUVAIS_MOT_DE_PASSE = "Mauvais-Secret-9371!"


@pytest.fixture
def journal():
    """Le gestionnaire « console » de settings.LOGGING, détourné vers un tampon, et tous
    les journaux au niveau DEBUG (LOG_LEVEL=DEBUG : le pire réglage qu'un exploitant
    choisira)."""
    racine = logging.getLogger()
    console = next(h for h in racine.handlers if isinstance(h, logging.StreamHandler))
    tampon = io.StringIO()
    ancien_flux, ancien_niveau, ancien_niveau_racine = console.stream, console.level, racine.level
    console.setStream(tampon)
    console.setLevel(logging.DEBUG)
    racine.setLevel(logging.DEBUG)
    try:
        yield tampon
    finally:
        console.setStream(ancien_flux)
        console.setLevel(ancien_niveau)
        racine.setLevel(ancien_niveau_racine)


def _sans_chiffres_autour(secret: str) -> re.Pattern:
    return re.compile(rf"(?<!\d){re.escape(secret)}(?!\d)")


def test_un_parcours_complet_ne_laisse_aucun_secret_dans_les_journaux(
    journal, clerc, settings, tmp_path
):
    from axes.models import AccessAttempt

    from comptabilite.models import Versement
    from procedures.models import AbonnementCalendrier

    settings.MEDIA_ROOT = tmp_path
    AccessAttempt.objects.all().delete()
    appareil = TOTPDevice.objects.create(user=clerc, name="téléphone", confirmed=True)
    client = Client(enforce_csrf_checks=True)
    secrets: dict[str, str] = {}

    def jeton_csrf():
        client.get(reverse("connexion"))
        secrets["csrf"] = client.cookies["csrftoken"].value
        return secrets["csrf"]

    def poster(nom_ou_url, donnees=None, **kwargs):
        cible = nom_ou_url if nom_ou_url.startswith("/") else reverse(nom_ou_url, **kwargs)
        return client.post(cible, donnees or {}, headers={"X-CSRFToken": secrets["csrf"]})

    jeton_csrf()
    # Connexion ratée, puis réussie, puis second facteur (un code faux, puis le bon).
    assert (
        poster("connexion", {"username": "clerc", "password": MAUVAIS_MOT_DE_PASSE}).status_code
        == 200
    )
    assert poster("connexion", {"username": "clerc", "password": MOT_DE_PASSE}).status_code == 302
    secrets["session"] = client.cookies["sessionid"].value
    jeton_csrf()
    code_faux = "000000" if code_totp(appareil) != "000000" else "111111"
    poster("verification", {"jeton": code_faux, "next": "/bureau/"})
    appareil.refresh_from_db()
    appareil.throttling_failure_count = 0
    appareil.throttling_failure_timestamp = None
    appareil.save()
    secrets["totp"] = code_totp(appareil)
    assert (
        poster("verification", {"jeton": secrets["totp"], "next": "/bureau/"}).status_code == 302
    )
    secrets["session_verifiee"] = client.cookies["sessionid"].value
    jeton_csrf()
    # Nouveau dossier avec l'IBAN du créancier ; puis un IBAN à la clé fausse, refusé.
    refuse = poster("dossier_nouveau", donnees_creation(clerc, **{"creancier-iban": IBAN_FAUX}))
    assert refuse.status_code == 400
    cree = poster("dossier_nouveau", donnees_creation(clerc, **{"creancier-iban": IBAN}))
    assert cree.status_code == 302, cree.status_code
    reference = cree.url.strip("/").split("/")[-1]
    # Versement, puis décompte.
    poster(
        "comptabilite_versement",
        {"montant": "1000,00", "date_valeur": "2025-06-30", "mode": "cheque"},
        args=[reference],
    )
    assert Versement.objects.count() == 1
    assert client.get(reverse("comptabilite_decompte", args=[reference])).status_code == 200
    # Abonnement iCalendar et flux lu par l'agenda (sans session).
    assert poster("delais_abonnement").status_code == 302
    secrets["ical"] = AbonnementCalendrier.objects.get(utilisateur=clerc).jeton
    assert (
        Client().get(reverse("delais_ical", kwargs={"jeton": secrets["ical"]})).status_code == 200
    )
    # Un POST sans jeton CSRF (refusé, journalisé par django.security.csrf).
    assert client.post(reverse("delais_abonnement")).status_code == 403
    assert (
        client.post(reverse("deconnexion"), headers={"X-CSRFToken": "faux" * 8}).status_code == 403
    )
    assert poster("deconnexion").status_code == 302

    texte = journal.getvalue()
    # Témoins : le parcours a bien été journalisé (sinon la recherche ne prouve rien).
    assert "AXES" in texte and "clerc" in texte
    assert "Forbidden (CSRF" in texte
    trouves = []
    for nom, secret in [
        ("mot de passe", MOT_DE_PASSE),
        ("mauvais mot de passe", MAUVAIS_MOT_DE_PASSE),
        ("IBAN", IBAN),
        ("IBAN compact", IBAN.replace(" ", "")),
        ("IBAN refusé", IBAN_FAUX),
        ("IBAN refusé compact", IBAN_FAUX.replace(" ", "")),
        *[(f"jeton {nom}", valeur) for nom, valeur in secrets.items()],
        ("code TOTP faux", code_faux),
    ]:
        if _sans_chiffres_autour(secret).search(texte):
            trouves.append(nom)
    assert trouves == [], texte[-4000:]
