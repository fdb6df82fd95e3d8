"""SMS : longueur en segments (GSM 03.38 / UCS-2) et backends enfichables.

Un SMS tient en 160 caractères de l'alphabet GSM 7 bits (les caractères de l'extension,
comme « € », en comptent deux), ou en 70 caractères UCS-2 dès qu'un seul caractère est hors
de l'alphabet ; au-delà, le message est découpé en segments de 153 (GSM) ou 67 (UCS-2)
caractères (3GPP TS 23.038, TS 23.040). `ajuster` remplace d'abord les caractères qui
forceraient l'UCS-2 par leurs équivalents GSM (« ê » -> « e », guillemets typographiques),
pour qu'un message court tienne dans un seul SMS.

Backends (réglage `RELANCES_SMS_BACKEND`, chemin pointé d'une classe) :
- `relances.sms.SMSConsole` : écrit le message sur la sortie (démo, poste de développement) ;
- `relances.sms.SMSMemoire` : garde les messages dans `relances.sms.boite` (tests) ;
- `relances.sms.SMSHttp` : POST JSON vers `RELANCES_SMS_URL` avec `RELANCES_SMS_CLE`
  (en-tête Authorization: Bearer), expéditeur `RELANCES_SMS_EXPEDITEUR` ; le prestataire
  répond 2xx avec un identifiant (`id`), sinon l'envoi est en échec avec sa réponse.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

GSM_BASE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"
_GSM = set(GSM_BASE) | set(GSM_EXTENSION)

# Équivalents GSM des caractères français hors de l'alphabet (ce qui changerait l'encodage).
_EQUIVALENTS = str.maketrans(
    {
        "ê": "e",
        "ë": "e",
        "â": "a",
        "á": "a",
        "î": "i",
        "ï": "i",
        "í": "i",
        "ô": "o",
        "ó": "o",
        "û": "u",
        "ú": "u",
        "ç": "Ç",
        "È": "E",
        "Ê": "E",
        "Ë": "E",
        "À": "A",
        "Â": "A",
        "Î": "I",
        "Ô": "O",
        "Û": "U",
        "Ù": "U",
        "œ": "oe",
        "Œ": "OE",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "‘": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


@dataclass(frozen=True)
class Longueur:
    encodage: str  # "GSM-7" ou "UCS-2"
    unites: int  # septets GSM ou caractères UCS-2 (unités de 16 bits)
    segments: int


def longueur(texte: str) -> Longueur:
    if all(c in _GSM for c in texte):
        unites = sum(2 if c in GSM_EXTENSION else 1 for c in texte)
        segments = 1 if unites <= 160 else -(-unites // 153)
        return Longueur("GSM-7", unites, segments)
    unites = len(texte.encode("utf-16-le")) // 2
    segments = 1 if unites <= 70 else -(-unites // 67)
    return Longueur("UCS-2", unites, segments)


def ajuster(texte: str) -> str:
    """Le texte, ramené à l'alphabet GSM quand cela tient en moins de segments."""
    texte = " ".join(texte.split())
    converti = texte.translate(_EQUIVALENTS)
    if longueur(converti).segments < longueur(texte).segments:
        return converti
    return texte


class ErreurSMS(Exception):
    """Le prestataire a refusé le message (réponse, code) : l'envoi est en échec."""


class SMSConsole:
    def envoyer(self, *, numero: str, texte: str, reference: str) -> str:
        sys.stdout.write(f"[SMS] à {numero} (réf. {reference}) : {texte}\n")
        sys.stdout.flush()
        return f"console-{reference}"


boite: list[dict] = []


class SMSMemoire:
    def envoyer(self, *, numero: str, texte: str, reference: str) -> str:
        boite.append({"numero": numero, "texte": texte, "reference": reference})
        return f"memoire-{len(boite)}"


class SMSHttp:
    """Adaptateur HTTP générique : point d'accès, clé et expéditeur configurables.

    Le champ `reference` (l'identifiant de l'envoi) sert de clé d'idempotence chez les
    prestataires qui la gèrent : un message rejoué avec la même référence n'est pas facturé
    deux fois."""

    def __init__(self, url: str | None = None, cle: str | None = None, expediteur=None):
        self.url = url or getattr(settings, "RELANCES_SMS_URL", "")
        self.cle = cle if cle is not None else getattr(settings, "RELANCES_SMS_CLE", "")
        self.expediteur = expediteur or getattr(settings, "RELANCES_SMS_EXPEDITEUR", "ETUDE")
        self.delai = getattr(settings, "RELANCES_SMS_DELAI", 10)

    def envoyer(self, *, numero: str, texte: str, reference: str) -> str:
        if not self.url.startswith(("https://", "http://")):
            raise ErreurSMS("RELANCES_SMS_URL n'est pas une URL http(s) : aucun prestataire SMS.")
        corps = json.dumps(
            {"to": numero, "from": self.expediteur, "text": texte, "reference": reference}
        ).encode()
        requete = urllib.request.Request(  # noqa: S310 (schéma vérifié plus haut)
            self.url,
            data=corps,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.cle}",
                "Idempotency-Key": reference,
            },
        )
        try:
            # Schéma vérifié plus haut : http ou https seulement.
            with urllib.request.urlopen(requete, timeout=self.delai) as reponse:  # noqa: S310
                donnees = json.loads(reponse.read() or b"{}")
        except urllib.error.HTTPError as erreur:
            detail = erreur.read()[:200].decode(errors="replace")
            raise ErreurSMS(f"Prestataire SMS : HTTP {erreur.code} {detail}") from erreur
        except (urllib.error.URLError, TimeoutError, ValueError) as erreur:
            raise ErreurSMS(f"Prestataire SMS injoignable : {erreur}") from erreur
        return str(donnees.get("id", ""))


def backend():
    chemin = getattr(settings, "RELANCES_SMS_BACKEND", "relances.sms.SMSConsole")
    return import_string(chemin)()
