"""Fonds du créancier (issue 3, session 3) : frais alloués par le titre reversés, exceptions du
droit n° 129, droit A444-32 rendu quand le recouvré baisse, remises d'un échéancier.

Chiffres : droit A444-32 du tarif du 01/03/2024 (domaine/argent.md § 6.5) — 11,73 % jusqu'à
125 €, 10,75 % de 125 à 610 €, 10,26 % de 610 à 1 525 €, 3,91 % de 1 525 à 52 400 € ; chaque
tranche arrondie au centime puis additionnée (DOMAINE.md, décision 7), sur le total recouvré
au titre du principal ou de la condamnation, « à l'exclusion des dépens » ; TVA 20 % (CGI
art. 278). Exceptions : C. com. R444-55 et R444-53 3°.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from comptabilite.models import Ecriture, NatureEcriture, Poste, Reversement, SoldeDossier
from comptabilite.reversements import (
    exception_droit_129,
    fonds_dossier,
    proposer,
    reversement_annuler,
    reversement_preparer,
)
from comptabilite.services import (
    decompte_dossier,
    ecriture_contre_passer,
    frais_enregistrer,
    versement_enregistrer,
)
from etude.models import Evenement
from tests.factories import creer_creancier, creer_titre_comptable

pytestmark = pytest.mark.django_db

IBAN = "FR1420041010050500013M02606"


def dossier(acteur, **titre):
    creancier = creer_creancier(etude=acteur.etude, iban=IBAN)
    return creer_titre_comptable(acteur=acteur, creancier=creancier, **titre)


def verser(acteur, d, montant, jour=date(2025, 6, 30), mode="virement"):
    return versement_enregistrer(
        acteur=acteur, dossier=d, montant=D(montant), date_valeur=jour, mode=mode
    )


# --- 1. Frais alloués par le titre : au créancier ---------------------------------------------


def test_frais_alloues_reverses_et_article_700_dans_l_assiette(comptable):
    # Titre : 800 € de frais alloués, dont 500 € d'article 700 CPC (300 € de dépens).
    d = dossier(comptable, dont_article_700=D("500.00"))
    verser(comptable, d, "2000.00")
    fonds = fonds_dossier(d)
    # 800 € sur les frais du titre (C. civ. 1343-1), 1 200 € sur intérêts et principal.
    assert fonds.frais_creancier == D("800.00") and fonds.recouvre == D("1200.00")
    assert fonds.disponible == D("2000.00")
    # Assiette A444-32 : 1 200 + 500 × 800 / 800 = 1 700 € (les 300 € de dépens exclus).
    assert fonds.assiette == D("1700.00")
    r = reversement_preparer(acteur=comptable, dossier=d)
    # 125 × 11,73 % = 14,66 ; 485 × 10,75 % = 52,14 ; 915 × 10,26 % = 93,88 ;
    # 175 × 3,91 % = 6,84 : 167,52 € HT ; TVA 33,50 € ; net 2 000 − 201,02 = 1 798,98 €.
    assert r.droit_ht == D("167.52") and r.tva_droit == D("33.50")
    assert r.net == D("1798.98") and r.recouvre_cumule == D("1700.00")
    assert r.detail["frais_creancier"] == "800.00"


def test_frais_du_titre_payes_avant_ceux_de_l_etude_et_depens_hors_assiette(comptable):
    # Frais du titre : 800 € de dépens ; émolument de l'étude 100 € HT + TVA 20 € au 01/06.
    d = dossier(comptable)
    frais_enregistrer(
        acteur=comptable,
        dossier=d,
        nature=NatureEcriture.EMOLUMENT,
        montant_ht=D("100.00"),
        date_valeur=date(2025, 6, 1),
        libelle="Émolument d'un acte",
    )
    # 850 € versés : tout sur les frais (920 € dus) ; 800 € aux frais du titre, nés les
    # premiers (C. civ. 1342-10 al. 2), 50 € à l'étude.
    verser(comptable, d, "850.00")
    fonds = fonds_dossier(d)
    assert fonds.recouvre == D("0.00") and fonds.frais_creancier == D("800.00")
    # Des dépens seulement : rien dans l'assiette A444-32, aucun droit.
    assert fonds.assiette == D("0.00")
    r = reversement_preparer(acteur=comptable, dossier=d)
    assert r.brut == D("800.00") and r.droit_ht == D("0.00") and r.net == D("800.00")


def test_frais_alloues_sans_tva_de_l_etude(comptable):
    d = dossier(comptable, montant_frais=D("0.00"))
    passees = frais_enregistrer(
        acteur=comptable,
        dossier=d,
        nature=NatureEcriture.FRAIS,
        montant_ht=D("150.00"),
        date_valeur=date(2025, 6, 1),
        libelle="Dépens liquidés",
    )
    assert [(e.nature, e.montant) for e in passees] == [("frais", D("150.00"))]


def test_article_700_ne_depasse_pas_les_frais_alloues(comptable):
    with pytest.raises(ValidationError, match="article 700"):
        dossier(comptable, dont_article_700=D("800.01"))
    # En base aussi (contrainte titre_article_700_dans_les_frais).
    d = dossier(comptable)
    with (
        pytest.raises(Exception, match="titre_article_700_dans_les_frais"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(
            "UPDATE dossiers_titreexecutoire SET dont_article_700 = 900 WHERE dossier_id = %s",
            [d.pk],
        )


# --- 2. Exceptions du droit n° 129 (R444-55, R444-53 3°) ----------------------------------------


@pytest.mark.parametrize(
    ("titre", "motif"),
    [
        ({"nature": "personne_publique"}, "R444-53 3° a"),
        ({"creance_contrat_travail": True}, "R444-53 3° b"),
        ({"nature_dossier": "pension_alimentaire"}, "R444-53 3°"),
    ],
    ids=["personne_publique_L111-3_6", "contrat_de_travail", "creance_alimentaire"],
)
def test_droit_129_non_du_dans_les_cas_de_r444_53(comptable, titre, motif):
    d = dossier(comptable, **titre)
    verser(comptable, d, "2000.00")
    fonds = fonds_dossier(d)
    # Sans l'exception, 127,33 € HT seraient retenus sur 1 200 € (test_reversements).
    assert fonds.assiette == D("1200.00")
    proposition = proposer(fonds, exception=exception_droit_129(d))
    assert motif in proposition.droit.explication
    r = reversement_preparer(acteur=comptable, dossier=d)
    assert r.droit_ht == D("0.00") and r.tva_droit == D("0.00")
    assert r.net == r.brut == D("2000.00")
    assert motif in r.detail["explication"]


def test_titre_ordinaire_garde_le_droit_129(comptable):
    d = dossier(comptable, creance_contrat_travail=False)
    verser(comptable, d, "2000.00")
    assert reversement_preparer(acteur=comptable, dossier=d).droit_ht == D("127.33")


# --- 3. Droit A444-32 trop retenu : rendu -------------------------------------------------------


def test_cheque_impaye_apres_reversement_rend_le_droit(comptable):
    d = dossier(comptable)
    verser(comptable, d, "2000.00", mode="cheque")
    r = reversement_preparer(acteur=comptable, dossier=d)
    assert (r.droit_ht, r.tva_droit, r.net) == (D("127.33"), D("25.47"), D("1847.20"))
    versement = Ecriture.objects.filter(dossier=d, nature="versement").first()
    ecriture_contre_passer(acteur=comptable, ecriture=versement, motif="Chèque impayé")
    fonds = fonds_dossier(d)
    # Plus rien de recouvré : droit dû 0 ; les 127,33 € et 25,47 € retenus sont rendus.
    assert fonds.droit_retenu == D("0.00") and fonds.tva_retenue == D("0.00")
    assert fonds.droit_rendu == D("127.33") and fonds.tva_rendue == D("25.47")
    # Le créancier ne doit que le net qu'il a reçu (avant : −2 000 €).
    assert fonds.disponible == D("-1847.20")
    rendus = Ecriture.objects.filter(dossier=d, poste=Poste.FONDS, cause="calcul")
    assert sorted((e.nature, e.sens, e.montant) for e in rendus) == [
        ("droit_proportionnel", "debit", D("127.33")),
        ("tva", "debit", D("25.47")),
    ]
    # Le débiteur paie de nouveau 2 000 € : 800 € de frais du titre, 1 200 € sur le reste.
    verser(comptable, d, "2000.00", jour=date(2025, 7, 10))
    fonds = fonds_dossier(d)
    assert fonds.disponible == D("152.80")
    # Le droit redevenu dû (127,33 + 25,47 = 152,80) absorbe exactement ce disponible : le
    # créancier a déjà reçu ce qui lui revient (1 847,20 €).
    with pytest.raises(ValidationError, match="absorbent"):
        reversement_preparer(acteur=comptable, dossier=d)
    assert Reversement.objects.filter(dossier=d).count() == 1
    assert (
        SoldeDossier.objects.get(pk=d.pk).du
        == decompte_dossier(d, le=date(2025, 7, 10)).solde_grand_livre
    )
    assert Evenement.objects.filter(action="ecriture_contre_passer", dossier=d).exists()


def test_annuler_un_reversement_reprend_le_droit_rendu(comptable):
    d = dossier(comptable, montant_frais=D("0.00"), interets_depuis=None, type_interets="aucun")
    verser(comptable, d, "1000.00")
    # A444-31 à la charge du débiteur sur le poste des frais (à l'étude) : le premier
    # versement paie principal puis ce droit est dû ; le second paie d'abord ce droit.
    premier = reversement_preparer(acteur=comptable, dossier=d)
    # 125 × 11,73 % = 14,66 ; 485 × 10,75 % = 52,14 ; 390 × 10,26 % = 40,01 : 106,81 € HT.
    assert premier.droit_ht == D("106.81") and premier.tva_droit == D("21.36")
    cheque = verser(comptable, d, "500.00", jour=date(2025, 7, 10), mode="cheque")
    fonds = fonds_dossier(d)
    second = reversement_preparer(acteur=comptable, dossier=d)
    assert second.recouvre_cumule == fonds.assiette
    ecriture = cheque.ecritures.filter(nature="versement").first()
    ecriture_contre_passer(acteur=comptable, ecriture=ecriture, motif="Chèque impayé")
    fonds = fonds_dossier(d)
    # Retour à 1 000 € recouvrés : le droit net retenu redevient celui du premier.
    assert fonds.recouvre == D("1000.00")
    assert fonds.droit_retenu == D("106.81") and fonds.tva_retenue == D("21.36")
    assert fonds.disponible == -second.net
    # Le second reversement est annulé (lot non émis) : ses retenues sont contre-passées, la
    # régularisation se reprend ; le créancier n'a plus rien à rendre.
    reversement_annuler(acteur=comptable, reversement=second, motif="Chèque impayé")
    fonds = fonds_dossier(d)
    assert fonds.droit_rendu == D("0.00") and fonds.tva_rendue == D("0.00")
    assert fonds.droit_retenu == D("106.81") and fonds.disponible == D("0.00")


def test_releve_montre_la_regularisation(client, comptable):
    from django.urls import reverse

    d = dossier(comptable)
    verser(comptable, d, "2000.00", mode="cheque")
    r = reversement_preparer(acteur=comptable, dossier=d)
    versement = Ecriture.objects.filter(dossier=d, nature="versement").first()
    ecriture_contre_passer(acteur=comptable, ecriture=versement, motif="Chèque impayé")
    client.force_login(comptable)
    page = client.get(reverse("comptabilite_reversement", args=[r.pk])).content.decode()
    assert "Droit A444-32 rendu au créancier" in page and "127,33" in page
    assert "1\u202f847,20" in page and "Régularisations" in page
