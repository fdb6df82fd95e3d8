"""Fichier de virements SEPA (ISO 20022 pain.001.001.03) d'un lot de reversements.

Produit par `sepaxml` (bibliothèque tenue, qui embarque les schémas XSD officiels), puis
validé contre le schéma `pain.001.001.03.xsd` par `xmlschema` : un fichier invalide n'est
jamais rendu. Les IBAN (et BIC quand ils sont donnés) sont vérifiés par schwifty avant ;
le compte débité est le compte affecté de l'étude (fonds de tiers). Le BIC est facultatif
dans SEPA depuis 2016 : déduit de l'IBAN quand schwifty connaît la banque.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

SCHEMA = "pain.001.001.03"


@dataclass(frozen=True)
class Paiement:
    nom: str
    iban: str
    montant: Decimal
    libelle: str
    reference: str
    bic: str = ""


def verifier_iban(iban: str, qui: str) -> tuple[str, str]:
    """(IBAN normalisé, BIC déduit ou '') ; ValidationError en français sinon."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        objet = IBAN(iban or "")
    except SchwiftyException as exc:
        raise ValidationError(f"IBAN de {qui} invalide ({iban or 'vide'}) : {exc}.") from None
    try:
        bic = str(objet.bic) if objet.bic else ""
    except SchwiftyException:
        bic = ""
    return objet.compact, bic


def verifier_bic(bic: str, qui: str) -> str:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return str(BIC(bic))
    except SchwiftyException as exc:
        raise ValidationError(f"BIC de {qui} invalide ({bic}) : {exc}.") from None


def schema_xsd():
    import sepaxml
    import xmlschema

    chemin = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{SCHEMA}.xsd")
    return xmlschema.XMLSchema(chemin)


def valider(xml: bytes) -> None:
    """Valide le fichier contre le schéma XSD pain.001.001.03 ; ValidationError sinon."""
    import xmlschema

    try:
        schema_xsd().validate(xml.decode("utf-8"))
    except xmlschema.XMLSchemaValidationError as exc:
        raise ValidationError(
            f"Le fichier SEPA ne respecte pas le schéma {SCHEMA} : {exc.reason}"
        ) from None


def pain001(
    *,
    nom: str,
    iban: str,
    bic: str,
    date_execution: date,
    paiements: list[Paiement],
    identifiant: str,
) -> bytes:
    """Le fichier pain.001.001.03 (octets UTF-8) des `paiements`, débités du compte `iban`."""
    from sepaxml import SepaTransfer

    if not paiements:
        raise ValidationError("Aucun virement à émettre.")
    iban, bic_deduit = verifier_iban(iban, "l'étude (compte affecté)")
    bic = verifier_bic(bic, "l'étude") if bic else bic_deduit
    config = {"name": nom[:70], "IBAN": iban, "batch": True, "currency": "EUR"}
    if bic:
        config["BIC"] = bic
    virement = SepaTransfer(config, schema=SCHEMA, clean=True)
    # L'en-tête est construit dès le constructeur : l'identifiant du message s'y pose ensuite.
    virement.msg_id = identifiant[:35]
    virement._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = virement.msg_id
    for paiement in paiements:
        if paiement.montant <= 0:
            raise ValidationError(f"Montant nul ou négatif pour {paiement.nom}.")
        iban_p, bic_p = verifier_iban(paiement.iban, f"« {paiement.nom} »")
        bic_p = verifier_bic(paiement.bic, f"« {paiement.nom} »") if paiement.bic else bic_p
        ligne = {
            "name": paiement.nom[:70],
            "IBAN": iban_p,
            # sepaxml attend des centimes entiers : pas de flottant entre nous et le fichier.
            "amount": int(paiement.montant * 100),
            "execution_date": date_execution,
            "description": paiement.libelle[:140],
            "endtoend_id": paiement.reference[:35],
        }
        if bic_p:
            ligne["BIC"] = bic_p
        virement.add_payment(ligne)
    xml = virement.export(validate=False, pretty_print=True)
    valider(xml)
    return xml
