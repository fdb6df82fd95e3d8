"""Politique des échéanciers de l'étude : ce que le clerc accorde sans approbation et les
délais laissés au débiteur. Le principal clerc ou le commissaire la fixe (audité)."""

from __future__ import annotations

from django.db import transaction

from etude.audit import evenement_enregistrer, instantane
from etude.errors import RegleMetier

from ..models import PolitiqueEcheancier


@transaction.atomic
def politique_enregistrer(*, acteur, politique: PolitiqueEcheancier) -> PolitiqueEcheancier:
    """Enregistre la politique (instance validée par le formulaire, non enregistrée) ; un
    événement d'audit dit ce qui a changé. La ligne de l'étude est verrouillée : deux
    enregistrements simultanés ne s'écrasent pas sans trace."""
    if not acteur.est_principal:
        raise RegleMetier(
            "Seuls le principal clerc et le commissaire fixent la politique des échéanciers."
        )
    if politique.etude_id != acteur.etude_id:
        raise RegleMetier("Cette politique n'appartient pas à votre étude.")
    existante = (
        PolitiqueEcheancier.objects.select_for_update().filter(etude_id=politique.etude_id).first()
    )
    # Sans ligne, l'étude appliquait les valeurs par défaut : ce sont elles, l'« avant ».
    avant = instantane(existante or PolitiqueEcheancier(etude_id=politique.etude_id))
    politique.pk = existante.pk if existante else None
    politique.full_clean()
    politique.save()
    apres = instantane(politique)
    changes = [
        PolitiqueEcheancier._meta.get_field(nom).verbose_name
        for nom in apres
        if nom not in ("id", "etude_id") and avant.get(nom) != apres[nom]
    ]
    if not changes:
        return politique
    evenement_enregistrer(
        etude_id=politique.etude_id,
        acteur=acteur,
        action="relances.politique_echeancier_enregistrer",
        libelle="Politique des échéanciers modifiée : " + ", ".join(str(c) for c in changes),
        objet=politique,
        avant={k: v for k, v in avant.items() if k != "id"},
        apres={k: v for k, v in apres.items() if k != "id"},
    )
    return politique
