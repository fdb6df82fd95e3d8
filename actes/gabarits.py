"""Gabarits d'actes : parties libres délimitées, rendu Django du texte de l'acte.

Un gabarit est un texte du langage de gabarits de Django. Les passages que le clerc peut
réécrire sont délimités :

    [[libre:inventaire|Inventaire des biens saisis]]Texte proposé par défaut[[/libre]]

Au rendu, chaque partie libre est remplacée par le texte saisi (échappé comme toute donnée :
un `<img src="file:///…">` tapé dans une partie libre reste du texte). Tout le reste de l'acte
vient des données du dossier et ne s'édite pas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError

from etude.errors import RegleMetier

_LIBRE = re.compile(
    r"\[\[libre:(?P<nom>[a-z_][a-z0-9_]*)\|(?P<libelle>[^\]]+)\]\](?P<defaut>.*?)\[\[/libre\]\]",
    re.S,
)

# Moteur dédié : seules les balises et filtres intégrés de Django, les gabarits inclus sont
# ceux de l'application (templates/actes/…), jamais un fichier désigné par l'étude.
_MOTEUR = None


def moteur() -> Engine:
    global _MOTEUR
    if _MOTEUR is None:
        from django.conf import settings

        _MOTEUR = Engine(
            dirs=[str(settings.BASE_DIR / "templates")],
            libraries={"humanize": "django.contrib.humanize.templatetags.humanize"},
            autoescape=True,
        )
    return _MOTEUR


@dataclass(frozen=True)
class PartieLibre:
    nom: str
    libelle: str
    defaut: str


def parties_libres(gabarit: str) -> list[PartieLibre]:
    vues = {}
    for m in _LIBRE.finditer(gabarit):
        vues.setdefault(m["nom"], PartieLibre(m["nom"], m["libelle"].strip(), m["defaut"].strip()))
    return list(vues.values())


def _en_django(gabarit: str) -> str:
    return _LIBRE.sub(lambda m: "{{ libre." + m["nom"] + "|linebreaksbr }}", gabarit)


def verifier_gabarit(gabarit: str) -> None:
    """Refuse un gabarit que Django ne sait pas lire (message avec l'erreur)."""
    try:
        moteur().from_string(_en_django(gabarit))
    except TemplateSyntaxError as exc:
        raise RegleMetier(f"Le modèle d'acte n'est pas un gabarit valide : {exc}") from exc


def rendre(gabarit: str, *, donnees: dict, libres: dict, contexte: dict | None = None) -> str:
    """Le HTML de l'acte : le gabarit rendu avec les données et les parties libres."""
    valeurs = {p.nom: p.defaut for p in parties_libres(gabarit)}
    valeurs.update({k: v for k, v in (libres or {}).items() if k in valeurs})
    modele = moteur().from_string(_en_django(gabarit))
    return modele.render(Context({**(contexte or {}), "d": donnees, "libre": valeurs}))
