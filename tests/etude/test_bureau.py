"""« Mon bureau » : appels du jour, versements à imputer, plans avec une échéance manquée
(PARCOURS.md, clerc, étape 1). Chaque bloc montre les lignes du clerc connecté seulement,
compte exactement et lit un nombre constant de requêtes."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from comptabilite.models import LigneReleve, ReleveBancaire, StatutLigne
from dossiers.models import TelephoneDebiteur
from etude.bureau import LIMITE_BUREAU, dernier_jour_ouvre
from relances.models import Appel, Echeance, Echeancier, EtatEcheance, EtatEcheancier
from tests.factories import creer_dossier, creer_utilisateur

# Lundi 5 janvier 2026 : le dernier jour ouvré est le vendredi 2 (le 1er janvier est férié,
# C. trav. L3133-1).
LUNDI = date(2026, 1, 5)
VENDREDI = date(2026, 1, 2)


@pytest.fixture
def lundi():
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


@pytest.fixture
def client_clerc(client, clerc):
    client.force_login(clerc)
    return client


def test_dernier_jour_ouvre_saute_week_end_et_feries():
    assert dernier_jour_ouvre(LUNDI, "metropole") == VENDREDI
    # Vendredi 2 janvier : le jeudi 1er est férié, le dernier jour ouvré est le 31 décembre.
    assert dernier_jour_ouvre(VENDREDI, "metropole") == date(2025, 12, 31)
    # Lundi 28 décembre 2026 en Alsace-Moselle : le samedi 26 (saint Étienne) ne compte pas,
    # le vendredi 25 (Noël) est férié : c'est le jeudi 24 (C. trav. L3134-13).
    assert dernier_jour_ouvre(date(2026, 12, 28), "alsace-moselle") == date(2026, 12, 24)


_sequence = iter(range(1, 10**6))


def _appel(clerc, dossier, prevu_le, resultat=""):
    # Un appel n'est créé que vers un numéro qui accepte les appels ; la liste et le bureau
    # relisent ce consentement.
    TelephoneDebiteur.objects.get_or_create(
        debiteur=dossier.debiteurs.first(),
        numero="0601020304",
        defaults={"consentement_appel": True},
    )
    return Appel.objects.create(
        etude=clerc.etude,
        dossier=dossier,
        debiteur=dossier.debiteurs.first(),
        clerc=clerc,
        telephone="0601020304",
        prevu_le=prevu_le,
        resultat=resultat,
        traite_le=None if not resultat else datetime(2026, 1, 5, tzinfo=ZoneInfo("UTC")),
    )


def _ligne(dossier, date_valeur, statut=StatutLigne.RAPPROCHEE, etude=None):
    etude = etude or dossier.etude
    n = next(_sequence)
    releve = ReleveBancaire.objects.create(
        etude=etude, nom_fichier=f"r{n}.xml", sha256=f"{n:064d}", version="001.001.02"
    )
    return LigneReleve.objects.create(
        etude=etude,
        releve=releve,
        cle=f"cle-{n}",
        montant=Decimal("150.00"),
        devise="EUR",
        date_valeur=date_valeur,
        emetteur="M. DUPONT",
        dossier=dossier,
        statut=statut,
    )


def _plan(dossier, etats, etat=EtatEcheancier.EN_COURS, a_decheoir_depuis=None):
    plan = Echeancier.objects.create(
        etude=dossier.etude,
        dossier=dossier,
        etat=etat,
        montant=Decimal("600.00"),
        du_frais=Decimal("0.00"),
        du_interets=Decimal("0.00"),
        du_principal=Decimal("600.00"),
        nombre=len(etats),
        accepte_le=date(2025, 10, 1),
        accepte_par=dossier.clerc,
        a_decheoir_depuis=a_decheoir_depuis,
        mise_en_demeure_le=date(2025, 12, 20) if etat == EtatEcheancier.DECHU else None,
        dechu_le=date(2025, 12, 30) if etat == EtatEcheancier.DECHU else None,
    )
    for rang, etat_echeance in enumerate(etats, start=1):
        echeance_date = date(2025, 10 + rang, 5) if rang <= 2 else date(2026, rang - 2, 5)
        Echeance.objects.create(
            echeancier=plan,
            rang=rang,
            date=echeance_date,
            montant=Decimal("600.00") / len(etats),
            etat=etat_echeance,
            manquee_le=echeance_date + timedelta(days=1)
            if etat_echeance == EtatEcheance.EN_RETARD
            else None,
        )
    return plan


@pytest.fixture
def monde(clerc, autre_etude):
    """Le clerc, un collègue de la même étude et un clerc d'une autre étude, chacun avec
    ses appels, ses crédits de relevé et ses plans."""
    collegue = creer_utilisateur(etude=clerc.etude, role="clerc", username="collegue")
    mien = creer_dossier(acteur=clerc)
    mien2 = creer_dossier(acteur=clerc)
    sien = creer_dossier(acteur=collegue)
    etranger = creer_dossier(acteur=autre_etude)
    # Appels : 2 aujourd'hui, 1 en retard, 1 demain, 1 déjà traité (mes) ; autres clercs.
    _appel(clerc, mien, LUNDI)
    _appel(clerc, mien2, LUNDI)
    _appel(clerc, mien, LUNDI - timedelta(days=3))
    _appel(clerc, mien, LUNDI + timedelta(days=1))
    _appel(clerc, mien2, LUNDI - timedelta(days=1), resultat="pas_joint")
    _appel(collegue, sien, LUNDI)
    _appel(autre_etude, etranger, LUNDI)
    # Crédits : 2 depuis vendredi, 1 plus ancien, 1 confirmé, 1 écarté (mes dossiers) ;
    # 1 sur le dossier du collègue, 1 sans dossier, 1 dans l'autre étude.
    _ligne(mien, VENDREDI)
    _ligne(mien2, LUNDI)
    _ligne(mien, date(2025, 12, 30))
    _ligne(mien, LUNDI, statut=StatutLigne.CONFIRMEE)
    _ligne(mien, LUNDI, statut=StatutLigne.IGNOREE)
    _ligne(sien, LUNDI)
    _ligne(None, LUNDI, statut=StatutLigne.NON_RAPPROCHEE, etude=clerc.etude)
    _ligne(etranger, LUNDI)
    _ligne(None, LUNDI, statut=StatutLigne.NON_RAPPROCHEE, etude=autre_etude.etude)
    # Plans : 1 en retard, 1 à déchoir (mes) ; 1 à jour, 1 déchu (mes) ; autres clercs.
    en_retard = _plan(mien, [EtatEcheance.PAYEE, EtatEcheance.EN_RETARD, EtatEcheance.A_VENIR])
    _plan(
        mien2,
        [EtatEcheance.EN_RETARD, EtatEcheance.EN_RETARD, EtatEcheance.A_VENIR],
        a_decheoir_depuis=date(2025, 12, 1),
    )
    autre_mien = creer_dossier(acteur=clerc)
    _plan(autre_mien, [EtatEcheance.PAYEE, EtatEcheance.A_VENIR])
    dechu = creer_dossier(acteur=clerc)
    _plan(dechu, [EtatEcheance.EN_RETARD], etat=EtatEcheancier.DECHU)
    _plan(sien, [EtatEcheance.EN_RETARD])
    _plan(etranger, [EtatEcheance.EN_RETARD])
    return {"mien": mien, "mien2": mien2, "sien": sien, "etranger": etranger, "plan": en_retard}


def test_chaque_bloc_montre_mes_lignes_et_les_compte_exactement(client_clerc, monde, lundi):
    reponse = client_clerc.get(reverse("bureau"))
    assert reponse.status_code == 200
    ctx = reponse.context
    assert ctx["appels_comptes"] == {"aujourdhui": 2, "retard": 1}
    assert [a.prevu_le for a in ctx["appels"]] == [LUNDI - timedelta(days=3), LUNDI, LUNDI]
    assert ctx["versements_depuis"] == VENDREDI
    assert ctx["versements_comptes"] == {"recents": 2, "tous": 3, "sans_dossier": 1}
    assert [v.date_valeur for v in ctx["versements"]] == [LUNDI, VENDREDI, date(2025, 12, 30)]
    assert ctx["plans_comptes"] == {"tous": 2, "a_decheoir": 1}
    premier, second = ctx["plans"]
    assert (premier.dossier_id, premier.manquee_rang) == (monde["mien2"].pk, 1)
    assert (second.dossier_id, second.manquee_rang, second.manquee_le) == (
        monde["mien"].pk,
        2,
        date(2025, 12, 6),
    )
    dossiers = {a.dossier_id for a in ctx["appels"]} | {v.dossier_id for v in ctx["versements"]}
    assert dossiers == {monde["mien"].pk, monde["mien2"].pk}
    contenu = reponse.content.decode()
    # Le dossier du collègue n'apparaît pas (les références de l'autre étude suivent leur
    # propre numérotation : on s'en tient aux identifiants ci-dessus).
    assert monde["sien"].reference not in contenu
    # Chaque ligne ouvre le bon endroit.
    appel = ctx["appels"][0]
    assert f"{reverse('relances_appels')}#appel-{appel.pk}" in contenu
    ligne = ctx["versements"][0]
    assert f"{reverse('comptabilite_releve', args=[ligne.releve_id])}#ligne-{ligne.pk}" in contenu
    assert f"{reverse('dossier_detail', args=[monde['mien'].reference])}#echeancier" in contenu
    assert "déchéance du terme à prononcer" in contenu


def test_la_cible_des_liens_porte_l_ancre(client_clerc, monde, lundi):
    ctx = client_clerc.get(reverse("bureau")).context
    appel, ligne = ctx["appels"][0], ctx["versements"][0]
    appels = client_clerc.get(reverse("relances_appels")).content.decode()
    assert f'id="appel-{appel.pk}"' in appels
    releve = client_clerc.get(reverse("comptabilite_releve", args=[ligne.releve_id]))
    assert f'id="ligne-{ligne.pk}"' in releve.content.decode()


def test_un_autre_clerc_ne_voit_que_les_siennes(client, monde, autre_etude, lundi):
    client.force_login(autre_etude)
    ctx = client.get(reverse("bureau")).context
    assert ctx["appels_comptes"] == {"aujourdhui": 1, "retard": 0}
    assert [a.dossier_id for a in ctx["appels"]] == [monde["etranger"].pk]
    assert ctx["versements_comptes"] == {"recents": 1, "tous": 1, "sans_dossier": 1}
    assert ctx["plans_comptes"] == {"tous": 1, "a_decheoir": 0}
    assert [p.dossier_id for p in ctx["plans"]] == [monde["etranger"].pk]


def test_le_bureau_lit_un_nombre_constant_de_requetes(
    client_clerc, clerc, monde, lundi, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as avant:
        assert client_clerc.get(reverse("bureau")).status_code == 200
    for _ in range(LIMITE_BUREAU + 2):
        dossier = creer_dossier(acteur=clerc)
        _appel(clerc, dossier, LUNDI)
        _ligne(dossier, LUNDI)
        _plan(dossier, [EtatEcheance.EN_RETARD, EtatEcheance.A_VENIR])
    with django_assert_max_num_queries(len(avant)):
        ctx = client_clerc.get(reverse("bureau")).context
    assert ctx["appels_comptes"]["aujourdhui"] == 2 + LIMITE_BUREAU + 2
    assert ctx["versements_comptes"]["tous"] == 3 + LIMITE_BUREAU + 2
    assert ctx["plans_comptes"]["tous"] == 2 + LIMITE_BUREAU + 2
    assert len(ctx["appels"]) == len(ctx["versements"]) == len(ctx["plans"]) == LIMITE_BUREAU
