"""Cas d'usage du recouvrement amiable : affectation des scénarios, campagnes, résultats
d'appels, rebonds. Chaque fonction qui écrit est atomique et laisse son événement d'audit.

La campagne est ensembliste : une requête INSERT … SELECT … ON CONFLICT DO NOTHING crée
d'un coup l'envoi de l'étape due de chaque dossier (la contrainte unique dossier + étape rend
toute seconde passe vide), puis les envois partent par paquets Celery après validation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from dossiers.models import Dossier, EmailDebiteur, TelephoneDebiteur
from etude.audit import evenement_enregistrer, inserer_evenements, instantane
from etude.errors import RegleMetier
from etude.models import Evenement

from ..horaires import Horaires
from ..models import (
    AffectationScenario,
    Appel,
    Campagne,
    Canal,
    Envoi,
    EtatEnvoi,
    MotifArret,
    ReglageRelances,
    ResultatAppel,
    Scenario,
)
from .coordonnees import coordonnee_champ_changer
from .taches import taches_voie_judiciaire_mettre
from .traduction import traduire

logger = logging.getLogger(__name__)

# Paquets Celery : au moins 500 envois par tâche, au plus 200 tâches par campagne (issue 6).
PAQUET_MIN = 500
TACHES_MAX = 200
# Un envoi resté « en cours » plus longtemps a été interrompu (worker tué pendant l'envoi).
INTERRUPTION_APRES = timedelta(minutes=10)
# Un plan proposé au téléphone suspend le scénario le temps de l'établir et de le signer.
SUSPENSION_PLAN_PROPOSE = timedelta(days=30)


def horaires_de(etude) -> Horaires:
    reglage = ReglageRelances.objects.filter(etude=etude).first()
    if reglage is None:
        return Horaires(calendrier=etude.calendrier)
    return Horaires(
        heure_debut=reglage.heure_debut,
        heure_fin=reglage.heure_fin,
        samedi=reglage.samedi,
        calendrier=etude.calendrier,
    )


def _exiger_ecriture(acteur) -> None:
    if acteur is not None and not acteur.peut_ecrire:
        raise RegleMetier("Votre rôle ne permet pas de modifier les dossiers.")


# --- Affectation ------------------------------------------------------------------------


@transaction.atomic
def scenario_affecter(*, acteur, dossier: Dossier, scenario: Scenario | None, le: date):
    """Affecte (ou retire, `scenario=None`) un scénario à un dossier, à la main."""
    _exiger_ecriture(acteur)
    if scenario is not None and scenario.etude_id != dossier.etude_id:
        raise RegleMetier("Ce scénario n'appartient pas à l'étude du dossier.")
    affectation = AffectationScenario.objects.select_for_update().filter(dossier=dossier).first()
    avant = instantane(affectation) if affectation else {}
    if scenario is None:
        if affectation is None or affectation.arret:
            raise RegleMetier("Ce dossier ne suit aucun scénario.")
        affectation.arret, affectation.arrete_le = MotifArret.RETIRE, le
        affectation.save(update_fields=["arret", "arrete_le"])
        libelle = f"Scénario « {affectation.scenario} » retiré"
    else:
        if not scenario.actif:
            raise RegleMetier("Ce scénario n'est pas actif.")
        if affectation is None:
            affectation = AffectationScenario(etude_id=dossier.etude_id, dossier=dossier)
        affectation.scenario = scenario
        affectation.depuis = le
        affectation.manuelle = True
        affectation.arret, affectation.arrete_le, affectation.suspendu_jusqu_au = "", None, None
        affectation.save()
        libelle = f"Scénario « {scenario} » affecté à la main"
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="relances.scenario_affecter",
        libelle=libelle,
        objet=affectation,
        dossier=dossier,
        avant=avant,
        apres=instantane(affectation),
    )
    return affectation


_AFFECTER_PG = """
        INSERT INTO relances_affectationscenario
            (etude_id, dossier_id, scenario_id, depuis, manuelle, arret, arrete_le,
             suspendu_jusqu_au)
        SELECT d.etude_id, d.id, s.id, %(le)s, false, '', NULL, NULL
        FROM dossiers_dossier d
        LEFT JOIN comptabilite_soldedossier sd ON sd.dossier_id = d.id
        JOIN LATERAL (
            SELECT s.id FROM relances_scenario s
            WHERE s.etude_id = d.etude_id AND s.actif AND s.affectation_auto
              AND (s.regle_montant_min IS NULL
                   OR COALESCE(sd.du, d.montant_principal) >= s.regle_montant_min)
              AND (s.regle_montant_max IS NULL
                   OR COALESCE(sd.du, d.montant_principal) <= s.regle_montant_max)
              AND (s.regle_nature = '' OR s.regle_nature = d.nature)
              AND (s.regle_type_personne = '' OR s.regle_type_personne = (
                    SELECT deb.type_personne FROM dossiers_dossierdebiteur dd
                    JOIN dossiers_debiteur deb ON deb.id = dd.debiteur_id
                    WHERE dd.dossier_id = d.id ORDER BY dd.rang, dd.id LIMIT 1))
              AND EXISTS (SELECT 1 FROM relances_etapescenario x
                          WHERE x.scenario_id = s.id AND x.actif)
            ORDER BY s.priorite, s.id LIMIT 1
        ) s ON true
        WHERE d.etude_id = %(etude)s AND d.phase = 'amiable' AND d.statut = 'ouvert'
          AND d.ouvert_le <= %(le)s
          AND NOT EXISTS (SELECT 1 FROM relances_affectationscenario a WHERE a.dossier_id = d.id)
          AND EXISTS (SELECT 1 FROM dossiers_dossierdebiteur dd WHERE dd.dossier_id = d.id)
        ON CONFLICT (dossier_id) DO NOTHING
        """


def _affecter_par_regles(curseur, etude_id: int, le: date) -> int:
    """Les dossiers amiables ouverts sans scénario reçoivent le premier scénario actif (par
    priorité) dont la règle leur convient. Montant : le dû du grand livre s'il est ouvert,
    sinon le principal réclamé.

    Sans scénario automatique actif (étapes actives comprises), rien à faire : la requête
    n'est pas lancée (au million, elle parcourait 240 000 dossiers amiables sans scénario
    pour n'en affecter aucun). Le type de personne du premier débiteur n'est lu que pour un
    scénario dont la règle le demande."""
    curseur.execute(
        """SELECT EXISTS (
               SELECT 1 FROM relances_scenario s
               WHERE s.etude_id = %s AND s.actif AND s.affectation_auto
                 AND EXISTS (SELECT 1 FROM relances_etapescenario x
                             WHERE x.scenario_id = s.id AND x.actif))""",
        [etude_id],
    )
    if not curseur.fetchone()[0]:
        return 0
    curseur.execute(_AFFECTER[connection.vendor], {"etude": etude_id, "le": le})
    return curseur.rowcount


def _sql_sous_plan() -> str:
    """Condition SQL « le dossier a un plan en cours ou à approuver » (alias `a` :
    l'affectation) : même lecture que `echeanciers.dossiers_sous_echeancier`."""
    from ..models.echeancier import ACTIFS

    etats = ", ".join(f"'{e.value}'" for e in ACTIFS)
    # Les états viennent des choix du modèle, pas d'une saisie.
    sql = "EXISTS (SELECT 1 FROM relances_echeancier ech WHERE ech.dossier_id = a.dossier_id"
    return sql + f" AND ech.etat IN ({etats}))"


def _retour_sqlite(sql: str) -> str:
    """SQLite refuse les colonnes qualifiées par l'alias dans RETURNING (PostgreSQL les
    demande : `id` seul y serait ambigu avec la table du FROM)."""
    return traduire(sql, [("RETURNING a.id, a.dossier_id", "RETURNING id, dossier_id")])


def _reprendre_apres_plan(curseur, etude_id: int, le: date) -> int:
    """Le scénario qu'un plan a arrêté (`arret = 'plan'`) reprend, là où il en était, quand
    plus aucun plan du dossier n'est en cours ni à approuver et que le dernier plan :
    - a été refusé par le principal clerc (décision au plus tard le `le`) ;
    - ou est déchu (au plus tard le `le`, après l'arrêt) avec la suite « scénario ».
    Un plan déchu vers la voie judiciaire, ou soldé, laisse le scénario arrêté. Une requête
    pour toute l'étude ; un événement d'audit par dossier repris."""
    fin_du_jour = timezone.make_aware(datetime.combine(le + timedelta(days=1), time.min))
    sql = """
        UPDATE relances_affectationscenario AS a SET arret = '', arrete_le = NULL,
            suspendu_jusqu_au = NULL
        FROM relances_echeancier ech
        WHERE a.etude_id = %(etude)s AND a.arret = 'plan'
          AND ech.id = (SELECT max(e2.id) FROM relances_echeancier e2
                        WHERE e2.dossier_id = a.dossier_id)
          AND ((ech.etat = 'dechu' AND ech.suite = 'scenario' AND ech.dechu_le >= a.arrete_le
                AND ech.dechu_le <= %(le)s)
               OR (ech.etat = 'refuse' AND ech.decide_le < %(fin_du_jour)s))
          AND NOT EXISTS (SELECT 1 FROM relances_echeancier act
                          WHERE act.dossier_id = a.dossier_id
                            AND act.etat IN ('a_approuver', 'en_cours'))
        RETURNING a.id, a.dossier_id, ech.etat
        """
    if connection.vendor != "postgresql":
        # SQLite : RETURNING ne lit que la table modifiée, sans alias ; l'état du dernier
        # plan est relu.
        sql = _retour_sqlite(sql.replace("ech.etat\n", "NULL\n"))
    curseur.execute(sql, {"etude": etude_id, "le": le, "fin_du_jour": fin_du_jour})
    lignes = curseur.fetchall()
    if connection.vendor != "postgresql" and lignes:
        from ..models import Echeancier

        # Le dernier plan de chaque dossier (ordre des id : le dernier écrit gagne).
        etats = dict(
            Echeancier.objects.filter(dossier_id__in=[d for _, d, _ in lignes])
            .order_by("dossier_id", "id")
            .values_list("dossier_id", "etat")
        )
        lignes = [(i, d, etats[d]) for i, d, _ in lignes]
    libelles = {
        "dechu": "Scénario repris après la déchéance du plan",
        "refuse": "Scénario repris : le plan hors politique a été refusé",
    }
    inserer_evenements(
        [
            Evenement(
                etude_id=etude_id,
                acteur=None,
                acteur_libelle="nuit",
                action="relances.scenario_reprendre",
                libelle=libelles[etat],
                objet_type="relances.AffectationScenario",
                objet_id=str(identifiant),
                dossier_id=dossier_id,
                avant={"arret": "plan"},
                apres={"arret": "", "plan": etat},
            )
            for identifiant, dossier_id, etat in lignes
        ]
    )
    return len(lignes)


def conditions_arret() -> dict[MotifArret, str]:
    """Conditions SQL qui arrêtent un scénario, par motif (alias `a` : l'affectation, `s` :
    son scénario ; paramètre `%(le)s` : la journée). Lues aussi par le banc des campagnes
    pour choisir des dossiers qu'aucune n'arrête."""
    return {
        MotifArret.PAIEMENT: """s.arret_paiement_total AND EXISTS (
            SELECT 1 FROM comptabilite_soldedossier sd
            WHERE sd.dossier_id = a.dossier_id AND sd.verse > 0 AND sd.du <= 0)""",
        MotifArret.SURENDETTEMENT: """s.arret_surendettement AND EXISTS (
            SELECT 1 FROM dossiers_dossierdebiteur dd
            JOIN dossiers_debiteur deb ON deb.id = dd.debiteur_id
            WHERE dd.dossier_id = a.dossier_id
              AND deb.surendettement_statut IN ('depose', 'recevable'))""",
        MotifArret.PLAN: "s.arret_plan AND " + _sql_sous_plan(),
        # Plus d'étape sans envoi d'une journée passée : le scénario est épuisé (la
        # dernière a proposé la voie judiciaire si le scénario le prévoit). Les envois de la
        # journée ne comptent pas : la nuit rejouée pour la même date (deux beat, tâche
        # relivrée) n'arrête rien de plus que la première passe.
        MotifArret.TERMINE: """NOT EXISTS (
            SELECT 1 FROM relances_etapescenario x WHERE x.scenario_id = a.scenario_id
              AND x.declencheur = 'delai' AND x.actif
              AND NOT EXISTS (SELECT 1 FROM relances_envoi e
                              WHERE e.dossier_id = a.dossier_id AND e.etape_id = x.id
                                AND e.echeance_id IS NULL AND e.le < %(le)s))""",
    }


def _appliquer_arrets(curseur, etude_id: int, le: date) -> dict[str, int]:
    """Arrête les scénarios que leurs conditions arrêtent ; un événement par dossier."""
    conditions = conditions_arret()
    compteurs = {}
    for motif, condition in conditions.items():
        sql = f"""
            UPDATE relances_affectationscenario AS a SET arret = %(motif)s, arrete_le = %(le)s
            FROM relances_scenario s
            WHERE s.id = a.scenario_id AND a.etude_id = %(etude)s AND a.arret = ''
              AND ({condition})
            RETURNING a.id, a.dossier_id
            """  # noqa: S608
        if connection.vendor != "postgresql":
            sql = _retour_sqlite(sql)
        curseur.execute(sql, {"motif": str(motif), "le": le, "etude": etude_id})
        lignes = curseur.fetchall()
        compteurs[str(motif)] = len(lignes)
        if motif == MotifArret.TERMINE:
            # La dernière étape propose la voie judiciaire : la proposition va au bureau du
            # clerc (sauf si l'étape, une tâche, l'y a déjà mise).
            taches_voie_judiciaire_mettre(
                curseur, affectations=[identifiant for identifiant, _ in lignes], le=le
            )
        inserer_evenements(
            [
                Evenement(
                    etude_id=etude_id,
                    acteur=None,
                    acteur_libelle="nuit",
                    action="relances.scenario_arreter",
                    libelle=f"Scénario arrêté : {motif.label}",
                    objet_type="relances.AffectationScenario",
                    objet_id=str(identifiant),
                    dossier_id=dossier_id,
                    apres={"arret": str(motif), "arrete_le": le.isoformat()},
                )
                for identifiant, dossier_id in lignes
            ]
        )
    return compteurs


_GABARIT_ENVOIS = """
INSERT INTO relances_envoi
    (etude_id, campagne_id, dossier_id, debiteur_id, etape_id, canal, le, etat, motif,
     destinataire, identifiant_externe, reclame_le, envoye_le, segments, lot_id, echeance_id)
SELECT c.etude_id, %(campagne)s, c.dossier_id, c.debiteur_id, c.etape_id, c.canal, %(le)s,
    CASE WHEN c.motif = '' THEN 'a_envoyer' ELSE 'ignore' END, c.motif,
    CASE WHEN c.motif = '' THEN c.destinataire ELSE '' END, '', NULL, NULL, NULL, NULL,
    c.echeance_id
FROM (
    SELECT a.etude_id, a.dossier_id, p.debiteur_id, x.id AS etape_id, x.canal,
        {echeance} AS echeance_id,
        CASE
            WHEN x.montant_min IS NOT NULL AND COALESCE(sd.du, d.montant_principal) < x.montant_min
                THEN 'Montant sous la tranche de l''étape'
            WHEN x.montant_max IS NOT NULL AND COALESCE(sd.du, d.montant_principal) > x.montant_max
                THEN 'Montant au-dessus de la tranche de l''étape'
            WHEN x.type_personne <> '' AND x.type_personne <> p.type_personne
                THEN CASE WHEN x.type_personne = 'morale'
                     THEN 'Étape réservée aux personnes morales'
                     ELSE 'Étape réservée aux personnes physiques' END
            WHEN x.nature <> '' AND x.nature <> d.nature
                THEN 'Étape réservée à une autre nature de créance'
            WHEN x.canal = 'email' AND em.adresse IS NULL
                THEN CASE WHEN EXISTS (SELECT 1 FROM dossiers_emaildebiteur e2
                                       WHERE e2.debiteur_id = p.debiteur_id)
                     THEN 'Courriel sans consentement ou avec opposition'
                     ELSE 'Aucun courriel connu' END
            WHEN x.canal = 'sms' AND sms.numero IS NULL
                THEN CASE WHEN EXISTS (SELECT 1 FROM dossiers_telephonedebiteur t2
                                       WHERE t2.debiteur_id = p.debiteur_id AND t2.mobile)
                     THEN 'Mobile sans consentement aux SMS ou avec opposition'
                     ELSE 'Aucun mobile connu' END
            WHEN x.canal = 'appel' AND tel.numero IS NULL
                THEN CASE WHEN EXISTS (SELECT 1 FROM dossiers_telephonedebiteur t2
                                       WHERE t2.debiteur_id = p.debiteur_id)
                     THEN 'Téléphone sans consentement aux appels ou avec opposition'
                     ELSE 'Aucun téléphone connu' END
            WHEN x.canal = 'lettre' AND (p.adresse = '' OR p.code_postal = '')
                THEN 'Adresse postale inconnue'
            ELSE ''
        END AS motif,
        CASE x.canal
            WHEN 'email' THEN COALESCE(em.adresse, '')
            WHEN 'sms' THEN COALESCE(sms.numero, '')
            WHEN 'appel' THEN COALESCE(tel.numero, '')
            WHEN 'lettre' THEN left(p.adresse || ', ' || p.code_postal || ' ' || p.ville, 254)
            ELSE ''
        END AS destinataire
    FROM relances_affectationscenario a
    JOIN relances_scenario s ON s.id = a.scenario_id
    JOIN dossiers_dossier d ON d.id = a.dossier_id
    LEFT JOIN comptabilite_soldedossier sd ON sd.dossier_id = d.id
    JOIN LATERAL (
        SELECT deb.id AS debiteur_id, deb.type_personne, deb.adresse, deb.code_postal, deb.ville
        FROM dossiers_dossierdebiteur dd JOIN dossiers_debiteur deb ON deb.id = dd.debiteur_id
        WHERE dd.dossier_id = d.id ORDER BY dd.rang, dd.id LIMIT 1
    ) p ON true
    {etape}
    LEFT JOIN LATERAL (
        SELECT e.adresse FROM dossiers_emaildebiteur e
        WHERE e.debiteur_id = p.debiteur_id AND e.consentement AND NOT e.opposition
        ORDER BY e.id LIMIT 1
    ) em ON x.canal = 'email'
    LEFT JOIN LATERAL (
        SELECT t.numero FROM dossiers_telephonedebiteur t
        WHERE t.debiteur_id = p.debiteur_id AND t.mobile AND t.consentement_sms
          AND NOT t.opposition
        ORDER BY t.id LIMIT 1
    ) sms ON x.canal = 'sms'
    LEFT JOIN LATERAL (
        SELECT t.numero FROM dossiers_telephonedebiteur t
        WHERE t.debiteur_id = p.debiteur_id AND t.consentement_appel AND NOT t.opposition
        ORDER BY t.mobile, t.id LIMIT 1
    ) tel ON x.canal = 'appel'
    {filtre}
) c
{conflit}
"""

# Étapes « après N jours » : l'étape suivante sans envoi, due si N jours ont passé depuis le
# dernier envoi du scénario (ou l'affectation) ; un envoi par dossier et par étape.
_INSERER_ENVOIS = _GABARIT_ENVOIS.format(
    echeance="NULL::bigint",
    etape="""JOIN LATERAL (
        SELECT x.* FROM relances_etapescenario x
        WHERE x.scenario_id = a.scenario_id AND x.declencheur = 'delai' AND x.actif
          AND NOT EXISTS (SELECT 1 FROM relances_envoi e
                          WHERE e.dossier_id = a.dossier_id AND e.etape_id = x.id
                            AND e.echeance_id IS NULL)
        ORDER BY x.rang LIMIT 1
    ) x ON true""",
    filtre="""WHERE a.etude_id = %(etude)s AND a.arret = '' AND a.depuis <= %(le)s
      AND d.statut = 'ouvert'
      AND NOT (s.arret_promesse AND a.suspendu_jusqu_au IS NOT NULL
               AND a.suspendu_jusqu_au >= %(le)s)
      AND COALESCE(
            (SELECT max(e.le) FROM relances_envoi e
             JOIN relances_etapescenario y ON y.id = e.etape_id
             WHERE e.dossier_id = a.dossier_id AND y.scenario_id = a.scenario_id
               AND e.echeance_id IS NULL),
            a.depuis) + x.apres_jours <= %(le)s""",
    conflit="ON CONFLICT (dossier_id, etape_id) WHERE echeance_id IS NULL DO NOTHING",
)

# Étapes « échéance manquée » : un envoi par échéance que la nuit (partie « echeances »,
# avant celle-ci) a constatée manquée ce jour, sur un plan toujours en cours, pour les
# dossiers dont le scénario (arrêté par le plan) prévoit ce rappel.
_INSERER_RAPPELS = _GABARIT_ENVOIS.format(
    echeance="ech_e.id",
    etape="""JOIN relances_echeancier ech ON ech.dossier_id = a.dossier_id
        AND ech.etat = 'en_cours'
    JOIN relances_echeance ech_e ON ech_e.echeancier_id = ech.id
        AND ech_e.manquee_le = %(le)s
    JOIN relances_etapescenario x ON x.scenario_id = a.scenario_id
        AND x.declencheur = 'echeance_manquee' AND x.actif""",
    filtre="WHERE a.etude_id = %(etude)s AND d.statut = 'ouvert'",
    conflit="ON CONFLICT (echeance_id, etape_id) WHERE echeance_id IS NOT NULL DO NOTHING",
)


# --- SQLite (base embarquée de `./scripts/demarrer`) : voir `traduction`. ---------------
_POUR_SQLITE = [
    (
        """    JOIN LATERAL (
        SELECT deb.id AS debiteur_id, deb.type_personne, deb.adresse, deb.code_postal, deb.ville
        FROM dossiers_dossierdebiteur dd JOIN dossiers_debiteur deb ON deb.id = dd.debiteur_id
        WHERE dd.dossier_id = d.id ORDER BY dd.rang, dd.id LIMIT 1
    ) p ON true""",
        """    JOIN (
        SELECT deb.id AS debiteur_id, deb.type_personne, deb.adresse, deb.code_postal, deb.ville
        FROM dossiers_debiteur deb
    ) p ON p.debiteur_id = (
        SELECT dd.debiteur_id FROM dossiers_dossierdebiteur dd
        WHERE dd.dossier_id = d.id ORDER BY dd.rang, dd.id LIMIT 1)""",
    ),
    (
        """    LEFT JOIN LATERAL (
        SELECT e.adresse FROM dossiers_emaildebiteur e
        WHERE e.debiteur_id = p.debiteur_id AND e.consentement AND NOT e.opposition
        ORDER BY e.id LIMIT 1
    ) em ON x.canal = 'email'""",
        """    LEFT JOIN dossiers_emaildebiteur em ON x.canal = 'email' AND em.id = (
        SELECT e.id FROM dossiers_emaildebiteur e
        WHERE e.debiteur_id = p.debiteur_id AND e.consentement AND NOT e.opposition
        ORDER BY e.id LIMIT 1)""",
    ),
    (
        """    LEFT JOIN LATERAL (
        SELECT t.numero FROM dossiers_telephonedebiteur t
        WHERE t.debiteur_id = p.debiteur_id AND t.mobile AND t.consentement_sms
          AND NOT t.opposition
        ORDER BY t.id LIMIT 1
    ) sms ON x.canal = 'sms'""",
        """    LEFT JOIN dossiers_telephonedebiteur sms ON x.canal = 'sms' AND sms.id = (
        SELECT t.id FROM dossiers_telephonedebiteur t
        WHERE t.debiteur_id = p.debiteur_id AND t.mobile AND t.consentement_sms
          AND NOT t.opposition
        ORDER BY t.id LIMIT 1)""",
    ),
    (
        """    LEFT JOIN LATERAL (
        SELECT t.numero FROM dossiers_telephonedebiteur t
        WHERE t.debiteur_id = p.debiteur_id AND t.consentement_appel AND NOT t.opposition
        ORDER BY t.mobile, t.id LIMIT 1
    ) tel ON x.canal = 'appel'""",
        """    LEFT JOIN dossiers_telephonedebiteur tel ON x.canal = 'appel' AND tel.id = (
        SELECT t.id FROM dossiers_telephonedebiteur t
        WHERE t.debiteur_id = p.debiteur_id AND t.consentement_appel AND NOT t.opposition
        ORDER BY t.mobile, t.id LIMIT 1)""",
    ),
    (
        "left(p.adresse || ', ' || p.code_postal || ' ' || p.ville, 254)",
        "substr(p.adresse || ', ' || p.code_postal || ' ' || p.ville, 1, 254)",
    ),
    # INSERT … SELECT … ON CONFLICT : sans WHERE, SQLite lirait « ON » comme celui d'une
    # jointure (documentation de l'UPSERT de SQLite : « WHERE true »).
    ("\n) c\n", "\n) c WHERE true\n"),
]
_POUR_SQLITE_ENVOIS = [
    *_POUR_SQLITE,
    ("NULL::bigint", "NULL"),
    (
        """JOIN LATERAL (
        SELECT x.* FROM relances_etapescenario x
        WHERE x.scenario_id = a.scenario_id AND x.declencheur = 'delai' AND x.actif
          AND NOT EXISTS (SELECT 1 FROM relances_envoi e
                          WHERE e.dossier_id = a.dossier_id AND e.etape_id = x.id
                            AND e.echeance_id IS NULL)
        ORDER BY x.rang LIMIT 1
    ) x ON true""",
        """JOIN relances_etapescenario x ON x.id = (
        SELECT x2.id FROM relances_etapescenario x2
        WHERE x2.scenario_id = a.scenario_id AND x2.declencheur = 'delai' AND x2.actif
          AND NOT EXISTS (SELECT 1 FROM relances_envoi e
                          WHERE e.dossier_id = a.dossier_id AND e.etape_id = x2.id
                            AND e.echeance_id IS NULL)
        ORDER BY x2.rang LIMIT 1)""",
    ),
    (
        "AND COALESCE(\n            (SELECT max(e.le)",
        "AND date(COALESCE(\n            (SELECT max(e.le)",
    ),
    (
        "a.depuis) + x.apres_jours <= %(le)s",
        "a.depuis), '+' || x.apres_jours || ' days') <= %(le)s",
    ),
]
_POUR_SQLITE_AFFECTER = [
    (
        """        JOIN LATERAL (
            SELECT s.id FROM relances_scenario s""",
        """        JOIN relances_scenario s ON s.id = (
            SELECT s.id FROM relances_scenario s""",
    ),
    (
        """            ORDER BY s.priorite, s.id LIMIT 1
        ) s ON true""",
        """            ORDER BY s.priorite, s.id LIMIT 1)""",
    ),
]


_AFFECTER = {
    "postgresql": _AFFECTER_PG,
    "sqlite": traduire(_AFFECTER_PG, _POUR_SQLITE_AFFECTER),
}
_REQUETES = {
    "postgresql": (_INSERER_ENVOIS, _INSERER_RAPPELS),
    "sqlite": (
        traduire(_INSERER_ENVOIS, _POUR_SQLITE_ENVOIS),
        traduire(_INSERER_RAPPELS, _POUR_SQLITE),
    ),
}


@dataclass
class Lancement:
    campagne: Campagne
    affectes: int
    arrets: dict
    crees: int
    taches: int


def paquets(ids: list[int]) -> list[list[int]]:
    """Découpe en paquets égaux d'au moins PAQUET_MIN (sauf s'il y a moins d'envois en
    tout), au plus TACHES_MAX paquets."""
    if not ids:
        return []
    nombre = min(TACHES_MAX, max(1, len(ids) // PAQUET_MIN))
    # Tailles égales à un près : chacune vaut au moins len(ids) // nombre >= PAQUET_MIN.
    bornes = [i * len(ids) // nombre for i in range(nombre + 1)]
    return [ids[bornes[i] : bornes[i + 1]] for i in range(nombre)]


def _envoyer_apres_validation(ids: list[int]) -> int:
    """Programme les paquets (après validation de la transaction) ; rend le nombre de
    tâches."""
    from ..tasks import envoyer_paquet

    lots = paquets(ids)
    for lot in lots:
        transaction.on_commit(lambda lot=lot: _programmer(envoyer_paquet, lot))
    return len(lots)


def _lettres_apres_validation(etude_id: int, le: date) -> None:
    from ..tasks import lettres_du_jour

    transaction.on_commit(lambda: _programmer(lettres_du_jour, etude_id, le.isoformat()))


def _programmer(tache, *arguments) -> None:
    """Met la tâche en file. Redis injoignable : les envois sont déjà enregistrés « à
    envoyer » (transaction validée) ; la reprise (`relances.reprendre`, beat toutes les dix
    minutes) les enverra. Le lancement n'échoue donc pas après avoir tout écrit."""
    try:
        tache.delay(*arguments)
    except OperationalError as erreur:
        logger.warning(
            "File des tâches injoignable (%s) : %s remis à la reprise des relances.",
            erreur,
            tache.name,
        )


@transaction.atomic
def campagne_lancer(*, etude, le: date, acteur=None, origine: str = Campagne.Origine.DEMANDE):
    """Passe les scénarios de l'étude pour la journée `le` : affectations par règles, arrêts,
    puis un envoi par dossier dont l'étape suivante est due. Les envois partent après
    validation, par paquets Celery ; les lettres vont au fichier du jour.

    Rejouée pour la même journée, la passe ne crée rien de plus (contrainte unique dossier +
    étape ; la campagne de nuit d'une journée est unique).

    Lancée par une personne (`acteur`) : jamais pour une journée à venir (elle déroulerait
    d'avance les étapes des jours suivants : lettre, courriel, SMS et appel le même soir) ;
    une journée passée (rattraper une nuit manquée, qui rejoue aussi les rappels des
    échéances constatées ce jour-là) est réservée au principal clerc et au commissaire, et
    l'événement de la campagne le dit."""
    _exiger_ecriture(acteur)
    rattrapage = False
    if acteur is not None:
        aujourd_hui = timezone.localdate()
        if le > aujourd_hui:
            raise RegleMetier(
                f"Une campagne ne se lance pas pour une journée à venir ({le:%d/%m/%Y}) : "
                "chaque nuit passe les étapes dues ce jour-là."
            )
        if le < aujourd_hui:
            if not acteur.est_principal:
                raise RegleMetier(
                    "Seuls le principal clerc et le commissaire lancent une campagne pour une "
                    f"journée passée ({le:%d/%m/%Y}), pour rattraper une nuit manquée."
                )
            rattrapage = True
    nouvelle = True
    if origine == Campagne.Origine.NUIT:
        campagne, nouvelle = Campagne.objects.get_or_create(
            etude=etude, le=le, origine=origine, defaults={"lancee_par": acteur}
        )
    else:
        campagne = Campagne.objects.create(etude=etude, le=le, origine=origine, lancee_par=acteur)
    with connection.cursor() as curseur:
        affectes = _affecter_par_regles(curseur, etude.pk, le)
        repris = _reprendre_apres_plan(curseur, etude.pk, le)
        arrets = _appliquer_arrets(curseur, etude.pk, le)
        arrets["repris"] = repris
        parametres = {"campagne": campagne.pk, "le": le, "etude": etude.pk}
        inserer_envois, inserer_rappels = _REQUETES[connection.vendor]
        curseur.execute(inserer_envois, parametres)
        crees = curseur.rowcount
        curseur.execute(inserer_rappels, parametres)
        crees += curseur.rowcount
        curseur.execute(
            """SELECT id FROM relances_envoi
               WHERE campagne_id = %s AND etat = 'a_envoyer' AND canal <> 'lettre'
               ORDER BY id""",
            [campagne.pk],
        )
        ids = [ligne[0] for ligne in curseur.fetchall()]
        curseur.execute(
            "SELECT EXISTS (SELECT 1 FROM relances_envoi WHERE etude_id = %s AND le = %s "
            "AND canal = 'lettre' AND etat = 'a_envoyer')",
            [etude.pk, le],
        )
        lettres = curseur.fetchone()[0]
    if not nouvelle and not (crees or affectes or any(arrets.values())):
        # La nuit rejouée pour la même journée n'écrit rien (ni compteur, ni événement) ;
        # elle relance seulement ce qui reste à envoyer (tâches idempotentes).
        taches = _envoyer_apres_validation(ids) + (1 if lettres else 0)
        if lettres:
            _lettres_apres_validation(etude.pk, le)
        return Lancement(campagne, affectes, arrets, crees, taches)
    taches = _envoyer_apres_validation(ids)
    if lettres:
        _lettres_apres_validation(etude.pk, le)
        taches += 1
    campagne.nombre_envois += crees
    campagne.nombre_taches += taches
    campagne.save(update_fields=["nombre_envois", "nombre_taches"])
    libelle = f"{campagne} : {crees} envoi(s) créé(s), {taches} tâche(s)"
    if rattrapage:
        libelle = (
            f"Rattrapage de la journée passée du {le:%d/%m/%Y} (lancé le "
            f"{timezone.localdate():%d/%m/%Y}) ; {libelle}"
        )
    evenement_enregistrer(
        etude_id=etude.pk,
        acteur=acteur,
        action="relances.campagne_lancer",
        libelle=libelle,
        objet=campagne,
        apres={"crees": crees, "affectes": affectes, "arrets": arrets, "rattrapage": rattrapage},
    )
    return Lancement(campagne, affectes, arrets, crees, taches)


def compteurs(campagne: Campagne) -> dict:
    """À envoyer, en cours, envoyés, échoués, ignorés (et pourquoi) d'une campagne."""
    from django.db.models import Count

    par_etat = dict(
        Envoi.objects.filter(campagne=campagne)
        .values_list("etat")
        .annotate(n=Count("id"))
        .values_list("etat", "n")
    )
    raisons = list(
        Envoi.objects.filter(campagne=campagne, etat__in=[EtatEnvoi.IGNORE, EtatEnvoi.ECHOUE])
        .values("etat", "motif")
        .annotate(n=Count("id"))
        .order_by("etat", "-n")[:30]
    )
    total = sum(par_etat.values())
    finis = sum(par_etat.get(e, 0) for e in ("envoye", "echoue", "ignore"))
    return {
        "total": total,
        "a_envoyer": par_etat.get("a_envoyer", 0),
        "en_cours": par_etat.get("en_cours", 0),
        "envoye": par_etat.get("envoye", 0),
        "echoue": par_etat.get("echoue", 0),
        "ignore": par_etat.get("ignore", 0),
        "raisons": raisons,
        "pourcent": round(100 * finis / total) if total else 100,
        "fini": finis == total,
    }


# --- Reprise depuis PostgreSQL ----------------------------------------------------------


def reprendre(*, maintenant=None, interrompu_apres: timedelta = INTERRUPTION_APRES) -> dict:
    """La file peut avoir perdu des tâches (Redis vidé, redémarré) ou un worker être mort en
    plein envoi : tout ce qui reste à faire se lit en base. Les envois « en cours » depuis
    trop longtemps finissent en échec (jamais renvoyés : pas de double envoi) ; ceux « à
    envoyer » repartent par paquets, les lettres dans le fichier de leur journée."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        interrompus = Envoi.objects.filter(
            etat=EtatEnvoi.EN_COURS, reclame_le__lte=maintenant - interrompu_apres
        ).update(
            etat=EtatEnvoi.ECHOUE,
            motif="Interrompu pendant l'envoi : non renvoyé pour ne pas envoyer deux fois",
        )
        ids = list(
            Envoi.objects.filter(etat=EtatEnvoi.A_ENVOYER)
            .exclude(canal=Canal.LETTRE)
            .order_by("id")
            .values_list("id", flat=True)
        )
        taches = _envoyer_apres_validation(ids)
        journees = list(
            Envoi.objects.filter(etat=EtatEnvoi.A_ENVOYER, canal=Canal.LETTRE)
            .values_list("etude_id", "le")
            .distinct()
        )
        for etude_id, le in journees:
            _lettres_apres_validation(etude_id, le)
    return {
        "interrompus": interrompus,
        "relances": len(ids),
        "taches": taches + len(journees),
    }


# --- Rebonds ----------------------------------------------------------------------------


@transaction.atomic
def envoi_rebond_enregistrer(*, identifiant_externe: str, motif: str) -> Envoi | None:
    """Un courriel revenu (rebond, refus du serveur du destinataire) : l'envoi passe en
    échec avec la raison. Appelé par le webhook du prestataire (django-anymail : signal
    `tracking`, événements `bounced`/`rejected`) ou par le traitement des retours SMTP."""
    envoi = (
        Envoi.objects.select_for_update().filter(identifiant_externe=identifiant_externe).first()
    )
    if envoi is None:
        return None
    if envoi.etat == EtatEnvoi.ECHOUE and envoi.motif.startswith("Rebond"):
        return envoi  # le prestataire renvoie l'événement : déjà enregistré, rien de plus
    avant = instantane(envoi, ["etat", "motif"])
    envoi.etat = EtatEnvoi.ECHOUE
    envoi.motif = f"Rebond : {motif}"[:200]
    envoi.save(update_fields=["etat", "motif"])
    evenement_enregistrer(
        etude_id=envoi.etude_id,
        acteur=None,
        action="relances.envoi_rebond",
        libelle=f"Courriel revenu : {motif}",
        objet=envoi,
        dossier=envoi.dossier,
        avant=avant,
        apres=instantane(envoi, ["etat", "motif"]),
    )
    return envoi


# Ce que le destinataire a fait d'un courriel reçu et qui vaut opposition à en recevoir
# d'autres (RGPD art. 21) : événements `complained` et `unsubscribed` d'anymail.
OPPOSITIONS_COURRIEL = {
    "complained": "plainte (courriel marqué comme indésirable)",
    "unsubscribed": "désabonnement",
}


@transaction.atomic
def courriel_opposition_enregistrer(
    *, identifiant_externe: str, genre: str, prestataire: str, destinataire: str = ""
) -> list[EmailDebiteur]:
    """Le destinataire d'un courriel de relance s'est plaint (marqué comme indésirable) ou
    s'est désabonné : c'est une opposition (RGPD art. 21) ; plus aucun courriel de l'étude
    ne doit partir vers cette adresse. Appelé par le webhook du prestataire
    (relances/rebonds.py).

    Le mécanisme est celui qui existe : `EmailDebiteur.opposition`, que la campagne (« Courriel
    sans consentement ou avec opposition ») et la remise (relecture juste avant l'envoi)
    respectent déjà. L'opposition est posée sur chaque courriel de débiteur de l'étude qui
    porte cette adresse (casse ignorée) : c'est la boîte aux lettres qui a refusé, quel que
    soit le dossier ; jamais dans une autre étude (un autre responsable de traitement). Les
    autres canaux (SMS, appels, lettres) ne changent pas.

    Un événement d'audit par adresse changée, signé « webhook <prestataire> », rattaché au
    dossier de l'envoi (ou, pour un autre débiteur de même adresse, à son dernier dossier).
    Idempotent : une adresse déjà en opposition n'est pas réécrite (le prestataire renvoie
    ses événements ; deux requêtes simultanées se rangent derrière le verrou de la ligne).
    Retourne les courriels mis en opposition par cet appel."""
    if genre not in OPPOSITIONS_COURRIEL:
        raise ValueError(f"Événement sans opposition : {genre}")
    envoi = (
        Envoi.objects.select_related("dossier")
        .filter(identifiant_externe=identifiant_externe, canal=Canal.EMAIL)
        .first()
    )
    if envoi is None or not envoi.destinataire:
        return []
    if destinataire and destinataire.strip().lower() != envoi.destinataire.strip().lower():
        return []  # l'événement nomme une autre adresse que celle de l'envoi : rien
    courriels = list(
        EmailDebiteur.objects.select_for_update(of=("self",))
        .filter(
            debiteur__etude_id=envoi.etude_id,
            adresse__iexact=envoi.destinataire.strip(),
            opposition=False,
        )
        .order_by("id")
    )
    quoi = OPPOSITIONS_COURRIEL[genre]
    for courriel in courriels:
        if courriel.debiteur_id == envoi.debiteur_id:
            dossier = envoi.dossier
        else:
            dossier = (
                Dossier.objects.filter(
                    etude_id=envoi.etude_id, parties__debiteur_id=courriel.debiteur_id
                )
                .order_by("-id")
                .first()
            )
        coordonnee_champ_changer(
            etude_id=envoi.etude_id,
            coordonnee=courriel,
            champ="opposition",
            valeur=True,
            acteur=None,
            acteur_libelle=f"webhook {prestataire}",
            action="relances.courriel_opposition",
            libelle=(
                f"Opposition aux courriels posée sur {courriel.adresse} : {quoi} reçu du "
                f"prestataire pour le courriel du {envoi.le:%d/%m/%Y} (RGPD art. 21)"
            ),
            dossier=dossier,
        )
    return courriels


# --- Appels -----------------------------------------------------------------------------

# Plus grand montant que la colonne tient (DecimalField 14 chiffres dont 2 décimales).
_CHAMP_MONTANT_PROMIS = Appel._meta.get_field("promesse_montant")
MONTANT_PROMIS_MAX = Decimal(10) ** (
    _CHAMP_MONTANT_PROMIS.max_digits - _CHAMP_MONTANT_PROMIS.decimal_places
) - Decimal("0.01")


def limite_promesse(etude_id: int, aujourd_hui: date) -> date:
    """Date la plus lointaine qu'une promesse de payer peut porter : la durée maximale des
    plans de l'étude (politique des échéanciers, 24 mois par défaut, C. civ. 1343-5). Un
    paiement promis plus loin n'est plus une promesse mais un plan ; et la promesse suspend
    le scénario jusqu'à sa date : une date lointaine l'arrêterait sans le dire."""
    from ..echeancier_calcul import ajouter_mois
    from ..models import PolitiqueEcheancier

    return ajouter_mois(aujourd_hui, PolitiqueEcheancier.de(etude_id).duree_max_mois)


def _verifier_promesse(*, etude_id: int, le: date | None, montant: Decimal | None) -> None:
    if le is None or montant is None:
        raise RegleMetier("Une promesse de payer porte une date et un montant.")
    if not isinstance(montant, Decimal) or not montant.is_finite():
        raise RegleMetier("Le montant promis doit être un montant en euros.")
    if montant <= 0:
        raise RegleMetier("Le montant promis doit être positif.")
    if montant > MONTANT_PROMIS_MAX or montant != montant.quantize(Decimal("0.01")):
        plafond = f"{MONTANT_PROMIS_MAX:,.2f}".replace(",", "\u202f").replace(".", ",")
        raise RegleMetier(
            f"Le montant promis doit être en euros et centimes, au plus {plafond} €."
        )
    aujourd_hui = timezone.localdate()
    if le < aujourd_hui:
        raise RegleMetier("La date promise ne peut pas être passée.")
    limite = limite_promesse(etude_id, aujourd_hui)
    if le > limite:
        raise RegleMetier(
            f"La date promise ne peut pas dépasser le {limite:%d/%m/%Y} (durée maximale des "
            "plans de l'étude) : au-delà, proposez un plan."
        )


def _appels_en_attente_ignorer(*, acteur, appel: Appel) -> int:
    """Un mauvais numéro : les autres appels en attente vers ce numéro du même débiteur
    (d'autres dossiers, d'autres étapes) sont fermés d'un coup, « ignorés » avec leur motif,
    un événement par dossier touché (écrits ensemble). Dans la transaction du résultat."""
    maintenant = timezone.now()
    motif = (
        f"Mauvais numéro signalé le {timezone.localdate():%d/%m/%Y} sur l'appel du dossier "
        f"{appel.dossier.reference} : plus d'appel vers {appel.telephone}"
    )[:300]
    en_attente = list(
        Appel.objects.select_for_update()
        .filter(
            etude_id=appel.etude_id,
            debiteur_id=appel.debiteur_id,
            telephone=appel.telephone,
            resultat="",
        )
        .exclude(pk=appel.pk)
        .values_list("pk", "dossier_id")
    )
    if not en_attente:
        return 0
    Appel.objects.filter(pk__in=[pk for pk, _ in en_attente]).update(
        resultat=ResultatAppel.IGNORE,
        commentaire=motif,
        traite_par=acteur,
        traite_le=maintenant,
    )
    inserer_evenements(
        [
            Evenement(
                etude_id=appel.etude_id,
                acteur=acteur,
                acteur_libelle=(acteur.get_full_name() or acteur.username)[:150],
                action="relances.appel_ignorer",
                libelle=f"Appel en attente ignoré : {motif}",
                objet_type="relances.Appel",
                objet_id=str(pk),
                dossier_id=dossier_id,
                avant={"resultat": ""},
                apres={"resultat": str(ResultatAppel.IGNORE), "commentaire": motif},
            )
            for pk, dossier_id in en_attente
        ]
    )
    return len(en_attente)


def _contestation_appliquer(affectation: AffectationScenario, aujourd_hui: date) -> str:
    """Ce qu'une contestation fait au scénario en cours (`affectation`, verrouillée, non
    arrêtée ; en mémoire, l'appelant enregistre) : il s'arrête si sa case « contestation »
    le prévoit, sinon il continue. Commun au résultat d'appel et à la contestation reçue
    par courrier ou à l'accueil. Rend la suite, en mots, pour l'événement."""
    if not affectation.scenario.arret_contestation:
        return "le scénario continue (sa case « contestation » n'arrête pas)"
    affectation.arret, affectation.arrete_le = MotifArret.CONTESTATION, aujourd_hui
    return "scénario arrêté : contestation à examiner"


SOURCES_CONTESTATION = {
    "courrier": "par courrier",
    "accueil": "à l'accueil de l'étude",
    "courriel": "par courriel",
    "autre": "par un autre moyen",
}


@transaction.atomic
def contestation_enregistrer(
    *, acteur, dossier: Dossier, source: str, commentaire: str
) -> AffectationScenario | None:
    """Le débiteur conteste la créance hors d'un appel (lettre reçue, visite à l'étude) :
    même effet qu'un appel dont le résultat est « contestation » (`_contestation_appliquer`),
    et un événement sur le dossier qui dit d'où vient la contestation, ce qu'elle dit et ce
    qu'il advient du scénario. Rend l'affectation du dossier (ou None s'il n'en a pas)."""
    _exiger_ecriture(acteur)
    if acteur.etude_id != dossier.etude_id:
        raise RegleMetier("Ce dossier n'appartient pas à votre étude.")
    if source not in SOURCES_CONTESTATION:
        raise RegleMetier("Dites comment la contestation a été reçue.")
    commentaire = commentaire.strip()
    if not commentaire:
        raise RegleMetier("Résumez ce que le débiteur conteste.")
    affectation = (
        AffectationScenario.objects.select_for_update(of=("self",))
        .select_related("scenario")
        .filter(dossier=dossier)
        .first()
    )
    avant = instantane(affectation, ["arret", "arrete_le"]) if affectation else {}
    if affectation is not None and not affectation.arret:
        suite = _contestation_appliquer(affectation, timezone.localdate())
        affectation.save(update_fields=["arret", "arrete_le"])
    else:
        suite = "aucun scénario en cours"
    evenement_enregistrer(
        etude_id=dossier.etude_id,
        acteur=acteur,
        action="relances.contestation",
        libelle=(
            f"Contestation reçue {SOURCES_CONTESTATION[source]} : « {commentaire[:150]} » ; "
            f"{suite}"
        ),
        objet=affectation or dossier,
        dossier=dossier,
        avant=avant,
        apres={
            **(instantane(affectation, ["arret", "arrete_le"]) if affectation else {}),
            "source": source,
            "commentaire": commentaire[:300],
        },
    )
    return affectation


@transaction.atomic
def appel_resultat_enregistrer(
    *,
    acteur,
    appel: Appel,
    resultat: str,
    promesse_date: date | None = None,
    promesse_montant: Decimal | None = None,
    commentaire: str = "",
) -> Appel:
    """Le résultat d'un appel fait avancer le dossier :
    - pas joint : le scénario continue ;
    - mauvais numéro : ce numéro est celui d'un tiers ; plus d'appel ni de SMS (rien ne doit
      révéler la dette à un tiers), le scénario continue par les autres canaux ;
    - promesse : le scénario attend jusqu'à la date promise ;
    - plan proposé : le scénario attend que l'échéancier soit établi et accepté ;
    - contestation : le scénario s'arrête si sa case « contestation » le prévoit ; le clerc
      examine la contestation (règles professionnelles, art. 29 : informer le mandant d'une
      créance douteuse)."""
    _exiger_ecriture(acteur)
    if acteur.etude_id != appel.etude_id:
        raise RegleMetier("Cet appel n'appartient pas à votre étude.")
    appel = Appel.objects.select_for_update().get(pk=appel.pk)
    if appel.resultat:
        raise RegleMetier("Le résultat de cet appel est déjà enregistré.")
    if resultat not in ResultatAppel.values or resultat == ResultatAppel.IGNORE:
        raise RegleMetier("Résultat d'appel inconnu.")
    aujourd_hui = timezone.localdate()
    if resultat == ResultatAppel.PROMESSE:
        _verifier_promesse(etude_id=appel.etude_id, le=promesse_date, montant=promesse_montant)
    avant = instantane(appel, ["resultat"])
    appel.resultat = resultat
    appel.promesse_date = promesse_date if resultat == ResultatAppel.PROMESSE else None
    appel.promesse_montant = promesse_montant if resultat == ResultatAppel.PROMESSE else None
    appel.commentaire = commentaire[:300]
    appel.traite_par = acteur
    appel.traite_le = timezone.now()
    appel.save()
    affectation = (
        AffectationScenario.objects.select_for_update().filter(dossier_id=appel.dossier_id).first()
    )
    suite = "le scénario continue"
    if resultat == ResultatAppel.MAUVAIS_NUMERO:
        TelephoneDebiteur.objects.filter(
            debiteur_id=appel.debiteur_id, numero=appel.telephone
        ).update(consentement_appel=False, consentement_sms=False)
        ignores = _appels_en_attente_ignorer(acteur=acteur, appel=appel)
        suite = "numéro retiré des appels et SMS"
        if ignores:
            suite += f", {ignores} autre(s) appel(s) en attente vers ce numéro ignoré(s)"
    elif affectation is not None and not affectation.arret:
        if resultat == ResultatAppel.PROMESSE:
            affectation.suspendu_jusqu_au = promesse_date
            suite = f"scénario suspendu jusqu'au {promesse_date:%d/%m/%Y}"
        elif resultat == ResultatAppel.PLAN:
            affectation.suspendu_jusqu_au = aujourd_hui + SUSPENSION_PLAN_PROPOSE
            suite = f"scénario suspendu jusqu'au {affectation.suspendu_jusqu_au:%d/%m/%Y}"
        elif resultat == ResultatAppel.CONTESTATION:
            suite = _contestation_appliquer(affectation, aujourd_hui)
        affectation.save(update_fields=["suspendu_jusqu_au", "arret", "arrete_le"])
    evenement_enregistrer(
        etude_id=appel.etude_id,
        acteur=acteur,
        action="relances.appel_resultat",
        libelle=f"Appel : {appel.get_resultat_display()} ; {suite}",
        objet=appel,
        dossier=Dossier.objects.get(pk=appel.dossier_id),
        avant=avant,
        apres=instantane(appel, ["resultat", "promesse_date", "promesse_montant"]),
    )
    return appel
