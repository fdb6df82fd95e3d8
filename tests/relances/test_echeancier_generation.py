"""`generer` avec l'extension des échéanciers : plans cohérents, que la nuit de la veille
relit sans rien changer."""

from datetime import timedelta

import pytest
from django.db.models import Count, Sum

from dossiers.generation import generer
from relances.models import Echeance, Echeancier
from relances.services.echeanciers import passe_echeances

pytestmark = pytest.mark.django_db


def test_generer_cree_des_plans_que_la_nuit_de_la_veille_retrouve_tels_quels(etude):
    ctx = generer(dossiers=600, graine=5)
    hier = ctx.maintenant.date() - timedelta(days=1)
    plans = Echeancier.objects.filter(etude=etude)
    assert 20 <= plans.count() <= 90  # un dossier sur douze : 50 attendus
    # Un plan vivant au plus par dossier ; la somme des échéances vaut le montant.
    assert plans.values("dossier").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    for plan in plans.annotate(total=Sum("echeances__montant"), n=Count("echeances")):
        assert plan.total == plan.montant and plan.n == plan.nombre, plan.pk
    assert set(plans.values_list("etat", flat=True)) <= {"en_cours", "solde", "dechu"}
    assert not plans.filter(etat="dechu", mise_en_demeure_le__isnull=True).exists()
    manquees = Echeance.objects.filter(echeancier__etude=etude, etat="en_retard")
    assert manquees.exists()
    assert not manquees.filter(date__gte=hier).exists()
    resultat = passe_echeances(hier)
    # Seuls les plans dont la grâce court encore sont relus ; aucun ne change.
    assert resultat["plans"] < plans.filter(etat="en_cours").count()
    assert (resultat["echeances_changees"], resultat["nouvelles_manquees"]) == (0, 0)
    assert passe_echeances(ctx.maintenant.date())["nouvelles_manquees"] >= 0
