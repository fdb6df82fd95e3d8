"""Connexion, verrouillage (django-axes), second facteur TOTP, déconnexion."""

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import MOT_DE_PASSE


@pytest.fixture(autouse=True)
def sans_verrou_entre_les_tests(db):
    """django-axes garde les échecs en base : chaque test part d'un compteur vide."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def jeton(appareil: TOTPDevice, decalage: int = 0) -> str:
    """Le code qu'afficherait l'application, calculé depuis la clé de l'appareil."""
    valeur = totp(
        appareil.bin_key,
        step=appareil.step,
        t0=appareil.t0,
        digits=appareil.digits,
        drift=appareil.drift + decalage,
    )
    return f"{valeur:0{appareil.digits}d}"


def se_connecter(client, username, password=MOT_DE_PASSE, **extra):
    return client.post(reverse("connexion"), {"username": username, "password": password, **extra})


def test_la_page_de_connexion_s_affiche_en_francais(client):
    reponse = client.get(reverse("connexion"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Identifiant" in contenu and "Mot de passe" in contenu
    assert 'lang="fr"' in contenu


def test_connexion_reussie_mene_au_bureau(client, clerc):
    reponse = se_connecter(client, "clerc")
    assert reponse.status_code == 302
    assert reponse.url == reverse("bureau")
    assert client.get(reverse("bureau")).status_code == 200


def test_connexion_suit_next_mais_pas_vers_un_autre_site(client, clerc):
    reponse = se_connecter(client, "clerc", next="/dossiers/")
    assert reponse.url == "/dossiers/"
    client.logout()
    reponse = se_connecter(client, "clerc", next="https://exemple.invalid/")
    assert reponse.url == reverse("bureau")


def test_une_page_demande_la_connexion(client):
    reponse = client.get(reverse("dossier_liste"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))


def test_mauvais_mot_de_passe_message_en_francais(client, clerc):
    reponse = se_connecter(client, "clerc", password="pas-le-bon")
    assert reponse.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_verrouillage_apres_trop_d_echecs(client, clerc):
    limite = settings.AXES_FAILURE_LIMIT
    for _ in range(limite - 1):
        assert se_connecter(client, "clerc", password="pas-le-bon").status_code == 200
    reponse = se_connecter(client, "clerc", password="pas-le-bon")
    assert reponse.status_code == 429
    assert "Connexion temporairement bloquée" in reponse.content.decode()
    # Même le bon mot de passe est refusé tant que dure le blocage.
    reponse = se_connecter(client, "clerc")
    assert reponse.status_code == 429
    assert "_auth_user_id" not in client.session


def test_un_utilisateur_avec_totp_doit_le_presenter(client, clerc):
    appareil = TOTPDevice.objects.create(user=clerc, name="téléphone", confirmed=True)
    se_connecter(client, "clerc")
    reponse = client.get(reverse("bureau"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("verification"))
    # Un mauvais code : message en français, toujours pas d'accès.
    reponse = client.post(reverse("verification"), {"jeton": "000000", "next": "/bureau/"})
    assert "Code incorrect" in reponse.content.decode()
    appareil.refresh_from_db()
    appareil.throttling_failure_count = 0
    appareil.throttling_failure_timestamp = None
    appareil.save()
    reponse = client.post(reverse("verification"), {"jeton": jeton(appareil), "next": "/bureau/"})
    assert reponse.status_code == 302
    assert reponse.url == "/bureau/"
    assert client.get(reverse("bureau")).status_code == 200


def test_la_page_de_mise_en_place_ne_contourne_pas_la_verification(client, clerc):
    TOTPDevice.objects.create(user=clerc, name="téléphone", confirmed=True)
    se_connecter(client, "clerc")
    reponse = client.get(reverse("double_facteur"))
    assert reponse.status_code == 302
    assert reponse.url == reverse("verification")
    assert TOTPDevice.objects.filter(user=clerc).count() == 1


def test_une_etude_qui_impose_le_totp_le_fait_configurer(client, clerc):
    etude = clerc.etude
    etude.double_facteur_obligatoire = True
    etude.save()
    se_connecter(client, "clerc")
    reponse = client.get(reverse("dossier_liste"))
    assert reponse.status_code == 302
    assert reponse.url == reverse("double_facteur")
    page = client.get(reverse("double_facteur"))
    contenu = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in contenu and "<img" not in contenu
    assert "style=" not in contenu
    appareil = TOTPDevice.objects.get(user=clerc, confirmed=False)
    assert page.context["secret"].replace(" ", "") in contenu.replace(" ", "")
    # Recharger la page garde le même appareil (le QR code déjà scanné reste valable).
    client.get(reverse("double_facteur"))
    assert TOTPDevice.objects.filter(user=clerc).count() == 1
    reponse = client.post(reverse("double_facteur"), {"jeton": "123"})
    assert "Le code comporte 6 chiffres." in reponse.content.decode()
    reponse = client.post(reverse("double_facteur"), {"jeton": jeton(appareil)})
    assert reponse.status_code == 302
    appareil.refresh_from_db()
    assert appareil.confirmed
    assert client.get(reverse("dossier_liste")).status_code == 200


def test_deconnexion_en_post_seulement(client, clerc):
    se_connecter(client, "clerc")
    assert client.get(reverse("deconnexion")).status_code == 405
    reponse = client.post(reverse("deconnexion"))
    assert reponse.status_code == 302
    assert reponse.url == reverse("connexion")
    assert "_auth_user_id" not in client.session
