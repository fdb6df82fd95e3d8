"""Résultats par étape : chiffres comptés à la main sur un petit jeu (plans convenus et
recouvré dans les 30 jours de l'envoi, versements contre-passés exclus) ; en 2025, dont le
taux légal est connu (celui du 2d semestre 2026 manque : issue 5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from django.urls import reverse

from comptabilite.services import ecriture_contre_passer, versement_enregistrer
from relances.models import Appel, Campagne, Envoi
from relances.resultats import par_etape
from relances.services import echeanciers
from tests.factories import creer_debiteur, creer_dossier

from .conftest import creer_scenario

J = date(2025, 10, 1)


def _envoi(campagne, dossier, etape, etat="envoye", le=J):
    return Envoi.objects.create(
        etude=dossier.etude,
        campagne=campagne,
        dossier=dossier,
        debiteur=dossier.debiteurs.get(),
        etape=etape,
        canal=etape.canal,
        le=le,
        etat=etat,
    )


def _verser(clerc, dossier, jour, montant):
    return versement_enregistrer(
        acteur=clerc, dossier=dossier, montant=D(montant), date_valeur=jour, mode="virement"
    )


def _dossier(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    return creer_dossier(acteur=clerc, debiteurs=[debiteur], ouvert_le=date(2025, 9, 1))


def test_plans_convenus_et_recouvre_dans_les_30_jours(client, clerc):
    scenario = creer_scenario(
        etude=clerc.etude,
        etapes=[
            {"apres_jours": 0, "canal": "lettre"},
            {"apres_jours": 8, "canal": "appel", "script": "Se présenter."},
        ],
    )
    lettre, appel_etape = scenario.etapes.order_by("rang")
    campagne = Campagne.objects.create(etude=clerc.etude, le=J, origine="demande")
    a, b, c = _dossier(clerc), _dossier(clerc), _dossier(clerc)
    _envoi(campagne, a, lettre)
    _envoi(campagne, b, lettre)
    _envoi(campagne, c, lettre, etat="ignore")
    # A : plan accepté le 15/10 (dans la fenêtre du 01/10 au 31/10), 100 € le 20/10 et 50 €
    # le 01/11 (J+31 : hors fenêtre) ; un versement de 70 € le 10/10 contre-passé (impayé).
    echeanciers.echeancier_accepter(
        acteur=clerc, dossier=a, nombre=6, premiere=date(2025, 10, 20), le=date(2025, 10, 15)
    )
    _verser(clerc, a, date(2025, 10, 20), "100.00")
    _verser(clerc, a, date(2025, 11, 1), "50.00")
    impaye = _verser(clerc, a, date(2025, 10, 10), "70.00")
    ecriture_contre_passer(acteur=clerc, ecriture=impaye.ecritures.first(), motif="Impayé")
    # B : plan accepté le 02/11 (J+32 : hors fenêtre), 30 € le 31/10 (J+30 : dans la fenêtre).
    _verser(clerc, b, date(2025, 10, 31), "30.00")
    echeanciers.echeancier_accepter(
        acteur=clerc, dossier=b, nombre=6, premiere=date(2025, 11, 10), le=date(2025, 11, 2)
    )
    # Étape d'appel : B joint, « plan proposé » (proposé, pas encore convenu).
    Appel.objects.create(
        etude=clerc.etude,
        dossier=b,
        debiteur=b.debiteurs.get(),
        envoi=_envoi(campagne, b, appel_etape, le=date(2025, 10, 9)),
        clerc=clerc,
        telephone="+33600000000",
        prevu_le=date(2025, 10, 9),
        resultat="plan",
    )

    (resultat,) = par_etape(clerc.etude_id)
    ligne_lettre, ligne_appel = resultat.etapes
    assert (ligne_lettre.envoye, ligne_lettre.ignore, ligne_lettre.a_envoyer) == (2, 1, 0)
    assert ligne_lettre.plans == 1  # A seul : B a convenu son plan à J+32
    assert ligne_lettre.recouvre == D("130.00")  # 100 (A) + 30 (B) ; 70 impayé, 50 à J+31
    assert (ligne_appel.joints, ligne_appel.plans_proposes, ligne_appel.plans) == (1, 1, 1)
    # B : plan du 02/11 dans les 30 jours de l'appel du 09/10 ; 30 € du 31/10 aussi.
    assert ligne_appel.recouvre == D("30.00")

    client.force_login(clerc)
    page = client.get(reverse("relances_resultats")).content.decode()
    assert "Plans convenus à 30 j" in page and "À envoyer" in page
