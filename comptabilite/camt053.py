"""Lecture d'un relevé bancaire ISO 20022 camt.053 (versions 001.02 à 001.08) : module pur.

Ce qui est retenu : chaque écriture (`Ntry`) au crédit (`CdtDbtInd` = CRDT), comptabilisée
(`Sts` BOOK ou absent) et non extournée (`RvslInd` différent de true), avec son montant, sa
devise, ses dates, ses références bancaires, le nom du donneur d'ordre et l'information de
remise (`RmtInf/Ustrd` et `RmtInf/Strd/.../Ref`), où l'on cherche une référence de dossier
`AAAA-NNNNNN`.

Un fichier mal formé est refusé en entier avec un message en français qui nomme la ligne
(XML illisible) ou l'écriture (numéro, références, ligne du fichier) : rien n'en est importé.

Sécurité : le fichier vient de l'extérieur. On refuse toute déclaration DOCTYPE ou ENTITY (un
camt.053 n'en a jamais) avant l'analyse ; l'analyseur de la bibliothèque standard ne charge
ni DTD ni entité externe, et expat >= 2.4.1 borne l'expansion d'entités (« billion
laughs »). `defusedxml` n'apporterait rien de plus ici : pas de dépendance ajoutée.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET  # noqa: S405 (DOCTYPE et ENTITY refusés avant l'analyse)
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

ESPACE_PREFIXE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
VERSIONS = tuple(f"{v:02d}" for v in range(2, 9))
REFERENCE_DOSSIER = re.compile(r"(?<![\d-])(\d{4}-\d{6})(?![\d-])")
TAILLE_MAX = 200 * 1024 * 1024
BALISES = (
    "AcctSvcrRef",
    "NtryRef",
    "Amt",
    "CdtDbtInd",
    "BookgDt",
    "ValDt",
    "Sts",
    "Cd",
    "RvslInd",
    "RmtInf",
    "Ustrd",
    "Ref",
    "Dbtr",
    "Nm",
)


class ReleveInvalide(ValueError):
    """Relevé refusé ; le message dit où et quoi, en français."""


@dataclass(slots=True)
class Credit:
    """Un crédit du relevé."""

    cle: str
    rang: int
    reference_banque: str
    montant: Decimal
    devise: str
    date_valeur: date
    date_comptable: date | None
    libelle: str
    emetteur: str
    references: tuple[str, ...]


@dataclass
class Releve:
    version: str
    identifiant: str
    iban: str
    sha256: str
    credits: list[Credit] = field(default_factory=list)
    ecritures: int = 0
    ignorees: int = 0


def _ligne_de_l_ecriture(donnees: bytes, rang: int) -> int | None:
    """Ligne du fichier où commence la `rang`-ième balise Ntry (calculée seulement pour un
    message d'erreur)."""
    for numero, trouve in enumerate(re.finditer(rb"<(?:\w+:)?Ntry[\s>]", donnees), start=1):
        if numero == rang:
            return donnees.count(b"\n", 0, trouve.start()) + 1
    return None


def _refus(donnees: bytes, rang: int, acctsvcrref: str, ntryref: str, quoi: str):
    """Le refus d'un relevé, qui nomme l'écriture : rang, références, ligne du fichier."""
    noms = [f"écriture n° {rang}"]
    if acctsvcrref:
        noms.append(f"AcctSvcrRef « {acctsvcrref} »")
    if ntryref:
        noms.append(f"NtryRef « {ntryref} »")
    ligne = _ligne_de_l_ecriture(donnees, rang)
    if ligne:
        noms.append(f"ligne {ligne}")
    return ReleveInvalide(f"Relevé refusé, {', '.join(noms)} : {quoi}")


def _date(element, ns: str) -> date | None:
    if element is None:
        return None
    texte = element.findtext(f"{ns}Dt") or element.findtext(f"{ns}DtTm") or ""
    texte = texte.strip()[:10]
    if not texte:
        return None
    return date.fromisoformat(texte)


def lire(donnees: bytes) -> Releve:
    """Analyse un relevé camt.053 ; lève `ReleveInvalide` avec un message en français."""
    if not donnees or not donnees.strip():
        raise ReleveInvalide("Le fichier est vide.")
    if len(donnees) > TAILLE_MAX:
        raise ReleveInvalide("Le fichier dépasse 200 Mo : découpez le relevé.")
    if b"<!DOCTYPE" in donnees or b"<!ENTITY" in donnees:
        raise ReleveInvalide(
            "Le fichier contient une déclaration DOCTYPE ou ENTITY : un relevé camt.053 n'en "
            "contient jamais, il est refusé par sécurité."
        )
    try:
        racine = ET.fromstring(donnees)  # noqa: S314
    except ET.ParseError as erreur:
        ligne, colonne = erreur.position
        raise ReleveInvalide(
            f"Le fichier n'est pas un XML valide : erreur ligne {ligne}, colonne {colonne}."
        ) from None
    if not racine.tag.startswith("{"):
        raise ReleveInvalide(
            "Espace de noms absent : ce n'est pas un relevé camt.053 (attendu "
            f"« {ESPACE_PREFIXE}02 » à « {ESPACE_PREFIXE}08 »)."
        )
    espace, _, nom = racine.tag[1:].partition("}")
    version = espace.removeprefix(ESPACE_PREFIXE)
    if not espace.startswith(ESPACE_PREFIXE) or version not in VERSIONS or nom != "Document":
        raise ReleveInvalide(
            f"Espace de noms « {espace} » (élément {nom}) : ce n'est pas un relevé camt.053 "
            "pris en charge (versions 001.02 à 001.08)."
        )
    ns = "{" + espace + "}"
    releve = Releve(
        version=f"001.{version}",
        identifiant="",
        iban="",
        sha256=hashlib.sha256(donnees).hexdigest(),
    )
    releves = racine.findall(f"{ns}BkToCstmrStmt/{ns}Stmt")
    if not releves:
        raise ReleveInvalide("Aucun relevé (BkToCstmrStmt/Stmt) dans le fichier.")
    vues: dict[str, int] = {}
    occurrences: dict[str, int] = {}
    rang = 0
    t = {nom: ns + nom for nom in BALISES}
    tag_rmtinf, tag_ustrd, tag_ref, tag_dbtr, tag_nm = (
        t["RmtInf"],
        t["Ustrd"],
        t["Ref"],
        t["Dbtr"],
        t["Nm"],
    )
    tag_pty_nm = f"{ns}Pty/{ns}Nm"
    for stmt in releves:
        identifiant = (stmt.findtext(f"{ns}Id") or "").strip()
        iban = (stmt.findtext(f"{ns}Acct/{ns}Id/{ns}IBAN") or "").strip()
        releve.identifiant = releve.identifiant or identifiant
        releve.iban = releve.iban or iban
        for ntry in stmt.iterfind(f"{ns}Ntry"):
            rang += 1
            releve.ecritures += 1
            ref_banque = (ntry.findtext(t["AcctSvcrRef"]) or "").strip()
            ref_ntry = (ntry.findtext(t["NtryRef"]) or "").strip()

            def refus(quoi: str) -> ReleveInvalide:
                return _refus(donnees, rang, ref_banque, ref_ntry, quoi)  # noqa: B023

            montant_el = ntry.find(t["Amt"])
            if montant_el is None or not (montant_el.text or "").strip():
                raise refus("montant (Amt) absent. Rien n'a été importé.")
            try:
                montant = Decimal(montant_el.text.strip())
            except InvalidOperation:
                raise refus(
                    f"montant « {montant_el.text.strip()} » illisible. Rien n'a été importé."
                ) from None
            if not montant.is_finite() or montant <= 0 or montant.as_tuple().exponent < -2:
                raise refus(f"montant « {montant} » invalide. Rien n'a été importé.")
            devise = (montant_el.get("Ccy") or "").strip()
            if len(devise) != 3:
                raise refus("devise (attribut Ccy de Amt) absente. Rien n'a été importé.")
            sens = (ntry.findtext(t["CdtDbtInd"]) or "").strip()
            if sens not in ("CRDT", "DBIT"):
                raise refus("sens (CdtDbtInd) absent ou inconnu. Rien n'a été importé.")
            for reference in (ref_banque, ref_ntry):
                if not reference:
                    continue
                if reference in vues:
                    raise refus(
                        f"la référence « {reference} » figure déjà à l'écriture n° "
                        f"{vues[reference]} : identifiant d'écriture en double. Rien n'a été "
                        "importé."
                    )
                vues[reference] = rang
            try:
                date_comptable = _date(ntry.find(t["BookgDt"]), ns)
                date_valeur = _date(ntry.find(t["ValDt"]), ns) or date_comptable
            except ValueError:
                raise refus("date (BookgDt ou ValDt) illisible. Rien n'a été importé.") from None
            if date_valeur is None:
                raise refus("date de valeur (ValDt) et date comptable absentes.")
            sts = ntry.find(t["Sts"])
            statut = "BOOK"
            if sts is not None:
                statut = (sts.findtext(t["Cd"]) or sts.text or "").strip() or "BOOK"
            extourne = (ntry.findtext(t["RvslInd"]) or "").strip().lower() == "true"
            if sens != "CRDT" or extourne or statut != "BOOK":
                releve.ignorees += 1
                continue
            textes = []
            for rmt in ntry.iter(tag_rmtinf):
                textes += [e.text.strip() for e in rmt.iter(tag_ustrd) if e.text]
                textes += [e.text.strip() for e in rmt.iter(tag_ref) if e.text]
            libelle = " / ".join(x for x in textes if x)
            emetteur = ""
            for dbtr in ntry.iter(tag_dbtr):
                emetteur = (dbtr.findtext(tag_nm) or dbtr.findtext(tag_pty_nm) or "").strip()
                if emetteur:
                    break
            if ref_banque:
                base = f"acctsvcrref|{iban}|{ref_banque}"
            elif ref_ntry:
                base = f"ntryref|{iban}|{ref_ntry}"
            else:
                # Sans référence bancaire : empreinte du contenu de l'écriture dans son relevé ;
                # deux écritures identiques d'un même relevé se distinguent par leur rang.
                contenu = hashlib.sha256(ET.tostring(ntry)).hexdigest()
                n = occurrences.get(contenu, 0) + 1
                occurrences[contenu] = n
                base = f"empreinte|{iban}|{identifiant}|{contenu}|{n}"
            releve.credits.append(
                Credit(
                    cle=hashlib.sha256(base.encode()).hexdigest(),
                    rang=rang,
                    reference_banque=(ref_banque or ref_ntry)[:140],
                    montant=montant,
                    devise=devise,
                    date_valeur=date_valeur,
                    date_comptable=date_comptable,
                    libelle=libelle,
                    emetteur=emetteur[:140],
                    references=tuple(dict.fromkeys(REFERENCE_DOSSIER.findall(libelle))),
                )
            )
    return releve
