"""Redis arrêté (SIGKILL, sans persistance : la file et les tâches non acquittées sont
perdues) pendant qu'un worker envoie une campagne, une seconde campagne lancée pendant la
panne, puis Redis redémarré : le worker se reconnecte, la reprise (`relances.reprendre`, le
beat toutes les dix minutes) renvoie depuis PostgreSQL ce que la file a perdu. État final :
celui d'une exécution sans panne (chaque envoi envoyé, chaque SMS remis une fois au canal).

Redis à soi (outils.ServeurRedis), jamais celui de 6379 que les autres tests partagent.
"""

import tempfile
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from procedures.delais import est_jour_ferie
from relances.models import Envoi, ReglageRelances
from relances.services.campagnes import campagne_lancer
from tests.celery_fixtures import application_sur_redis
from tests.factories import creer_etude, creer_utilisateur
from tests.pannes import outils
from tests.relances.conftest import creer_dossier_joignable, creer_scenario

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker sur la base de test"),
]

NOMBRE = 100


def _attendre(condition, delai=150):
    limite = time.monotonic() + delai
    while not condition():
        if time.monotonic() > limite:
            return False
        time.sleep(0.1)
    return True


def test_redis_arrete_pendant_une_campagne_puis_redemarre_chaque_envoi_une_fois(
    transactional_db, redis_a_soi, tmp_path
):
    from relances.tasks import reprendre

    aujourd_hui = timezone.localdate()
    if aujourd_hui.weekday() == 6 or est_jour_ferie(aujourd_hui, "metropole"):
        pytest.skip("Dimanche ou jour férié : aucun SMS ne part (heures de contact).")
    etude = creer_etude()
    clerc = creer_utilisateur(etude=etude, role="clerc", username="clerc-redis")
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
    sms = tmp_path / "sms.txt"

    def remises():
        return Counter(sms.read_text().split()) if sms.exists() else Counter()

    le = date(2026, 11, 2)
    with (
        tempfile.TemporaryFile() as journal,
        application_sur_redis("celery", redis_a_soi.url) as app,
    ):
        worker = outils.Worker(
            "celery",
            redis_a_soi.url,
            journal,
            RELANCES_SMS_BACKEND="tests.relances.sms_fichier.SMSFichier",
            RELANCES_SMS_FICHIER=str(sms),
            RELANCES_SMS_LENTEUR="0.05",
        )
        try:
            worker.attendre_pret(app)
            assert campagne_lancer(etude=etude, le=le).crees == NOMBRE
            assert _attendre(lambda: sum(remises().values()) >= 20), outils.lire(journal)
            redis_a_soi.tuer()
            # Pendant la panne : le clerc lance la campagne du lendemain ; les envois sont
            # enregistrés, leur paquet ne peut pas partir.
            assert campagne_lancer(etude=etude, le=le + timedelta(days=1)).crees == NOMBRE
            time.sleep(1)
            assert worker.processus.poll() is None, outils.lire(journal)
            redis_a_soi.demarrer()
            worker.attendre_pret(app, delai=120)
            # La file redémarrée est vide : la reprise du beat renvoie depuis la base.
            reprendre.delay().get(timeout=60)
            assert _attendre(
                lambda: (
                    not Envoi.objects.filter(
                        etude=etude, etat__in=["a_envoyer", "en_cours"]
                    ).exists()
                )
            ), (Counter(Envoi.objects.values_list("etat", flat=True)), outils.lire(journal))
        finally:
            worker.arreter()
    etats = Counter(Envoi.objects.filter(etude=etude).values_list("etat", flat=True))
    assert etats == {"envoye": 2 * NOMBRE}, etats
    recues = remises()
    assert len(recues) == 2 * NOMBRE and max(recues.values()) == 1, recues.most_common(3)
    envoyes = set(Envoi.objects.filter(etude=etude).values_list("identifiant_externe", flat=True))
    assert envoyes == set(recues)
