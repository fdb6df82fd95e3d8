"""Banc des campagnes de relance : une étape pour N dossiers, et les lettres du jour.

    createdb -h 127.0.0.1 -U postgres etude_bench_relances
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_relances \\
        python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench_relances \\
        python bench/campagne.py --dossiers 100000 --lettres 200

S'assure que l'étude de démonstration compte N dossiers (`dossiers.generation.generer`),
donne à chaque débiteur un courriel consenti (SQL, base jetable) et affecte un scénario d'une
étape « courriel » à N dossiers ouverts qu'aucune condition d'arrêt n'arrête ce jour (paiement
total, plan, surendettement : `conditions_arret`, celles de la campagne), pour que chacun reçoive
un envoi (jusqu'en session 4, N dossiers quelconques : 11 000 arrêts et 88 942 envois pour
100 000 au million), puis mesure :
1. `campagne_lancer` pour la journée : affectations, arrêts, INSERT … SELECT des envois,
   validation, puis remise des paquets à la file (broker `memory://` du processus : on
   compte les tâches sans les exécuter). Objectif (issue 6) : <= 10 s jusqu'à ce que chaque
   envoi soit validé, <= 200 tâches Celery (paquets d'au moins 500) ;
2. une seconde passe pour la même journée : 0 envoi (contrainte unique) ;
3. les lettres du jour : `lettres_du_jour` sur K lettres d'une page, lettres par seconde
   (objectif >= 20/s), et, pour référence dans le même processus, le rendu de 5 lettres
   en 5 documents séparés.
Option de taille pour l'intégration continue : `--dossiers 2000 --lettres 40`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from dossiers.generation import generer  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from etude.celery import app  # noqa: E402
from relances.lettres import donnees_lettres, lettres_du_jour, rendre_lettres  # noqa: E402
from relances.models import Campagne, Envoi, EtapeScenario, Scenario  # noqa: E402
from relances.services.campagnes import campagne_lancer, conditions_arret  # noqa: E402


def _preparer(nombre: int):
    existants = Dossier.objects.count()
    if existants < nombre:
        debut = time.perf_counter()
        generer(dossiers=nombre - existants, graine=5)
        print(f"génération de {nombre - existants} dossiers : {time.perf_counter() - debut:.1f} s")
    dossier = Dossier.objects.order_by("id").first()
    etude = dossier.etude
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(
            """INSERT INTO dossiers_emaildebiteur (debiteur_id, adresse, consentement, opposition)
               SELECT id, 'd' || id || '@exemple-bench.fr', true, false FROM dossiers_debiteur
               WHERE etude_id = %s
               ON CONFLICT DO NOTHING""",
            [etude.pk],
        )
    # Statistiques à jour après l'écriture en masse (l'autovacuum le ferait plus tard).
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE dossiers_emaildebiteur")
    return etude


def _scenario(etude, nom: str, canal: str) -> Scenario:
    scenario, cree = Scenario.objects.get_or_create(
        etude=etude, nom=nom, defaults={"affectation_auto": False}
    )
    if cree:
        EtapeScenario.objects.create(
            scenario=scenario,
            rang=1,
            apres_jours=0,
            canal=canal,
            objet="Message de {{ etude }}",
            modele="Merci de rappeler {{ etude }}, réf. {{ reference }}.",
        )
    return scenario


def _affecter(etude, scenario, le: date, limite: int | None = None, sans_arret=False) -> int:
    """Affecte le scénario aux dossiers (les `limite` premiers) qui n'en ont pas, ou le
    réaffecte à neuf (base jetable). `sans_arret` : seulement des dossiers qu'aucune
    condition d'arrêt du scénario n'arrêterait ce jour (`conditions_arret`, celles de la
    campagne) : chacun recevra un envoi, la mesure porte alors sur `limite` envois."""
    exclus = ""
    if sans_arret:
        conditions = " OR ".join(f"({c})" for c in conditions_arret().values())
        exclus = f"""AND NOT EXISTS (
            SELECT 1 FROM relances_scenario s
            CROSS JOIN LATERAL (SELECT d.id AS dossier_id, s.id AS scenario_id) a
            WHERE s.id = %(scenario)s AND ({conditions}))"""
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(
            f"""
            INSERT INTO relances_affectationscenario
                (etude_id, dossier_id, scenario_id, depuis, manuelle, arret, arrete_le,
                 suspendu_jusqu_au)
            SELECT d.etude_id, d.id, %(scenario)s, %(le)s, true, '', NULL, NULL
            FROM (SELECT id, etude_id FROM dossiers_dossier d WHERE etude_id = %(etude)s
                  AND statut = 'ouvert' {exclus} ORDER BY id LIMIT %(limite)s) d
            ON CONFLICT (dossier_id) DO UPDATE SET scenario_id = EXCLUDED.scenario_id,
                depuis = EXCLUDED.depuis, arret = '', arrete_le = NULL
            """,  # noqa: S608
            {"scenario": scenario.pk, "le": le, "etude": etude.pk, "limite": limite},
        )
        affectes = curseur.rowcount
        curseur.execute("ANALYZE relances_affectationscenario")
        return affectes


def _jour_libre(etude) -> date:
    derniere = Campagne.objects.filter(etude=etude).order_by("-le").values_list("le", flat=True)
    return (derniere.first() or date(2026, 1, 5)) + timedelta(days=1)


def mesurer_campagne(etude, nombre: int) -> dict:
    le = _jour_libre(etude)
    scenario = _scenario(etude, f"Banc courriel {le}", "email")
    affectes = _affecter(etude, scenario, le, nombre, sans_arret=True)
    # File en mémoire : les tâches sont remises au broker (sérialisées), pas exécutées.
    app.conf.update(task_always_eager=False, broker_url="memory://", result_backend=None)
    envoyees = []
    from relances import tasks

    original = tasks.envoyer_paquet.apply_async

    def compter(*args, **kwargs):
        envoyees.append(len(args[0][0]) if args and args[0] else 0)
        return original(*args, **kwargs)

    tasks.envoyer_paquet.apply_async = compter
    try:
        debut = time.perf_counter()
        lancement = campagne_lancer(etude=etude, le=le)
        duree = time.perf_counter() - debut
        debut = time.perf_counter()
        second = campagne_lancer(etude=etude, le=le)
        duree_seconde = time.perf_counter() - debut
    finally:
        tasks.envoyer_paquet.apply_async = original
    valides = Envoi.objects.filter(campagne=lancement.campagne).count()
    return {
        "affectes": affectes,
        "envois": lancement.crees,
        "envois_valides": valides,
        "duree_s": round(duree, 2),
        "taches": len(envoyees),
        "paquet_min": min(envoyees) if envoyees else 0,
        "paquet_max": max(envoyees) if envoyees else 0,
        "seconde_passe_envois": second.crees,
        "seconde_passe_s": round(duree_seconde, 2),
    }


def _cpu_enfants_de_rendu() -> float:
    """Temps CPU (utilisateur + système, secondes) des enfants de rendu vivants de ce
    processus, lu dans /proc (un enfant remplacé en cours de mesure serait perdu : à 2 000
    rendus ou +60 Mo, jamais atteint par quelques morceaux)."""
    from actes import rendu

    total = 0.0
    for enfant in [rendu._enfant, *rendu._supplementaires]:
        if enfant is None or enfant.processus is None or enfant.processus.poll() is not None:
            continue
        with open(f"/proc/{enfant.processus.pid}/stat") as stat:
            champs = stat.read().rsplit(")", 1)[1].split()
        total += (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")
    return total


def mesurer_lettres(etude, nombre: int) -> dict:
    from django.conf import settings

    from actes.rendu import rendre_pdfs

    le = _jour_libre(etude)
    scenario = _scenario(etude, f"Banc lettres {le}", "lettre")
    app.conf.update(task_always_eager=False, broker_url="memory://", result_backend=None)
    _affecter(etude, scenario, le, nombre, sans_arret=True)
    campagne_lancer(etude=etude, le=le)
    # Enfants de rendu démarrés avant la mesure (comme dans un worker qui a déjà rendu).
    rendre_pdfs(["<p>chauffe</p>"] * settings.RENDU_PARALLELES, pdfa=False)
    charge_avant = os.getloadavg()[0]
    cpu_parent, cpu_enfants = time.process_time(), _cpu_enfants_de_rendu()
    debut = time.perf_counter()
    lot = lettres_du_jour(etude_id=etude.pk, le=le)
    duree = time.perf_counter() - debut
    cpu_parent = time.process_time() - cpu_parent
    cpu_enfants = _cpu_enfants_de_rendu() - cpu_enfants
    charge = (charge_avant + os.getloadavg()[0]) / 2
    # Référence : 5 lettres en 5 documents séparés, dans le même processus.
    envois = list(
        Envoi.objects.filter(lot=lot)
        .select_related("etape", "debiteur", "dossier__creancier", "etude")
        .order_by("id")[:5]
    )
    debut = time.perf_counter()
    for envoi in envois:
        rendre_lettres(etude, le, donnees_lettres([envoi]))
    separees = (time.perf_counter() - debut) / len(envois)
    # Temps CPU du rendu : indépendant de la charge de la machine partagée.
    cpu = _cpu_par_lettre(etude, le, lot)
    # Sur une machine calme à 2 cœurs, le temps mural du fichier est borné par le plus long
    # de : la part du processus appelant (requêtes, gabarits, assemblage : un fil) et le
    # rendu partagé entre les enfants (RENDU_PARALLELES cœurs au plus, 2 ici).
    coeurs = min(settings.RENDU_PARALLELES, os.cpu_count() or 1)
    mural_calme = max(cpu_parent, (cpu_parent + cpu_enfants) / coeurs)
    return {
        "cpu_lettres_par_s": round(1 / cpu, 1),
        "lettres": lot.nombre,
        "duree_s": round(duree, 2),
        "lettres_par_s": round(lot.nombre / duree, 1),
        "charge": round(charge, 1),
        "cpu_parent_s": round(cpu_parent, 2),
        "cpu_enfants_s": round(cpu_enfants, 2),
        "lettres_par_s_cpu_total": round(lot.nombre / (cpu_parent + cpu_enfants), 1),
        "lettres_par_s_calme_estime": round(lot.nombre / mural_calme, 1),
        "taille_mio": round(lot.fichier.size / 1_048_576, 2),
        "reference_document_separe_s": round(separees, 3),
        "ratio_un_document": round(separees / (duree / lot.nombre), 1),
    }


def _cpu_par_lettre(etude, le, lot) -> float:
    """Temps CPU d'une lettre : 30 lettres rendues dans ce processus par le même moteur
    qu'actes.rendu (récupérateur fermé, feuille des actes) ; actes.rendu rend dans un
    processus enfant, dont le temps CPU ne serait pas compté ici."""
    from django.template.loader import render_to_string

    from actes import moteur, rendu
    from relances.lettres import L111_8_AL2, L111_8_AL3

    envois = list(
        Envoi.objects.filter(lot=lot)
        .select_related("etape", "debiteur", "dossier__creancier", "etude", "echeance")
        .order_by("id")[:30]
    )
    html = render_to_string(
        "relances/lettres.html",
        {
            "etude": etude,
            "le": le,
            "lettres": donnees_lettres(envois),
            "l111_8_al2": L111_8_AL2,
            "l111_8_al3": L111_8_AL3,
        },
    )
    local = moteur.Moteur(rendu.racines_statiques(), feuilles=(rendu.FEUILLE_DES_ACTES,))
    local.rendre("<p>chauffe</p>", pdfa=False)
    debut = time.process_time()
    local.rendre(html, pdfa=False)
    return (time.process_time() - debut) / len(envois)


def lignes(*, dossiers: int = 100_000, lettres: int | None = None) -> list[dict]:
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note) : une étape pour min(N, 100 000) dossiers (l'objectif de l'issue 6 vaut pour
    100 000 : jugé sur l'extrapolation linéaire en dessous), puis les lettres du jour (200
    au million, 40 sur une petite base)."""
    nombre = min(dossiers, 100_000)
    lettres = lettres if lettres is not None else (200 if dossiers >= 1_000_000 else 40)
    etude = _preparer(nombre)
    # Les mesures remettent les tâches à un broker en mémoire : rétabli ensuite pour les
    # bancs suivants du même processus.
    avant = {cle: app.conf[cle] for cle in ("task_always_eager", "broker_url", "result_backend")}
    try:
        c = mesurer_campagne(etude, nombre)
        lt = mesurer_lettres(etude, lettres)
    finally:
        app.conf.update(avant)
    a_100k = c["duree_s"] * 100_000 / max(c["envois"], 1)
    return [
        {
            "mesure": f"campagne : une étape pour {c['envois']} dossiers",
            "valeur": c["duree_s"],
            "unite": "s",
            "objectif": "<= 10 s pour 100 000, <= 200 tâches",
            "reference": c["seconde_passe_s"],
            "verdict": "tenu" if a_100k <= 10 and c["taches"] <= 200 else "court",
            "note": f"{c['envois_valides']} envois validés, {c['taches']} tâches ; "
            f"≈ {a_100k:.1f} s pour 100 000 ; réf. seconde passe",
        },
        {
            "mesure": "campagne : seconde passe, envois",
            "valeur": c["seconde_passe_envois"],
            "unite": "",
            "objectif": "0",
            "reference": None,
            "verdict": "tenu" if c["seconde_passe_envois"] == 0 else "court",
            "note": f"{c['seconde_passe_s']} s",
        },
        {
            "mesure": f"lettres du jour ({lt['lettres']} lettres, un PDF)",
            "valeur": lt["lettres_par_s"],
            "unite": "lettres/s",
            "objectif": ">= 20 lettres/s",
            "reference": round(1 / lt["reference_document_separe_s"], 1)
            if lt["reference_document_separe_s"]
            else None,
            "verdict": "tenu" if lt["lettres_par_s"] >= 20 else "court",
            "note": f"charge {lt['charge']} ; CPU appelant {lt['cpu_parent_s']} s + enfants "
            f"{lt['cpu_enfants_s']} s ({lt['lettres_par_s_cpu_total']} lettres par seconde de "
            f"CPU), ≈ {lt['lettres_par_s_calme_estime']}/s à 2 cœurs libres ; "
            "réf. une lettre par document",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--lettres", type=int, default=200)
    args = parser.parse_args()
    etude = _preparer(args.dossiers)
    print(f"charge : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    campagne = mesurer_campagne(etude, args.dossiers)
    print(
        f"campagne : {campagne['envois']} envois validés en {campagne['duree_s']} s "
        f"(objectif <= 10 s), {campagne['taches']} tâches (objectif <= 200), paquets de "
        f"{campagne['paquet_min']} à {campagne['paquet_max']} ; seconde passe : "
        f"{campagne['seconde_passe_envois']} envoi en {campagne['seconde_passe_s']} s"
    )
    lettres = mesurer_lettres(etude, args.lettres)
    print(
        f"lettres : {lettres['lettres']} en {lettres['duree_s']} s, "
        f"{lettres['lettres_par_s']} lettres/s (objectif >= 20), fichier "
        f"{lettres['taille_mio']} Mio ; document séparé : "
        f"{lettres['reference_document_separe_s']} s/lettre ({lettres['ratio_un_document']}x) ; "
        f"temps CPU du rendu : {lettres['cpu_lettres_par_s']} lettres par seconde de CPU"
    )
    print(
        f"lettres, temps CPU du fichier : appelant {lettres['cpu_parent_s']} s, enfants de "
        f"rendu {lettres['cpu_enfants_s']} s ({lettres['lettres_par_s_cpu_total']} lettres par "
        f"seconde de CPU) ; à 2 cœurs libres ≈ {lettres['lettres_par_s_calme_estime']} "
        f"lettres/s ; charge moyenne pendant le fichier {lettres['charge']}"
    )
    print(f"charge : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
