"""Banc du mélange HTTP à travers gunicorn : liste 60 %, recherche 30 %, fiche 10 %, à débit
fixe, par des clercs authentifiés (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_x \\
        python bench/http_melange.py [--duree 60] [--debit 50] [--workers 3]

Démarre gunicorn comme en production (`DJANGO_DEBUG=0`, clé secrète de test, manifeste
whitenoise après `collectstatic` dans un dossier temporaire, journal d'accès, 3 workers
synchrones comme le Dockerfile) sur un port libre de 127.0.0.1, sans redirection HTTPS
(banc local : `DJANGO_SECURE_SSL_REDIRECT=0`). Les sessions sont créées par le banc (clercs
`banc-http-*`, appareil TOTP confirmé et vérifié dans la session : le second facteur passe
comme pour un clerc connecté), signées avec la clé du serveur.

Référence mesurée dans la même exécution : les mêmes pages demandées une à une, sans charge
(100 requêtes dans les mêmes proportions). Puis locust (`constant_throughput` : 4 utilisateurs
par requête/s voulue, chacun à 0,25 requête/s) pendant `--duree` secondes ; une recherche par
référence exacte redirige vers la fiche (302) : réponse attendue, pas une erreur.
Objectif (issue 7) : p95 <= 200 ms et 0 erreur à 50 requêtes/s.
`lignes()` rend les lignes du tableau de `bench/run`.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

RACINE = Path(__file__).resolve().parent.parent
for chemin in (RACINE, RACINE / "bench"):
    if str(chemin) not in sys.path:
        sys.path.insert(0, str(chemin))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from socle import termes_de_recherche  # noqa: E402

from dossiers.models import Dossier  # noqa: E402
from dossiers.recherche import TRIS  # noqa: E402
from etude.models import Etude, Utilisateur  # noqa: E402

OBJECTIF_P95_MS = 200.0
CLERCS = 4
PARTS = {"liste": 6, "recherche": 3, "fiche": 1}
VERS_FICHE = re.compile(r"^/dossiers/\d{4}-\d{6}/$")
# Utilisateurs virtuels par requête/s voulue : chacun attend sa réponse avant la suivante ;
# à 0,25 requête/s chacun, le débit offert tient tant que les réponses durent moins de 4 s
# (au-delà, le débit obtenu baisse et le tableau le montre).
UTILISATEURS_PAR_REQUETE_S = 4


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sessions(etude, cle: str) -> list[str]:
    """Une session authentifiée et vérifiée (second facteur) par clerc de banc."""
    groupe = Group.objects.get(name="clerc")
    cles = []
    with override_settings(SECRET_KEY=cle):
        for rang in range(1, CLERCS + 1):
            utilisateur, cree = Utilisateur.objects.get_or_create(
                username=f"banc-http-{rang}",
                defaults={"etude": etude, "first_name": "Banc", "last_name": f"HTTP {rang}"},
            )
            if cree:
                utilisateur.set_unusable_password()
                utilisateur.save(update_fields=["password"])
                utilisateur.groups.add(groupe)
            appareil, _ = TOTPDevice.objects.get_or_create(
                user=utilisateur, name="banc", defaults={"confirmed": True}
            )
            session = SessionStore()
            session[SESSION_KEY] = str(utilisateur.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            session[HASH_SESSION_KEY] = utilisateur.get_session_auth_hash()
            session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
            session.create()
            cles.append(session.session_key)
    return cles


def _adresses(etude, nombre: int = 200) -> dict[str, list[str]]:
    termes = termes_de_recherche(etude, nombre // 4, graine=7)
    recherches = [
        f"/dossiers/recherche/?q={quote(t)}" for genre in termes.values() for t in genre if t
    ]
    rng = random.Random(7)
    bornes = Dossier.objects.filter(etude=etude).order_by("id").values_list("id", flat=True)
    premier, dernier = bornes.first(), bornes.last()
    ids = [rng.randint(premier, dernier) for _ in range(nombre)]
    references = Dossier.objects.filter(id__in=ids).values_list("reference", flat=True)
    listes = [f"/dossiers/?tri={tri}" for tri in TRIS] + [
        "/dossiers/",
        "/dossiers/?statut=ouvert",
        "/dossiers/?phase=judiciaire",
    ]
    return {
        "listes": listes,
        "recherches": recherches,
        "fiches": [f"/dossiers/{r}/" for r in references],
    }


def _environnement(cle: str, statiques: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=cle,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=statiques,
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_STATIC_MANIFEST", None)
    return env


def _attendre(port: int, serveur: subprocess.Popen, journal: Path) -> None:
    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        if serveur.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté : {journal.read_text()[-2000:]}")
        try:
            connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connexion.request("GET", "/connexion/")
            if connexion.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn ne répond pas après 60 s : {journal.read_text()[-2000:]}")


def reponse_attendue(statut: int, location: str) -> bool:
    """200, ou la redirection d'une recherche par référence exacte vers la fiche."""
    return statut == 200 or (statut == 302 and bool(VERS_FICHE.match(location)))


