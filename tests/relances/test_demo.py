"""La démonstration : le scénario standard tourne nuit après nuit sur les dossiers amiables
de la démo et produit lettres, courriels, SMS et une liste d'appels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from etude.nuit import executer_nuit
from relances import sms
from relances.models import Appel, Envoi, LotLettres, Tache

pytestmark = pytest.mark.django_db


def test_la_demo_tourne_nuit_apres_nuit(
    heures_ouvertes, settings, tmp_path, django_capture_on_commit_callbacks
):
    from etude.demo import (
        ContexteDemo,
        etape_creanciers,
        etape_debiteurs,
        etape_dossiers,
        etape_etude,
        etape_utilisateurs,
    )
    from relances.demo import etape_scenario

    settings.MEDIA_ROOT = tmp_path
    contexte = ContexteDemo(aujourd_hui=date(2026, 11, 2))
    for etape in (etape_etude, etape_utilisateurs, etape_creanciers, etape_debiteurs):
        etape(contexte)
    etape_dossiers(contexte)
    etape_scenario(contexte)
    etape_scenario(contexte)  # idempotente
    debut = date(2026, 11, 2)
    with django_capture_on_commit_callbacks(execute=True):
        for jour in range(0, 36):
            executer_nuit(debut + timedelta(days=jour), parties=["relances"])
    amiables = contexte.etude.dossiers.filter(phase="amiable").count()
    assert amiables >= 2
    assert LotLettres.objects.filter(etude=contexte.etude).count() == 1
    assert Envoi.objects.filter(canal="lettre", etat="envoye").count() == amiables
    assert len(mail.outbox) == amiables
    assert len(sms.boite) == amiables
    assert Appel.objects.count() == amiables
    assert Envoi.objects.filter(canal="tache", etape__voie_judiciaire=True).count() == amiables
    # Et chacune est au bureau du clerc du dossier : « Proposer la voie judiciaire ».
    taches = Tache.objects.filter(voie_judiciaire=True, texte="Proposer la voie judiciaire")
    assert taches.count() == amiables
    assert all(t.clerc_id == t.dossier.clerc_id for t in taches.select_related("dossier"))
    # Une nuit rejouée n'écrit rien de plus.
    avant = Envoi.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        executer_nuit(debut + timedelta(days=35), parties=["relances"])
    assert Envoi.objects.count() == avant
    assert Tache.objects.count() == amiables
