"""Les délais légaux des procédures : un catalogue de définitions, sans base de données.

Chaque délai que l'étude suit (`procedures.models.Delai`) naît d'une définition de ce module :
sa nature (GLOSSAIRE.md), sa durée, l'article qui la fixe et la sanction qui frappe son
dépassement (procedures.md §2). Les gardes des machines à états et les services calculent la
même échéance par `echeance(...)`, si bien que la date affichée au tableau des délais et la date
qu'une transition fait respecter ne peuvent pas diverger.

Pour un délai « pas_avant », la date rendue est le *dernier jour* d'attente : l'acte n'est permis
qu'à partir du lendemain (delais.LectureSure). Pour « au_moins_avant », la date rendue est le
dernier jour où l'acte peut être fait, compté à rebours depuis l'événement (l'audience, la vente).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import delais


class Nature:
    """Valeurs de `Delai.nature` (GLOSSAIRE.md)."""

    AGIR_AVANT = "agir_avant"
    PAS_AVANT = "pas_avant"
    VALABLE_JUSQU_AU = "valable_jusqu_au"
    AU_MOINS_AVANT = "au_moins_avant"
    JOURS_OUVRABLES = "jours_ouvrables"


class Type:
    """Valeurs de `Procedure.type`."""

    SAISIE_VENTE = "saisie_vente"
    SAISIE_ATTRIBUTION = "saisie_attribution"
    INJONCTION_DE_PAYER = "injonction_de_payer"
    PETITES_CREANCES = "petites_creances"
    SAISIE_REMUNERATIONS = "saisie_remunerations"
    EXPULSION = "expulsion"
    CLAUSE_RESOLUTOIRE = "clause_resolutoire"


@dataclass(frozen=True)
class DefinitionDelai:
    """Un délai légal : ce qui le fait courir est donné par le service qui l'ouvre.

    `sens` est la nature passée au calcul de la lecture sûre quand `nature` ne la donne pas
    (des jours ouvrables que l'étude attend se lisent comme un délai « pas_avant »).
    `transition_nuit` : la transition que la passe de nuit applique quand le délai est échu
    (caducité, non avenue, péremption, silence valant refus), ou None.
    """

    code: str
    type_procedure: str
    libelle: str
    nature: str
    article: str
    sanction: str
    jours: int = 0
    mois: int = 0
    ans: int = 0
    sens: str = ""
    transition_nuit: str | None = None

    @property
    def sens_calcul(self) -> str:
        return self.sens or self.nature


_T = Type
_N = Nature

DEFINITIONS: dict[str, DefinitionDelai] = {
    d.code: d
    for d in [
        # --- Saisie-vente (CPCE L221-1 et s., R221-1 et s.) -----------------------------
        DefinitionDelai(
            "sv_attente_commandement",
            _T.SAISIE_VENTE,
            "Saisie-vente possible après huit jours",
            _N.PAS_AVANT,
            "CPCE R221-10",
            "saisie prématurée irrégulière (nullité sur grief, R221-54)",
            jours=8,
            transition_nuit="constater_expiration_delai",
        ),
        DefinitionDelai(
            "sv_validite_commandement",
            _T.SAISIE_VENTE,
            "Validité du commandement de payer (deux ans)",
            _N.VALABLE_JUSQU_AU,
            "CPCE R221-5",
            "péremption : nouveau commandement nécessaire (l'effet interruptif de "
            "prescription demeure ; ce n'est pas une caducité)",
            ans=2,
            transition_nuit="constater_peremption_commandement",
        ),
        DefinitionDelai(
            "sv_signification_pv",
            _T.SAISIE_VENTE,
            "Signifier le procès-verbal de saisie au débiteur absent",
            _N.AGIR_AVANT,
            "CPCE R221-26",
            "caducité de la saisie",
            jours=8,
            transition_nuit="constater_caducite",
        ),
        DefinitionDelai(
            "sv_vente_amiable",
            _T.SAISIE_VENTE,
            "Délai de vente amiable (un mois)",
            _N.PAS_AVANT,
            "CPCE L221-3, R221-30",
            "vente forcée impossible avant son expiration (R221-31)",
            mois=1,
        ),
        DefinitionDelai(
            "sv_reponse_creanciers",
            _T.SAISIE_VENTE,
            "Réponse des créanciers aux propositions de vente amiable (quinze jours)",
            _N.PAS_AVANT,
            "CPCE R221-31",
            "silence vaut acceptation ; vente forcée après un mois augmenté de quinze jours",
            jours=15,
        ),
        DefinitionDelai(
            "sv_publicite_vente",
            _T.SAISIE_VENTE,
            "Publicité et avis au débiteur au moins huit jours avant la vente",
            _N.AU_MOINS_AVANT,
            "CPCE R221-34, R221-35",
            "vente irrégulière",
            jours=8,
        ),
        # --- Saisie-attribution (CPCE L211-1 et s., R211-1 et s.) -------------------------
        DefinitionDelai(
            "sa_denonciation",
            _T.SAISIE_ATTRIBUTION,
            "Dénoncer la saisie au débiteur",
            _N.AGIR_AVANT,
            "CPCE R211-3",
            "caducité de la saisie",
            jours=8,
            transition_nuit="constater_caducite",
        ),
        DefinitionDelai(
            "sa_indisponibilite",
            _T.SAISIE_ATTRIBUTION,
            "Indisponibilité des sommes en compte (quinze jours ouvrables)",
            _N.JOURS_OUVRABLES,
            "CPCE L162-1",
            "solde susceptible de régularisation par les opérations antérieures",
            jours=15,
            sens=_N.PAS_AVANT,
        ),
        DefinitionDelai(
            "sa_contestation",
            _T.SAISIE_ATTRIBUTION,
            "Délai de contestation du débiteur (un mois)",
            _N.PAS_AVANT,
            "CPCE R211-11, R211-6",
            "contestation irrecevable ensuite ; certificat de non-contestation possible",
            mois=1,
        ),
        # --- Injonction de payer (CPC 1405 et s., régime du 1er mars 2022) ----------------
        DefinitionDelai(
            "ip_signification",
            _T.INJONCTION_DE_PAYER,
            "Signifier l'ordonnance d'injonction de payer (six mois)",
            _N.AGIR_AVANT,
            "CPC 1411",
            "ordonnance non avenue",
            mois=6,
            transition_nuit="constater_non_avenue",
        ),
        DefinitionDelai(
            "ip_opposition",
            _T.INJONCTION_DE_PAYER,
            "Délai d'opposition (un mois), suspensif d'exécution",
            _N.PAS_AVANT,
            "CPC 1416, 1422",
            "opposition irrecevable ; l'ordonnance devient titre exécutoire",
            mois=1,
        ),
        # --- Petites créances (CPCE L125-1, R125-1 et s.) --------------------------------
        DefinitionDelai(
            "pc_reponse",
            _T.PETITES_CREANCES,
            "Réponse du débiteur à l'invitation (un mois depuis l'envoi)",
            _N.PAS_AVANT,
            "CPCE R125-2",
            "silence vaut refus implicite",
            mois=1,
            transition_nuit="constater_silence",
        ),
        # --- Saisie des rémunérations (régime du 1er juillet 2025, DOMAINE décision 10) ---
        DefinitionDelai(
            "sr_attente_commandement",
            _T.SAISIE_REMUNERATIONS,
            "Procès-verbal de saisie possible un mois après le commandement",
            _N.PAS_AVANT,
            "CPCE L212-2",
            "saisie prématurée irrégulière",
            mois=1,
            transition_nuit="constater_expiration_delai",
        ),
        DefinitionDelai(
            "sr_validite_commandement",
            _T.SAISIE_REMUNERATIONS,
            "Signifier le procès-verbal de saisie à l'employeur (trois mois)",
            _N.AGIR_AVANT,
            "CPCE L212-6",
            "caducité du commandement (sauf procès-verbal d'accord dans le délai)",
            mois=3,
            transition_nuit="constater_caducite_commandement",
        ),
        DefinitionDelai(
            "sr_denonciation",
            _T.SAISIE_REMUNERATIONS,
            "Dénoncer la saisie au débiteur",
            _N.AGIR_AVANT,
            "CPCE R212-1-11 à R212-1-15 (numéro à confirmer, LEGIARTI000051164913)",
            "caducité de la saisie",
            jours=8,
            transition_nuit="constater_caducite",
        ),
        DefinitionDelai(
            "sr_declaration_employeur",
            _T.SAISIE_REMUNERATIONS,
            "Déclaration de l'employeur (quinze jours)",
            _N.AGIR_AVANT,
            "CPCE L212-8",
            "amende civile jusqu'à 10 000 € et dommages-intérêts (R212-1-41)",
            jours=15,
        ),
        DefinitionDelai(
            "sr_intervention_denonciation",
            _T.SAISIE_REMUNERATIONS,
            "Dénoncer l'intervention au débiteur",
            _N.AGIR_AVANT,
            "CPCE R212-1-17",
            "caducité de l'intervention",
            jours=8,
        ),
        DefinitionDelai(
            "sr_repartition",
            _T.SAISIE_REMUNERATIONS,
            "Prochaine répartition des sommes versées",
            _N.AGIR_AVANT,
            "CPCE R212-1-23",
            "répartition tardive (un mois pour un créancier, six semaines pour plusieurs)",
            jours=42,
        ),
        DefinitionDelai(
            "sr_reprise",
            _T.SAISIE_REMUNERATIONS,
            "Reprendre la saisie chez un nouvel employeur (un an)",
            _N.AGIR_AVANT,
            "CPCE R212-1-32",
            "la saisie prend fin et les fonds sont répartis",
            ans=1,
            transition_nuit="constater_fin_saisie",
        ),
        # --- Expulsion (CPCE L411-1 et s., R411-1 et s.) ----------------------------------
        DefinitionDelai(
            "ex_attente_commandement",
            _T.EXPULSION,
            "Expulsion possible deux mois après le commandement",
            _N.PAS_AVANT,
            "CPCE L412-1, L412-5",
            "expulsion prématurée irrégulière",
            mois=2,
            transition_nuit="constater_expiration_delai",
        ),
        DefinitionDelai(
            "ex_concours",
            _T.EXPULSION,
            "Réponse du préfet à la réquisition de la force publique (deux mois)",
            _N.PAS_AVANT,
            "CPCE R153-1",
            "silence vaut refus ; responsabilité de l'État (L153-1)",
            mois=2,
            transition_nuit="constater_refus_concours",
        ),
        DefinitionDelai(
            "ex_meubles",
            _T.EXPULSION,
            "Retrait des meubles par la personne expulsée (deux mois non renouvelables)",
            _N.AGIR_AVANT,
            "CPCE L433-1, R433-1",
            "biens de valeur vendus aux enchères, les autres réputés abandonnés",
            mois=2,
            transition_nuit="constater_meubles_non_retires",
        ),
        DefinitionDelai(
            "ex_contestation_meubles",
            _T.EXPULSION,
            "Contestation de l'absence de valeur marchande (un mois)",
            _N.AGIR_AVANT,
            "CPCE R433-1 4°",
            "irrecevabilité",
            mois=1,
        ),
        DefinitionDelai(
            "ex_papiers",
            _T.EXPULSION,
            "Conservation des papiers personnels (deux ans)",
            _N.PAS_AVANT,
            "CPCE R433-6",
            "destruction par procès-verbal à l'expiration",
            ans=2,
        ),
        # --- Commandement visant la clause résolutoire (loi 89-462, art. 24) -------------
        DefinitionDelai(
            "cr_paiement",
            _T.CLAUSE_RESOLUTOIRE,
            "Délai de paiement du commandement",
            _N.PAS_AVANT,
            "Loi 89-462 art. 24 I",
            "clause résolutoire acquise faute de paiement",
            # Six semaines = 42 jours (Cass. 3e civ., avis 6 nov. 2025) ou deux mois pour les
            # baux en cours au 29 juillet 2023 : la durée est choisie par `duree_clause`.
        ),
        DefinitionDelai(
            "cr_ccapex",
            _T.CLAUSE_RESOLUTOIRE,
            "Signaler le commandement à la CCAPEX",
            _N.AGIR_AVANT,
            "Loi 89-462 art. 24 I avant-dernier al.",
            "sanction non précisée par les sources (procedures.md §2.5.2)",
        ),
        DefinitionDelai(
            "cr_prefet_assignation",
            _T.CLAUSE_RESOLUTOIRE,
            "Notifier l'assignation au préfet six semaines avant l'audience",
            _N.AU_MOINS_AVANT,
            "Loi 89-462 art. 24 III",
            "irrecevabilité de la demande (non confirmé sur le texte)",
            jours=42,
        ),
    ]
}

# Loi 2023-668 : six semaines pour les baux signés à compter de son entrée en vigueur ; deux
# mois pour les baux en cours (Cass. 3e civ., avis 13 juin 2024, n° 24-70.002 ; DOMAINE 12).
DEBUT_SIX_SEMAINES = date(2023, 7, 29)


def duree_clause(bail_signe_le: date) -> dict[str, int]:
    """Durée du commandement visant la clause résolutoire selon la date du bail."""
    if bail_signe_le >= DEBUT_SIX_SEMAINES:
        return {"jours": 42}
    return {"mois": 2}


def echeance(
    code: str,
    depart: date,
    *,
    calendrier: str,
    distance: str | None = None,
    duree: dict[str, int] | None = None,
) -> delais.LectureSure:
    """Échéance sûre du délai `code` qui court de `depart` (DOMAINE décision 8).

    `duree` remplace la durée de la définition quand la loi la fait dépendre du dossier
    (clause résolutoire). Pour « au_moins_avant », `depart` est l'événement (audience, vente)
    et le délai se compte à rebours, sans prorogation de CPC 642 (Cass. 3e civ., avis
    6 nov. 2025, n° 25-70.018, pour l'art. 24 III ; même lecture prudente pour R221-34/35).
    """
    definition = DEFINITIONS[code]
    duree = duree or {"jours": definition.jours, "mois": definition.mois, "ans": definition.ans}
    if definition.nature == Nature.AU_MOINS_AVANT:
        return delais.LectureSure(depart - timedelta(days=duree.get("jours", 0)))
    if definition.nature == Nature.JOURS_OUVRABLES:
        return delais.echeance_jours_ouvrables(
            depart, duree.get("jours", 0), nature=definition.sens_calcul, calendrier=calendrier
        )
    return delais.echeance_sure(
        depart,
        jours=duree.get("jours", 0),
        mois=duree.get("mois", 0),
        ans=duree.get("ans", 0),
        nature=definition.sens_calcul,
        calendrier=calendrier,
        distance=distance,
    )


def definitions_du_type(type_procedure: str) -> list[DefinitionDelai]:
    return [d for d in DEFINITIONS.values() if d.type_procedure == type_procedure]
