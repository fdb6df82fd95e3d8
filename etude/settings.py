"""Réglages d'Étude : un seul fichier, piloté par l'environnement.

Sans aucune variable, l'application tourne en développement sur SQLite, les tâches de fond
exécutées dans le processus (pas de broker). En production, on fixe au moins
`DJANGO_SECRET_KEY`, `DJANGO_DEBUG=0`, `DATABASE_URL` (PostgreSQL) et `CELERY_BROKER_URL`.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY est obligatoire quand DJANGO_DEBUG=0.")
    # Clé de développement uniquement : jamais utilisée en production (voir ci-dessus).
    SECRET_KEY = "dev-insecure-etude-cle-de-developpement-uniquement-0123456789"

ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    # django-fsm-2 : commande graph_transitions (graphes des procédures).
    "django_fsm",
    "axes",
    "csp",
    "etude",
    "dossiers",
    "procedures",
    "comptabilite",
    "relances",
    "actes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "etude.middleware.SessionGlissanteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "etude.middleware.DoubleFacteurMiddleware",
    "etude.middleware.CaractereNulMiddleware",
    # AxesMiddleware en dernier, comme le demande la documentation de django-axes.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "etude.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "etude.context_processors.etude",
                "etude.views.contexte_interface",
            ],
        },
    },
]

WSGI_APPLICATION = "etude.wsgi.application"

# Base de données : SQLite embarquée par défaut, PostgreSQL via DATABASE_URL
# (postgres://user@host:5432/nom). La recherche tolérante aux fautes (pg_trgm, unaccent)
# et les protections du grand livre (triggers) n'existent que sur PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # Compilation JIT de PostgreSQL coupée pour les connexions de l'application : nos
    # requêtes ensemblistes (campagne, nuit) ont des centaines d'expressions et dépassent le
    # seuil de coût ; au million, la compilation seule coûtait 2,5 à 4,7 s à l'INSERT … SELECT
    # des envois d'une campagne (EXPLAIN ANALYZE, « JIT: Total »), pour une exécution sans
    # elle plus courte. Réglable par DATABASE_JIT=on.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _jit = "on" if os.environ.get("DATABASE_JIT", "off").lower() == "on" else "off"
    _options["options"] = f"{_options.get('options', '')} -c jit={_jit}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "etude.Utilisateur"

AUTHENTICATION_BACKENDS = [
    # django-axes d'abord : il compte les échecs et bloque avant tout autre backend.
    "axes.backends.AxesStandaloneBackend",
    # Celui de Django, l'étude lue avec l'utilisateur à chaque page (etude/authentification.py).
    "etude.authentification.ModelBackendEtude",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "bureau"
LOGOUT_REDIRECT_URL = "connexion"

# Sessions : expirent après 8 heures d'inactivité et à la fermeture du navigateur.
# L'expiration glissante est tenue par etude.middleware.SessionGlissanteMiddleware, qui ne
# réécrit la session qu'une fois par SESSION_RAFRAICHIR_APRES secondes (et non à chaque page,
# comme SESSION_SAVE_EVERY_REQUEST) : l'inactivité tolérée est donc de 8 h moins 1 min au pire.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_RAFRAICHIR_APRES = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes : 5 échecs par couple (identifiant, IP) bloquent 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # heures
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_USERNAME_FORM_FIELD = "username"
# Masqués dans les journaux et les tentatives enregistrées par axes (le mot de passe l'est
# toujours).
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token", "csrfmiddlewaretoken"]

OTP_TOTP_ISSUER = "Étude"

# L'interface est en français, quel que soit le navigateur : pas de LocaleMiddleware (il
# suivait Accept-Language, et un navigateur réglé en anglais recevait « This field is
# required. » ou « Thursday ») et une seule langue offerte, pour qu'aucun autre mécanisme
# (admin, set_language) n'en active une autre.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["etude.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Manifeste whitenoise (noms hachés, fichiers compressés) en production seulement : il exige
# `python manage.py collectstatic` avant de servir. Les tests ne doivent pas en dépendre :
# pytest-django force DEBUG à faux à l'exécution, mais ce choix est fait ici, au chargement,
# d'après DJANGO_STATIC_MANIFEST (par défaut : actif si DJANGO_DEBUG=0), et scripts/tests
# fixe DJANGO_STATIC_MANIFEST=0.
STATIC_MANIFEST = _env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Pièces : 10 Mo au plus ; le contrôle du type se fait sur les octets (dossiers/pieces.py).
PIECE_TAILLE_MAX = int(os.environ.get("PIECE_TAILLE_MAX", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Content-Security-Policy (django-csp 4) : rien ne vient d'ailleurs que de l'application.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Sécurité en production (python manage.py check --deploy).
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Courriel : SMTP en production, console en développement.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "etude@localhost")
# Rebonds des courriels (relances/rebonds.py, webhook /relances/rebonds/ par django-anymail) :
# le secret « utilisateur:motdepasse » vient de l'environnement, jamais du dépôt ; sans lui,
# le webhook refuse tout. Prestataire : brevo, mailgun, mailjet, postmark, sendgrid, sparkpost.
ANYMAIL = {
    cle: valeur
    for cle, valeur in {
        "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", ""),
        "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY", ""),
    }.items()
    if valeur
}
RELANCES_REBONDS_PRESTATAIRE = os.environ.get("RELANCES_REBONDS_PRESTATAIRE", "brevo")

# Rendu PDF (actes.rendu) : processus enfant borné en mémoire (espace d'adresses) et en
# temps ; remplacé après N rendus pour que la mémoire ne dérive pas.
RENDU_MEMOIRE_MO = int(os.environ.get("ETUDE_RENDU_MEMOIRE_MO", "1024"))
RENDU_DELAI_S = float(os.environ.get("ETUDE_RENDU_DELAI_S", "60"))
RENDU_DELAI_DEMARRAGE_S = 60.0
RENDU_RENDUS_PAR_ENFANT = int(os.environ.get("ETUDE_RENDU_RENDUS_PAR_ENFANT", "2000"))
# Enfants de rendu qui travaillent à la fois pour `actes.rendu.rendre_pdfs` (fichier des
# lettres du jour) : un par cœur de la machine de l'étude (2).
RENDU_PARALLELES = int(os.environ.get("ETUDE_RENDU_PARALLELES", "2"))
# ... et dès que sa mémoire résidente dépasse de tant celle d'après son premier rendu.
RENDU_CROISSANCE_MAX_MO = int(os.environ.get("ETUDE_RENDU_CROISSANCE_MAX_MO", "60"))

# Celery : sans broker configuré, les tâches s'exécutent dans le processus (mode embarqué).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis : une tâche prise par un worker tué (acks tardifs) revient dans la file après ce délai
# (kombu, `visibility_timeout`, secondes). Il doit dépasser la plus longue tâche (la nuit),
# sinon elle serait relivrée pendant qu'elle tourne (le verrou de la nuit l'arrêterait).
# Un worker balaie les tâches non acquittées dont le délai est passé à son démarrage, puis
# toutes les `unacked_restore_interval` × `unacked_restore_throttle` secondes (kombu 5.7 :
# 10 × 10 par défaut, soit 100 s ; CELERY_RESTAURATION_S règle l'intervalle, balayage à
# chaque fois). Une nuit interrompue revient donc au plus tard délai + balayage après sa prise.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITE_S", "3600")),
    **(
        {
            "unacked_restore_interval": int(os.environ["CELERY_RESTAURATION_S"]),
            "unacked_restore_throttle": 1,
        }
        if os.environ.get("CELERY_RESTAURATION_S")
        else {}
    ),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Tâches périodiques : une entrée par travail, l'heure dite en mots.
CELERY_BEAT_SCHEDULE: dict = {
    # Chaque soir à 22 h 30, heure de Paris : après 21 h plus aucun acte n'est possible
    # (CPC 664, CPCE L141-1), la journée est close ; la nuit la traite.
    "nuit": {
        "task": "etude.nuit",
        "schedule": crontab(hour=22, minute=30),
    },
    # Toutes les dix minutes : les envois de relance que la file a perdus (Redis vidé, worker
    # tué) repartent depuis leur état en base ; ceux de la nuit partent à l'ouverture.
    "relances_reprendre": {
        "task": "relances.reprendre",
        "schedule": crontab(minute="*/10"),
    },
}

# Relances (issue 6) : SMS par backend enfichable (relances/sms.py) ; console par défaut.
RELANCES_SMS_BACKEND = os.environ.get("RELANCES_SMS_BACKEND", "relances.sms.SMSConsole")
RELANCES_SMS_URL = os.environ.get("RELANCES_SMS_URL", "")
RELANCES_SMS_CLE = os.environ.get("RELANCES_SMS_CLE", "")
RELANCES_SMS_EXPEDITEUR = os.environ.get("RELANCES_SMS_EXPEDITEUR", "ETUDE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    # Aucun IBAN complet dans les journaux (etude/journalisation.py).
    "filters": {"masque_iban": {"()": "etude.journalisation.MasqueIban"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "simple",
            "filters": ["masque_iban"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "INFO"},
    },
}
