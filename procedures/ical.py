"""Flux iCalendar (RFC 5545) des délais ouverts d'un utilisateur, écrit à la main : CRLF,
lignes pliées à 75 octets, texte échappé. Et l'abonnement qui en porte le jeton."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from etude.audit import evenement_enregistrer

from .models import AbonnementCalendrier
from .models.calendrier import nouveau_jeton

CRLF = "\r\n"
LARGEUR = 75  # octets par ligne, CRLF non compris (RFC 5545 § 3.1)
PRODID = "-//Etude//Delais des procedures//FR"


def echapper(texte: str) -> str:
    """RFC 5545 § 3.3.11 : antislash, point-virgule, virgule, fin de ligne."""
    return (
        texte.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def plier(ligne: str) -> str:
    """Coupe une ligne de contenu en morceaux d'au plus 75 octets UTF-8, sans couper un
    caractère ; chaque suite commence par une espace (qui compte dans ses 75 octets)."""
    morceaux = []
    courant, taille, limite = [], 0, LARGEUR
    for caractere in ligne:
        octets = len(caractere.encode("utf-8"))
        if taille + octets > limite:
            morceaux.append("".join(courant))
            courant, taille, limite = [" "], 1, LARGEUR
        courant.append(caractere)
        taille += octets
    morceaux.append("".join(courant))
    return CRLF.join(morceaux)


def _horodatage(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def evenement(delai, *, domaine: str, maintenant: datetime) -> list[str]:
    """Un VEVENT d'une journée entière à l'échéance sûre (DOMAINE décision 8)."""
    reference = delai.dossier.reference
    type_procedure = delai.procedure.get_type_display()
    description = [
        f"{delai.libelle} ({delai.get_nature_display()})",
        f"Article : {delai.article}",
        f"Sanction : {delai.sanction}",
        f"Échéance sûre : {delai.echeance:%d/%m/%Y}",
    ]
    if delai.echeance_alternative:
        description.append(
            f"Autre lecture : {delai.echeance_alternative:%d/%m/%Y}"
            + (f" ({delai.raison_alternative})" if delai.raison_alternative else "")
        )
    return [
        "BEGIN:VEVENT",
        f"UID:delai-{delai.pk}@{domaine}",
        f"DTSTAMP:{_horodatage(maintenant)}",
        f"DTSTART;VALUE=DATE:{delai.echeance:%Y%m%d}",
        f"DTEND;VALUE=DATE:{delai.echeance + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{echapper(f'{reference} · {type_procedure} · {delai.libelle}')}",
        f"DESCRIPTION:{echapper(chr(10).join(description))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendrier(delais: Iterable, *, nom: str, domaine: str, maintenant=None) -> str:
    maintenant = maintenant or timezone.now()
    lignes = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{echapper(nom)}",
    ]
    for delai in delais:
        lignes.extend(evenement(delai, domaine=domaine, maintenant=maintenant))
    lignes.append("END:VCALENDAR")
    return "".join(plier(ligne) + CRLF for ligne in lignes)


# --- Abonnement ------------------------------------------------------------------------------


@transaction.atomic
def abonnement_regenerer(*, acteur) -> AbonnementCalendrier:
    """Crée l'abonnement, ou change son jeton : l'ancienne adresse cesse aussitôt de répondre."""
    abonnements = AbonnementCalendrier.objects.select_for_update()
    abonnement = abonnements.filter(utilisateur=acteur).first()
    if abonnement is None:
        abonnement = AbonnementCalendrier.objects.create(utilisateur=acteur)
        libelle = "Abonnement au calendrier des délais créé"
    else:
        abonnement.jeton = nouveau_jeton()
        abonnement.save(update_fields=["jeton"])
        libelle = "Adresse du calendrier des délais régénérée (l'ancienne est révoquée)"
    evenement_enregistrer(
        etude_id=acteur.etude_id,
        acteur=acteur,
        action="abonnement_calendrier_regenerer",
        libelle=libelle,
        objet=abonnement,
    )
    return abonnement


@transaction.atomic
def abonnement_revoquer(*, acteur) -> None:
    abonnement = AbonnementCalendrier.objects.filter(utilisateur=acteur).first()
    if abonnement is None:
        return
    evenement_enregistrer(
        etude_id=acteur.etude_id,
        acteur=acteur,
        action="abonnement_calendrier_revoquer",
        libelle="Abonnement au calendrier des délais révoqué",
        objet=abonnement,
    )
    abonnement.delete()
