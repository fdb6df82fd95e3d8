"""Remises d'un échéancier au grand livre (issue 3 et 6) : la remise d'intérêts ou de frais
qu'un plan décide passe au grand livre dans la transaction de la décision, à la charge du
créancier ; le décompte et les fonds du créancier sont à jour.

Chiffres : droit A444-32 du tarif du 01/03/2024 (domaine/argent.md § 6.5), par tranche
arrondie au centime ; TVA 20 % (CGI art. 278) ; émolument de test 100 € HT.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from comptabilite.models import Ecriture, NatureEcriture, Poste, SoldeDossier
from comptabilite.nuit import accruer_interets
from comptabilite.reversements import fonds_dossier, reversement_preparer
from comptabilite.services import (
    decompte_dossier,
    ecriture_contre_passer,
    frais_enregistrer,
    versement_enregistrer,
)
from etude.models import Evenement
from relances.models import EtatEcheancier, PolitiqueEcheancier
from relances.services import echeanciers as services
from tests.factories import creer_creancier, creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db

JOUR = date(2025, 6, 30)


@pytest.fixture
def dossier(clerc):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    creancier = creer_creancier(etude=clerc.etude, iban="FR1420041010050500013M02606")
    # Titre du 14/03/2025 : principal 4 250 €, frais alloués 800 € (dépens), taux légal.
    d = creer_dossier(acteur=clerc, debiteurs=[debiteur], creancier=creancier)
    frais_enregistrer(
        acteur=clerc,
        dossier=d,
        nature=NatureEcriture.EMOLUMENT,
        montant_ht=D("100.00"),
        date_valeur=date(2025, 6, 1),
        libelle="Émolument d'un acte",
    )
    accruer_interets(JOUR)
    return d


def _remises(d):
    return Ecriture.objects.filter(dossier=d, cause="echeancier").order_by("id")


def test_remise_dans_la_politique_passee_avec_la_decision(clerc, comptable, dossier):
    PolitiqueEcheancier.objects.create(
        etude=clerc.etude, remise_interets_autorisee=True, remise_frais_autorisee=True
    )
    avant = SoldeDossier.objects.get(pk=dossier.pk)
    assert avant.frais == D("920.00") and avant.interets > 0
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 7, 31),
        le=JOUR,
        remise_interets=True,
        remise_frais=True,
    )
    assert plan.etat == EtatEcheancier.EN_COURS
    assert plan.montant == D("4250.00")
    # Intérêts remis : tout ce qui était dû ; frais : 800 € du titre (au créancier, il y
    # renonce) et 120 € de l'étude (100 € + 20 € de TVA), dus par le créancier (C. civ.
    # 1999) : portés au poste « fonds ».
    assert [(e.poste, e.nature, e.sens, e.montant) for e in _remises(dossier)] == [
        (Poste.INTERETS, "remise", "credit", avant.interets),
        (Poste.FRAIS, "remise", "credit", D("800.00")),
        (Poste.FRAIS, "remise", "credit", D("120.00")),
        (Poste.FONDS, "frais", "credit", D("120.00")),
    ]
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    assert (solde.frais, solde.interets, solde.du) == (D("0.00"), D("0.00"), D("4250.00"))
    d = decompte_dossier(dossier, le=JOUR)
    assert d.frais_remis == D("920.00") and d.interets_remis == avant.interets
    assert d.total_du == D("4250.00") == d.solde_grand_livre + d.interets_a_comptabiliser
    assert fonds_dossier(dossier).disponible == D("-120.00")
    evenement = Evenement.objects.get(action="echeancier_accepter", dossier=dossier)
    assert evenement.apres["remise_frais"] == "920.00"
    # Le débiteur verse 500 € : tout sur le principal ; les 120 € de l'étude se retiennent.
    versement_enregistrer(
        acteur=clerc, dossier=dossier, montant=D("500.00"), date_valeur=JOUR, mode="virement"
    )
    fonds = fonds_dossier(dossier)
    assert fonds.recouvre == D("500.00") and fonds.disponible == D("380.00")
    r = reversement_preparer(acteur=comptable, dossier=dossier)
    # 125 × 11,73 % = 14,66 ; 375 × 10,75 % = 40,31 : 54,97 € HT ; TVA 10,99 € ;
    # net 380 − 65,96 = 314,04 €.
    assert (r.droit_ht, r.tva_droit, r.net) == (D("54.97"), D("10.99"), D("314.04"))
    # Les frais du titre remis ne se contre-passent plus : la remise deviendrait un paiement.
    titre = Ecriture.objects.get(dossier=dossier, nature="frais", poste=Poste.FRAIS)
    with pytest.raises(ValidationError, match="remis au débiteur"):
        ecriture_contre_passer(acteur=clerc, ecriture=titre, motif="Erreur")
    # Une remise ne se contre-passe pas depuis le grand livre.
    with pytest.raises(ValidationError, match="remise"):
        ecriture_contre_passer(acteur=clerc, ecriture=_remises(dossier)[0], motif="Erreur")


def test_remise_hors_politique_passee_a_l_approbation_seulement(clerc, principal_clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 7, 31),
        le=JOUR,
        remise_frais=True,
    )
    assert plan.etat == EtatEcheancier.A_APPROUVER
    assert not _remises(dossier).exists()
    services.echeancier_decider(acteur=principal_clerc, echeancier=plan, approuve=True)
    assert sum(e.montant for e in _remises(dossier) if e.poste == Poste.FRAIS) == D("920.00")
    assert SoldeDossier.objects.get(pk=dossier.pk).frais == D("0.00")
    evenement = Evenement.objects.get(action="echeancier_approuver", dossier=dossier)
    assert evenement.apres["remise_frais"] == "920.00"


def test_plan_refuse_ne_remet_rien(clerc, principal_clerc, dossier):
    plan = services.echeancier_accepter(
        acteur=clerc,
        dossier=dossier,
        nombre=6,
        premiere=date(2025, 7, 31),
        le=JOUR,
        remise_interets=True,
    )
    services.echeancier_decider(
        acteur=principal_clerc, echeancier=plan, approuve=False, commentaire="Créancier opposé"
    )
    assert not _remises(dossier).exists()
    assert SoldeDossier.objects.get(pk=dossier.pk).interets > 0
