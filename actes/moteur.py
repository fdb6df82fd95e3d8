"""Le moteur WeasyPrint d'Étude, sans Django : HTML + pied de page -> octets PDF.

Ce module n'importe rien de Django : il tourne aussi bien dans le processus appelant que
dans le processus enfant qui borne le rendu (`actes.rendu`). Tout ce qu'il sait de
l'application lui est passé : les dossiers de fichiers statiques qu'il a le droit de lire.

Le récupérateur d'URL (`Recuperateur`) est la seule porte de WeasyPrint vers l'extérieur
(feuilles de style, images, polices `@font-face`, `@import`, SVG) : il ne sert que des
fichiers trouvés sous ces dossiers (chemin réel vérifié : pas de `..`, pas de lien
symbolique qui sorte), et quelques images `data:` bornées ; il refuse `file:`, `http(s):`,
`ftp:` et tout le reste. Une ressource refusée est omise par WeasyPrint (avertissement dans
son journal), le document se rend sans elle.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# Origine fictive des URL des documents : ne se résout nulle part (RFC 2606). Les gabarits
# désignent les fichiers statiques par `{% static %}` (« /static/... »), résolus contre elle.
BASE_URL = "https://etude.invalid/"
PREFIXE_STATIQUE = "/static/"

# Variante PDF/A : WeasyPrint 62+ propose pdf/a-1b à 4u ; la 3b (ISO 19005-3, niveau B :
# apparence visuelle conservée) admet des pièces jointes, la 2b non. Archivage des actes.
VARIANTE_PDFA = "pdf/a-3b"

# Images `data:` admises (logos, signatures scannées) et leur taille maximale décodée.
TYPES_DATA_ADMIS = frozenset({"image/png", "image/jpeg"})
TAILLE_MAX_DATA = 2 * 1024 * 1024
# Au-delà, le document est refusé avant tout rendu (un acte fait quelques dizaines de Ko).
TAILLE_MAX_HTML = 5 * 1024 * 1024
TAILLE_MAX_FICHIER = 10 * 1024 * 1024


class RessourceRefusee(ValueError):
    """URL qu'un document PDF n'a pas le droit de charger."""


class DocumentRefuse(ValueError):
    """Document que le moteur refuse de rendre (trop volumineux...) ; message en français."""


@dataclass(frozen=True)
class Racine:
    """Un dossier de fichiers statiques, servi sous `/static/<prefixe>`."""

    chemin: str
    prefixe: str = ""


def resoudre_statique(url: str, racines: tuple[Racine, ...]) -> str:
    """Chemin du fichier statique que désigne `url` (absolue, sur BASE_URL), ou
    RessourceRefusee. Le chemin réel doit rester sous le chemin réel d'une racine."""
    morceaux = urlsplit(url)
    origine = urlsplit(BASE_URL)
    if (morceaux.scheme.lower(), morceaux.netloc.lower()) != (origine.scheme, origine.netloc):
        raise RessourceRefusee(f"Ressource externe refusée dans un PDF : {url[:200]}")
    chemin = unquote(morceaux.path)
    if not chemin.startswith(PREFIXE_STATIQUE) or "\x00" in chemin or "\\" in chemin:
        raise RessourceRefusee(f"Ressource hors des fichiers statiques refusée : {url[:200]}")
    relatif = chemin.removeprefix(PREFIXE_STATIQUE)
    segments = relatif.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise RessourceRefusee(f"Chemin de fichier statique refusé : {url[:200]}")
    for racine in racines:
        prefixe = racine.prefixe.strip("/")
        if prefixe:
            if not relatif.startswith(prefixe + "/"):
                continue
            reste = relatif.removeprefix(prefixe + "/")
        else:
            reste = relatif
        base = os.path.realpath(racine.chemin)
        candidat = os.path.realpath(os.path.join(base, reste))
        if candidat.startswith(base + os.sep) and os.path.isfile(candidat):
            return candidat
    raise RessourceRefusee(f"Fichier statique introuvable : {url[:200]}")


