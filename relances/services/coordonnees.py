"""Consentements et oppositions des coordonnées d'un débiteur (courriels, téléphones), réglés
à la main depuis la fiche du dossier ou posés par le webhook du prestataire.

Les campagnes (`campagnes._GABARIT_ENVOIS`) et la remise (`relances/envoi.py`) n'écrivent jamais
à un canal sans consentement ou après une opposition (RGPD art. 21) : ces champs décident
seuls si un courriel, un SMS ou un appel part. Chaque changement laisse donc son événement
(qui, quand, avant/après, motif et source), rattaché au dossier depuis lequel on agit.
"""

from __future__ import annotations

from django.db import models, transaction

from dossiers.models import Dossier, EmailDebiteur, TelephoneDebiteur
from etude.audit import evenement_enregistrer, instantane
from etude.errors import RegleMetier
from etude.models import Evenement

MOTIF_LONGUEUR_MAX = 150


class SourceCoordonnee(models.TextChoices):
    """D'où vient la volonté du débiteur (ou la correction) que le clerc enregistre."""

    APPEL = "appel", "appel du débiteur"
    LETTRE = "lettre", "lettre du débiteur"
    COURRIEL = "courriel", "courriel du débiteur"
    ETUDE = "etude", "débiteur reçu à l'étude"
    PRESTATAIRE = "prestataire", "signalement du prestataire d'envoi"
    ERREUR = "erreur", "correction d'une erreur d'enregistrement"
    AUTRE = "autre", "autre (précisée dans le motif)"


# Champ -> (action du journal, libellé du canal, verbe quand il devient vrai, puis faux).
_CHAMPS_COURRIEL = {
    "consentement": ("relances.courriel_consentement", "Consentement aux courriels", "donné"),
    "opposition": ("relances.courriel_opposition", "Opposition aux courriels", "posée"),
}
_CHAMPS_TELEPHONE = {
    "consentement_sms": ("relances.telephone_consentement_sms", "Consentement aux SMS", "donné"),
    "consentement_appel": (
        "relances.telephone_consentement_appel",
        "Consentement aux appels",
        "donné",
    ),
    "opposition": ("relances.telephone_opposition", "Opposition à tout contact", "posée"),
}
_RETIRE = {"donné": "retiré", "posée": "levée"}


def coordonnee_champ_changer(
    *,
    etude_id: int,
    coordonnee: EmailDebiteur | TelephoneDebiteur,
    champ: str,
    valeur: bool,
    acteur,
    action: str,
    libelle: str,
    dossier: Dossier | None,
    acteur_libelle: str = "",
) -> Evenement | None:
    """Écrit un seul champ d'une coordonnée déjà verrouillée (SELECT … FOR UPDATE de
    l'appelant) et son événement (avant/après de ce champ) ; rien si la valeur ne change
    pas. À appeler dans la transaction du service."""
    if getattr(coordonnee, champ) == valeur:
        return None
    avant = instantane(coordonnee, [champ])
    setattr(coordonnee, champ, valeur)
    coordonnee.save(update_fields=[champ])
    return evenement_enregistrer(
        etude_id=etude_id,
        acteur=acteur,
        acteur_libelle=acteur_libelle,
        action=action,
        libelle=libelle,
        objet=coordonnee,
        dossier=dossier,
        avant=avant,
        apres=instantane(coordonnee, [champ]),
    )


