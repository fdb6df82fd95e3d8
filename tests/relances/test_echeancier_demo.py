"""Étape de démonstration des échéanciers : un plan dans chaque état, idempotente."""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction

from etude import demo
from relances.demo_echeanciers import demo_etapes
from relances.models import Echeancier

pytestmark = pytest.mark.django_db


def test_la_demo_laisse_un_plan_dans_chaque_etat_et_se_rejoue_sans_rien_ajouter():
    contexte = demo.ContexteDemo(aujourd_hui=date(2026, 11, 27))
    for etape in demo.demo_etapes() + demo_etapes():
        with transaction.atomic():
            etape.executer(contexte)
    etats = Counter(Echeancier.objects.values_list("etat", flat=True))
    assert etats == {"en_cours": 2, "a_approuver": 1, "solde": 1, "dechu": 1}
    a_decheoir = Echeancier.objects.get(dossier__reference_creancier="BH-2026-0031")
    assert a_decheoir.a_decheoir_depuis is not None
    nombre = Echeancier.objects.count()
    for etape in demo_etapes():
        with transaction.atomic():
            etape.executer(contexte)
    assert Echeancier.objects.count() == nombre
