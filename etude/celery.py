"""Application Celery d'Étude (les tâches prennent des identifiants, jamais des objets)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

app = Celery("etude")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
