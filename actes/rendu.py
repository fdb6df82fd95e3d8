"""Rendu PDF d'Étude : un seul module pour les actes, les lettres et les décomptes.

API stable (les applications `actes`, `relances` et `comptabilite` l'appellent) :

- `rendre_pdf(html, *, pied=None, pdfa=True) -> bytes` : n'importe quel document HTML
  (lettre de relance, décompte...) ; `pied` ajoute en bas de chaque page le numéro de
  dossier, le code d'acte et les initiales du clerc.
- `rendre_acte_pdf(html, *, reference_dossier, code_acte, initiales) -> bytes` : un acte,
  toujours en PDF/A, pied obligatoire.
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

import os
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


_moteurs: dict[int, moteur.Moteur] = {}


def _moteur() -> moteur.Moteur:
    # Un moteur par processus (les workers Celery forkent : pas de partage d'état).
    pid = os.getpid()
    if pid not in _moteurs:
        _moteurs.clear()
        _moteurs[pid] = moteur.Moteur(racines_statiques(), feuilles=(FEUILLE_DES_ACTES,))
    return _moteurs[pid]


def rendre_pdf(html: str, *, pied: Pied | None = None, pdfa: bool = True) -> bytes:
    """PDF (PDF/A-3b par défaut) du document `html`, avec la feuille des actes et, si
    `pied` est donné, ses mentions en bas de chaque page. Lève `RenduImpossible`."""
    elements = pied.elements() if pied else ()
    try:
        return _moteur().rendre(html, pied=elements, pdfa=pdfa)
    except moteur.DocumentRefuse as erreur:
        raise RenduImpossible(str(erreur)) from erreur
    except RenduImpossible:
        raise
    except Exception as erreur:
        raise RenduImpossible(
            f"Le PDF n'a pas pu être produit ({type(erreur).__name__} : {erreur})."
        ) from erreur


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
