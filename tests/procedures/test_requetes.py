"""Requêtes du futur tableau « Délais » : cloisonnées par étude, triées par échéance."""

from datetime import date

from procedures import services
from procedures.models import Delai, Procedure
from tests.factories import creer_procedure
from tests.procedures.outils import paris


def test_tableau_des_delais_par_etude_et_par_clerc(clerc, principal_clerc, autre_etude):
    vente = creer_procedure(acteur=clerc, type="saisie_vente")
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    attribution = creer_procedure(acteur=clerc, type="saisie_attribution")
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 3), tiers_saisi="LCL"
    )
    a_venir = Delai.objects.pour(clerc).ouverts().a_echeance(avant=date(2026, 3, 31))
    # 10 mars (attente R221-10) puis 11 mars (dénonciation R211-3) ; la validité de deux ans
    # (2 mars 2028) est hors de la fenêtre.
    assert [(d.code, d.echeance) for d in a_venir] == [
        ("sv_attente_commandement", date(2026, 3, 10)),
        ("sa_denonciation", date(2026, 3, 11)),
    ]
    assert Delai.objects.pour(principal_clerc).ouverts().du_clerc(clerc).count() == 3
    assert Delai.objects.pour(principal_clerc).du_clerc(principal_clerc).count() == 0
    assert not Delai.objects.pour(autre_etude).exists()
    assert Delai.objects.pour(clerc).ouverts().a_echeance(depuis=date(2026, 3, 11)).count() == 2
    assert list(Procedure.objects.pour(clerc).actives().order_by("id")) == [
        vente.procedure_ptr,
        attribution.procedure_ptr,
    ]
    assert not Procedure.objects.pour(autre_etude).exists()
