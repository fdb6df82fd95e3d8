"""Application Celery des tests de beat : celle d'Étude, avec ses entrées `beat_schedule`
(mêmes tâches, mêmes noms), chacune envoyée toutes les ETUDE_BEAT_PERIODE_S secondes au lieu
de 22 h 30 et toutes les dix minutes, la nuit datée de ETUDE_BEAT_NUIT_LE (la journée des
études jumelles). Lancée par `celery -A tests.pannes.beat_rapide beat`."""

import os

from etude.celery import app

_periode = float(os.environ["ETUDE_BEAT_PERIODE_S"])
_le = os.environ["ETUDE_BEAT_NUIT_LE"]
app.conf.beat_schedule = {
    nom: {**entree, "schedule": _periode, **({"args": [_le]} if nom == "nuit" else {})}
    for nom, entree in app.conf.beat_schedule.items()
}
