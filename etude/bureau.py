"""Sections de « Mon bureau » tirées des relances et de la comptabilité (PARCOURS.md, clerc,
étape 1) : appels à passer aujourd'hui, tâches des relances (voie judiciaire à proposer),
versements reçus et pas encore imputés, plans dont une échéance est manquée.

Chaque section fait un COUNT exact restreint au clerc (index partiels existants) et lit au
plus `LIMITE_BUREAU` lignes : le nombre de requêtes ne dépend pas du volume ; la page
complète existante (liste d'appels, relevés, échéanciers) montre le reste."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery

LIMITE_BUREAU = 8


def dernier_jour_ouvre(aujourd_hui: date, calendrier: str) -> date:
    """Le jour ouvré (lundi à vendredi hors fériés du calendrier de l'étude) qui précède
    `aujourd_hui` : un lundi, c'est le vendredi (PARCOURS : « reçus depuis vendredi »)."""
    from procedures.delais import est_jour_ouvrable

    jour = aujourd_hui - timedelta(days=1)
    while not est_jour_ouvrable(jour, calendrier, samedi_ouvrable=False):
        jour -= timedelta(days=1)
    return jour


def appels_du_jour(utilisateur, aujourd_hui: date) -> dict:
    """Appels de la liste du clerc encore sans résultat, prévus aujourd'hui ou avant (index
    partiel appel_a_faire_idx : clerc, prevu_le WHERE resultat = '')."""
    from relances.envoi import telephones_joignables
    from relances.models import Appel, Canal

    # Mêmes appels que la liste du clerc : le numéro relu (consentement, opposition).
    joignable = telephones_joignables(
        Canal.APPEL, debiteur_id=OuterRef("debiteur_id"), numero=OuterRef("telephone")
    )
    base = Appel.objects.pour(utilisateur).filter(
        Exists(joignable), clerc=utilisateur, resultat="", prevu_le__lte=aujourd_hui
    )
    comptes = base.aggregate(
        aujourdhui=Count("id", filter=Q(prevu_le=aujourd_hui)),
        retard=Count("id", filter=Q(prevu_le__lt=aujourd_hui)),
    )
    lignes = list(
        base.select_related("dossier", "debiteur").order_by("prevu_le", "id")[:LIMITE_BUREAU]
    )
    return {"appels_comptes": comptes, "appels": lignes}


def versements_a_imputer(utilisateur, aujourd_hui: date) -> dict:
    """Crédits des relevés camt.053 rapprochés d'un dossier du clerc et pas encore confirmés
    (donc pas encore imputés) ; ceux reçus depuis le dernier jour ouvré sont comptés à part.
    Les crédits sans dossier (« à examiner ») sont comptés pour l'étude : ils ne sont à
    personne tant qu'on ne les a pas rattachés. Index ligne_releve_statut_idx."""
    from comptabilite.models import LigneReleve, StatutLigne

    depuis = dernier_jour_ouvre(aujourd_hui, utilisateur.etude.calendrier)
    base = LigneReleve.objects.filter(
        etude_id=utilisateur.etude_id,
        statut=StatutLigne.RAPPROCHEE,
        dossier__clerc=utilisateur,
    )
    comptes = base.aggregate(
        recents=Count("id", filter=Q(date_valeur__gte=depuis)),
        tous=Count("id"),
    )
    comptes["sans_dossier"] = LigneReleve.objects.filter(
        etude_id=utilisateur.etude_id, statut=StatutLigne.NON_RAPPROCHEE
    ).count()
    lignes = list(base.select_related("dossier").order_by("-date_valeur", "-id")[:LIMITE_BUREAU])
    return {"versements_comptes": comptes, "versements": lignes, "versements_depuis": depuis}


def plans_en_retard(utilisateur) -> dict:
    """Plans en cours des dossiers du clerc dont une échéance est manquée (état « en retard »),
    avec la première échéance manquée et, si la grâce est écoulée, la déchéance à prononcer.
    Index echeancier_etat_idx (etude, etat) ; l'échéance par echeance_rang_unique."""
    from relances.models import Echeance, Echeancier, EtatEcheance, EtatEcheancier

    manquees = Echeance.objects.filter(
        echeancier=OuterRef("pk"), etat=EtatEcheance.EN_RETARD
    ).order_by("date", "rang")
    base = (
        Echeancier.objects.pour(utilisateur)
        .filter(etat=EtatEcheancier.EN_COURS, dossier__clerc=utilisateur)
        .filter(Exists(manquees))
    )
    comptes = base.aggregate(
        tous=Count("id"), a_decheoir=Count("id", filter=Q(a_decheoir_depuis__isnull=False))
    )
    lignes = list(
        base.select_related("dossier")
        .annotate(
            manquee_date=Subquery(manquees.values("date")[:1]),
            manquee_rang=Subquery(manquees.values("rang")[:1]),
            manquee_le=Subquery(manquees.values("manquee_le")[:1]),
        )
        .order_by("manquee_date", "id")[:LIMITE_BUREAU]
    )
    return {"plans_comptes": comptes, "plans": lignes}


def taches_a_faire(utilisateur, aujourd_hui: date) -> dict:
    """Tâches des relances encore à faire par le clerc (étape « tâche » d'un scénario, voie
    judiciaire à proposer) : toutes comptées, celles dont la date est passée et celles qui
    proposent la voie judiciaire à part. Index partiel tache_a_faire_idx (clerc, prevue_le
    WHERE faite_le IS NULL)."""
    from relances.models import Tache

    base = Tache.objects.pour(utilisateur).filter(clerc=utilisateur, faite_le__isnull=True)
    comptes = base.aggregate(
        tous=Count("id"),
        retard=Count("id", filter=Q(prevue_le__lt=aujourd_hui)),
        voie_judiciaire=Count("id", filter=Q(voie_judiciaire=True)),
    )
    lignes = list(base.select_related("dossier").order_by("prevue_le", "id")[:LIMITE_BUREAU])
    return {"taches_comptes": comptes, "taches": lignes}


def bureau_relances_comptabilite(utilisateur, aujourd_hui: date) -> dict:
    contexte = {"limite_bureau": LIMITE_BUREAU}
    contexte.update(appels_du_jour(utilisateur, aujourd_hui))
    contexte.update(taches_a_faire(utilisateur, aujourd_hui))
    contexte.update(versements_a_imputer(utilisateur, aujourd_hui))
    contexte.update(plans_en_retard(utilisateur))
    return contexte
