"""Banc du tableau « Délais » d'un clerc à 5 000 délais ouverts (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_proc \\
        python bench/delais_tableau.py --dossiers 30000 [--repetitions 200]

S'assure que l'étude compte N dossiers (`generer`, avec l'extension des procédures), puis
donne à un clerc exactement `--ouverts` délais ouverts (5 000 : objectif de l'issue 4) en lui
réattribuant des délais ouverts d'autres clercs, et à un clerc de référence 50 délais. Mesure
la page /delais/ entière (vue, gabarit, requêtes) par le client de test de Django : p50, p95,
max et nombre de requêtes, pour les deux clercs et pour la page suivante d'une section ; le
rapport des p95 (clerc chargé / clerc de référence, mesurés dans ce même processus) dit si la
page dépend du nombre de délais. Objectif : p95 <= 50 ms, nombre de requêtes constant.

Le temps CPU du processus Django (`time.process_time`, sans PostgreSQL) est donné avec chaque
page : il dépend peu de la charge de la machine. Avant / après dans le même processus : les
lignes des quatre sections du clerc chargé sont rendues par l'ancien gabarit par ligne
(`tests/procedures/gabarits/delais_lignes_avant.html`) et par `lignes_html`, même données,
mêmes cellules (vérifié), temps CPU comparés.

Avec `--avant-apres` : la page entière avant / après la réduction du coût fixe (session 4),
en alternance requête par requête dans ce processus (la charge de la machine pèse pareil sur
les deux) : avant = session réécrite à chaque page (SESSION_SAVE_EVERY_REQUEST), backend de
Django (utilisateur puis étude), une requête par section ; après = réglages du dépôt. Mêmes
sections vérifiées. L'index `delai_clerc_idx` est celui de la base dans les deux cas.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from dossiers.generation import generer  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from etude.models import Etude, Utilisateur  # noqa: E402
from procedures.models import Delai  # noqa: E402

OBJECTIF_P95_MS = 50.0


def charge() -> str:
    return "charge (1, 5, 15 min) : " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def donner_delais(etude, clerc, voulu: int) -> int:
    """Réattribue à `clerc` des délais ouverts d'autres clercs jusqu'à `voulu` (ou en rend)."""
    ouverts = Delai.objects.filter(etude=etude, statut="ouvert")
    actuel = ouverts.filter(clerc=clerc).count()
    if actuel < voulu:
        ids = list(
            ouverts.exclude(clerc=clerc)
            .order_by("?")
            .values_list("id", flat=True)[: voulu - actuel]
        )
        Delai.objects.filter(id__in=ids).update(clerc=clerc)
    elif actuel > voulu:
        autre = Utilisateur.objects.filter(etude=etude, groups__name="clerc").exclude(pk=clerc.pk)
        ids = list(ouverts.filter(clerc=clerc).values_list("id", flat=True)[: actuel - voulu])
        Delai.objects.filter(id__in=ids).update(clerc=autre.first())
    with connection.cursor() as c:
        c.execute("ANALYZE procedures_delai")
    return ouverts.filter(clerc=clerc).count()


def clerc(etude, identifiant: str) -> Utilisateur:
    utilisateur, cree = Utilisateur.objects.get_or_create(
        username=identifiant, defaults={"etude": etude, "first_name": "Banc", "last_name": "Clerc"}
    )
    if cree:
        utilisateur.groups.add(Group.objects.get(name="clerc"))
    return utilisateur


def mesurer(client: Client, adresse: str, repetitions: int):
    """Durées de la page (ms), durées SQL (ms, d'après le journal des requêtes), requêtes,
    temps CPU du processus Django par page (ms)."""
    for _ in range(10):
        assert client.get(adresse).status_code == 200
    durees, sql, requetes, cpu = [], [], set(), []
    for _ in range(repetitions):
        with CaptureQueriesContext(connection) as q:
            c0 = time.process_time()
            t0 = time.perf_counter()
            reponse = client.get(adresse)
            durees.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert reponse.status_code == 200
        requetes.add(len(q.captured_queries))
        sql.append(sum(float(r["time"]) for r in q.captured_queries) * 1000)
    assert len(requetes) == 1, f"nombre de requêtes variable : {requetes}"
    return durees, sql, requetes.pop(), cpu


def comparer_rendu(utilisateur, repetitions: int) -> None:
    """Avant / après, même processus : rendu des lignes des 4 sections (temps CPU)."""
    import re

    from django.template import Context, Template
    from django.utils import timezone

    from procedures.views.delais import LIMITE, lignes_html, sections

    gabarit = Template((RACINE / "tests/procedures/gabarits/delais_lignes_avant.html").read_text())
    base = Delai.objects.filter(etude_id=utilisateur.etude_id, statut="ouvert", clerc=utilisateur)
    lignes = [s["lignes"] for s in sections(base, timezone.localdate(), limite=LIMITE)]

    def cellules(html: str) -> list[str]:
        corps = html.split("<tbody>")[-1].split("</tbody>")[0]
        return [
            re.sub(r">\s+<", "><", " ".join(x.split()))
            for x in re.findall(r"<tr>(.*?)</tr>", corps, re.S)
        ]

    avant = [cellules(gabarit.render(Context({"lignes": ls}))) for ls in lignes]
    apres = [cellules(str(lignes_html(ls))) for ls in lignes]
    assert avant == apres, "le rendu en une passe diffère de l'ancien gabarit"
    resultats = {}
    for nom, rendre in (
        ("avant (gabarit par ligne)", lambda ls: gabarit.render(Context({"lignes": ls}))),
        ("après (lignes_html)", lignes_html),
    ):
        cpu = []
        for _ in range(repetitions):
            c0 = time.process_time()
            for ls in lignes:
                rendre(ls)
            cpu.append((time.process_time() - c0) * 1000)
        resultats[nom] = cpu
        print(
            f"rendu de {sum(map(len, lignes))} lignes, {nom:<26} CPU p50 "
            f"{statistics.median(cpu):6.2f} ms  p95 {p95(cpu):6.2f} ms"
        )
    a, b = (statistics.median(v) for v in resultats.values())
    print(f"rapport CPU p50 avant / après : {a / b:.1f}")


def _sections_avant(base, aujourd_hui, *, limite, seule=None, apres=None):
    """La lecture des sections avant la session 4 : une requête par section."""
    from django.db.models import Q

    from procedures.views.delais import SECTIONS, _lignes, bornes, lignes_html

    resultat = []
    for code, titre in SECTIONS:
        if seule is not None and code != seule:
            continue
        depuis, avant = bornes(aujourd_hui)[code]
        qs = base.a_echeance(avant=avant, depuis=depuis)
        if apres is not None:
            jour, pk = apres
            qs = qs.filter(Q(echeance__gt=jour) | Q(echeance=jour, id__gt=pk))
        lignes = list(_lignes(qs)[: limite + 1])
        suite = None
        if len(lignes) > limite:
            lignes = lignes[:limite]
            suite = f"{lignes[-1].echeance.isoformat()}:{lignes[-1].pk}"
        resultat.append(
            {
                "code": code,
                "titre": titre,
                "lignes": lignes,
                "html": lignes_html(lignes),
                "suite": suite,
            }
        )
    return resultat


def avant_apres(utilisateur, repetitions: int, nom: str) -> None:
    """Page /delais/ avant / après, en alternance (voir l'en-tête) : durée, CPU, requêtes."""
    from django.conf import settings
    from django.test.utils import override_settings

    from procedures.views import delais as vue

    django_backend = "django.contrib.auth.backends.ModelBackend"
    reglages_avant = {
        "SESSION_SAVE_EVERY_REQUEST": True,
        "AUTHENTICATION_BACKENDS": [settings.AUTHENTICATION_BACKENDS[0], django_backend],
    }
    sections_apres = vue.sections
    client_apres = Client()
    client_apres.force_login(utilisateur)
    with override_settings(**reglages_avant):
        client_avant = Client()
        client_avant.force_login(utilisateur, backend=django_backend)

    def page(avant: bool):
        vue.sections = _sections_avant if avant else sections_apres
        try:
            if avant:
                with override_settings(**reglages_avant):
                    reponse = client_avant.get("/delais/")
            else:
                reponse = client_apres.get("/delais/")
        finally:
            vue.sections = sections_apres
        assert reponse.status_code == 200
        return reponse

    a, b = page(True), page(False)
    assert [
        (s["code"], [d.pk for d in s["lignes"]], s["suite"]) for s in a.context["sections"]
    ] == [(s["code"], [d.pk for d in s["lignes"]], s["suite"]) for s in b.context["sections"]], (
        "sections différentes avant / après"
    )
    for _ in range(10):
        page(True), page(False)
    mesures = {True: ([], [], set()), False: ([], [], set())}
    for _ in range(repetitions):
        for avant in (True, False):
            durees, cpu, requetes = mesures[avant]
            with CaptureQueriesContext(connection) as q:
                c0 = time.process_time()
                t0 = time.perf_counter()
                page(avant)
                durees.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            requetes.add(len(q.captured_queries))
    for avant in (True, False):
        durees, cpu, requetes = mesures[avant]
        print(
            f"{nom:<26} {'avant' if avant else 'après':<6} "
            f"p50 {statistics.median(durees):6.1f} ms  "
            f"p95 {p95(durees):6.1f} ms  CPU Django p50 {statistics.median(cpu):5.1f} ms  "
            f"p95 {p95(cpu):5.1f} ms  requêtes {sorted(requetes)}"
        )


def p95(durees: list[float]) -> float:
    return statistics.quantiles(durees, n=20)[18]


def lignes(*, dossiers: int = 30_000, ouverts: int = 5_000, repetitions: int = 100) -> list[dict]:
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note) : p95 de /delais/ pour le clerc chargé, contre le clerc de référence (50 délais)."""
    etude = Etude.objects.order_by("id").first()
    deja = Dossier.objects.filter(etude=etude).count() if etude else 0
    if deja < dossiers:
        generer(dossiers=dossiers - deja, graine=12)
        etude = Etude.objects.order_by("id").first()
    charge_ = clerc(etude, "banc-clerc-charge")
    reference = clerc(etude, "banc-clerc-reference")
    n_charge = donner_delais(etude, charge_, ouverts)
    donner_delais(etude, reference, 50)
    resultats = {}
    for nom, utilisateur in (("reference", reference), ("charge", charge_)):
        client = Client()
        client.force_login(utilisateur)
        durees, _, requetes, _ = mesurer(client, "/delais/", repetitions)
        resultats[nom] = (p95(durees), requetes)
    valeur, requetes = resultats["charge"]
    return [
        {
            "mesure": f"tableau Délais, clerc à {n_charge} délais (p95)",
            "valeur": valeur,
            "unite": "ms",
            "objectif": f"<= {OBJECTIF_P95_MS:.0f} ms",
            "reference": resultats["reference"][0],
            "verdict": "tenu" if valeur <= OBJECTIF_P95_MS else "court",
            "note": f"{requetes} requêtes ; réf. clerc à 50 délais",
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=30_000)
    parser.add_argument("--ouverts", type=int, default=5_000)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--avant-apres", action="store_true", help="voir l'en-tête")
    args = parser.parse_args()
    setup_test_environment()
    etude = Etude.objects.order_by("id").first()
    deja = Dossier.objects.filter(etude=etude).count() if etude else 0
    if deja < args.dossiers:
        generer(dossiers=args.dossiers - deja, graine=12)
        etude = Etude.objects.order_by("id").first()
    charge_ = clerc(etude, "banc-clerc-charge")
    reference = clerc(etude, "banc-clerc-reference")
    n_charge = donner_delais(etude, charge_, args.ouverts)
    n_reference = donner_delais(etude, reference, 50)
    total = Delai.objects.filter(etude=etude, statut="ouvert").count()
    print(
        f"{Dossier.objects.filter(etude=etude).count()} dossiers, {total} délais ouverts ; "
        f"clerc chargé : {n_charge}, clerc de référence : {n_reference}"
    )
    print(charge())
    if args.avant_apres:
        for nom, utilisateur in (("référence (50 délais)", reference), ("clerc chargé", charge_)):
            avant_apres(utilisateur, args.repetitions, nom)
        print(charge())
        return
    resultats = {}
    for nom, utilisateur, adresse in (
        ("référence (50 délais)", reference, "/delais/"),
        (f"clerc à {n_charge} délais", charge_, "/delais/"),
        (f"clerc à {n_charge}, « plus tard » page 2", charge_, None),
    ):
        client = Client()
        client.force_login(utilisateur)
        if adresse is None:
            premiere = (
                Delai.objects.filter(clerc=utilisateur, statut="ouvert")
                .order_by("echeance", "id")
                .values_list("echeance", "id")[49]
            )
            adresse = f"/delais/?section=plus_tard&apres={premiere[0].isoformat()}:{premiere[1]}"
        durees, sql, requetes, cpu = mesurer(client, adresse, args.repetitions)
        resultats[nom] = p95(durees)
        print(
            f"{nom:<42} p50 {statistics.median(durees):6.1f} ms  p95 {p95(durees):6.1f} ms  "
            f"max {max(durees):6.1f} ms  {requetes} requêtes (SQL p50 "
            f"{statistics.median(sql):.1f} ms, p95 {p95(sql):.1f} ms ; CPU Django p50 "
            f"{statistics.median(cpu):.1f} ms, p95 {p95(cpu):.1f} ms)"
        )
    comparer_rendu(charge_, args.repetitions)
    valeurs = list(resultats.values())
    print(
        f"rapport p95 clerc chargé / référence : {valeurs[1] / valeurs[0]:.2f} ; "
        f"objectif p95 <= {OBJECTIF_P95_MS:.0f} ms : "
        f"{'tenu' if valeurs[1] <= OBJECTIF_P95_MS else 'NON TENU'}"
    )
    print(charge())


if __name__ == "__main__":
    main()
