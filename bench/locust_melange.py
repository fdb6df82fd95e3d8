"""Scénario locust du mélange HTTP (lancé par bench/http_melange.py, jamais seul).

Chaque utilisateur virtuel est un clerc authentifié (cookie de session créé par le banc) qui
envoie `BANC_HTTP_PAR_UTILISATEUR` requêtes par seconde (`constant_throughput`) : liste des
dossiers 60 %, recherche 30 %, fiche d'un dossier 10 %. Toute réponse autre que 200 est une
erreur, sauf la redirection d'une recherche par référence exacte vers la fiche du dossier
(les redirections ne sont pas suivies : une session refusée renverrait vers la connexion,
qui répondrait 200).
"""

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, constant_throughput, task

VERS_FICHE = re.compile(r"^/dossiers/\d{4}-\d{6}/$")
DONNEES = json.loads(Path(os.environ["BANC_HTTP_DONNEES"]).read_text(encoding="utf-8"))


def reponse_attendue(statut: int, location: str) -> bool:
    return statut == 200 or (statut == 302 and bool(VERS_FICHE.match(location)))


class Clerc(HttpUser):
    wait_time = constant_throughput(float(os.environ.get("BANC_HTTP_PAR_UTILISATEUR", "1")))

    def on_start(self):
        # En-tête explicite : le cookie de session est « Secure » en production et requests
        # ne le renverrait pas en HTTP clair (banc local sans TLS).
        session = random.choice(DONNEES["sessions"])
        self.client.headers["Cookie"] = f"{DONNEES['cookie']}={session}"

    def _obtenir(self, chemin: str, nom: str) -> None:
        with self.client.get(
            chemin, name=nom, allow_redirects=False, catch_response=True
        ) as reponse:
            if not reponse_attendue(reponse.status_code, reponse.headers.get("Location", "")):
                reponse.failure(f"statut {reponse.status_code}")

    @task(6)
    def liste(self):
        self._obtenir(random.choice(DONNEES["listes"]), "liste")

    @task(3)
    def recherche(self):
        self._obtenir(random.choice(DONNEES["recherches"]), "recherche")

    @task(1)
    def fiche(self):
        self._obtenir(random.choice(DONNEES["fiches"]), "fiche")
