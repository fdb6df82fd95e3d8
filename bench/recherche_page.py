"""La page de recherche (/dossiers/recherche/?q=…) contre la fonction `rechercher` seule, pour
chaque genre de terme du banc du socle (PostgreSQL seulement).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_x_banc \\
        python bench/recherche_page.py [--termes 20] [--explain]

Un clerc de banc (`banc-recherche`, appareil TOTP vérifié dans la session : le second facteur
passe comme au banc HTTP) demande la page par le client de test Django, sans gunicorn. Pour
chaque genre : p50 et p95 de la fonction seule (comme `bench/socle.py` : limite 20, sans
jointure), de la page entière, et de son temps en base (somme des requêtes vues du client),
nombre de requêtes de la page, et la requête la plus lente vue ; `--explain` donne son
`EXPLAIN (ANALYZE, BUFFERS)`. Durées en temps CPU du processus (`process_time`, ms) et en
durée (ms) : la machine est partagée.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
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

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from socle import centile, termes_de_recherche  # noqa: E402

from dossiers.models import Dossier  # noqa: E402
from dossiers.recherche import rechercher  # noqa: E402
from etude.models import Etude, Utilisateur  # noqa: E402


def client_de_banc(etude) -> tuple[Client, Utilisateur]:
    utilisateur, cree = Utilisateur.objects.get_or_create(
        username="banc-recherche",
        defaults={"etude": etude, "first_name": "Banc", "last_name": "Recherche"},
    )
    if cree:
        utilisateur.set_unusable_password()
        utilisateur.save(update_fields=["password"])
        utilisateur.groups.add(Group.objects.get(name="clerc"))
    appareil, _ = TOTPDevice.objects.get_or_create(
        user=utilisateur, name="banc", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(utilisateur)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return client, utilisateur


def _mesure(appel) -> tuple[float, float, list[dict]]:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as capture:
        debut, cpu = time.perf_counter(), time.process_time()
        appel()
        duree, cpu = (time.perf_counter() - debut) * 1000, (time.process_time() - cpu) * 1000
    return duree, cpu, capture.captured_queries


def _resume(valeurs: list[float]) -> str:
    return f"{statistics.median(valeurs):7.1f} {centile(valeurs, 0.95):7.1f} {max(valeurs):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--termes", type=int, default=20, help="termes par genre (défaut 20)")
    parser.add_argument("--graine", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN de la plus lente")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Banc PostgreSQL : définissez DATABASE_URL.")
    setup_test_environment()
    etude = Etude.objects.order_by("id").first()
    client, utilisateur = client_de_banc(etude)
    qs = Dossier.objects.pour(utilisateur)
    termes = termes_de_recherche(etude, args.termes, args.graine)
    total = Dossier.objects.filter(etude=etude).count()
    print(f"{total} dossiers ; charge {os.getloadavg()[0]:.2f} ; {args.termes} termes par genre")
    client.get("/dossiers/recherche/?q=dupont")  # échauffement (session, statistiques)
    print(
        f"{'genre':16} {'fonction p50 p95 max':>24} | {'page p50 p95 max':>23} {'CPU p95':>7}"
        f" {'base p95':>8} {'req.':>4} | plus lente (ms)"
    )
    for genre, liste in termes.items():
        fonction, page, cpu, base, requetes, lentes = [], [], [], [], 0, []
        for terme in liste:
            fonction.append(_mesure(lambda t=terme: rechercher(qs, t))[0])
            duree, temps_cpu, capturees = _mesure(
                lambda t=terme: client.get(f"/dossiers/recherche/?q={quote(t)}")
            )
            page.append(duree)
            cpu.append(temps_cpu)
            base.append(sum(float(q["time"]) for q in capturees) * 1000)
            requetes = max(requetes, len(capturees))
            selects = [q for q in capturees if q["sql"].lstrip().upper().startswith("SELECT")]
            lente = max(selects, key=lambda q: float(q["time"]))
            lentes.append((float(lente["time"]) * 1000, terme, lente["sql"]))
        pire = max(lentes)
        print(
            f"{genre:16} {_resume(fonction):>24} | {_resume(page):>23}"
            f" {centile(cpu, 0.95):7.1f} {centile(base, 0.95):8.1f} {requetes:4} |"
            f" {pire[0]:.1f} « {pire[1]} »"
        )
        if args.explain:
            with connection.cursor() as curseur:
                curseur.execute("EXPLAIN (ANALYZE, BUFFERS) " + pire[2])
                print(pire[2][:600])
                print("\n".join("    " + ligne[0] for ligne in curseur.fetchall()))


if __name__ == "__main__":
    main()
