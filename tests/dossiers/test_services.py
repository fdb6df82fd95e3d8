from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dossiers.models import Dossier
from dossiers.services import DonneesDossier, dossier_ouvrir
from etude.models import Evenement
from tests.factories import creer_creancier, creer_debiteur, creer_dossier


def test_ouvrir_un_dossier_attribue_la_reference_annuelle_et_journalise(clerc):
    dossier = creer_dossier(acteur=clerc)
    assert dossier.reference == f"{dossier.ouvert_le.year}-000001"
    deuxieme = creer_dossier(acteur=clerc)
    assert deuxieme.reference == f"{dossier.ouvert_le.year}-000002"
    evenements = Evenement.objects.filter(dossier=dossier)
    assert {e.action for e in evenements} == {"dossier_ouvrir", "titre_enregistrer"}
    assert all(e.acteur == clerc for e in evenements)
    assert dossier.phase == "judiciaire"


def test_le_texte_de_recherche_ignore_accents_et_casse(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, nom="Lefèvre", prenoms="Éloïse", ville="Nîmes")
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    dossier.refresh_from_db()
    assert "lefevre" in dossier.recherche
    assert "eloise" in dossier.recherche
    assert "nimes" in dossier.recherche


def test_un_lecteur_ne_peut_pas_ouvrir_de_dossier(lecture):
    with pytest.raises(PermissionDenied):
        creer_dossier(acteur=lecture)
    assert Dossier.objects.count() == 0


def test_un_debiteur_d_une_autre_etude_est_refuse(clerc, autre_etude):
    etranger = creer_debiteur(etude=autre_etude.etude)
    with pytest.raises(PermissionDenied):
        creer_dossier(acteur=clerc, debiteurs=[etranger])


def test_montant_nul_refuse_sans_rien_ecrire(clerc):
    creancier = creer_creancier(etude=clerc.etude)
    debiteur = creer_debiteur(etude=clerc.etude)
    with pytest.raises(ValidationError) as erreur:
        dossier_ouvrir(
            acteur=clerc,
            creancier=creancier,
            debiteurs=[debiteur],
            dossier=DonneesDossier(nature="loyers", montant_principal=Decimal("0.00")),
        )
    assert "montant_principal" in erreur.value.message_dict
    assert Dossier.objects.count() == 0
    assert not Evenement.objects.filter(action="dossier_ouvrir").exists()


def test_plusieurs_debiteurs_rendent_le_dossier_complexe(clerc):
    a = creer_debiteur(etude=clerc.etude, nom="Durand")
    b = creer_debiteur(etude=clerc.etude, nom="Petit")
    dossier = creer_dossier(acteur=clerc, debiteurs=[a, b])
    assert dossier.complexe
    assert list(dossier.debiteurs.order_by("parties__rang")) == [a, b]
