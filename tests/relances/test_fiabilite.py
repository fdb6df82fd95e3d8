"""Fiabilité avec un vrai worker Celery et Redis : worker tué (SIGKILL) au milieu d'une
campagne puis relancé, Redis vidé en cours de campagne, nuit rejouée. Chaque envoi finit
envoyé ou échoué, aucun n'est remis deux fois au canal ; la reprise finit depuis les états
tenus en PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from procedures.delais import est_jour_ferie
from relances.models import Envoi, ReglageRelances
from relances.services.campagnes import campagne_lancer, reprendre
from tests.celery_fixtures import (
    RACINE,
    REDIS_URL,
    _redis_injoignable,
    _sauter_ou_echouer,
    _url_base_de_test,
    application_sur_redis,
)
from tests.factories import creer_etude, creer_utilisateur

from .conftest import creer_dossier_joignable, creer_scenario

pytestmark = [pytest.mark.celery, pytest.mark.postgres]
NOMBRE = 520  # un paquet (au moins 500 envois par tâche)


class Worker:
    def __init__(self, file: str, sortie_sms: Path):
        self.file = file
        self.journal = Path(f"/tmp/celery-relances-{uuid.uuid4().hex[:6]}.log")
        environnement = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "etude.settings",
            "DATABASE_URL": _url_base_de_test(),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_RESULT_BACKEND": REDIS_URL,
            "RELANCES_SMS_BACKEND": "tests.relances.sms_fichier.SMSFichier",
            "RELANCES_SMS_FICHIER": str(sortie_sms),
        }
        self.nom = f"{file}-{uuid.uuid4().hex[:4]}@localhost"
        with self.journal.open("wb") as sortie:
            self.processus = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "etude",
                    "worker",
                    "--pool",
                    "solo",
                    "-Q",
                    file,
                    "-n",
                    self.nom,
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                ],
                cwd=RACINE,
                env=environnement,
                stdout=sortie,
                stderr=subprocess.STDOUT,
            )

    def attendre_pret(self, app):
        limite = time.monotonic() + 60
        while not app.control.ping(destination=[self.nom], timeout=0.5):
            if self.processus.poll() is not None or time.monotonic() > limite:
                pytest.fail("Worker non démarré :\n" + self.journal.read_text()[-3000:])

    def tuer(self):
        if self.processus.poll() is None:
            self.processus.send_signal(signal.SIGKILL)
            self.processus.wait()


def _attendre(condition, delai=120):
    limite = time.monotonic() + delai
    while not condition():
        if time.monotonic() > limite:
            return False
        time.sleep(0.2)
    return True


@pytest.fixture
def etude_joignable(transactional_db):
    if _redis_injoignable():
        _sauter_ou_echouer(_redis_injoignable())
    aujourd_hui = timezone.localdate()
    if aujourd_hui.weekday() == 6 or est_jour_ferie(aujourd_hui, "metropole"):
        pytest.skip("Dimanche ou jour férié : aucun SMS ne part (heures de contact).")
    etude = creer_etude()
    clerc = creer_utilisateur(etude=etude, role="clerc", username="clerc-fiabilite")
    # Toute la journée : le test ne dépend pas de l'heure (dimanche et fériés exclus).
    ReglageRelances.objects.create(etude=etude, heure_debut=0, heure_fin=24)
    creer_scenario(
        etude=etude,
        etapes=[
            {"apres_jours": 0, "canal": "sms", "modele": "Rappelez {{ etude }}."},
            {"apres_jours": 1, "canal": "sms", "modele": "Rappelez encore {{ etude }}."},
        ],
    )
    for _ in range(NOMBRE):
        creer_dossier_joignable(acteur=clerc, email=False)
    return etude


def _remises(fichier: Path) -> Counter:
    return Counter(fichier.read_text().split()) if fichier.exists() else Counter()


def test_worker_tue_puis_redemarre_chaque_envoi_une_fois_redis_vide_finit_par_la_base(
    etude_joignable, tmp_path
):
    import redis

    fichier = tmp_path / "sms.txt"
    file = f"relances-fiabilite-{uuid.uuid4().hex[:6]}"
    le = date(2026, 11, 2)
    with application_sur_redis(file) as app:
        premier = Worker(file, fichier)
        second = troisieme = None
        try:
            premier.attendre_pret(app)
            lancement = campagne_lancer(etude=etude_joignable, le=le)
            assert lancement.crees == NOMBRE and lancement.taches == 1
            # SIGKILL au milieu du paquet.
            assert _attendre(lambda: sum(_remises(fichier).values()) >= 60, delai=90)
            premier.tuer()
            etats = Counter(Envoi.objects.values_list("etat", flat=True))
            assert etats["a_envoyer"] > 0, etats
            second = Worker(file, fichier)
            second.attendre_pret(app)
            # La reprise depuis PostgreSQL : l'envoi interrompu finit en échec, le reste part.
            reprise = reprendre(interrompu_apres=timedelta(0))
            assert reprise["interrompus"] <= 1
            assert _attendre(
                lambda: not Envoi.objects.filter(etat__in=["a_envoyer", "en_cours"]).exists()
            )
            remises = _remises(fichier)
            assert max(remises.values()) == 1, "un SMS remis deux fois"
            envoyes = set(
                Envoi.objects.filter(etat="envoye").values_list("identifiant_externe", flat=True)
            )
            assert envoyes <= set(remises)
            assert Envoi.objects.filter(etat="envoye").count() >= NOMBRE - 1
            assert Envoi.objects.exclude(etat__in=["envoye", "echoue"]).count() == 0

            # Redis vidé en cours de campagne : les tâches en file sont perdues.
            second.tuer()
            lancement = campagne_lancer(etude=etude_joignable, le=le + timedelta(days=1))
            assert lancement.crees == NOMBRE
            redis.Redis.from_url(REDIS_URL).flushdb()
            troisieme = Worker(file, fichier)
            troisieme.attendre_pret(app)
            time.sleep(2)
            assert Envoi.objects.filter(etat="a_envoyer").count() == NOMBRE
            reprendre()
            # Attendre aussi l'envoi en cours : compter pendant que le worker remet le dernier
            # SMS en trouvait un de moins (CI de la session 3 : 1 038 pour 1 039).
            assert _attendre(
                lambda: not Envoi.objects.filter(etat__in=["a_envoyer", "en_cours"]).exists()
            )
            remises = _remises(fichier)
            assert max(remises.values()) == 1
            assert Envoi.objects.filter(etat="envoye").count() >= 2 * NOMBRE - 1

            # La nuit rejouée pour la même journée : rien de nouveau.
            from etude.nuit import executer_nuit

            avant = Envoi.objects.count()
            executer_nuit(le + timedelta(days=1), parties=["relances"])
            executer_nuit(le + timedelta(days=1), parties=["relances"])
            assert Envoi.objects.count() == avant
        finally:
            for worker in (premier, second, troisieme):
                if worker is not None:
                    worker.tuer()
