"""Deux ordonnanceurs `celery beat` réels en même temps (deux machines, chacune son fichier
d'horaire), deux workers : chaque beat envoie la nuit et la reprise des relances toutes les
secondes (tests/pannes/beat_rapide.py : les entrées de production, fréquence accélérée). La
nuit ne fait son travail qu'une fois (verrou consultatif de `executer_nuit`, idempotence) :
l'étude B finit dans l'état de l'exécution propre A ; la campagne de nuit d'une troisième
étude n'est lancée qu'une fois et chaque SMS n'est remis qu'une fois au canal.

Redis à soi (file `celery` par défaut : les tâches envoyées par les workers, paquets
d'envois compris, restent dans ce Redis-là).
"""

import subprocess
import sys
import tempfile
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from procedures.delais import est_jour_ferie
from relances.models import Campagne, Envoi, ReglageRelances
from tests.celery_fixtures import application_sur_redis
from tests.factories import creer_etude, creer_utilisateur
from tests.pannes import outils
from tests.relances.conftest import creer_dossier_joignable, creer_scenario

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers sur la base de test"),
]

JOIGNABLES = 120
PERIODE_S = 1


def _beat(redis_url: str, le, dossier, journal) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.pannes.beat_rapide",
            "beat",
            "--loglevel",
            "INFO",
            "-s",
            str(dossier / "celerybeat-schedule"),
        ],
        cwd=outils.RACINE,
        env=outils.environnement(
            CELERY_BROKER_URL=redis_url,
            CELERY_RESULT_BACKEND=redis_url,
            ETUDE_BEAT_PERIODE_S=str(PERIODE_S),
            ETUDE_BEAT_NUIT_LE=le.isoformat(),
            LOG_LEVEL="INFO",
        ),
        stdout=journal,
        stderr=subprocess.STDOUT,
    )


def _arreter(processus):
    if processus.poll() is None:
        processus.terminate()
        try:
            processus.wait(20)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()


def test_deux_beat_la_nuit_et_la_campagne_ne_travaillent_qu_une_fois(
    deux_etudes, redis_a_soi, tmp_path
):
    aujourd_hui = timezone.localdate()
    if aujourd_hui.weekday() == 6 or est_jour_ferie(aujourd_hui, "metropole"):
        pytest.skip("Dimanche ou jour férié : aucun SMS ne part (heures de contact).")
    le = deux_etudes["le"]
    # Troisième étude : un scénario SMS, la nuit y lance la campagne du jour.
    relances = creer_etude()
    clerc = creer_utilisateur(etude=relances, role="clerc", username="clerc-beat")
    ReglageRelances.objects.create(etude=relances, heure_debut=0, heure_fin=24)
    creer_scenario(
        etude=relances,
        etapes=[{"apres_jours": 0, "canal": "sms", "modele": "Rappelez {{ etude }}."}],
    )
    for _ in range(JOIGNABLES):
        creer_dossier_joignable(acteur=clerc, email=False)
    sms = tmp_path / "sms.txt"
    extra = {
        "RELANCES_SMS_BACKEND": "tests.relances.sms_fichier.SMSFichier",
        "RELANCES_SMS_FICHIER": str(sms),
        "RELANCES_SMS_LENTEUR": "0.005",
    }
    processus = []
    with (
        tempfile.TemporaryFile() as journal,
        application_sur_redis("celery", redis_a_soi.url) as app,
    ):
        try:
            workers = [
                outils.Worker("celery", redis_a_soi.url, journal, **extra) for _ in range(2)
            ]
            processus += [w.processus for w in workers]
            for worker in workers:
                worker.attendre_pret(app)
            beats = []
            journaux_beat = []
            for rang in range(2):
                dossier = tmp_path / f"beat{rang}"
                dossier.mkdir()
                journal_beat = (dossier / "beat.log").open("wb")
                journaux_beat.append(dossier / "beat.log")
                beats.append(_beat(redis_a_soi.url, le, dossier, journal_beat))
            processus += beats
            # Chaque beat envoie la nuit au moins trois fois.
            limite = time.monotonic() + 150
            while not all(
                chemin.read_text(errors="replace").count("Sending due task nuit") >= 3
                for chemin in journaux_beat
            ):
                for p in processus:
                    assert p.poll() is None, outils.lire(journal)
                assert time.monotonic() < limite, [c.read_text()[-2000:] for c in journaux_beat]
                time.sleep(0.2)
            for beat in beats:
                _arreter(beat)
            # Les workers vident la file (nuits, reprises, paquets d'envois).
            client = redis_a_soi.client()
            limite = time.monotonic() + 150
            while client.llen("celery") or client.hlen("unacked"):
                assert time.monotonic() < limite, outils.lire(journal)
                time.sleep(0.2)
        finally:
            for p in processus:
                _arreter(p)
        journal.seek(0)
        journal_workers = journal.read().decode(errors="replace")
    assert "Traceback" not in journal_workers, journal_workers
    outils.verifier_etat_propre(deux_etudes)
    # Campagne : lancée une fois, chaque dossier un SMS, remis une fois.
    assert Campagne.objects.filter(etude=relances).count() == 1
    etats = Counter(Envoi.objects.filter(etude=relances).values_list("etat", flat=True))
    assert etats == {"envoye": JOIGNABLES}, etats
    remises = Counter(sms.read_text().split())
    assert len(remises) == JOIGNABLES and max(remises.values()) == 1, remises.most_common(3)