def _donnees_data(url: str) -> tuple[str, bytes]:
    """Type et contenu d'une URL `data:` admise (images PNG/JPEG en base64, bornées)."""
    entete, virgule, charge = url[5:].partition(",")
    parametres = [p.strip().lower() for p in entete.split(";")]
    type_mime = parametres[0] if parametres else ""
    if not virgule or type_mime not in TYPES_DATA_ADMIS or "base64" not in parametres[1:]:
        raise RessourceRefusee(f"URL data: refusée dans un PDF : {url[:60]}")
    if len(charge) > TAILLE_MAX_DATA * 4 // 3 + 4:
        raise RessourceRefusee("Image data: trop volumineuse pour un PDF.")
    try:
        contenu = base64.b64decode(unquote(charge), validate=True)
    except (binascii.Error, ValueError) as erreur:
        raise RessourceRefusee("Image data: illisible.") from erreur
    return type_mime, contenu


def recuperer(url: str, racines: tuple[Racine, ...]):
    """Réponse WeasyPrint pour `url`, ou RessourceRefusee (voir le docstring du module)."""
    from weasyprint.urls import URLFetcherResponse

    if url[:5].lower() == "data:":
        type_mime, contenu = _donnees_data(url)
        return URLFetcherResponse(url, body=contenu, headers={"Content-Type": type_mime})
    chemin = resoudre_statique(url, racines)
    if os.path.getsize(chemin) > TAILLE_MAX_FICHIER:
        raise RessourceRefusee(f"Fichier statique trop volumineux pour un PDF : {url[:200]}")
    with open(chemin, "rb") as fichier:
        contenu = fichier.read()
    type_mime = mimetypes.guess_type(chemin)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=contenu, headers={"Content-Type": type_mime})


def _classe_recuperateur():
    from weasyprint.urls import URLFetcher

    class Recuperateur(URLFetcher):
        """URLFetcher de WeasyPrint réduit aux fichiers statiques de l'application."""

        def __init__(self, racines: tuple[Racine, ...]):
            # Aucun protocole admis par la classe de base : seul `fetch` ci-dessous sert.
            super().__init__(allowed_protocols=())
            self.racines = racines

        def fetch(self, url, headers=None):
            return recuperer(url, self.racines)

    return Recuperateur


def echapper_css(texte: str) -> str:
    """Chaîne CSS entre guillemets dont chaque caractère est une séquence d'échappement
    hexadécimale : aucune valeur saisie ne peut fermer la chaîne ni la règle."""
    return '"' + "".join(f"\\{ord(caractere):06x}" for caractere in texte) + '"'


def css_pied(elements: tuple[str, ...]) -> str:
    """Règle `@page` qui place `elements` (joints par « · ») en bas à gauche de chaque page.
    Le numéro de page (en bas à droite) vient de la feuille des actes."""
    texte = " · ".join(element for element in elements if element)
    if not texte:
        return ""
    return f"@page {{ @bottom-left {{ content: {echapper_css(texte)}; }} }}"


class Moteur:
    """Rend du HTML en PDF. Garde d'un rendu à l'autre ce qui coûte (la feuille des actes
    analysée une fois) ; un objet par processus."""

    def __init__(self, racines: tuple[Racine, ...], feuilles: tuple[str, ...] = ()):
        self.racines = tuple(racines)
        self.feuilles_urls = tuple(feuilles)
        self._recuperateur = _classe_recuperateur()(self.racines)
        self._feuilles = None

    def _feuilles_de_base(self):
        from weasyprint import CSS

        if self._feuilles is None:
            self._feuilles = [
                CSS(url=BASE_URL + url.lstrip("/"), url_fetcher=self._recuperateur)
                for url in self.feuilles_urls
            ]
        return self._feuilles

    def rendre(self, html: str, *, pied: tuple[str, ...] = (), pdfa: bool = True) -> bytes:
        from weasyprint import CSS, HTML

        if len(html) > TAILLE_MAX_HTML:
            raise DocumentRefuse(
                f"Document trop volumineux pour un PDF ({len(html) // 1024} Ko, "
                f"au plus {TAILLE_MAX_HTML // 1024} Ko)."
            )
        feuilles = list(self._feuilles_de_base())
        regle = css_pied(pied)
        if regle:
            feuilles.append(CSS(string=regle, base_url=BASE_URL))
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=self._recuperateur)
        options = {"pdf_variant": VARIANTE_PDFA} if pdfa else {}
        return document.write_pdf(stylesheets=feuilles, **options)


