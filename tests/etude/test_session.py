"""Expiration glissante de la session (etude.middleware.SessionGlissanteMiddleware) : la
session est réécrite au plus une fois par SESSION_RAFRAICHIR_APRES secondes, une session
inactive pendant SESSION_COOKIE_AGE expire, une session active ne meurt pas."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from etude.middleware import SESSION_VUE_LE
from tests.etude.test_connexion import se_connecter

DEBUT = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)
AGE = timedelta(seconds=settings.SESSION_COOKIE_AGE)
INTERVALLE = timedelta(seconds=settings.SESSION_RAFRAICHIR_APRES)


@pytest.fixture(autouse=True)
def sans_verrou_entre_les_tests(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def _expiration(client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _ecritures_de_session(requetes) -> list[str]:
    return [
        r["sql"]
        for r in requetes.captured_queries
        if "django_session" in r["sql"] and not r["sql"].startswith("SELECT")
    ]


def test_reglages():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_RAFRAICHIR_APRES == 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    pile = settings.MIDDLEWARE
    assert pile.index("etude.middleware.SessionGlissanteMiddleware") == (
        pile.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    )


def test_session_reecrite_au_plus_une_fois_par_intervalle(client, clerc):
    with time_machine.travel(DEBUT, tick=False) as horloge:
        assert se_connecter(client, "clerc").status_code == 302
        assert _expiration(client) == DEBUT + AGE
        # Dans l'intervalle : aucune écriture, l'expiration ne bouge pas, pas de cookie neuf.
        horloge.shift(INTERVALLE - timedelta(seconds=1))
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(reverse("bureau"))
        assert reponse.status_code == 200
        assert _ecritures_de_session(requetes) == []
        assert settings.SESSION_COOKIE_NAME not in reponse.cookies
        assert _expiration(client) == DEBUT + AGE
        # L'intervalle passé : la session est réécrite, l'expiration repoussée.
        horloge.shift(timedelta(seconds=1))
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(reverse("bureau"))
        assert reponse.status_code == 200
        assert len(_ecritures_de_session(requetes)) == 1
        assert _expiration(client) == DEBUT + INTERVALLE + AGE
        assert client.session[SESSION_VUE_LE] == int((DEBUT + INTERVALLE).timestamp())
        # Un cookie de session (sans date : il meurt à la fermeture du navigateur).
        cookie = reponse.cookies[settings.SESSION_COOKIE_NAME]
        assert not cookie["expires"] and not cookie["max-age"]


def test_session_inactive_expire_apres_l_age(client, clerc):
    with time_machine.travel(DEBUT, tick=False) as horloge:
        se_connecter(client, "clerc")
        horloge.shift(timedelta(minutes=30))
        assert client.get(reverse("bureau")).status_code == 200  # dernière page vue
        horloge.shift(AGE + timedelta(seconds=1))
        reponse = client.get(reverse("bureau"))
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("connexion"))


def test_session_active_ne_meurt_pas(client, clerc):
    """Une page toutes les deux heures pendant trois fois l'âge : toujours connecté ; une
    page toutes les 30 secondes (sous l'intervalle) garde aussi la session vivante."""
    with time_machine.travel(DEBUT, tick=False) as horloge:
        se_connecter(client, "clerc")
        for _ in range(3 * AGE // timedelta(hours=2)):
            horloge.shift(timedelta(hours=2))
            assert client.get(reverse("bureau")).status_code == 200
        expiration = _expiration(client)
        for _ in range(10):
            horloge.shift(timedelta(seconds=30))
            assert client.get(reverse("bureau")).status_code == 200
        # Réécrite au plus une fois par intervalle, jamais plus tard qu'un intervalle.
        assert expiration < _expiration(client) <= datetime.now(UTC) + AGE
        assert _expiration(client) >= datetime.now(UTC) + AGE - INTERVALLE


def test_pas_de_session_pour_un_anonyme(client, db):
    avant = Session.objects.count()
    assert client.get(reverse("connexion")).status_code == 200
    assert client.get(reverse("dossier_liste")).status_code == 302
    assert Session.objects.count() == avant
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_deconnexion_supprime_la_session(client, clerc):
    se_connecter(client, "clerc")
    cle = client.session.session_key
    assert client.post(reverse("deconnexion")).status_code == 302
    assert not Session.objects.filter(session_key=cle).exists()
    reponse = client.get(reverse("bureau"))
    assert reponse.status_code == 302


def test_utilisateur_etude_et_roles_lus_en_une_requete(client, clerc):
    """Le backend lit l'étude et les rôles avec l'utilisateur (etude.authentification) ; un
    rôle retiré vaut dès la page suivante ; un compte désactivé perd sa session comme avec le
    backend de Django."""
    from django.contrib.auth.models import Group

    se_connecter(client, "clerc")
    client.get(reverse("bureau"))
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(reverse("bureau"))
    assert reponse.status_code == 200
    assert reponse.wsgi_request.user.roles == ["clerc"]
    lectures = [r["sql"] for r in requetes.captured_queries]
    assert not [sql for sql in lectures if sql.startswith('SELECT "etude_etude"')]
    assert not [sql for sql in lectures if 'FROM "auth_group"' in sql.split("ARRAY(")[0]]
    (lecture,) = [sql for sql in lectures if sql.startswith('SELECT "etude_utilisateur"."id"')]
    assert 'LEFT OUTER JOIN "etude_etude"' in lecture and "ARRAY(" in lecture
    assert "Clerc" in reponse.content.decode()  # libellé du rôle dans l'en-tête
    clerc.groups.remove(Group.objects.get(name="clerc"))
    reponse = client.get(reverse("bureau"))
    assert reponse.wsgi_request.user.roles == []
    clerc.is_active = False
    clerc.save(update_fields=["is_active"])
    reponse = client.get(reverse("bureau"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))
