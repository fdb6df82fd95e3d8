"""Contrôle de conformité d'un acte : chaque mention obligatoire, vérifiée sur les données du
brouillon et sur son texte final (module pur : ni ORM ni requête).

Le texte final est le HTML rendu du gabarit : on le lit comme le lirait le destinataire
(balises retirées, entités décodées, blancs réduits), et chaque valeur ou formule exigée doit
s'y trouver mot pour mot. Un acte avec une mention en échec ne se finalise pas
(`actes.services.acte_finaliser`) ; le rapport dit laquelle et pourquoi.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .types import Mention, TypeActe, mentions

_BALISE = re.compile(r"<[^>]+>")
_BLANCS = re.compile(r"\s+")


def texte_lisible(contenu: str) -> str:
    """Le texte tel qu'il se lit : sans balises, entités décodées, blancs (y compris
    insécables) réduits à une espace."""
    sans_balises = _BALISE.sub(" ", contenu or "")
    return normaliser(html.unescape(sans_balises))


def normaliser(texte: str) -> str:
    texte = texte.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    return _BLANCS.sub(" ", texte).strip()


def valeur(donnees: dict, chemin: str):
    """La valeur au chemin « a/b/c » des données, ou None."""
    courant = donnees
    for morceau in chemin.split("/"):
        if not isinstance(courant, dict) or morceau not in courant:
            return None
        courant = courant[morceau]
    return courant


def _vide(v) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, (list, tuple, dict)):
        return not v or all(_vide(x) for x in (v.values() if isinstance(v, dict) else v))
    return False


def _attendus(v) -> list[str]:
    if isinstance(v, (list, tuple)):
        return [normaliser(str(x)) for x in v if not _vide(x)]
    if isinstance(v, bool) or v is None:
        return []
    return [normaliser(str(v))]


@dataclass(frozen=True)
class Resultat:
    mention: Mention
    manques_donnees: tuple[str, ...] = ()
    manques_texte: tuple[str, ...] = ()

    @property
    def conforme(self) -> bool:
        return not self.manques_donnees and not self.manques_texte

    @property
    def motif(self) -> str:
        morceaux = []
        if self.manques_donnees:
            morceaux.append("donnée absente du brouillon : " + ", ".join(self.manques_donnees))
        if self.manques_texte:
            extraits = [f"« {_court(t)} »" for t in self.manques_texte]
            morceaux.append("le texte de l'acte ne contient pas " + ", ".join(extraits))
        return " ; ".join(morceaux)

    @property
    def message(self) -> str:
        m = self.mention
        return f"{m.id} — {m.libelle} ({m.article}, sanction : {m.sanction}) : {self.motif}."


def _court(texte: str, n: int = 90) -> str:
    return texte if len(texte) <= n else texte[: n - 1] + "…"


@dataclass
class Rapport:
    type_acte: TypeActe
    resultats: list[Resultat] = field(default_factory=list)
    # Chiffres du décompte ou du coût non confirmés (comptabilite : drapeau `confirme`).
    a_verifier: list[str] = field(default_factory=list)
    # Données de référence absentes (DonneeManquante) : le calcul s'est arrêté.
    erreurs: list[str] = field(default_factory=list)

    @property
    def echecs(self) -> list[Resultat]:
        return [r for r in self.resultats if not r.conforme]

    @property
    def conforme(self) -> bool:
        return not self.echecs and not self.a_verifier and not self.erreurs

    def echec(self, id_mention: str) -> Resultat | None:
        return next((r for r in self.echecs if r.mention.id == id_mention), None)

    def resume(self) -> str:
        lignes = [r.message for r in self.echecs]
        lignes += [f"Chiffre à vérifier : {a}" for a in self.a_verifier]
        lignes += [f"Donnée de référence manquante : {e}" for e in self.erreurs]
        return "\n".join(lignes)


def controler(type_acte: TypeActe, donnees: dict, texte_html: str | None) -> Rapport:
    """Contrôle chaque mention applicable : ses champs dans `donnees` (parties libres sous
    « libre/… »), puis, si `texte_html` est donné, leurs valeurs et ses formules dans le texte.
    """
    # Comparaison sans la casse : une formule légale peut ouvrir une phrase.
    lisible = texte_lisible(texte_html).casefold() if texte_html is not None else None
    rapport = Rapport(type_acte=type_acte)
    for mention in mentions(type_acte):
        if not mention.applicable(donnees):
            continue
        manques_donnees = []
        manques_texte = []
        for chemin in mention.champs:
            v = valeur(donnees, chemin)
            if _vide(v):
                manques_donnees.append(chemin)
            elif lisible is not None:
                manques_texte += [a for a in _attendus(v) if a.casefold() not in lisible]
        if lisible is not None:
            manques_texte += [
                normaliser(p) for p in mention.phrases if normaliser(p).casefold() not in lisible
            ]
        rapport.resultats.append(
            Resultat(mention, tuple(manques_donnees), tuple(dict.fromkeys(manques_texte)))
        )
    decompte = donnees.get("decompte") or {}
    cout = donnees.get("cout") or {}
    rapport.a_verifier = list(decompte.get("a_verifier") or []) + list(
        cout.get("a_verifier") or []
    )
    rapport.erreurs = list(decompte.get("erreurs") or []) + list(cout.get("erreurs") or [])
    return rapport
