"""`generer` avec l'extension des procédures : 1,5 procédure par dossier, délais cohérents."""

from collections import Counter
from datetime import timedelta

import pytest

from dossiers.generation import generer
from dossiers.models import Dossier
from etude.models import Evenement
from procedures import catalogue
from procedures.models import MODELES, Delai, Procedure
from procedures.models.injonctions import PLAFOND_PETITES_CREANCES
from procedures.nuit import passe_delais

pytestmark = pytest.mark.django_db


def test_generer_ajoute_des_procedures_realistes(etude):
    ctx = generer(dossiers=600, graine=5)
    aujourd_hui = ctx.maintenant.date()
    procedures = Procedure.objects.filter(etude=etude)
    moyenne = procedures.count() / Dossier.objects.filter(etude=etude).count()
    assert 1.3 <= moyenne <= 1.7
    # Chaque procédure a sa ligne de type, dans un état de sa machine.
    for type_, modele in MODELES.items():
        assert modele.objects.count() == procedures.filter(type=type_).count() > 0, type_
        etats = set(modele.objects.values_list("etat", flat=True))
        assert etats <= {e.value for e in modele.Etat}, type_
        finales = modele.objects.filter(etat__in=modele.ETATS_FINAUX)
        assert not finales.filter(cloturee_le__isnull=True).exists(), type_
        assert (
            not modele.objects.exclude(etat__in=modele.ETATS_FINAUX)
            .filter(cloturee_le__isnull=False)
            .exists()
        ), type_
    # Sans titre : injonction de payer ou petites créances (5 000 € au plus, R125-1).
    sans_titre = procedures.filter(titre__isnull=True)
    assert set(sans_titre.values_list("type", flat=True)) == {
        "injonction_de_payer",
        "petites_creances",
    }
    assert not procedures.filter(
        type="petites_creances", dossier__montant_principal__gt=PLAFOND_PETITES_CREANCES
    ).exists()
    assert not procedures.filter(type="expulsion").exclude(dossier__nature="loyers").exists()
    # Délais ouverts seulement sur les procédures en cours, à échoir, calculés par le catalogue.
    ouverts = Delai.objects.filter(etude=etude, statut="ouvert")
    assert ouverts.count() > 100
    assert not ouverts.filter(procedure__cloturee_le__isnull=False).exists()
    assert not ouverts.filter(echeance__lt=aujourd_hui).exists()
    for delai in ouverts.exclude(code__in=["cr_paiement"])[:200]:
        attendu = catalogue.echeance(delai.code, delai.depart, calendrier=etude.calendrier)
        assert delai.echeance == attendu.date_sure, delai.code
    # Un clerc du dossier porte le délai ; un événement d'ouverture par procédure.
    assert not ouverts.exclude(clerc_id__in=ctx.clercs).exists()
    ouvertures = Evenement.objects.filter(action="procedure_ouvrir")
    assert Counter(ouvertures.values_list("acteur_libelle", flat=True)) == {
        "generer": procedures.count()
    }
    # La nuit de la veille n'a rien à faire ; celle dans une semaine constate des échéances,
    # puis ne refait rien.
    assert passe_delais(aujourd_hui - timedelta(days=1))["evenements"] == 0
    semaine = passe_delais(aujourd_hui + timedelta(days=7))
    assert semaine["delais_depasses"] + semaine["delais_ecoules"] > 0
    assert passe_delais(aujourd_hui + timedelta(days=7))["evenements"] == 0