def _regler(
    *,
    acteur,
    dossier: Dossier,
    modele: type[EmailDebiteur] | type[TelephoneDebiteur],
    pk: int,
    champs: dict[str, tuple[str, str, str]],
    valeurs: dict[str, bool | None],
    motif: str,
    source: str,
    levee_confirmee: bool,
) -> list[Evenement]:
    if acteur is None or not acteur.peut_ecrire:
        raise RegleMetier("Votre rôle ne permet pas de modifier les coordonnées d'un débiteur.")
    if acteur.etude_id != dossier.etude_id:
        raise RegleMetier("Ce dossier n'appartient pas à votre étude.")
    motif = " ".join((motif or "").split())
    if not motif:
        raise RegleMetier("Indiquez le motif du changement (par exemple « lettre du 12/11 »).")
    if len(motif) > MOTIF_LONGUEUR_MAX:
        raise RegleMetier(f"Le motif tient en {MOTIF_LONGUEUR_MAX} caractères au plus.")
    if source not in SourceCoordonnee.values:
        raise RegleMetier("Indiquez d'où vient la demande (source).")
    # Verrou de la ligne : deux clercs (ou le webhook) qui règlent la même coordonnée se
    # rangent l'un derrière l'autre, et le second voit l'état écrit par le premier.
    coordonnee = (
        modele.objects.select_for_update(of=("self",))
        .select_related("debiteur")
        .filter(
            pk=pk,
            debiteur__etude_id=dossier.etude_id,
            debiteur__parties__dossier_id=dossier.pk,
        )
        .first()
    )
    if coordonnee is None:
        raise RegleMetier("Cette coordonnée n'est pas celle d'un débiteur de ce dossier.")
    valeurs = {champ: v for champ, v in valeurs.items() if v is not None}
    if coordonnee.opposition and valeurs.get("opposition") is False and not levee_confirmee:
        raise RegleMetier(
            "Lever une opposition permet de nouveau d'écrire au débiteur : cochez la case de "
            "confirmation."
        )
    if (
        isinstance(coordonnee, TelephoneDebiteur)
        and not coordonnee.mobile
        and valeurs.get("consentement_sms") is True
        and not coordonnee.consentement_sms
    ):
        raise RegleMetier("Ce numéro n'est pas un mobile : il ne reçoit pas de SMS.")
    source_libelle = SourceCoordonnee(source).label
    evenements = []
    for champ, (action, canal, verbe) in champs.items():
        if champ not in valeurs:
            continue
        quoi = verbe if valeurs[champ] else _RETIRE[verbe]
        preposition = "sur" if champ == "opposition" else "pour"
        evenement = coordonnee_champ_changer(
            etude_id=dossier.etude_id,
            coordonnee=coordonnee,
            champ=champ,
            valeur=valeurs[champ],
            acteur=acteur,
            action=action,
            libelle=(
                f"{canal} {quoi} {preposition} {coordonnee} : « {motif} » "
                f"(source : {source_libelle})"
            ),
            dossier=dossier,
        )
        if evenement is not None:
            evenements.append(evenement)
    return evenements


@transaction.atomic
def courriel_regler(
    *,
    acteur,
    dossier: Dossier,
    courriel: EmailDebiteur,
    consentement: bool | None,
    opposition: bool | None,
    motif: str,
    source: str,
    levee_confirmee: bool = False,
) -> list[Evenement]:
    """Donne ou retire le consentement aux courriels, pose ou lève l'opposition d'un
    courriel d'un débiteur du dossier (None : champ inchangé). Lever une opposition demande
    `levee_confirmee`. Un événement par champ changé, rattaché au dossier ; rien n'est écrit
    si rien ne change. Retourne les événements écrits."""
    return _regler(
        acteur=acteur,
        dossier=dossier,
        modele=EmailDebiteur,
        pk=courriel.pk,
        champs=_CHAMPS_COURRIEL,
        valeurs={"consentement": consentement, "opposition": opposition},
        motif=motif,
        source=source,
        levee_confirmee=levee_confirmee,
    )


@transaction.atomic
def telephone_regler(
    *,
    acteur,
    dossier: Dossier,
    telephone: TelephoneDebiteur,
    consentement_sms: bool | None,
    consentement_appel: bool | None,
    opposition: bool | None,
    motif: str,
    source: str,
    levee_confirmee: bool = False,
) -> list[Evenement]:
    """Même chose pour un téléphone : consentement aux SMS (mobile seulement), aux appels,
    opposition à tout contact par ce numéro."""
    return _regler(
        acteur=acteur,
        dossier=dossier,
        modele=TelephoneDebiteur,
        pk=telephone.pk,
        champs=_CHAMPS_TELEPHONE,
        valeurs={
            "consentement_sms": consentement_sms,
            "consentement_appel": consentement_appel,
            "opposition": opposition,
        },
        motif=motif,
        source=source,
        levee_confirmee=levee_confirmee,
    )
