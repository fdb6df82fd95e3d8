"""Réglages de production : `check --deploy` propre, secrets obligatoires, journaux sûrs."""

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from etude.journalisation import MasqueIban, masquer_ibans

RACINE = Path(__file__).resolve().parents[2]


def _production(**extra) -> dict:
    environnement = {
        cle: valeur
        for cle, valeur in os.environ.items()
        if not cle.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))
    }
    environnement.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="etude.example",
    )
    environnement.update(extra)
    return environnement


def _lancer(arguments: list[str], environnement: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_est_propre_avec_les_reglages_de_production():
    resultat = _lancer(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production()
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


def test_la_production_exige_une_cle_secrete():
    environnement = _production()
    del environnement["DJANGO_SECRET_KEY"]
    resultat = _lancer(["manage.py", "check"], environnement)
    assert resultat.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in resultat.stderr


LIRE_STOCKAGE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.STORAGES['staticfiles']['BACKEND'])"
)


def test_le_manifeste_des_fichiers_statiques_ne_sert_qu_en_production():
    production = _lancer(
        ["-c", LIRE_STOCKAGE], _production(DJANGO_SETTINGS_MODULE="etude.settings")
    )
    assert production.stdout.strip().endswith("CompressedManifestStaticFilesStorage")
    sans_manifeste = _lancer(
        ["-c", LIRE_STOCKAGE],
        _production(DJANGO_SETTINGS_MODULE="etude.settings", DJANGO_STATIC_MANIFEST="0"),
    )
    assert sans_manifeste.stdout.strip().endswith(".StaticFilesStorage")


def test_les_tests_tournent_sans_collectstatic():
    assert not settings.STATIC_MANIFEST


def test_les_journaux_masquent_les_iban():
    enregistrement = logging.LogRecord(
        "etude",
        logging.WARNING,
        __file__,
        1,
        "IBAN refusé : %s",
        ("FR76 3000 6000 0112 3456 7890 189",),
        None,
    )
    assert MasqueIban().filter(enregistrement)
    assert enregistrement.getMessage() == "IBAN refusé : FR76 **** 0189"
    assert "masque_iban" in settings.LOGGING["handlers"]["console"]["filters"]


def test_le_masque_epargne_references_codes_postaux_et_siret():
    texte = "Dossier 2026-000123, 75002 Paris, SIRET 81234567800017, FR75"
    assert masquer_ibans(texte) == texte


def test_axes_ne_journalise_ni_mot_de_passe_ni_jeton():
    from axes.helpers import cleanse_parameters

    nettoye = cleanse_parameters(
        {
            "username": "clerc1",
            "password": "secret",
            "otp_token": "123456",
            "csrfmiddlewaretoken": "jeton",
        }
    )
    assert nettoye["username"] == "clerc1"
    assert {nettoye["password"], nettoye["otp_token"], nettoye["csrfmiddlewaretoken"]} == {
        "********************"
    }


@pytest.mark.django_db
def test_connexions_postgresql_sans_compilation_jit():
    """Les requêtes ensemblistes (campagne, nuit) ne paient pas la compilation JIT de
    PostgreSQL (plusieurs secondes au million, mesurées par EXPLAIN ANALYZE)."""
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("SHOW jit")
        assert curseur.fetchone()[0] == "off"
