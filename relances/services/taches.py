"""Tâches du clerc mises par les relances (canal « Tâche pour le clerc ») : créées par la
remise de l'envoi (relances/envoi.py, même transaction que la réclamation, comme l'appel),
ou par l'arrêt d'un scénario épuisé dont la dernière étape propose la voie judiciaire ;
marquées faites par le clerc depuis « Mon bureau ».

Une tâche par envoi (contrainte OneToOne `envoi`, ON CONFLICT DO NOTHING) : un paquet rejoué
par un second worker, ou la nuit qui arrête ensuite le scénario, n'en crée pas une seconde.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from etude.audit import evenement_enregistrer, instantane
from etude.errors import RegleMetier

from ..models import PROPOSER_VOIE_JUDICIAIRE, Envoi, Tache
from .traduction import traduire


def texte_de_tache(envoi: Envoi, rendu: str) -> str:
    """Ce que la tâche demande : le modèle de l'étape rendu ; « Proposer la voie
    judiciaire » en tête si l'étape la propose."""
    if envoi.etape.voie_judiciaire:
        return f"{PROPOSER_VOIE_JUDICIAIRE} : {rendu}" if rendu else PROPOSER_VOIE_JUDICIAIRE
    return rendu or f"Tâche de relance (étape {envoi.etape.rang} du scénario)"


def tache_mettre(*, envoi: Envoi, texte: str) -> None:
    """Met la tâche de l'envoi dans la liste du clerc du dossier. Appelée par la remise, dans
    la transaction qui a réclamé l'envoi ; rien si la tâche existe déjà."""
    Tache.objects.bulk_create(
        [
            Tache(
                etude_id=envoi.etude_id,
                envoi=envoi,
                dossier_id=envoi.dossier_id,
                clerc_id=envoi.dossier.clerc_id,
                prevue_le=envoi.le,
                texte=texte,
                voie_judiciaire=envoi.etape.voie_judiciaire,
            )
        ],
        ignore_conflicts=True,
    )


_VOIE_JUDICIAIRE_PG = """
        INSERT INTO relances_tache
            (etude_id, envoi_id, dossier_id, clerc_id, prevue_le, texte, voie_judiciaire,
             faite_par_id, faite_le)
        SELECT e.etude_id, e.id, e.dossier_id, d.clerc_id, %(le)s,
            %(intitule)s || ' : scénario « ' || s.nom || ' » terminé', true, NULL, NULL
        FROM relances_affectationscenario a
        JOIN relances_scenario s ON s.id = a.scenario_id
        JOIN dossiers_dossier d ON d.id = a.dossier_id
        JOIN LATERAL (
            SELECT x.id, x.voie_judiciaire FROM relances_etapescenario x
            WHERE x.scenario_id = a.scenario_id AND x.declencheur = 'delai' AND x.actif
            ORDER BY x.rang DESC LIMIT 1
        ) x ON x.voie_judiciaire
        JOIN relances_envoi e ON e.dossier_id = a.dossier_id AND e.etape_id = x.id
            AND e.echeance_id IS NULL
        WHERE a.id = ANY(%(affectations)s)
        ON CONFLICT (envoi_id) DO NOTHING
        """

_VOIE_JUDICIAIRE_SQLITE = traduire(
    _VOIE_JUDICIAIRE_PG,
    [
        (
            """        JOIN LATERAL (
            SELECT x.id, x.voie_judiciaire FROM relances_etapescenario x
            WHERE x.scenario_id = a.scenario_id AND x.declencheur = 'delai' AND x.actif
            ORDER BY x.rang DESC LIMIT 1
        ) x ON x.voie_judiciaire""",
            """        JOIN relances_etapescenario x ON x.voie_judiciaire AND x.id = (
            SELECT x2.id FROM relances_etapescenario x2
            WHERE x2.scenario_id = a.scenario_id AND x2.declencheur = 'delai' AND x2.actif
            ORDER BY x2.rang DESC LIMIT 1)""",
        ),
        ("WHERE a.id = ANY(%(affectations)s)", "WHERE a.id IN (%(affectations)s)"),
    ],
)


def taches_voie_judiciaire_mettre(curseur, *, affectations: list[int], le: date) -> int:
    """Scénarios qui viennent de s'arrêter « étapes épuisées » : si leur dernière étape
    active propose la voie judiciaire, le clerc du dossier reçoit la tâche « Proposer la voie
    judiciaire », rattachée à l'envoi de cette étape. Déjà mise par cet envoi (étape
    « tâche ») : rien de plus. Une requête pour toutes les affectations."""
    if not affectations:
        return 0
    parametres = {"le": le, "intitule": PROPOSER_VOIE_JUDICIAIRE}
    if connection.vendor == "postgresql":
        curseur.execute(_VOIE_JUDICIAIRE_PG, {**parametres, "affectations": affectations})
    else:
        # SQLite (démo) : pas de tableau en paramètre, une marque par affectation.
        marques = ", ".join(f"%(a{i})s" for i in range(len(affectations)))
        curseur.execute(
            _VOIE_JUDICIAIRE_SQLITE.replace("%(affectations)s", marques),
            {**parametres, **{f"a{i}": a for i, a in enumerate(affectations)}},
        )
    return curseur.rowcount


@transaction.atomic
def tache_faire(*, acteur, tache: Tache) -> Tache:
    """Le clerc (ou le principal clerc) marque la tâche faite : qui, quand, dans le journal
    du dossier. Une tâche déjà faite ne l'est pas deux fois."""
    if not acteur.peut_ecrire:
        raise RegleMetier("Votre rôle ne permet pas de modifier les dossiers.")
    if tache.clerc_id != acteur.pk and not acteur.est_principal:
        # Seuls le clerc de la tâche, le principal clerc et le commissaire la marquent faite.
        raise PermissionDenied("Cette tâche est dans la liste d'un autre clerc.")
    tache = (
        Tache.objects.select_for_update(of=("self",))
        .select_related("faite_par", "dossier")
        .get(pk=tache.pk)
    )
    if tache.faite_le is not None:
        quand = timezone.localtime(tache.faite_le)
        raise RegleMetier(
            f"Cette tâche a déjà été faite le {quand:%d/%m/%Y à %H:%M} par {tache.faite_par}."
        )
    champs = ["faite_le", "faite_par"]
    avant = instantane(tache, champs)
    tache.faite_le = timezone.now()
    tache.faite_par = acteur
    tache.save(update_fields=champs)
    evenement_enregistrer(
        etude_id=tache.etude_id,
        acteur=acteur,
        action="relances.tache_faire",
        libelle=f"Tâche faite : {tache.texte}",
        objet=tache,
        dossier=tache.dossier,
        avant=avant,
        apres=instantane(tache, champs),
    )
    return tache
