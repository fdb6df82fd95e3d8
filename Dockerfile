# Image d'Étude : application web (gunicorn), worker et beat Celery.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Bibliothèques dont WeasyPrint a besoin pour les actes PDF (Pango, HarfBuzz), et des
# polices : sans elles, le PDF sort sans texte lisible.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Les dépendances d'abord : la couche reste en cache tant que pyproject.toml ne change pas.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Manifeste whitenoise : collectstatic à la construction (clé jetable, jamais utilisée
# ailleurs ; la vraie clé vient de l'environnement au démarrage).
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-uniquement \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home /app etude \
    && mkdir -p /app/media /app/var \
    && chown etude /app/media /app/var
USER etude

EXPOSE 8000
# Journal d'accès sans chaîne de requête (%(U)s) : aucun paramètre ni jeton n'y figure.
CMD ["gunicorn", "etude.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(b)s %(L)s"]
