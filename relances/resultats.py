"""Résultats par scénario et par étape : envois, contacts joints, promesses, plans, montants
recouvrés dans les 30 jours qui suivent l'envoi ; graphiques SVG dessinés côté serveur.

Pour un envoi parti le jour J, comptent dans les 30 jours (J à J+30 inclus) :
- les plans convenus : un échéancier du dossier accepté dans la fenêtre et qui a couru (en
  cours, soldé ou déchu ; pas un plan refusé ni un plan encore à approuver) ; les plans
  seulement proposés au téléphone sont comptés à part ;
- le recouvré : les versements du dossier de date de valeur dans la fenêtre, sauf ceux dont
  une écriture a été contre-passée (chèque impayé, erreur).
Un même versement compte pour chaque étape dont il suit l'envoi de moins de 30 jours."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

FENETRE_JOURS = 30
LARGEUR = 320  # pixels de la plus longue barre


@dataclass
class LigneEtape:
    etape_id: int
    libelle: str
    envoye: int = 0
    echoue: int = 0
    ignore: int = 0
    a_envoyer: int = 0
    joints: int = 0
    promesses: int = 0
    plans_proposes: int = 0
    plans: int = 0
    recouvre: Decimal = Decimal("0.00")
    barres: dict = field(default_factory=dict)


@dataclass
class ResultatScenario:
    nom: str
    etapes: list[LigneEtape]
    hauteur: int = 0


def par_etape(etude_id: int | None) -> list[ResultatScenario]:
    if etude_id is None:
        return []
    with connection.cursor() as curseur:
        curseur.execute(
            """
            SELECT s.id, s.nom, x.id, x.rang, x.canal, x.apres_jours, x.declencheur,
                count(e.id) FILTER (WHERE e.etat = 'envoye'),
                count(e.id) FILTER (WHERE e.etat = 'echoue'),
                count(e.id) FILTER (WHERE e.etat = 'ignore'),
                count(e.id) FILTER (WHERE e.etat IN ('a_envoyer', 'en_cours')),
                count(ap.id) FILTER (WHERE ap.resultat IN ('promesse', 'plan', 'contestation')),
                count(ap.id) FILTER (WHERE ap.resultat = 'promesse'),
                count(ap.id) FILTER (WHERE ap.resultat = 'plan'),
                count(e.id) FILTER (WHERE e.etat = 'envoye' AND EXISTS (
                    SELECT 1 FROM relances_echeancier p
                    WHERE p.dossier_id = e.dossier_id AND p.etat IN ('en_cours', 'solde', 'dechu')
                      AND p.accepte_le >= e.le AND p.accepte_le <= e.le + %(fenetre)s)),
                COALESCE(sum((
                    SELECT sum(v.montant) FROM comptabilite_versement v
                    WHERE v.dossier_id = e.dossier_id AND e.etat = 'envoye'
                      AND v.date_valeur >= e.le AND v.date_valeur <= e.le + %(fenetre)s
                      AND NOT EXISTS (
                          SELECT 1 FROM comptabilite_ecriture ec
                          JOIN comptabilite_ecriture cp ON cp.contre_passe_id = ec.id
                          WHERE ec.dossier_id = v.dossier_id AND ec.versement_id = v.id)
                )), 0)
            FROM relances_scenario s
            JOIN relances_etapescenario x ON x.scenario_id = s.id
            LEFT JOIN relances_envoi e ON e.etape_id = x.id
            LEFT JOIN relances_appel ap ON ap.envoi_id = e.id
            WHERE s.etude_id = %(etude)s
            GROUP BY s.id, s.nom, x.id, x.rang, x.canal, x.apres_jours, x.declencheur
            ORDER BY s.priorite, s.id, x.rang
            """,
            {"etude": etude_id, "fenetre": FENETRE_JOURS},
        )
        lignes = curseur.fetchall()
    from .models import Canal

    canaux = dict(Canal.choices)
    scenarios: dict[int, ResultatScenario] = {}
    for sid, nom, xid, rang, canal, jours, declencheur, *comptes, recouvre in lignes:
        # comptes : envoyés, échoués, ignorés, à envoyer, joints, promesses, plans proposés,
        # plans convenus (ordre des champs de LigneEtape et du SELECT).
        quand = "échéance manquée" if declencheur == "echeance_manquee" else f"J+{jours}"
        scenarios.setdefault(sid, ResultatScenario(nom, []))
        scenarios[sid].etapes.append(
            LigneEtape(
                xid, f"{rang}. {canaux.get(canal, canal)} {quand}", *comptes, Decimal(recouvre)
            )
        )
    for resultat in scenarios.values():
        maximum = max(
            (e.envoye + e.echoue + e.ignore + e.a_envoyer for e in resultat.etapes), default=0
        )
        maximum_montant = max((e.recouvre for e in resultat.etapes), default=Decimal(0))
        for e in resultat.etapes:
            echelle = LARGEUR / maximum if maximum else 0
            x = 0
            segments = []
            for nom, valeur in (
                ("envoye", e.envoye),
                ("echoue", e.echoue),
                ("ignore", e.ignore),
                ("a_envoyer", e.a_envoyer),
            ):
                largeur = round(valeur * echelle)
                segments.append({"classe": nom, "x": x, "largeur": largeur, "valeur": valeur})
                x += largeur
            e.barres = {
                "segments": segments,
                "montant": round(float(e.recouvre) * LARGEUR / float(maximum_montant))
                if maximum_montant
                else 0,
            }
        resultat.hauteur = 30 * len(resultat.etapes) + 10
    return list(scenarios.values())
