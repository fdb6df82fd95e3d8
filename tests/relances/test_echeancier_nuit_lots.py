"""Partie « echeances » de la nuit par lots : mêmes résultats que l'ancien chemin plan par
plan (`passe_echeances_plan_par_plan`) sur un jeu varié, nuit après nuit ; deux passes pour
une même date : rien de nouveau ; nombre de requêtes borné par lot, pas par plan."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comptabilite.models import Ecriture
from comptabilite.services import ecriture_contre_passer, versement_enregistrer
from etude.models import Evenement
from relances.models import Echeance, Echeancier, EtatEcheancier
from relances.services import echeanciers as services
from tests.factories import creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db


class _Annuler(Exception):
    pass


def _verser(clerc, dossier, jour, montant):
    return versement_enregistrer(
        acteur=clerc, dossier=dossier, montant=D(montant), date_valeur=jour, mode="virement"
    )


def _plan(clerc, *, titre=False, nombre=12, premiere=date(2025, 6, 10), le=date(2025, 6, 2)):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur], titre=titre)
    plan = services.echeancier_accepter(
        acteur=clerc, dossier=dossier, nombre=nombre, premiere=premiere, le=le
    )
    return dossier, plan, plan.echeances.order_by("rang").first().montant


@pytest.fixture
def jeu(clerc):
    """Un plan dans chaque cas que la nuit rencontre."""
    # A : titre exécutoire, payé chaque mois à l'heure (émolument A444-44 au bout de 6 mois).
    dossier, plan_a, m = _plan(clerc, titre=True, premiere=date(2025, 4, 10), le=date(2025, 4, 1))
    for mois in range(4, 11):
        _verser(clerc, dossier, date(2025, mois, 10), str(m))
    # B : juin payé, juillet 100 € (manquée, puis à déchoir), rattrapage en août.
    dossier, _, m = _plan(clerc)
    _verser(clerc, dossier, date(2025, 6, 10), str(m))
    _verser(clerc, dossier, date(2025, 7, 10), "100.00")
    _verser(clerc, dossier, date(2025, 8, 5), str(2 * m - D("100.00")))
    # C : trois échéances payées d'un coup le 20/06 (soldé), avec un excédent.
    dossier, plan_c, _ = _plan(clerc, nombre=3)
    _verser(clerc, dossier, date(2025, 6, 20), str(plan_c.montant + D("12.34")))
    # D : versement de juin contre-passé en juillet (chèque impayé).
    dossier, _, m = _plan(clerc, nombre=6)
    versement = _verser(clerc, dossier, date(2025, 6, 10), str(m))
    ecriture_contre_passer(acteur=clerc, ecriture=versement.ecritures.first(), motif="Impayé")
    # E : hors politique (30 mois) : à approuver, la nuit ne le touche pas.
    _, plan_e, _ = _plan(clerc, nombre=30)
    assert plan_e.etat == EtatEcheancier.A_APPROUVER
    # F : rien payé ; G : un versement avant l'accord (hors du plan), puis partiel.
    _plan(clerc)
    dossier, _, m = _plan(clerc, premiere=date(2025, 7, 10), le=date(2025, 6, 20))
    _verser(clerc, dossier, date(2025, 6, 15), "50.00")
    _verser(clerc, dossier, date(2025, 7, 10), str(m - D("1.00")))
    return plan_a


def _photo(depuis_evenement: int, depuis_ecriture: int) -> dict:
    return {
        "echeances": sorted(
            Echeance.objects.values_list(
                "echeancier_id", "rang", "paye", "etat", "payee_le", "manquee_le"
            )
        ),
        "plans": sorted(
            Echeancier.objects.values_list(
                "pk",
                "etat",
                "verse",
                "a_decheoir_depuis",
                "emolument_percu",
                "solde_le",
                "rapproche_le",
            )
        ),
        "evenements": sorted(
            (
                e.etude_id,
                e.acteur_id,
                e.acteur_libelle,
                e.action,
                e.libelle,
                e.objet_type,
                e.objet_id,
                e.dossier_id,
                repr(sorted(e.avant.items())),
                repr(sorted(e.apres.items())),
            )
            for e in Evenement.objects.filter(pk__gt=depuis_evenement)
        ),
        "ecritures": sorted(
            Ecriture.objects.filter(pk__gt=depuis_ecriture).values_list(
                "dossier_id", "nature", "sens", "montant", "date_valeur", "cause_id"
            )
        ),
    }


def _marques() -> tuple[int, int]:
    dernier = Evenement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ecriture = Ecriture.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return dernier, ecriture


def _passe_annulee(passe, le) -> tuple[dict, dict]:
    """La passe, sa photo, puis tout est annulé (la base revient à l'état d'avant)."""
    marques = _marques()
    try:
        with transaction.atomic():
            compte = passe(le)
            photo = _photo(*marques)
            raise _Annuler
    except _Annuler:
        pass
    return compte, photo


NUITS = [
    date(2025, 6, 11),
    date(2025, 7, 11),
    date(2025, 7, 25),
    date(2025, 7, 26),
    date(2025, 8, 6),
    date(2025, 10, 10),
    date(2025, 10, 11),
    date(2025, 12, 11),
]


def test_par_lots_memes_resultats_que_plan_par_plan_nuit_apres_nuit(jeu):
    vus = set()
    for le in NUITS:
        ancien, photo_ancienne = _passe_annulee(services.passe_echeances_plan_par_plan, le)
        # Lots de deux plans : plusieurs lots et un lot incomplet.
        nouveau, photo_nouvelle = _passe_annulee(
            lambda jour: services.passe_echeances(jour, lot=2), le
        )
        assert nouveau == ancien, le
        assert photo_nouvelle == photo_ancienne, le
        marques = _marques()
        services.passe_echeances(le, lot=2)
        vus |= {e[3] for e in _photo(*marques)["evenements"]}
        # Seconde passe pour la même date : rien de nouveau, rien d'écrit.
        avant = _photo(*_marques())
        compte = services.passe_echeances(le, lot=2)
        assert _photo(*_marques()) == avant
        assert (compte["echeances_changees"], compte["nouvelles_manquees"], compte["soldes"]) == (
            0,
            0,
            0,
        ), le
        assert compte["emoluments"] == "0.00", le
    # Le jeu passe bien par chaque changement d'état que la nuit constate.
    assert vus >= {
        "echeance_etat",
        "echeancier_a_decheoir",
        "echeancier_a_jour",
        "echeancier_solder",
        "echeancier_emolument",
    }


def test_seconde_passe_sans_ecriture_en_base(jeu):
    le = date(2025, 7, 26)
    services.passe_echeances(le)
    marques = _marques()
    etat = _photo(*marques)
    services.passe_echeances(le)
    assert _photo(*marques) == etat
    assert Evenement.objects.filter(pk__gt=marques[0]).count() == 0


def test_requetes_par_lot_pas_par_plan(clerc):
    for _ in range(6):
        _plan(clerc)
    le = date(2025, 7, 11)
    with CaptureQueriesContext(connection) as requetes:
        compte = services.passe_echeances(le)
    # Juin et juillet échus au 11/07 et impayés : deux manquements par plan.
    assert compte["plans"] == 6 and compte["nouvelles_manquees"] == 12
    # Choix des plans (dans sa transaction, JIT coupé : 4), politique, puis un lot :
    # SAVEPOINT, verrou, échéances, versements, titres, deux mises à jour, RELEASE (les
    # événements partent par COPY, hors du journal des requêtes).
    assert len(requetes) <= 14, [q["sql"][:80] for q in requetes.captured_queries]
    with CaptureQueriesContext(connection) as requetes_ancien:
        services.passe_echeances_plan_par_plan(date(2025, 8, 11))
    assert len(requetes_ancien) > len(requetes)
