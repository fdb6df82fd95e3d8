# Raccourcis ; les deux commandes du README restent ./scripts/demarrer et ./scripts/tests.
PYTHON := .venv/bin/python
CELERY := .venv/bin/celery

.PHONY: demarrer tests lint format migrate demo worker beat bench venv

demarrer:            ## venv, migrations, démonstration, serveur sur 127.0.0.1:8000
	./scripts/demarrer

tests:               ## toute la suite sur PostgreSQL (DATABASE_URL)
	./scripts/tests

venv:
	bash -c '. scripts/_venv.sh && preparer_venv'

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

migrate: venv
	$(PYTHON) manage.py migrate

demo: venv
	$(PYTHON) manage.py demo

worker: venv         ## exige CELERY_BROKER_URL (ex. redis://127.0.0.1:6379/0)
	$(CELERY) -A etude worker --concurrency 2 --max-memory-per-child 300000 --loglevel INFO

beat: venv           ## un seul beat par installation
	mkdir -p var
	$(CELERY) -A etude beat --loglevel INFO --schedule var/celerybeat-schedule

bench:               ## tous les bancs en un tableau (bench/run ; BANC="--dossiers 10000")
	bench/run $(BANC)
