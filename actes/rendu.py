"""Rendu PDF d'Étude : un seul module pour les actes, les lettres et les décomptes.

API stable (les applications `actes`, `relances` et `comptabilite` l'appellent) :

- `rendre_pdf(html, *, pied=None, pdfa=True) -> bytes` : n'importe quel document HTML
  (lettre de relance, décompte...) ; `pied` ajoute en bas de chaque page le numéro de
  dossier, le code d'acte et les initiales du clerc.
- `rendre_acte_pdf(html, *, reference_dossier, code_acte, initiales) -> bytes` : un acte,
  toujours en PDF/A, pied obligatoire.
- `rendre_pdfs(documents, *, pdfa=True, paralleles=None) -> list[bytes]` : plusieurs
  documents rendus par `RENDU_PARALLELES` enfants à la fois (un par cœur), dans l'ordre.
- `Pied` : les mentions du pied de page ; `RenduImpossible` : l'erreur (message en
  français) de tout rendu qui échoue.

Le HTML est rendu par l'appelant (`render_to_string`), avec l'échappement de Django. Il
désigne ses feuilles et images par `{% static %}` : elles se résolvent contre une origine
fictive (`moteur.BASE_URL`) et seuls les fichiers statiques de l'application sont servis
(dossiers de `STATICFILES_DIRS`, dossiers `static/` des applications, `STATIC_ROOT`) ; toute
autre URL (`file:`, `http(s):`, `data:` hors images PNG/JPEG bornées) est omise du rendu.

Chaque document reçoit d'abord la feuille `actes/acte.css` (A4, marges, folio « Page n / N »)
comme feuille « utilisateur » : la feuille propre au gabarit la surcharge. PDF/A : variante
`moteur.VARIANTE_PDFA` (PDF/A-3b) de WeasyPrint, polices incorporées, profil sRGB.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings

from actes import moteur

FEUILLE_DES_ACTES = "static/actes/acte.css"


class RenduImpossible(RuntimeError):
    """Le PDF n'a pas pu être produit ; le message, en français, dit pourquoi."""


@dataclass(frozen=True)
class Pied:
    """Mentions du pied de chaque page (toutes facultatives ; vides : pas de pied)."""

    reference_dossier: str = ""
    code_acte: str = ""
    initiales: str = ""

    def elements(self) -> tuple[str, ...]:
        return tuple(
            texte
            for texte in (
                f"Dossier {self.reference_dossier}" if self.reference_dossier else "",
                f"Acte {self.code_acte}" if self.code_acte else "",
                f"Clerc {self.initiales}" if self.initiales else "",
            )
            if texte
        )


def racines_statiques() -> tuple[moteur.Racine, ...]:
    """Dossiers que le moteur peut lire : ceux des finders de staticfiles (dans leur ordre),
    puis STATIC_ROOT (noms hachés du manifeste en production)."""
    from django.contrib.staticfiles.finders import (
        AppDirectoriesFinder,
        FileSystemFinder,
        get_finders,
    )

    racines = []
    for finder in get_finders():
        if isinstance(finder, FileSystemFinder):
            racines += [
                moteur.Racine(str(chemin), prefixe) for prefixe, chemin in finder.locations
            ]
        elif isinstance(finder, AppDirectoriesFinder):
            racines += [moteur.Racine(str(s.location)) for s in finder.storages.values()]
    if settings.STATIC_ROOT and os.path.isdir(settings.STATIC_ROOT):
        racines.append(moteur.Racine(str(settings.STATIC_ROOT)))
    return tuple(racines)


