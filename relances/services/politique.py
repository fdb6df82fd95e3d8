"""Réglages de l'étude pour le recouvrement amiable, fixés par le principal clerc ou le
commissaire (audité) : la politique des échéanciers (ce que le clerc accorde sans
approbation, les délais laissés au débiteur) et le réglage des relances (heures de contact,
téléphone et nom affichés dans les courriels et SMS)."""

from __future__ import annotations

from django.db import models, transaction

from etude.audit import evenement_enregistrer, instantane
from etude.errors import RegleMetier

from ..models import PolitiqueEcheancier, ReglageRelances


def _reglage_de_l_etude_enregistrer(
    *, acteur, reglage: models.Model, action: str, quoi: str, titre: str
):
    """Enregistre le réglage (une ligne par étude ; instance validée par le formulaire, non
    enregistrée) ; un événement d'audit dit ce qui a changé. La ligne de l'étude est
    verrouillée : deux enregistrements simultanés ne s'écrasent pas sans trace."""
    if not acteur.est_principal:
        raise RegleMetier(f"Seuls le principal clerc et le commissaire fixent {quoi}.")
    if reglage.etude_id != acteur.etude_id:
        raise RegleMetier("Ce réglage n'appartient pas à votre étude.")
    modele = type(reglage)
    existant = modele.objects.select_for_update().filter(etude_id=reglage.etude_id).first()
    # Sans ligne, l'étude appliquait les valeurs par défaut : ce sont elles, l'« avant ».
    avant = instantane(existant or modele(etude_id=reglage.etude_id))
    reglage.pk = existant.pk if existant else None
    reglage.full_clean()
    reglage.save()
    apres = instantane(reglage)
    changes = [
        modele._meta.get_field(nom).verbose_name
        for nom in apres
        if nom not in ("id", "etude_id") and avant.get(nom) != apres[nom]
    ]
    if not changes:
        return reglage
    evenement_enregistrer(
        etude_id=reglage.etude_id,
        acteur=acteur,
        action=action,
        libelle=f"{titre} : " + ", ".join(str(c) for c in changes),
        objet=reglage,
        avant={k: v for k, v in avant.items() if k != "id"},
        apres={k: v for k, v in apres.items() if k != "id"},
    )
    return reglage


@transaction.atomic
def politique_enregistrer(*, acteur, politique: PolitiqueEcheancier) -> PolitiqueEcheancier:
    return _reglage_de_l_etude_enregistrer(
        acteur=acteur,
        reglage=politique,
        action="relances.politique_echeancier_enregistrer",
        quoi="la politique des échéanciers",
        titre="Politique des échéanciers modifiée",
    )


@transaction.atomic
def reglage_relances_enregistrer(*, acteur, reglage: ReglageRelances) -> ReglageRelances:
    return _reglage_de_l_etude_enregistrer(
        acteur=acteur,
        reglage=reglage,
        action="relances.reglage_enregistrer",
        quoi="le réglage des relances",
        titre="Réglage des relances modifié",
    )
