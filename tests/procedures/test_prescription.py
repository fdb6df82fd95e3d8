"""Prescription : interruption par les actes d'exécution forcée (C. civ. 2244, 2231 ; CPCE
L111-4), titre des petites créances (L125-1), premier impayé d'une dette de consommation
(C. consom. L218-2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import Dossier, TitreExecutoire
from etude.models import Evenement
from procedures import services
from procedures.nuit import passe_delais
from tests.dossiers.test_vues import donnees_creation
from tests.factories import creer_dossier, creer_procedure
from tests.procedures.outils import paris

pytestmark = pytest.mark.django_db


def test_l_acte_de_saisie_attribution_interrompt_la_prescription_et_la_fiche_le_dit(client, clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    titre = procedure.titre
    # Décision exécutoire le 2 avril 2025 : dix ans (L111-4), jusqu'au 2 avril 2035.
    assert titre.date_prescription == date(2035, 4, 2)
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, 2, 10), tiers_saisi="Banque"
    )
    titre.refresh_from_db()
    # C. civ. 2231 : un nouveau délai de même durée court de l'acte du 2 mars 2026.
    assert titre.derniere_interruption == date(2026, 3, 2)
    assert titre.date_prescription == date(2036, 3, 2)
    evenement = Evenement.objects.get(action="titre_prescription_interrompre")
    assert evenement.avant["date_prescription"] == "2035-04-02"
    assert evenement.apres["date_prescription"] == "2036-03-02"
    assert evenement.dossier_id == procedure.dossier_id
    # La dénonciation n'est pas un acte d'exécution forcée : rien ne bouge.
    services.saisie_attribution_denoncer(acteur=clerc, procedure=procedure, le=paris(2026, 3, 5))
    titre.refresh_from_db()
    assert titre.derniere_interruption == date(2026, 3, 2)
    assert Evenement.objects.filter(action="titre_prescription_interrompre").count() == 1
    client.force_login(clerc)
    page = client.get(procedure.dossier.get_absolute_url()).content.decode()
    assert "02/03/2036" in page
    assert "Interrompue le 02/03/2026" in page
    assert "C. civ. 2244" in page


def test_commandement_de_saisie_vente_interrompt_le_pv_de_carence_non(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_vente")
    # Acte notarié : cinq ans (estimation C. civ. 2224), du 2 avril 2025 au 2 avril 2030.
    TitreExecutoire.objects.filter(pk=procedure.titre_id).update(nature="notarie")
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=procedure, le=paris(2026, 2, 3)
    )
    titre = TitreExecutoire.objects.get(pk=procedure.titre_id)
    assert titre.date_prescription == date(2031, 2, 3)
    assert "R221-5" in titre.acte_interruptif
    services.saisie_vente_dresser_pv_carence(
        acteur=clerc, procedure=procedure, le=paris(2026, 2, 16)
    )
    titre.refresh_from_db()
    assert titre.derniere_interruption == date(2026, 2, 3)


def test_un_acte_apres_la_prescription_n_interrompt_rien(clerc):
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    # Exécutoire le 1er mars 2016 : prescrit le 1er mars 2026 ; l'acte du 2 mars vient après.
    TitreExecutoire.objects.filter(pk=procedure.titre_id).update(
        date_titre=date(2016, 1, 10),
        date_signification=date(2016, 3, 1),
        date_force_executoire=date(2016, 3, 1),
    )
    procedure.titre.refresh_from_db()
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=procedure, signifie_le=paris(2026, 3, 2), tiers_saisi="Banque"
    )
    titre = TitreExecutoire.objects.get(pk=procedure.titre_id)
    assert titre.derniere_interruption is None
    assert titre.date_prescription == date(2026, 3, 1)


def test_interruption_un_29_fevrier_finit_le_28_fevrier():
    titre = TitreExecutoire(
        nature="decision",
        date_titre=date(2025, 3, 14),
        date_force_executoire=date(2025, 4, 2),
        derniere_interruption=date(2028, 2, 29),
    )
    assert titre.date_prescription == date(2038, 2, 28)


def test_l_alerte_de_nuit_tient_compte_de_l_interruption(clerc):
    dossier = creer_dossier(acteur=clerc)
    # Exécutoire le 15 décembre 2016 : prescrit le 15 décembre 2026, dans les six mois.
    TitreExecutoire.objects.filter(dossier=dossier).update(
        date_titre=date(2016, 11, 2),
        date_signification=date(2016, 12, 15),
        date_force_executoire=date(2016, 12, 15),
    )
    titre = dossier.titres.get()
    assert passe_delais(date(2026, 11, 26))["alertes"]["titres_ids"] == [titre.pk]
    TitreExecutoire.objects.filter(pk=titre.pk).update(derniere_interruption=date(2020, 6, 1))
    assert passe_delais(date(2026, 11, 26))["alertes"]["titres_ids"] == []


def test_le_titre_des_petites_creances_est_enregistre_au_dossier(clerc):
    procedure = creer_procedure(acteur=clerc, type="petites_creances")
    services.petites_creances_envoyer_lettre(
        acteur=clerc,
        procedure=procedure,
        le=date(2026, 3, 2),
        montant_principal=Decimal("1800.00"),
        montant_interets=Decimal("42.10"),
    )
    services.petites_creances_enregistrer_accord(
        acteur=clerc, procedure=procedure, le=date(2026, 3, 20)
    )
    services.petites_creances_delivrer_titre(
        acteur=clerc, procedure=procedure, le=date(2026, 3, 25)
    )
    procedure.refresh_from_db()
    titre = procedure.titre
    assert titre.nature == "petites_creances"
    assert titre.get_nature_display().startswith("7°")
    assert (titre.date_titre, titre.montant_principal) == (date(2026, 3, 25), Decimal("1800.00"))
    # Hors des 1° à 3° de L111-3 : cinq ans (estimation), jusqu'au 25 mars 2031.
    assert titre.date_prescription == date(2031, 3, 25)
    assert procedure.dossier.titres.get() == titre


# --- Premier impayé (C. consom. L218-2) ---------------------------------------------------


def test_l_alerte_l218_2_part_du_premier_impaye(clerc):
    # Ouvert le 1er juin 2026, mais premier impayé le 10 janvier 2025 : deux ans le 10
    # janvier 2027, dans les six mois du 26 novembre 2026.
    avec = creer_dossier(
        acteur=clerc,
        titre=False,
        nature="consommation",
        ouvert_le=date(2026, 6, 1),
        date_premier_impaye=date(2025, 1, 10),
    )
    # Sans premier impayé : la date d'ouverture (15 janvier 2025) sert d'estimation.
    sans = creer_dossier(
        acteur=clerc, titre=False, nature="consommation", ouvert_le=date(2025, 1, 15)
    )
    # Premier impayé du 1er juin 2026 : deux ans en juin 2028, hors de l'horizon.
    creer_dossier(
        acteur=clerc,
        titre=False,
        nature="consommation",
        ouvert_le=date(2026, 6, 10),
        date_premier_impaye=date(2026, 6, 1),
    )
    with CaptureQueriesContext(connection):
        alertes = passe_delais(date(2026, 11, 26))["alertes"]
    assert alertes["consommation_dossiers_ids"] == sorted([avec.pk, sans.pk])
    assert alertes["consommation_depart_estime"] == 1


def test_premier_impaye_apres_l_ouverture_ou_futur_refuse(clerc):
    with pytest.raises(ValidationError, match="précède l'ouverture"):
        creer_dossier(
            acteur=clerc,
            titre=False,
            ouvert_le=date(2026, 3, 1),
            date_premier_impaye=date(2026, 3, 2),
        )
    with pytest.raises(ValidationError, match="futur"):
        creer_dossier(acteur=clerc, titre=False, date_premier_impaye=date(2099, 1, 1))
    assert not Dossier.objects.exists()


def test_formulaire_de_creation_et_fiche_avec_premier_impaye(client, clerc):
    client.force_login(clerc)
    reponse = client.post(
        reverse("dossier_nouveau"),
        donnees_creation(
            clerc,
            **{
                "dossier-nature": "consommation",
                "dossier-date_premier_impaye": "10/01/2025",
                "dossier-avec_titre": None,
            },
        ),
    )
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.date_premier_impaye == date(2025, 1, 10)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Premier impayé non régularisé : 10/01/2025" in page
    assert "L218-2" in page
