"""Interruption de la prescription du titre par les actes d'exécution forcée.

C. civ. 2244 : « Le délai de prescription ou le délai de forclusion est également interrompu
par une mesure conservatoire prise en application du code des procédures civiles d'exécution
ou un acte d'exécution forcée. » C. civ. 2231 : « L'interruption efface le délai de
prescription acquis. Elle fait courir un nouveau délai de même durée que l'ancien. »
Appliqué au délai d'exécution du titre (CPCE L111-4), par `TitreExecutoire.date_prescription`.

Lecture sûre (DOMAINE décision 8) : seuls les actes dont l'effet interruptif est certain
repoussent la date ; un acte douteux compté à tort ferait croire à l'étude qu'elle a plus de
temps qu'elle n'en a. Retenus :
- saisie-vente : le commandement de payer (CPCE R221-5 : « l'effet interruptif de
  prescription du commandement demeure »), le procès-verbal de saisie, la vente forcée ;
- saisie-attribution : l'acte de saisie signifié au tiers (L211-2 : attribution immédiate) ;
- saisie des rémunérations : le procès-verbal de saisie signifié à l'employeur, et celui
  d'une reprise chez un nouvel employeur (le commandement préalable de L212-2 n'est pas
  retenu : aucun texte lu ne lui donne cet effet, procedures.md §2.4) ;
- expulsion : le procès-verbal d'expulsion.
Non retenus : procès-verbal de carence, dénonciations, certificats, actes des procédures qui
obtiennent un titre (injonction de payer, petites créances) ou du bail (clause résolutoire).
Un acte fait après la date de prescription n'interrompt rien (le délai est expiré).
"""

from __future__ import annotations

from etude.audit import evenement_enregistrer

from .gardes import jour_de

# (type, transition) -> (champ daté de l'acte, nom de l'acte)
ACTES_INTERRUPTIFS = {
    ("saisie_vente", "signifier_commandement"): (
        "commandement_le",
        "commandement de payer aux fins de saisie-vente (CPCE R221-5)",
    ),
    ("saisie_vente", "dresser_pv_saisie"): ("pv_le", "procès-verbal de saisie-vente"),
    ("saisie_vente", "proceder_vente_forcee"): ("vente_forcee_le", "vente forcée"),
    ("saisie_attribution", "signifier"): (
        "signifie_le",
        "acte de saisie-attribution signifié au tiers saisi",
    ),
    ("saisie_remunerations", "signifier_pv_saisie"): (
        "pv_le",
        "procès-verbal de saisie des rémunérations signifié à l'employeur",
    ),
    ("saisie_remunerations", "reprendre_chez_nouvel_employeur"): (
        "pv_le",
        "procès-verbal de saisie des rémunérations (nouvel employeur)",
    ),
    ("expulsion", "dresser_pv_expulsion"): ("pv_expulsion_le", "procès-verbal d'expulsion"),
}


def interrompre(*, acteur, procedure, transition: str) -> bool:
    """Après une étape : si c'est un acte d'exécution forcée sur un titre, porte sa date
    sur le titre (jamais en arrière) et journalise la nouvelle date de prescription."""
    acte = ACTES_INTERRUPTIFS.get((procedure.type, transition))
    if acte is None or procedure.titre_id is None:
        return False
    champ, nom = acte
    moment = getattr(procedure, champ)
    if moment is None:
        return False
    jour = jour_de(moment)
    titre = type(procedure.titre).objects.select_for_update().get(pk=procedure.titre_id)
    avant = titre.date_prescription
    if avant is not None and jour > avant:
        return False
    if titre.derniere_interruption is not None and titre.derniere_interruption >= jour:
        return False
    ancienne = titre.derniere_interruption
    titre.derniere_interruption = jour
    titre.acte_interruptif = nom[:200]
    titre.save(update_fields=["derniere_interruption", "acte_interruptif"])
    procedure.titre = titre
    apres = titre.date_prescription
    evenement_enregistrer(
        etude_id=procedure.etude_id,
        acteur=acteur,
        action="titre_prescription_interrompre",
        libelle=f"Prescription du titre interrompue le {jour:%d/%m/%Y} par le {nom} "
        f"(C. civ. 2244) : exécution possible jusqu'au {apres:%d/%m/%Y}",
        objet=titre,
        dossier=procedure.dossier,
        avant={
            "derniere_interruption": ancienne.isoformat() if ancienne else None,
            "date_prescription": avant.isoformat() if avant else None,
        },
        apres={"derniere_interruption": jour.isoformat(), "date_prescription": apres.isoformat()},
    )
    return True
