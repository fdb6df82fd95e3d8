"""PDF du décompte (WeasyPrint), sans accès au réseau ni au disque hors des fichiers
statiques de l'application.

Le gabarit est rendu par Django avec des données de l'étude (noms, libellés saisis) : une
balise `<img src="http://…">` ou `file:///etc/…` glissée dans un libellé serait échappée, mais
on ferme aussi la porte côté moteur : le récupérateur d'URL ne sert que les fichiers
trouvés par les finders de `django.contrib.staticfiles` sous `STATIC_URL`, et refuse tout le
reste (http, https, file, data...).
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Origine fictive des URL du document : ne se résout nulle part (RFC 2606).
BASE_URL = "https://etude.invalid/"


class RessourceRefusee(ValueError):
    """URL qu'un document PDF n'a pas le droit de charger."""


def fichier_statique(url: str) -> str:
    """Chemin du fichier statique que désigne `url`, ou RessourceRefusee."""
    morceaux = urlsplit(url)
    origine = urlsplit(BASE_URL)
    prefixe = "/" + settings.STATIC_URL.strip("/") + "/"
    if (morceaux.scheme, morceaux.netloc) != (origine.scheme, origine.netloc):
        raise RessourceRefusee(f"Ressource externe refusée dans un PDF : {url}")
    chemin = unquote(morceaux.path)
    if not chemin.startswith(prefixe) or ".." in chemin.split("/"):
        raise RessourceRefusee(f"Ressource hors des fichiers statiques refusée : {url}")
    trouve = finders.find(chemin.removeprefix(prefixe))
    if not trouve or isinstance(trouve, list):
        raise RessourceRefusee(f"Fichier statique introuvable : {url}")
    return trouve


def url_fetcher(url: str, *args, **kwargs):
    """Récupérateur d'URL pour WeasyPrint : les fichiers statiques de l'application, rien
    d'autre."""
    from weasyprint.urls import URLFetcherResponse

    chemin = fichier_statique(url)
    with open(chemin, "rb") as fichier:
        contenu = fichier.read()
    type_mime = mimetypes.guess_type(chemin)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=contenu, headers={"Content-Type": type_mime})


def _recuperateur():
    from weasyprint.urls import URLFetcher

    class RecuperateurStatique(URLFetcher):
        def fetch(self, url, headers=None):
            return url_fetcher(url)

    return RecuperateurStatique()


def rendre_pdf(gabarit: str, contexte: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(gabarit, contexte)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_recuperateur()).write_pdf()
