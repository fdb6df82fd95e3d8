"""Fabriques des relances : un scénario à plusieurs canaux, des dossiers joignables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers.models import EmailDebiteur, TelephoneDebiteur
from relances import sms
from relances.models import EtapeScenario, Scenario
from tests.factories import creer_debiteur, creer_dossier

PARIS = ZoneInfo("Europe/Paris")
# Un mardi ordinaire, dans les heures de l'étude.
MARDI_10H = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _sms_en_memoire(settings):
    settings.RELANCES_SMS_BACKEND = "relances.sms.SMSMemoire"
    sms.boite.clear()
    yield
    sms.boite.clear()


@pytest.fixture
def heures_ouvertes():
    with time_machine.travel(MARDI_10H, tick=False):
        yield MARDI_10H


def creer_scenario(*, etude, nom="Standard", etapes=None, **extra) -> Scenario:
    scenario = Scenario.objects.create(etude=etude, nom=nom, **extra)
    etapes = etapes or [
        {"apres_jours": 0, "canal": "lettre", "modele": ""},
        {
            "apres_jours": 8,
            "canal": "email",
            "objet": "Message de {{ etude }}",
            "modele": "Bonjour {{ debiteur }}, merci de rappeler {{ etude }} "
            "au {{ telephone_etude }}, réf. {{ reference }}.",
        },
        {
            "apres_jours": 7,
            "canal": "sms",
            "modele": "{{ etude }} : merci de nous rappeler au {{ telephone_etude }}, "
            "réf. {{ reference }}.",
        },
        {"apres_jours": 7, "canal": "appel", "script": "Se présenter, rappeler la lettre."},
        {"apres_jours": 15, "canal": "tache", "voie_judiciaire": True},
    ]
    for rang, valeurs in enumerate(etapes, start=1):
        etape = EtapeScenario(scenario=scenario, rang=rang, **valeurs)
        etape.full_clean()
        etape.save()
    return scenario


def creer_dossier_joignable(
    *,
    acteur,
    email=True,
    mobile=True,
    consentement=True,
    montant=Decimal("1200.00"),
    ouvert_le=date(2026, 11, 1),
    titre=False,
    **extra,
):
    debiteur = creer_debiteur(etude=acteur.etude, **extra.pop("debiteur", {}))
    if email:
        EmailDebiteur.objects.create(
            debiteur=debiteur, adresse=f"d{debiteur.pk}@exemple.fr", consentement=consentement
        )
    if mobile:
        TelephoneDebiteur.objects.create(
            debiteur=debiteur,
            numero=f"+336{debiteur.pk:08d}",
            mobile=True,
            consentement_sms=consentement,
            consentement_appel=True,
        )
    return creer_dossier(
        acteur=acteur,
        debiteurs=[debiteur],
        montant=montant,
        ouvert_le=ouvert_le,
        titre=titre,
        **extra,
    )