class _Enfant:
    """Le processus enfant qui rend (`python -m actes.moteur`), propre à un processus
    parent. Bornes : espace d'adresses (RLIMIT_AS, posé par l'enfant sur lui-même) et délai
    (le parent tue l'enfant qui ne répond pas). Un enfant qui meurt, dépasse ses bornes ou a
    servi `RENDU_RENDUS_PAR_ENFANT` rendus est remplacé au rendu suivant."""

    def __init__(self):
        self.pid_parent = os.getpid()
        self.processus: subprocess.Popen | None = None
        self.rendus = 0
        self.rss_reference: float | None = None
        self.verrou = threading.Lock()

    def _a_trop_grossi(self) -> bool:
        """Vrai si la mémoire résidente de l'enfant dépasse de RENDU_CROISSANCE_MAX_MO celle
        qu'il avait après son premier rendu. Mesuré (bench/actes.py) : WeasyPrint garde
        ≈ 0,2 Mo par acte de 3 pages d'un rendu à l'autre ; on remplace l'enfant plutôt que
        de le laisser croître (redémarrage ≈ 1 s, quelques centaines de rendus)."""
        rss = rss_mo(self.processus.pid) if self.processus else None
        if rss is None:
            return False
        if self.rss_reference is None:
            self.rss_reference = rss
            return False
        return rss > self.rss_reference + settings.RENDU_CROISSANCE_MAX_MO

    def _demarrer(self) -> subprocess.Popen:
        reglages = {
            "racines": [(racine.chemin, racine.prefixe) for racine in racines_statiques()],
            "feuilles": [FEUILLE_DES_ACTES],
            "memoire_octets": settings.RENDU_MEMOIRE_MO * 1024 * 1024,
        }
        processus = subprocess.Popen(
            [sys.executable, "-m", "actes.moteur", json.dumps(reglages)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(settings.BASE_DIR),
        )
        self.rendus = 0
        self.rss_reference = None
        try:
            pret = self._lire(processus, 1, settings.RENDU_DELAI_DEMARRAGE_S)
        except RenduImpossible:
            self._arreter(processus)
            raise
        if pret != b"P":
            self._arreter(processus)
            raise RenduImpossible("Le moteur de rendu PDF n'a pas démarré.")
        return processus

    @staticmethod
    def _arreter(processus: subprocess.Popen) -> None:
        with contextlib.suppress(OSError):
            processus.kill()
        processus.wait()
        for flux in (processus.stdin, processus.stdout):
            with contextlib.suppress(OSError):
                flux.close()

    def arreter(self) -> None:
        if self.processus is not None:
            self._arreter(self.processus)
            self.processus = None

    @staticmethod
    def _lire(processus: subprocess.Popen, taille: int, delai: float) -> bytes:
        """`taille` octets de l'enfant avant `delai` secondes, ou RenduImpossible."""
        limite = time.monotonic() + delai
        descripteur = processus.stdout.fileno()
        morceaux = []
        while taille:
            reste = limite - time.monotonic()
            if reste <= 0 or not select.select([descripteur], [], [], reste)[0]:
                raise _Depassement
            morceau = os.read(descripteur, min(taille, 1 << 20))
            if not morceau:
                raise _EnfantMort
            morceaux.append(morceau)
            taille -= len(morceau)
        return b"".join(morceaux)

    def rendre(self, html: str, elements: tuple[str, ...], pdfa: bool) -> bytes:
        demande = json.dumps({"html": html, "pied": list(elements), "pdfa": pdfa}).encode()
        with self.verrou:
            if self.processus is None or self.processus.poll() is not None:
                self.processus = self._demarrer()
            processus = self.processus
            delai = settings.RENDU_DELAI_S
            try:
                processus.stdin.write(len(demande).to_bytes(4, "big") + demande)
                processus.stdin.flush()
                debut = time.monotonic()
                etat = self._lire(processus, 1, delai)
                reste = delai - (time.monotonic() - debut)
                taille = int.from_bytes(self._lire(processus, 4, reste), "big")
                reponse = self._lire(processus, taille, delai - (time.monotonic() - debut))
            except _Depassement:
                self.arreter()
                raise RenduImpossible(
                    f"Le rendu du PDF a dépassé {delai:g} s et a été interrompu "
                    "(document trop lourd ?)."
                ) from None
            except (_EnfantMort, BrokenPipeError):
                self.arreter()
                raise RenduImpossible(
                    "Le moteur de rendu PDF s'est arrêté pendant le rendu (mémoire "
                    f"dépassée ? limite {settings.RENDU_MEMOIRE_MO} Mo)."
                ) from None
            self.rendus += 1
            if etat != moteur.ETAT_PDF and reponse == b"memoire":
                self.arreter()  # l'enfant s'arrête de lui-même après un manque de mémoire
            elif self.rendus >= settings.RENDU_RENDUS_PAR_ENFANT or self._a_trop_grossi():
                self.arreter()
        if etat == moteur.ETAT_PDF:
            return reponse
        message = reponse.decode(errors="replace")
        if message == "memoire":
            raise RenduImpossible(
                f"Le rendu du PDF a dépassé la mémoire permise ({settings.RENDU_MEMOIRE_MO} Mo)."
            )
        if message.startswith("refuse:"):
            raise RenduImpossible(message.removeprefix("refuse:"))
        raise RenduImpossible(
            f"Le PDF n'a pas pu être produit ({message.removeprefix('erreur:')})."
        )


def rss_mo(pid: int) -> float | None:
    """Mémoire résidente d'un processus en Mo (Linux : /proc), None si illisible."""
    try:
        with open(f"/proc/{pid}/status") as statut:
            for ligne in statut:
                if ligne.startswith("VmRSS:"):
                    return int(ligne.split()[1]) / 1024
    except OSError:
        return None
    return None


class _Depassement(Exception):
    pass


class _EnfantMort(Exception):
    pass


_enfant: _Enfant | None = None
_supplementaires: list[_Enfant] = []
_verrou_enfant = threading.Lock()


def _enfant_du_processus() -> _Enfant:
    # Un enfant par processus : après un fork (workers Celery), le nouveau processus ne
    # parle pas à l'enfant de son parent, il démarre le sien au premier rendu.
    global _enfant
    with _verrou_enfant:
        if _enfant is None or _enfant.pid_parent != os.getpid():
            _enfant = _Enfant()
            atexit.register(_enfant.arreter)
        return _enfant


def _enfants_du_processus(nombre: int) -> list[_Enfant]:
    """L'enfant du processus et `nombre - 1` enfants supplémentaires, propres eux aussi au
    processus appelant (mêmes bornes, même remplacement) ; gardés chauds comme le premier."""
    global _supplementaires
    principal = _enfant_du_processus()
    with _verrou_enfant:
        _supplementaires = [e for e in _supplementaires if e.pid_parent == os.getpid()]
        while len(_supplementaires) < nombre - 1:
            enfant = _Enfant()
            atexit.register(enfant.arreter)
            _supplementaires.append(enfant)
        return [principal, *_supplementaires[: nombre - 1]]


def rendre_pdf(html: str, *, pied: Pied | None = None, pdfa: bool = True) -> bytes:
    """PDF (PDF/A-3b par défaut) du document `html`, avec la feuille des actes et, si
    `pied` est donné, ses mentions en bas de chaque page.

    Le rendu se fait dans un processus enfant réutilisé, borné en mémoire
    (`RENDU_MEMOIRE_MO`) et en temps (`RENDU_DELAI_S`) : un document hostile ou trop lourd
    lève `RenduImpossible` (message en français) et laisse l'appelant vivant."""
    elements = pied.elements() if pied else ()
    if len(html) > moteur.TAILLE_MAX_HTML:
        # Refusé avant d'être envoyé à l'enfant (même message que le moteur).
        raise RenduImpossible(
            f"Document trop volumineux pour un PDF ({len(html) // 1024} Ko, "
            f"au plus {moteur.TAILLE_MAX_HTML // 1024} Ko)."
        )
    return _enfant_du_processus().rendre(html, elements, pdfa)


def rendre_pdfs(
    documents: Iterable[str], *, pdfa: bool = True, paralleles: int | None = None
) -> list[bytes]:
    """Les PDF de plusieurs documents HTML, dans leur ordre, rendus par `paralleles` enfants
    à la fois (`RENDU_PARALLELES` par défaut : 2, les cœurs de la machine de l'étude).

    Chaque enfant garde les bornes de `rendre_pdf` ; les rendus attendent dans des fils
    d'exécution du processus appelant (qui ne font qu'attendre l'enfant : le GIL est rendu).
    `documents` peut être un générateur : le document suivant se prépare pendant que les
    enfants rendent les précédents. Le premier rendu qui échoue lève `RenduImpossible`, après
    la fin des rendus déjà lancés (aucun enfant laissé en plein travail)."""
    paralleles = max(1, paralleles or settings.RENDU_PARALLELES)
    enfants = _enfants_du_processus(paralleles)
    libres: queue.Queue[_Enfant] = queue.Queue()
    for enfant in enfants:
        libres.put(enfant)

    def un_rendu(html: str) -> bytes:
        enfant = libres.get()
        try:
            return enfant.rendre(html, (), pdfa)
        finally:
            libres.put(enfant)

    with ThreadPoolExecutor(max_workers=len(enfants), thread_name_prefix="rendu") as pool:
        futurs = []
        for html in documents:
            if len(html) > moteur.TAILLE_MAX_HTML:
                raise RenduImpossible(
                    f"Document trop volumineux pour un PDF ({len(html) // 1024} Ko, "
                    f"au plus {moteur.TAILLE_MAX_HTML // 1024} Ko)."
                )
            futurs.append(pool.submit(un_rendu, html))
        return [futur.result() for futur in futurs]


def rendre_acte_pdf(html: str, *, reference_dossier: str, code_acte: str, initiales: str) -> bytes:
    """PDF/A d'un acte : pied « Dossier … · Acte … · Clerc … » et folio sur chaque page.
    Les trois mentions sont exigées (un acte sans elles ne se rend pas)."""
    manquantes = [
        libelle
        for libelle, valeur in (
            ("la référence du dossier", reference_dossier),
            ("le code de l'acte", code_acte),
            ("les initiales du clerc", initiales),
        )
        if not (valeur or "").strip()
    ]
    if manquantes:
        raise RenduImpossible(
            "Pied de l'acte incomplet : il manque " + ", ".join(manquantes) + "."
        )
    pied = Pied(reference_dossier=reference_dossier, code_acte=code_acte, initiales=initiales)
    return rendre_pdf(html, pied=pied, pdfa=True)