# --- Processus enfant -------------------------------------------------------------------
# `python -m actes.moteur <réglages JSON>` : lit des demandes sur l'entrée standard, rend,
# répond sur la sortie standard. Trames : 4 octets de longueur (big-endian) puis le contenu.
# Demande : JSON {"html", "pied", "pdfa"}. Réponse : 1 octet d'état (b"O" : PDF, b"E" :
# erreur, message UTF-8) puis la trame. Fin de l'entrée (parent mort ou qui s'arrête) : fin.

ETAT_PDF = b"O"
ETAT_ERREUR = b"E"


def ecrire_trame(flux, donnees: bytes) -> None:
    flux.write(len(donnees).to_bytes(4, "big"))
    flux.write(donnees)
    flux.flush()


def lire_exactement(flux, taille: int) -> bytes:
    morceaux = []
    while taille:
        morceau = flux.read(taille)
        if not morceau:
            raise EOFError
        morceaux.append(morceau)
        taille -= len(morceau)
    return b"".join(morceaux)


def lire_trame(flux) -> bytes:
    return lire_exactement(flux, int.from_bytes(lire_exactement(flux, 4), "big"))


def servir(entree, sortie, moteur: Moteur) -> None:
    """Boucle du processus enfant. Une erreur de rendu est renvoyée au parent ; un manque
    de mémoire aussi, puis l'enfant s'arrête (son tas n'est plus sûr ; le parent en relance
    un au rendu suivant)."""
    import json

    while True:
        try:
            demande = json.loads(lire_trame(entree))
        except EOFError:
            return
        try:
            pdf = moteur.rendre(demande["html"], pied=tuple(demande["pied"]), pdfa=demande["pdfa"])
        except MemoryError:
            sortie.write(ETAT_ERREUR)
            ecrire_trame(sortie, b"memoire")
            return
        except DocumentRefuse as erreur:
            sortie.write(ETAT_ERREUR)
            ecrire_trame(sortie, ("refuse:" + str(erreur)).encode())
        except Exception as erreur:  # toute erreur de WeasyPrint : le parent la rapporte
            sortie.write(ETAT_ERREUR)
            ecrire_trame(sortie, f"erreur:{type(erreur).__name__} : {erreur}"[:2000].encode())
        else:
            sortie.write(ETAT_PDF)
            ecrire_trame(sortie, pdf)


def principal(argv: list[str]) -> None:
    import json
    import resource
    import sys

    reglages = json.loads(argv[0])
    memoire = reglages.get("memoire_octets")
    if memoire:
        # Espace d'adresses borné : au-delà, MemoryError (ou arrêt du processus) dans
        # l'enfant seul ; le parent (worker Celery, serveur web) reste vivant.
        resource.setrlimit(resource.RLIMIT_AS, (memoire, memoire))
    # Le protocole garde la vraie sortie standard ; tout `print` éventuel va au journal.
    sortie = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    entree = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    racines = tuple(Racine(chemin, prefixe) for chemin, prefixe in reglages["racines"])
    moteur = Moteur(racines, feuilles=tuple(reglages["feuilles"]))
    # Chauffe : importer WeasyPrint, charger les polices et la feuille avant la 1re demande.
    moteur.rendre("<p>Étude</p>", pdfa=True)
    sortie.write(b"P")  # prêt
    sortie.flush()
    servir(entree, sortie, moteur)


if __name__ == "__main__":
    import sys

    principal(sys.argv[1:])