def _une_a_une(port: int, cookie: str, adresses: dict, nombre: int = 100) -> dict:
    """Référence : les pages du mélange demandées une à une, sans charge ; durées en ms."""
    rng = random.Random(11)
    durees: dict[str, list[float]] = {nom: [] for nom in PARTS}
    erreurs = 0
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cles = {"liste": "listes", "recherche": "recherches", "fiche": "fiches"}
    for nom, part in PARTS.items():
        for _ in range(max(2, nombre * part // sum(PARTS.values()))):
            chemin = rng.choice(adresses[cles[nom]])
            debut = time.perf_counter()
            connexion.request("GET", chemin, headers={"Cookie": cookie})
            reponse = connexion.getresponse()
            reponse.read()
            durees[nom].append((time.perf_counter() - debut) * 1000)
            erreurs += not reponse_attendue(reponse.status, reponse.getheader("Location") or "")
    tout = [d for liste in durees.values() for d in liste]
    return {
        "p95": statistics.quantiles(tout, n=20)[18],
        "par_partie": {nom: statistics.quantiles(d, n=20)[18] for nom, d in durees.items()},
        "erreurs": erreurs,
    }


def _nombre(valeur: str) -> float | None:
    try:
        return float(valeur)
    except ValueError:
        return None


def lignes(*, duree: int = 60, debit: int = 50, workers: int = 3, **_) -> list[dict]:
    etude = Etude.objects.order_by("id").first()
    cle = "banc-" + secrets.token_urlsafe(40)
    sessions = _sessions(etude, cle)
    adresses = _adresses(etude)
    port = _port_libre()
    with tempfile.TemporaryDirectory(prefix="banc-http-") as dossier:
        dossier = Path(dossier)
        env = _environnement(cle, str(dossier / "statiques"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=RACINE,
            env=env,
            check=True,
        )
        donnees = dossier / "donnees.json"
        donnees.write_text(
            json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions, **adresses})
        )
        journal = dossier / "gunicorn.log"
        with open(journal, "w") as sortie:
            serveur = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "etude.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    str(dossier / "acces.log"),
                    "--access-logformat",
                    '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s',
                ],
                cwd=RACINE,
                env=env,
                stdout=sortie,
                stderr=subprocess.STDOUT,
            )
        try:
            _attendre(port, serveur, journal)
            cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[0]}"
            _une_a_une(port, cookie, adresses, nombre=10)  # échauffement des workers
            reference = _une_a_une(port, cookie, adresses)
            prefixe = dossier / "locust"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(RACINE / "bench" / "locust_melange.py"),
                    "--headless",
                    "--users",
                    str(debit * UTILISATEURS_PAR_REQUETE_S),
                    "--spawn-rate",
                    str(debit * UTILISATEURS_PAR_REQUETE_S),
                    "--run-time",
                    f"{duree}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(prefixe),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=RACINE,
                env={
                    **os.environ,
                    "BANC_HTTP_DONNEES": str(donnees),
                    "BANC_HTTP_PAR_UTILISATEUR": str(1 / UTILISATEURS_PAR_REQUETE_S),
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
            with open(f"{prefixe}_stats.csv", newline="") as f:
                stats = {ligne["Name"]: ligne for ligne in csv.DictReader(f)}
            with open(f"{prefixe}_failures.csv", newline="") as f:
                causes = [
                    f"{x['Name']} {x['Error']} ×{x['Occurrences']}" for x in csv.DictReader(f)
                ]
        finally:
            serveur.send_signal(signal.SIGTERM)
            try:
                serveur.wait(timeout=30)
            except subprocess.TimeoutExpired:
                serveur.kill()
                serveur.wait()
    total = stats["Aggregated"]
    p95 = _nombre(total["95%"])
    erreurs = int(total["Failure Count"])
    requetes = int(total["Request Count"])
    obtenu = _nombre(total["Requests/s"]) or 0.0
    sortie = [
        {
            "mesure": f"HTTP mélange via gunicorn ({workers} workers) (p95)",
            "valeur": p95,
            "unite": "ms",
            "objectif": f"<= {OBJECTIF_P95_MS:.0f} ms",
            "reference": reference["p95"],
            "verdict": "tenu" if p95 is not None and p95 <= OBJECTIF_P95_MS else "court",
            "note": f"{debit} req/s voulues pendant {duree} s ; réf. une à une sans charge",
        },
        {
            "mesure": "HTTP mélange : erreurs",
            "valeur": erreurs,
            "unite": "",
            "objectif": "0",
            "reference": reference["erreurs"],
            "verdict": "tenu" if erreurs == 0 and requetes else "court",
            "note": f"sur {requetes} requêtes" + (f" ; {'; '.join(causes[:3])}" if causes else ""),
        },
        {
            "mesure": "HTTP mélange : débit obtenu",
            "valeur": obtenu,
            "unite": "req/s",
            "objectif": f">= {debit} req/s",
            "reference": None,
            "verdict": "tenu" if obtenu >= 0.95 * debit else "court",
            "note": "locust, constant_throughput (débit tenu à 5 % près)",
        },
    ]
    for nom in PARTS:
        ligne = stats.get(nom, {})
        sortie.append(
            {
                "mesure": f"HTTP mélange : {nom} ({PARTS[nom] * 10} %) (p95)",
                "valeur": _nombre(ligne.get("95%", "")),
                "unite": "ms",
                "objectif": "—",
                "reference": reference["par_partie"][nom],
                "verdict": "—",
                "note": f"{ligne.get('Request Count', 0)} requêtes",
            }
        )
    return sortie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duree", type=int, default=60)
    parser.add_argument("--debit", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    for ligne in lignes(duree=args.duree, debit=args.debit, workers=args.workers):
        print("  ".join(f"{cle}={valeur}" for cle, valeur in ligne.items()), flush=True)


if __name__ == "__main__":
    main()
