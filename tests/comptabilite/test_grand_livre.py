"""Grand livre : écritures immuables, contre-passation unique, solde en cache = somme des
écritures, décompte calculé à la main, ordre d'imputation.

Dossier de référence (tests/factories.creer_titre_comptable) : jugement du 14/03/2025, exécutoire
(signifié) le 02/04/2025, principal 4 250 €, frais alloués 800 €, taux légal, créancier
professionnel (taux « autres cas » : 2025-S1 3,71 %, 2025-S2 2,76 % ; majoré +5 points).
Majoration (CMF L313-3, décision 3) : 02/04/2025 + 2 mois = 02/06/2025, majoré dès le 03/06/2025.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from comptabilite import grand_livre
from comptabilite.models import Ecriture, NatureEcriture, SoldeDossier, Versement
from comptabilite.services import decompte_dossier, ecriture_contre_passer, frais_enregistrer
from comptabilite.services import versement_enregistrer as _versement
from etude.errors import RegleMetier
from tests.factories import creer_titre_comptable

pytestmark = pytest.mark.django_db

postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigger d'immutabilité : PostgreSQL seulement"
)


def versement(acteur, dossier, montant, jour, mode="virement", **extra):
    return _versement(
        acteur=acteur, dossier=dossier, montant=D(montant), date_valeur=jour, mode=mode, **extra
    )


def ouvrir(dossier):
    with transaction.atomic():
        return grand_livre.verrouiller_solde(dossier)


def test_ouverture_passe_le_principal_et_les_frais_du_titre(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    solde = ouvrir(dossier)
    assert (solde.principal, solde.frais, solde.interets, solde.du) == (
        D("4250.00"),
        D("800.00"),
        D("0.00"),
        D("5050.00"),
    )
    assert solde.regime == "autre"
    assert solde.majoration_depuis == date(2025, 6, 3)
    assert grand_livre.verifier_solde(dossier.pk) == {}
    # Rouvrir ne repasse rien (contrainte unique sur le principal du titre).
    ouvrir(dossier)
    assert Ecriture.objects.filter(dossier=dossier).count() == 2


def test_decompte_au_30_juin_2025_calcule_a_la_main(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    ouvrir(dossier)
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    # 14/03 -> 02/06 : 80 jours à 3,71 % : 4250 × 80 × 3,71 / 36500 = 34,5589 -> 34,56
    # 02/06 -> 30/06 : 28 jours à 8,71 % (majoré) : 4250 × 28 × 8,71 / 36500 = 28,3970 -> 28,40
    assert [(m.debut, m.fin, m.jours, m.taux, m.montant, m.majore) for m in d.morceaux] == [
        (date(2025, 3, 14), date(2025, 6, 2), 80, D("3.71"), D("34.56"), False),
        (date(2025, 6, 2), date(2025, 6, 30), 28, D("8.71"), D("28.40"), True),
    ]
    assert d.interets_courus == D("62.96")
    assert d.principal_du == D("4250.00")
    assert d.frais_dus == D("800.00")
    assert d.total_du == D("5112.96")
    # Rien n'est encore passé en intérêts : tout est « à comptabiliser ».
    assert d.interets_a_comptabiliser == D("62.96")
    assert d.erreurs == []


def test_versement_impute_frais_puis_interets_puis_principal(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    v = versement(clerc, dossier, "1000.00", date(2025, 6, 30))
    parts = {e.poste: e.montant for e in Ecriture.objects.filter(versement=v, nature="versement")}
    # C. civ. 1343-1 : frais 800, intérêts 62,96 (calculés ci-dessus), principal le reste.
    assert parts == {"frais": D("800.00"), "interets": D("62.96"), "principal": D("137.04")}
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert solde.principal == D("4112.96")
    assert grand_livre.verifier_solde(dossier.pk) == {}
    # L'intérêt suit le principal réduit : juillet 2025, 31 jours à 2,76 + 5 = 7,76 % :
    # 4112,96 × 31 × 7,76 / 36500 = 27,1073 -> 27,11.
    d = decompte_dossier(dossier, le=date(2025, 7, 31))
    assert d.morceaux[-1].principal == D("4112.96")
    assert (d.morceaux[-1].jours, d.morceaux[-1].taux, d.morceaux[-1].montant) == (
        31,
        D("7.76"),
        D("27.11"),
    )
    assert d.interets_dus == D("27.11")
    # Droit proportionnel A444-31 (tarif 2024-2026) sur 62,96 + 137,04 = 200 € recouvrés :
    # 125 × 9,77 % = 12,2125 -> 12,21 ; 75 × 6,35 % = 4,7625 -> 4,76 ; total 16,97 HT,
    # TVA 20 % = 3,394 -> 3,39.
    assert d.droit_proportionnel == D("16.97")
    assert d.frais_par_nature["tva"] == D("3.39")
    assert d.frais_dus == D("20.36")
    assert d.versements[0].interets == D("62.96")
    # Le décompte égale le grand livre plus les intérêts pas encore passés.
    assert d.total_du == d.solde_grand_livre + d.interets_a_comptabiliser


def test_titre_qui_ordonne_le_principal_dabord(clerc):
    dossier = creer_titre_comptable(acteur=clerc, imputation_principal_dabord=True)
    v = versement(clerc, dossier, "1000.00", date(2025, 6, 30))
    parts = {e.poste: e.montant for e in Ecriture.objects.filter(versement=v, nature="versement")}
    # C. civ. 1343-5 : le juge ordonne l'imputation sur le capital d'abord.
    assert parts == {"principal": D("1000.00")}


def test_versement_au_dela_de_la_dette_va_a_l_excedent(clerc):
    dossier = creer_titre_comptable(acteur=clerc, type_interets="aucun", montant_frais=D("0"))
    versement(clerc, dossier, "5000.00", date(2025, 6, 30))
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    # Droit A444-31 sur 4 250 € : 12,21 + 30,80 (485 × 6,35 % = 30,7975) + 31,20
    # (915 × 3,41 % = 31,2015) + 7,90 (2 725 × 0,29 % = 7,9025) = 82,11 HT,
    # TVA 20 % = 16,422 -> 16,42 ; frais 98,53.
    assert solde.principal == D("0.00")
    assert solde.excedent == D("750.00")
    assert solde.frais == D("98.53")
    assert solde.du == D("98.53") - D("750.00")
    assert grand_livre.verifier_solde(dossier.pk) == {}


def test_contre_passer_un_versement_le_reprend_en_entier_une_seule_fois(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    v = versement(clerc, dossier, "1000.00", date(2025, 6, 30))
    ecriture = Ecriture.objects.filter(versement=v).first()
    passees = ecriture_contre_passer(acteur=clerc, ecriture=ecriture, motif="Chèque impayé")
    assert len(passees) == 3
    assert all(p.contre_passe.versement_id == v.pk for p in passees)
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert solde.principal == D("4250.00")
    assert solde.frais == D("800.00")
    assert solde.verse == D("0.00")
    assert grand_livre.verifier_solde(dossier.pk) == {}
    with pytest.raises(ValidationError, match="déjà contre-passée"):
        ecriture_contre_passer(acteur=clerc, ecriture=ecriture, motif="Encore")
    with pytest.raises(ValidationError, match="ne se contre-passe pas"):
        ecriture_contre_passer(acteur=clerc, ecriture=passees[0], motif="Annuler l'annulation")
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    assert d.versements[0].annule
    assert d.verse == D("0.00")
    assert d.droit_proportionnel == D("0.00")


def test_contre_passation_sans_motif_refusee(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    frais = frais_enregistrer(
        acteur=clerc,
        dossier=dossier,
        nature=NatureEcriture.EMOLUMENT,
        montant_ht=D("20.42"),
        date_valeur=date(2025, 5, 2),
        libelle="Commandement de payer (n° 42)",
    )
    with pytest.raises(ValidationError, match="motif"):
        ecriture_contre_passer(acteur=clerc, ecriture=frais[0], motif="  ")
    assert not Ecriture.objects.filter(nature="contre_passation").exists()


def test_emolument_et_tva_au_decompte(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    frais_enregistrer(
        acteur=clerc,
        dossier=dossier,
        nature=NatureEcriture.EMOLUMENT,
        montant_ht=D("20.42"),
        date_valeur=date(2025, 5, 2),
        libelle="Commandement de payer (n° 42, A444-14)",
    )
    d = decompte_dossier(dossier, le=date(2025, 5, 31))
    # TVA 20 % sur 20,42 = 4,084 -> 4,08.
    assert d.frais_par_nature == {
        "frais": D("800.00"),
        "emolument": D("20.42"),
        "tva": D("4.08"),
    }
    assert d.frais_dus == D("824.50")


def test_solde_en_cache_faux_est_detecte(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    ouvrir(dossier)
    SoldeDossier.objects.filter(pk=dossier.pk).update(
        principal=D("1.00"), du=D("801.00")
    )  # falsification directe du cache
    assert grand_livre.verifier_solde(dossier.pk) == {
        "principal": (D("1.00"), D("4250.00")),
        "du": (D("801.00"), D("5050.00")),
    }


def test_ecriture_refusee_en_python_a_la_modification(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    ouvrir(dossier)
    ecriture = Ecriture.objects.filter(dossier=dossier).first()
    ecriture.montant = D("1.00")
    with pytest.raises(RegleMetier, match="immuable"):
        ecriture.save()
    with pytest.raises(RegleMetier, match="immuable"):
        Ecriture.objects.filter(pk=ecriture.pk).delete()


@postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE comptabilite_ecriture SET montant = 1 WHERE dossier_id = %s",
        "DELETE FROM comptabilite_ecriture WHERE dossier_id = %s",
        "UPDATE comptabilite_versement SET montant = 1 WHERE dossier_id = %s",
        "DELETE FROM comptabilite_versement WHERE dossier_id = %s",
    ],
)
def test_postgresql_refuse_update_et_delete_du_grand_livre(clerc, sql):
    from django.db import DatabaseError

    dossier = creer_titre_comptable(acteur=clerc)
    versement(clerc, dossier, "100.00", date(2025, 6, 30))
    with (
        pytest.raises(DatabaseError, match="immuable"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(sql, [dossier.pk])
    assert Versement.objects.filter(dossier=dossier, montant=D("100.00")).exists()


def test_taux_manquant_donne_un_message_et_pas_de_total(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    ouvrir(dossier)
    d = decompte_dossier(dossier, le=date(2026, 8, 1))
    assert d.total_du is None
    assert any("2e semestre 2026" in e and "saisir" in e for e in d.erreurs)


def test_capitalisation_a_l_anniversaire(clerc):
    dossier = creer_titre_comptable(
        acteur=clerc,
        montant=D("10000.00"),
        montant_frais=D("0"),
        date_titre=date(2024, 1, 1),
        date_signification=date(2024, 1, 5),
        date_force_executoire=date(2024, 1, 5),
        interets_depuis=date(2024, 1, 1),
        capitalisation=True,
        majoration_ecartee=True,
    )
    ouvrir(dossier)
    d = decompte_dossier(dossier, le=date(2025, 1, 31))
    # 2024-S1 5,07 % : 181 jours, 10000 × 181 × 5,07 / 36500 = 251,4164 -> 251,42
    # 2024-S2 4,92 % : 184 jours, 10000 × 184 × 4,92 / 36500 = 248,0219 -> 248,02
    # 01/01/2025 3,71 % : 1 jour, 10000 × 1 × 3,71 / 36500 = 1,0164 -> 1,02
    # Anniversaire 01/01/2025 (C. civ. 1343-2) : 500,46 capitalisés -> principal 10 500,46
    # 30 jours à 3,71 % : 10500,46 × 30 × 3,71 / 36500 = 32,0192 -> 32,02
    assert [m.montant for m in d.morceaux] == [
        D("251.42"),
        D("248.02"),
        D("1.02"),
        D("32.02"),
    ]
    assert d.capitalise_a_comptabiliser == D("500.46")
    assert d.principal_du == D("10500.46")
    assert d.interets_dus == D("32.02")
    # Passée au grand livre, la capitalisation ne change pas le décompte.
    with transaction.atomic():
        solde = grand_livre.verrouiller_solde(dossier)
        grand_livre.interets_regulariser(solde, au=date(2025, 1, 31))
    d2 = decompte_dossier(dossier, le=date(2025, 1, 31))
    assert (d2.principal_du, d2.interets_dus, d2.capitalise) == (
        D("10500.46"),
        D("32.02"),
        D("500.46"),
    )
    assert d2.capitalise_a_comptabiliser == D("0.00")
    assert d2.total_du == d2.solde_grand_livre
    assert grand_livre.verifier_solde(dossier.pk) == {}


def test_versement_refuse_montant_nul_ou_date_future(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    with pytest.raises(ValidationError, match="strictement positif"):
        versement(clerc, dossier, "0.00", date(2025, 6, 30))
    with pytest.raises(ValidationError, match="futur"):
        versement(clerc, dossier, "10.00", date(2099, 1, 1))
    assert not Versement.objects.exists()


def test_lecture_seule_ne_peut_pas_verser(lecture, clerc):
    from django.core.exceptions import PermissionDenied

    dossier = creer_titre_comptable(acteur=clerc)
    with pytest.raises(PermissionDenied):
        versement(lecture, dossier, "10.00", date(2025, 6, 30))
