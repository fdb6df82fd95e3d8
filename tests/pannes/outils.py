"""Outils des tests de pannes : deux études générées à l'identique, un instantané de l'état
d'une étude comparable d'une étude à l'autre, la nuit lancée dans un vrai processus.

L'état « d'une exécution propre » est celui de l'étude A, où la nuit a tourné sans incident ;
l'étude B, générée avec la même graine (mêmes références, mêmes montants, mêmes dates), subit
la panne puis la reprise. La nuit traite toutes les études à la fois : une fois A traitée, la
relancer pour la même date ne doit rien changer à A (rien de doublé) et amener B au même état.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

RACINE = Path(__file__).resolve().parents[2]
SIRET_PROPRE = "11111111100014"
SIRET_PANNE = "22222222200010"
APPLICATIONS = ("etude", "dossiers", "procedures", "comptabilite", "relances", "actes")
# Champs qui changent d'une étude à l'autre ou d'une exécution à l'autre sans changer l'état
# juridique : identifiants techniques, horodatages (la nuit écrit `now()`).
CHAMPS_IGNORES = {"objet_id", "cause_id", "acteur_libelle"}


def journee_de_test():
    """Une journée où des délais générés (relatifs à aujourd'hui) sont échus."""
    return timezone.localdate() + timedelta(days=13)


def generer(siret: str, dossiers: int, graine: int = 7) -> None:
    call_command("generer", dossiers=dossiers, seed=graine, etude_siret=siret, stdout=StringIO())


def _valeur(champ, objet, etude):
    valeur = getattr(objet, champ.attname)
    if isinstance(champ, models.ForeignKey):
        cible = champ.related_model
        if valeur is None:
            return None
        if cible._meta.label == "dossiers.Dossier":
            return ("dossier", _references(etude).get(valeur, "?"))
        if cible._meta.label == "etude.Etude":
            return "etude" if valeur == etude.pk else ("autre", valeur)
        if cible._meta.label == "etude.Utilisateur":
            return ("utilisateur", _utilisateurs(etude).get(valeur, valeur))
        return ("fk", cible._meta.label)
    return _sans_identifiants(valeur)


def _sans_identifiants(valeur):
    """Les JSON d'audit (avant/après) citent des clés primaires : on les retire."""
    if isinstance(valeur, dict):
        return {
            cle: _sans_identifiants(v)
            for cle, v in sorted(valeur.items())
            if not (
                cle in ("id", "pk")
                or cle.endswith(("_id", "_ids"))
                # {"delai": 73} : la clé d'un objet nommé comme son modèle.
                or (cle in _noms_de_modeles() and isinstance(v, int))
            )
        }
    if isinstance(valeur, list):
        return [_sans_identifiants(v) for v in valeur]
    return valeur


def _noms_de_modeles() -> set[str]:
    return {
        m._meta.model_name for app in APPLICATIONS for m in apps.get_app_config(app).get_models()
    }


def _references(etude) -> dict:
    from dossiers.models import Dossier

    return dict(Dossier.objects.filter(etude=etude).values_list("pk", "reference"))


def _utilisateurs(etude) -> dict:
    from etude.models import Utilisateur

    # Les clercs générés ont un nom propre à l'étude : on les désigne par leur rang.
    pks = Utilisateur.objects.filter(etude=etude).order_by("pk").values_list("pk", flat=True)
    return {pk: f"utilisateur-{rang}" for rang, pk in enumerate(pks)}


def _modeles():
    for app in APPLICATIONS:
        for modele in apps.get_app_config(app).get_models():
            noms = {f.name for f in modele._meta.concrete_fields}
            # Les comptes (noms propres à chaque étude) : la nuit n'y touche pas.
            if modele._meta.label != "etude.Utilisateur" and (
                "etude" in noms or "dossier" in noms
            ):
                yield modele


def instantane(etude) -> dict[str, Counter]:
    """{modèle: multiensemble des lignes de l'étude}, sans clé primaire, identifiant technique
    ni horodatage : deux études dans le même état juridique ont le même instantané."""
    resultat = {}
    for modele in _modeles():
        champs = [
            f
            for f in modele._meta.concrete_fields
            if not f.primary_key
            and not isinstance(f, models.DateTimeField)
            and f.name not in CHAMPS_IGNORES
            and not (f.one_to_one and f.remote_field.parent_link)
        ]
        noms = {f.name for f in modele._meta.concrete_fields}
        requete = modele._base_manager.all()
        requete = (
            requete.filter(etude=etude)
            if "etude" in noms
            else requete.filter(dossier__etude=etude)
        )
        lignes = Counter()
        for objet in requete.iterator(chunk_size=2000):
            lignes[tuple((f.name, repr(_valeur(f, objet, etude))) for f in champs)] += 1
        resultat[modele._meta.label] = lignes
    return resultat


def differences(a: dict[str, Counter], b: dict[str, Counter]) -> dict:
    """Pour chaque modèle qui diffère : nombre de lignes de part et d'autre et un exemple."""
    ecarts = {}
    for label in sorted(set(a) | set(b)):
        ca, cb = a.get(label, Counter()), b.get(label, Counter())
        if ca != cb:
            en_trop = cb - ca
            manquantes = ca - cb
            ecarts[label] = {
                "propre": sum(ca.values()),
                "panne": sum(cb.values()),
                "en_trop": next(iter(en_trop), None),
                "manquante": next(iter(manquantes), None),
            }
    return ecarts


def grand_livre_desequilibre(etude) -> dict:
    """Dossiers de l'étude dont le solde en cache ne se retrouve pas depuis les écritures."""
    from comptabilite import grand_livre
    from comptabilite.models import SoldeDossier

    ecarts = {}
    for pk in SoldeDossier.objects.filter(etude=etude).values_list("pk", flat=True):
        ecart = grand_livre.verifier_solde(pk)
        if ecart:
            ecarts[pk] = ecart
    return ecarts


def url_base_de_test() -> str:
    from tests.celery_fixtures import _url_base_de_test

    return _url_base_de_test()


def environnement(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "etude.settings",
        "DATABASE_URL": url_base_de_test(),
        "DATABASE_CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def lancer_nuit(le, sortie) -> subprocess.Popen:
    """`manage.py nuit --date le` dans un processus à part (sortie : fichier ouvert)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "nuit", "--date", le.isoformat()],
        cwd=RACINE,
        env=environnement(),
        stdout=sortie,
        stderr=subprocess.STDOUT,
    )


def verrou_nuit_tenu() -> bool:
    from etude.nuit import VERROU_NUIT

    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = %s",
            [VERROU_NUIT],
        )
        return curseur.fetchone()[0] > 0


def attendre_verrou_libre(delai: float = 30) -> None:
    """PostgreSQL rend le verrou quand il voit la connexion du processus tué se fermer."""
    limite = time.monotonic() + delai
    while verrou_nuit_tenu():
        assert time.monotonic() < limite, "le verrou de la nuit n'a pas été rendu"
        time.sleep(0.1)


def ecritures_de(etude) -> int:
    from comptabilite.models import Ecriture
    from etude.models import Evenement

    return (
        Ecriture.objects.filter(etude=etude).count()
        + Evenement.objects.filter(etude=etude).count()
    )


def lire(sortie) -> str:
    sortie.seek(0)
    return sortie.read().decode(errors="replace")[-3000:]


def verifier_etat_propre(etudes) -> None:
    """B (la panne, puis la reprise) égale A (la nuit propre) ; A n'a pas bougé ; les deux
    grands livres sont équilibrés."""
    a, b = etudes["a"], etudes["b"]
    assert differences(etudes["propre"], instantane(b)) == {}
    assert differences(etudes["propre"], instantane(a)) == {}, "A a changé : travail doublé"
    assert grand_livre_desequilibre(b) == {}
    assert grand_livre_desequilibre(a) == {}


# --- Redis et Celery à soi ---------------------------------------------------------------


def _port_libre() -> int:
    import socket

    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


class ServeurRedis:
    """Un redis-server propre au test, sur un port libre et sans persistance (jamais celui
    de 6379, que les autres tests partagent) : on peut le tuer, le redémarrer, et aucun
    autre worker ne relivre ou ne vole ses tâches."""

    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.port = _port_libre()
        self.processus: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def demarrer(self) -> None:
        import redis

        self.processus = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dossier),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        limite = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                assert self.processus.poll() is None, "redis-server n'a pas démarré"
                assert time.monotonic() < limite, "redis-server muet après 20 s"
                time.sleep(0.05)

    def tuer(self) -> None:
        """SIGKILL : le serveur tombe sans rien écrire, la file est perdue."""
        if self.processus is not None and self.processus.poll() is None:
            self.processus.kill()
            self.processus.wait(30)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


class Worker:
    """`celery worker --pool solo` sur une file à soi, la base de test et le Redis donné."""

    def __init__(self, file: str, redis_url: str, journal, **extra):
        self.file = file
        self.nom = f"{file}-{os.urandom(2).hex()}@localhost"
        self.journal = journal
        self.processus = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "etude",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "-Q",
                file,
                "-n",
                self.nom,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=RACINE,
            env=environnement(
                CELERY_BROKER_URL=redis_url,
                CELERY_RESULT_BACKEND=redis_url,
                LOG_LEVEL="INFO",
                **extra,
            ),
            stdout=journal,
            stderr=subprocess.STDOUT,
        )

    def attendre_pret(self, app, delai: float = 90) -> None:
        limite = time.monotonic() + delai
        while not app.control.ping(destination=[self.nom], timeout=0.5):
            assert self.processus.poll() is None, lire(self.journal)
            assert time.monotonic() < limite, "worker non démarré :\n" + lire(self.journal)

    def tuer(self) -> None:
        if self.processus.poll() is None:
            self.processus.kill()
            self.processus.wait(30)

    def arreter(self) -> None:
        if self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(20)
            except subprocess.TimeoutExpired:
                self.tuer()
