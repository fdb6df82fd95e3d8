"""`generer` avec l'extension de la comptabilité : grands livres ouverts, versements imputés,
intérêts arrêtés au jour d'arrêt ; le solde égale la somme des écritures, la nuit suivante
continue par le chemin ensembliste, et le décompte recalculé égale le grand livre."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection

from comptabilite import grand_livre
from comptabilite.etat_fonds import SQL_ACTUALISER
from comptabilite.generation import _jour_arret
from comptabilite.models import Ecriture, FondsDossier, SoldeDossier, Versement
from comptabilite.nuit import accruer_interets
from comptabilite.services import decompte_dossier
from dossiers.generation import generer
from dossiers.models import Dossier, TitreExecutoire

pytestmark = pytest.mark.django_db


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_generer_ouvre_les_grands_livres_et_impute_les_versements(etude):
    generer(dossiers=300, graine=7)
    arret, _ = _jour_arret()
    assert arret == date(2026, 3, 9)  # la veille : le taux de 2026-S1 est connu
    titres = TitreExecutoire.objects.filter(dossier__etude=etude)
    soldes = SoldeDossier.objects.filter(etude=etude)
    assert soldes.count() == titres.filter(date_titre__lt=arret).count() > 50
    assert Versement.objects.filter(etude=etude).count() > 20
    assert not soldes.exclude(interets_arretes_au=arret).exists()
    for solde in soldes.order_by("pk")[:60]:
        assert grand_livre.verifier_solde(solde.pk) == {}, solde.pk
        # Le décompte recalculé depuis les écritures n'a rien « à comptabiliser ».
        d = decompte_dossier(Dossier.objects.get(pk=solde.pk), le=arret)
        assert d.erreurs == []
        assert d.interets_a_comptabiliser == 0, solde.pk
        assert d.total_du == d.solde_grand_livre
    # Chaque versement est imputé au centime près.
    for versement in Versement.objects.filter(etude=etude)[:50]:
        parts = Ecriture.objects.filter(versement=versement)
        assert sum(e.montant for e in parts) == versement.montant
    # L'état des fonds détenus écrit par la génération égale celui que recalcule la requête
    # de `etat_fonds` depuis les écritures (un par dossier à versement).
    generes = {f.pk: f for f in FondsDossier.objects.filter(etude=etude)}
    assert len(generes) == Versement.objects.values("dossier").distinct().count()
    assert any(f.detenus_depuis is not None for f in generes.values())
    FondsDossier.objects.all().delete()
    with connection.cursor() as curseur:
        curseur.execute(SQL_ACTUALISER, {"dossiers": list(generes)})
    recalcules = {
        f.pk: (f.detenus_depuis, f.disponible, f.dernier_mouvement)
        for f in FondsDossier.objects.all()
    }
    assert recalcules == {
        pk: (f.detenus_depuis, f.disponible, f.dernier_mouvement) for pk, f in generes.items()
    }
    # La nuit suivante passe par le chemin ensembliste (aucun recalcul dossier par dossier).
    resume = accruer_interets(arret + timedelta(days=1))
    assert resume["erreurs"] == {}
    assert resume["dossiers_recalcules"] == 0
    assert resume["dossiers_ensemblistes"] == soldes.exclude(regime="aucun").count()
    for solde in soldes.order_by("pk")[:30]:
        assert grand_livre.verifier_solde(solde.pk) == {}
