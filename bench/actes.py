"""Banc du rendu PDF des actes (issue 5) : p95 d'un acte de 3 pages, débit d'un lot sur le
worker Celery à deux processus comparé à WeasyPrint brut, mémoire après N rendus.

    createdb -h 127.0.0.1 -U postgres etude_bench_actes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_actes python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_actes \\
        python bench/actes.py [--p95 200] [--actes 500] [--rendus 10000]

Trois mesures, dans la même exécution, sur le même HTML (un commandement de payer de trois
pages avec son décompte complet : principal, intérêts par période et taux, frais, émoluments,
TVA, versements, total) :
1. p50/p95 d'un rendu par `actes.rendu.rendre_acte_pdf` (processus de rendu chaud,
   PDF/A-3b, pied), à côté de WeasyPrint brut dans ce processus ; objectif p95 <= 400 ms ;
2. un lot de `--actes` actes (`actes.lots.lot_creer`) rendu par un worker Celery lancé ici
   (prefork, 2 processus, `--max-memory-per-child`), chauffé par un petit lot ; débit en
   actes/s de la création du lot à sa fin, à côté de WeasyPrint brut dans 2 processus
   (`multiprocessing.Pool(2)`, même HTML, même feuille, PDF/A) ; objectifs >= 6 actes/s et
   >= 90 % du brut ;
3. mémoire (RSS) de ce processus et de son processus de rendu après 100 rendus et après
   `--rendus` ; objectif : au plus 100 Mo de plus.
Redis : ETUDE_TEST_REDIS_URL (défaut base 15), file propre à l'exécution. La charge de la
machine (`os.getloadavg`) est imprimée avant et après chaque mesure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from actes import moteur, rendu  # noqa: E402

LIGNES_INTERETS = [
    ("01/01/2024", "30/06/2024", 182, "5,07 %"),
    ("01/07/2024", "31/12/2024", 184, "4,92 %"),
    ("01/01/2025", "30/06/2025", 181, "4,92 %"),
]


def acte_html(numero: int = 1) -> str:
    """Un commandement de payer aux fins de saisie-vente de trois pages (texte d'exemple :
    les chiffres ne sont pas ceux d'un dossier, seule la mise en page compte ici)."""
    lignes_interets = "".join(
        f"<tr><td>Intérêts au taux légal majoré du {du} au {au}</td><td class='nombre'>"
        f"{jours} j</td><td>{taux}</td><td class='nombre'>{100 + i * 7},{i:02d} €</td></tr>"
        for i, (du, au, jours, taux) in enumerate(LIGNES_INTERETS * 4)
    )
    versements = "".join(
        f"<tr><td>Versement du {j:02d}/03/2025 (imputé frais puis intérêts puis principal)"
        f"</td><td class='nombre'>- 150,00 €</td></tr>"
        for j in range(1, 13)
    )
    article = (
        "<p class='article-reproduit'>Article L221-1 du code des procédures civiles "
        "d'exécution : tout créancier muni d'un titre exécutoire constatant une créance "
        "liquide et exigible peut, après signification d'un commandement, faire procéder à "
        "la saisie et à la vente des biens meubles corporels appartenant à son débiteur, "
        "qu'ils soient ou non détenus par ce dernier. " * 2 + "</p>"
    )
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Commandement de payer aux fins de saisie-vente n° {numero}</title></head><body>
<h1>Commandement de payer aux fins de saisie-vente</h1>
<p>L'an deux mille vingt-six et le vingt-sept novembre, à la requête de la SA Banque
Exemple, société anonyme au capital de 1 000 000 €, immatriculée au RCS de Paris sous le
n° 552 120 222, dont le siège est 1 rue de l'Exemple 75001 Paris, agissant poursuites et
diligences de ses représentants légaux domiciliés en cette qualité audit siège.</p>
<p>Nous, Maître Martin, commissaire de justice associé, demeurant 3 place du Palais 75004
Paris, soussigné, avons fait commandement à : Monsieur Jean Dupont n° {numero}, né le
12/04/1975 à Lyon (69), de nationalité française, employé, demeurant 12 rue des Lilas
69003 Lyon.</p>
<h2>En vertu de</h2>
<p>Un jugement contradictoire rendu par le tribunal judiciaire de Lyon le 15/01/2024,
signifié le 02/02/2024, revêtu de la formule exécutoire.</p>
<h2>Décompte</h2>
<table><thead><tr><th>Poste</th><th>Durée</th><th>Taux</th><th class="nombre">Montant</th>
</tr></thead><tbody>
<tr><td>Principal</td><td></td><td></td><td class="nombre">12 345,67 €</td></tr>
{lignes_interets}
<tr><td>Article 700 du code de procédure civile</td><td></td><td></td>
<td class="nombre">1 500,00 €</td></tr>
<tr><td>Dépens</td><td></td><td></td><td class="nombre">345,12 €</td></tr>
</tbody></table>
<table><tbody>
<tr><td>Coût du présent acte : émolument A444-14 n° 42 × coefficient A444-46</td>
<td class="nombre">40,84 €</td></tr>
<tr><td>Frais de déplacement (A444-48)</td><td class="nombre">7,67 €</td></tr>
<tr><td>Taxe forfaitaire (CGI 302 bis Y)</td><td class="nombre">14,89 €</td></tr>
<tr><td>TVA 20 %</td><td class="nombre">9,70 €</td></tr>
{versements}
<tr><th>Total à payer</th><th class="nombre">14 512,34 €</th></tr>
</tbody></table>
<h2>Dates</h2>
<p>Délai de huit jours à compter du présent acte (CPCE R221-1) : jusqu'au 07/12/2026
inclus ; à défaut de paiement, le débiteur peut y être contraint par la saisie-vente de ses
biens meubles.</p>
<h2>Reproduction des textes</h2>
{article * 6}
<p>Le débiteur est avisé qu'il peut, dans le délai de huit jours, indiquer si des biens
saisis ont fait l'objet d'une précédente saisie. Dont acte.</p>
</body></html>"""


def charge() -> str:
    un, cinq, quinze = os.getloadavg()
    return f"charge {un:.2f} / {cinq:.2f} / {quinze:.2f}"


def centile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, round(p / 100 * (len(ordonnees) - 1)))]


def rss_mo(pid: int) -> float:
    with open(f"/proc/{pid}/status") as statut:
        for ligne in statut:
            if ligne.startswith("VmRSS:"):
                return int(ligne.split()[1]) / 1024
    return 0.0


def rss_avec_enfant() -> tuple[float, float]:
    enfant = rendu._enfant_du_processus().processus
    return rss_mo(os.getpid()), rss_mo(enfant.pid) if enfant and enfant.poll() is None else 0


# --- WeasyPrint brut ---------------------------------------------------------------------

_brut = {}


def _brut_init(feuille: str) -> None:
    from weasyprint import CSS, HTML

    _brut["css"] = CSS(filename=feuille)
    _brut["HTML"] = HTML
    HTML(string="<p>chauffe</p>").write_pdf(stylesheets=[_brut["css"]])


def brut_rendre(html: str) -> int:
    pdf = _brut["HTML"](string=html).write_pdf(
        stylesheets=[_brut["css"]], pdf_variant=moteur.VARIANTE_PDFA
    )
    return len(pdf)


def feuille_des_actes() -> str:
    return moteur.resoudre_statique(
        moteur.BASE_URL + rendu.FEUILLE_DES_ACTES, rendu.racines_statiques()
    )


# --- 1. p95 ------------------------------------------------------------------------------


def mesurer_p95(n: int, html: str) -> dict:
    print(f"\n1. Rendu d'un acte de 3 pages, processus de rendu chaud ({charge()})")
    pdf = rendu.rendre_acte_pdf(
        html, reference_dossier="2026-000001", code_acte="CPSV", initiales="MD"
    )
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    for _ in range(5):
        rendu.rendre_acte_pdf(
            html, reference_dossier="2026-000001", code_acte="CPSV", initiales="MD"
        )
    durees = []
    for _ in range(n):
        debut = time.perf_counter()
        rendu.rendre_acte_pdf(
            html, reference_dossier="2026-000001", code_acte="CPSV", initiales="MD"
        )
        durees.append((time.perf_counter() - debut) * 1000)
    _brut_init(feuille_des_actes())
    brut = []
    for _ in range(n):
        debut = time.perf_counter()
        brut_rendre(html)
        brut.append((time.perf_counter() - debut) * 1000)
    print(f"   {pages} pages, {len(pdf) // 1024} Ko, {n} rendus")
    print(
        f"   actes.rendu : p50 {statistics.median(durees):.0f} ms, "
        f"p95 {centile(durees, 95):.0f} ms (objectif p95 <= 400 ms)"
    )
    print(
        f"   WeasyPrint brut dans ce processus : p50 {statistics.median(brut):.0f} ms, "
        f"p95 {centile(brut, 95):.0f} ms"
    )
    print(f"   ({charge()})")
    return {"p95": centile(durees, 95), "p95_brut": centile(brut, 95), "pages": pages}


# --- 2. lot ------------------------------------------------------------------------------


def demarrer_worker(file: str) -> subprocess.Popen:
    from tests.celery_fixtures import REDIS_URL

    reglages = connection.settings_dict
    base = (
        f"postgres://{reglages['USER'] or ''}@{reglages['HOST'] or '127.0.0.1'}:"
        f"{reglages['PORT'] or 5432}/{reglages['NAME']}"
    )
    journal = open(f"/tmp/bench-actes-{file}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "etude",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "2",
            # Borne côté Celery : un processus du pool qui dépasse 300 Mo (son RSS, hors
            # processus de rendu) est remplacé après sa tâche en cours.
            "--max-memory-per-child",
            "300000",
            "-Q",
            file,
            "-n",
            f"{file}@localhost",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=RACINE,
        env={
            **os.environ,
            "DATABASE_URL": base,
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_RESULT_BACKEND": REDIS_URL,
        },
        stdout=journal,
        stderr=subprocess.STDOUT,
    )


def attendre_lot(lot, limite_s: float) -> float:
    from actes.models import LotRendu

    limite = time.monotonic() + limite_s
    while time.monotonic() < limite:
        lot.refresh_from_db()
        if lot.etat == LotRendu.Etat.TERMINE:
            return time.monotonic()
        time.sleep(0.1)
    raise SystemExit(f"Lot non terminé en {limite_s:.0f} s : {lot.progression()}")


def debit_brut(n: int, html: str) -> float:
    """Actes/s de WeasyPrint brut sur `html` dans 2 processus chauds (même feuille, PDF/A)."""
    with multiprocessing.get_context("fork").Pool(2, _brut_init, (feuille_des_actes(),)) as pool:
        pool.map(brut_rendre, [html] * 4)
        debut = time.monotonic()
        pool.map(brut_rendre, [html] * n, chunksize=5)
        return n / (time.monotonic() - debut)


def mesurer_lot(n: int, html: str) -> dict:
    from actes.lots import DocumentARendre, lot_creer
    from tests.celery_fixtures import application_sur_redis
    from tests.factories import creer_etude, creer_utilisateur

    print(f"\n2. Lot de {n} actes, worker Celery à 2 processus ({charge()})")
    brut_avant = debit_brut(n, html)
    print(f"   WeasyPrint brut, 2 processus, avant : {brut_avant:.2f} actes/s ({charge()})")

    suffixe = uuid.uuid4().hex[:8]
    etude = creer_etude(nom=f"Étude banc {suffixe}")
    clerc = creer_utilisateur(etude=etude, role="clerc", username=f"banc-{suffixe}")

    def documents(k: int, prefixe: str):
        return [
            DocumentARendre(
                nom_fichier=f"{prefixe}-{i:05d}",
                html=html,
                pied=rendu.Pied(
                    reference_dossier=f"2026-{i:06d}", code_acte="CPSV", initiales="MD"
                ),
            )
            for i in range(1, k + 1)
        ]

    file = f"bench-actes-{suffixe}"
    worker = demarrer_worker(file)
    try:
        with application_sur_redis(file) as app:
            limite = time.monotonic() + 60
            while not app.control.ping(destination=[f"{file}@localhost"], timeout=0.5):
                if worker.poll() is not None or time.monotonic() > limite:
                    raise SystemExit("Le worker Celery du banc n'a pas démarré.")
            # Chauffe (2 paquets) : chaque processus du pool démarre son processus de rendu.
            attendre_lot(
                lot_creer(acteur=clerc, libelle="chauffe", documents=documents(20, "chauffe")), 300
            )
            debut = time.monotonic()
            lot = lot_creer(acteur=clerc, libelle="banc", documents=documents(n, "acte"))
            cree = time.monotonic()
            fin = attendre_lot(lot, 3600)
        progression = lot.progression()
        debit = n / (fin - debut)
    finally:
        worker.terminate()
        worker.wait(30)
    print(
        f"   lot_creer : {cree - debut:.1f} s ; lot entier : {fin - debut:.1f} s, "
        f"{progression['rendus']} rendus, {progression['echecs']} échecs ; Celery : "
        f"{debit:.2f} actes/s (objectif >= 6) ; rendu seul (après création) "
        f"{n / (fin - cree):.2f} actes/s ({charge()})"
    )
    # Le brut est mesuré avant et après le lot (machine partagée : la charge varie) ; le
    # ratio se prend sur leur moyenne.
    brut_apres = debit_brut(n, html)
    brut = (brut_avant + brut_apres) / 2
    print(f"   WeasyPrint brut, 2 processus, après : {brut_apres:.2f} actes/s ({charge()})")
    print(f"   Celery / brut moyen : {debit / brut:.0%} (objectif >= 90 %)")
    return {"debit": debit, "brut": brut, "echecs": progression["echecs"]}


# --- 3. mémoire --------------------------------------------------------------------------


def mesurer_memoire(n: int, html: str) -> dict:
    print(f"\n3. Mémoire après {n} rendus ({charge()})")
    rendu._enfant_du_processus().arreter()
    remplacements = 0
    enfant_precedent = None
    for i in range(1, n + 1):
        rendu.rendre_acte_pdf(
            html, reference_dossier=f"2026-{i:06d}", code_acte="CPSV", initiales="MD"
        )
        processus = rendu._enfant_du_processus().processus
        if processus is not None and processus is not enfant_precedent:
            remplacements += enfant_precedent is not None
            enfant_precedent = processus
        if i == 100:
            parent_100, enfant_100 = rss_avec_enfant()
            print(f"   après 100 : ce processus {parent_100:.0f} Mo + rendu {enfant_100:.0f} Mo")
        if i % 1000 == 0:
            parent, enfant = rss_avec_enfant()
            print(f"   après {i} : {parent:.0f} Mo + {enfant:.0f} Mo ({charge()})", flush=True)
    parent, enfant = rss_avec_enfant()
    if n >= 100:
        ecart = (parent + enfant) - (parent_100 + enfant_100)
        print(
            f"   après {n} : {parent:.0f} Mo + {enfant:.0f} Mo ; écart {ecart:+.0f} Mo "
            f"(objectif <= 100 Mo) ; processus de rendu remplacé {remplacements} fois "
            f"(RENDU_CROISSANCE_MAX_MO, RENDU_RENDUS_PAR_ENFANT)"
        )
        return {"ecart": ecart, "apres_100": parent_100 + enfant_100}
    return {}


def lignes(
    *,
    dossiers: int = 0,
    p95: int | None = None,
    actes: int | None = None,
    rendus: int | None = None,
) -> list[dict]:
    """Lignes du tableau de `bench/run`. Le rendu ne dépend pas de la taille de l'étude :
    `dossiers` choisit seulement le jeu — complet (100 rendus pour le p95, lot de 500,
    10 000 rendus pour la mémoire) à partir d'un million de dossiers, petit sinon (la CI
    lance bench/run à 10 000 dossiers avec un délai fixe)."""
    complet = dossiers >= 1_000_000
    p95 = p95 if p95 is not None else (100 if complet else 20)
    actes = actes if actes is not None else (500 if complet else 40)
    rendus = rendus if rendus is not None else (10_000 if complet else 150)
    import logging

    logging.disable(logging.WARNING)
    html = acte_html()
    sortie = []

    def verdict(tenu: bool) -> str:
        return "tenu" if tenu else "court"

    if p95:
        r = mesurer_p95(p95, html)
        sortie.append(
            {
                "mesure": f"acte de {r['pages']} pages : p95 d'un rendu (processus chaud)",
                "valeur": r["p95"],
                "unite": "ms",
                "objectif": "<= 400",
                "reference": r["p95_brut"],
                "verdict": verdict(r["p95"] <= 400),
                "note": "référence : WeasyPrint brut dans le même processus",
            }
        )
    if actes:
        r = mesurer_lot(actes, html)
        sortie.append(
            {
                "mesure": f"lot de {actes} actes, worker Celery à 2 processus",
                "valeur": r["debit"],
                "unite": "actes/s",
                "objectif": ">= 6 et >= 90 % du brut",
                "reference": r["brut"],
                "verdict": verdict(r["debit"] >= 6 and r["debit"] >= 0.9 * r["brut"]),
                "note": f"{r['debit'] / r['brut']:.0%} du brut (Pool(2), moyenne avant/après)",
            }
        )
    if rendus >= 100:
        r = mesurer_memoire(rendus, html)
        sortie.append(
            {
                "mesure": f"mémoire après {rendus} rendus (processus + rendu)",
                "valeur": r["ecart"],
                "unite": "Mo",
                "objectif": "<= 100 au-dessus de 100 rendus",
                "reference": r["apres_100"],
                "verdict": verdict(r["ecart"] <= 100),
                "note": "référence : RSS après les 100 premiers rendus",
            }
        )
    return sortie


def main() -> None:
    analyse = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    analyse.add_argument("--p95", type=int, default=200, help="rendus mesurés pour le p95")
    analyse.add_argument("--actes", type=int, default=500, help="actes du lot Celery")
    analyse.add_argument("--rendus", type=int, default=10000, help="rendus pour la mémoire")
    args = analyse.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/actes.py mesure sur PostgreSQL : définissez DATABASE_URL.")
    import logging

    logging.disable(logging.WARNING)
    html = acte_html()
    print(
        f"bench/actes.py — {time.strftime('%Y-%m-%d %H:%M:%S')} — {charge()}, "
        f"{os.cpu_count()} cœurs"
    )
    if args.p95:
        mesurer_p95(args.p95, html)
    if args.actes:
        mesurer_lot(args.actes, html)
    if args.rendus:
        mesurer_memoire(args.rendus, html)


if __name__ == "__main__":
    main()
