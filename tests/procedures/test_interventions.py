"""Interventions d'autres créanciers et répartition par contribution (C. civ. 2285) ;
saisie-vente (L221-1 al. 2, R221-41, R221-42, L221-6) et saisie des rémunérations
(L212-2 al. 3, R212-1-17, R212-1-23). Chiffres calculés à la main dans les commentaires."""

from datetime import date
from decimal import Decimal

import pytest

from etude.errors import RegleMetier
from etude.models import Evenement
from procedures import services
from procedures.models import Delai, PartRepartition
from procedures.repartition import repartir
from tests.factories import creer_creancier, creer_procedure, creer_titre_comptable
from tests.procedures.outils import paris

pytestmark = pytest.mark.django_db

D = Decimal


# --- La clé de répartition, seule ---------------------------------------------------------


def _parts(disponible, creances):
    parts, reliquat = repartir(D(disponible), [(cle, D(c)) for cle, c in creances])
    return [str(p.part) for p in parts], str(reliquat)


def test_repartition_au_prorata_exact():
    # 1 000 € pour 3 000 + 1 500 + 500 = 5 000 € : 60 %, 30 %, 10 %.
    assert _parts("1000.00", [("A", "3000"), ("B", "1500"), ("C", "500")]) == (
        ["600.00", "300.00", "100.00"],
        "0.00",
    )


def test_repartition_centimes_aux_plus_forts_restes():
    # 412,50 € pour 2 400 € et 1 150 € (3 550 €) :
    # A : 412,50 × 2 400 / 3 550 = 278,8732… -> 278,87 ; B : 412,50 × 1 150 / 3 550 =
    # 133,6267… -> 133,62 ; il reste 0,01 €, au plus fort reste (B, 0,0067 > 0,0032).
    assert _parts("412.50", [("A", "2400.00"), ("B", "1150.00")]) == (
        ["278.87", "133.63"],
        "0.00",
    )
    # 100 € pour trois créances égales : 33,33 × 3 = 99,99 ; le centime va au premier.
    assert _parts("100.00", [("A", "1000"), ("B", "1000"), ("C", "1000")]) == (
        ["33.34", "33.33", "33.33"],
        "0.00",
    )


def test_repartition_ne_paie_pas_au_dela_des_creances():
    # 500 € pour 300 + 100 : chacun est rempli, 100 € reviennent au débiteur.
    assert _parts("500.00", [("A", "300.00"), ("B", "100.00")]) == (
        ["300.00", "100.00"],
        "100.00",
    )


# --- Saisie des rémunérations ----------------------------------------------------------------


def _dossier(clerc, creance: str):
    """Dossier dont le décompte donne `creance` restant due : titre sans intérêts, principal
    `creance` - 800 € et 800 € de frais alloués (creer_titre_comptable)."""
    return creer_titre_comptable(
        acteur=clerc, montant=D(creance) - D("800.00"), type_interets="aucun"
    )


@pytest.fixture
def saisie(clerc):
    # Créance restante du premier saisissant au décompte : 1 600 + 800 = 2 400 €.
    return _saisie(clerc, "2400.00")


def _saisie(clerc, creance: str):
    procedure = creer_procedure(
        acteur=clerc, type="saisie_remunerations", dossier=_dossier(clerc, creance)
    )
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=procedure, le=paris(2026, 1, 5)
    )
    services.saisie_remunerations_inscrire_commandement(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 5)
    )
    services.saisie_remunerations_designer_repartiteur(
        acteur=clerc, procedure=procedure, le=date(2026, 1, 20), repartiteur="Me Répartiteur"
    )
    services.saisie_remunerations_signifier_pv_saisie(
        acteur=clerc, procedure=procedure, le=paris(2026, 2, 6), employeur="ACME"
    )
    services.saisie_remunerations_denoncer(
        acteur=clerc, procedure=procedure, le=paris(2026, 2, 13)
    )
    services.saisie_remunerations_enregistrer_declaration_employeur(
        acteur=clerc, procedure=procedure, le=date(2026, 2, 18)
    )
    return procedure


@pytest.fixture
def autre(clerc):
    return creer_creancier(etude=clerc.etude, raison_sociale="Crédit du Rhône SA")


def _intervenir(clerc, saisie, autre, acte_le, commandement_le=date(2026, 1, 20)):
    return services.intervention_former(
        acteur=clerc,
        procedure=saisie,
        creancier=autre,
        titre="Jugement du tribunal judiciaire de Lyon du 3 novembre 2025",
        montant=D("1150.00"),
        acte_le=acte_le,
        commandement_le=commandement_le,
    )


def test_intervention_un_mois_apres_son_commandement_L212_2(clerc, saisie, autre):
    # Commandement de l'intervenant le mardi 20 janvier : + 1 mois = vendredi 20 février ;
    # l'intervention est possible à partir du 21.
    with pytest.raises(RegleMetier, match="L212-2"):
        _intervenir(clerc, saisie, autre, paris(2026, 2, 20))
    with pytest.raises(RegleMetier, match="L212-2 al. 3"):
        _intervenir(clerc, saisie, autre, paris(2026, 2, 23), commandement_le=None)
    intervention = _intervenir(clerc, saisie, autre, paris(2026, 2, 23))
    # R212-1-17 : lundi 23 février + 8 jours = mardi 3 mars, à peine de caducité.
    delai = Delai.objects.get(procedure=saisie, code="sr_intervention_denonciation")
    assert (delai.echeance, delai.article) == (date(2026, 3, 3), "CPCE R212-1-17")
    with pytest.raises(RegleMetier, match="R212-1-17"):
        services.intervention_denoncer(
            acteur=clerc, intervention=intervention, le=paris(2026, 3, 4)
        )
    services.intervention_denoncer(acteur=clerc, intervention=intervention, le=paris(2026, 3, 2))
    delai.refresh_from_db()
    assert delai.statut == "respecte"
    assert Evenement.objects.filter(action="intervention_former").count() == 1


def test_repartition_entre_saisissant_et_intervenant_inscrit(clerc, saisie, autre):
    intervention = _intervenir(clerc, saisie, autre, paris(2026, 2, 23))
    services.intervention_denoncer(acteur=clerc, intervention=intervention, le=paris(2026, 2, 25))
    services.saisie_remunerations_enregistrer_versement(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 5), montant=D("412.50")
    )
    # Non inscrite au registre : l'intervenant ne prend pas part (R212-1-23) ; le
    # saisissant (créance restante 2 400 €, lue au décompte) reçoit tout.
    seul = services.repartition_effectuer(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 6), montant=D("100.00"),
    )  # fmt: skip
    assert [(p.creance, p.part) for p in seul.parts.all()] == [(D("2400.00"), D("100.00"))]
    # Un seul créancier : prochaine répartition dans le mois (6 avril).
    assert Delai.objects.get(procedure=saisie, code="sr_repartition").echeance == date(2026, 4, 6)
    services.intervention_inscrire(acteur=clerc, intervention=intervention, le=date(2026, 2, 23))
    # Reste 312,50 € : 2 300 € (2 400 au décompte, moins les 100 € de sa part de la première
    # répartition) et 1 150 € = 3 450 €.
    # Saisissant : 312,50 × 2 300 / 3 450 = 208,3333… -> 208,33 ; intervenant :
    # 312,50 × 1 150 / 3 450 = 104,1666… -> 104,16, plus le centime restant -> 104,17.
    with pytest.raises(RegleMetier, match="312.50 € versés"):
        services.repartition_effectuer(
            acteur=clerc, procedure=saisie, le=date(2026, 4, 3), montant=D("312.51"),
        )  # fmt: skip
    deux = services.repartition_effectuer(
        acteur=clerc, procedure=saisie, le=date(2026, 4, 3), montant=D("312.50"),
    )  # fmt: skip
    assert [(p.creancier_id, p.creance, p.part) for p in deux.parts.all()] == [
        (saisie.dossier.creancier_id, D("2300.00"), D("208.33")),
        (autre.pk, D("1150.00"), D("104.17")),
    ]
    # Plusieurs créanciers : au moins toutes les six semaines (3 avril + 42 jours = 15 mai).
    ouvert = Delai.objects.get(procedure=saisie, code="sr_repartition", statut="ouvert")
    assert ouvert.echeance == date(2026, 5, 15)
    evenement = Evenement.objects.filter(action="repartition_effectuer").latest("id")
    assert "208.33" in evenement.libelle and "104.17" in evenement.libelle


def test_intervention_caduque_exclue_de_la_repartition(clerc, saisie, autre):
    intervention = _intervenir(clerc, saisie, autre, paris(2026, 2, 23))
    services.intervention_inscrire(acteur=clerc, intervention=intervention, le=date(2026, 2, 23))
    services.saisie_remunerations_enregistrer_versement(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 5), montant=D("412.50")
    )
    # Pas dénoncée au 3 mars : caduque le 4 (R212-1-17), le saisissant reçoit tout.
    repartition = services.repartition_effectuer(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 6), montant=D("412.50"),
    )  # fmt: skip
    assert list(repartition.parts.values_list("part", flat=True)) == [D("412.50")]


def test_intervention_avant_le_proces_verbal_refusee(clerc, autre):
    procedure = creer_procedure(acteur=clerc, type="saisie_remunerations")
    with pytest.raises(RegleMetier, match="R212-1-16"):
        _intervenir(clerc, procedure, autre, paris(2026, 2, 23))


# --- Saisie-vente : opposition et répartition amiable du prix (L221-6) ------------------------


@pytest.fixture
def vente(clerc):
    # Créance restante du premier saisissant au décompte : 2 200 + 800 = 3 000 €.
    procedure = creer_procedure(
        acteur=clerc, type="saisie_vente", dossier=_dossier(clerc, "3000.00")
    )
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=procedure, le=paris(2026, 3, 2)
    )
    services.saisie_vente_dresser_pv_saisie(
        acteur=clerc, procedure=procedure, le=paris(2026, 3, 11), debiteur_present=True
    )
    return procedure


def test_opposition_puis_repartition_du_prix_de_la_vente_amiable(clerc, vente, autre):
    troisieme = creer_creancier(etude=clerc.etude, raison_sociale="Énergie du Sud SA")
    for creancier, montant, jour in ((autre, "1500.00", 16), (troisieme, "500.00", 17)):
        opposition = services.intervention_former(
            acteur=clerc,
            procedure=vente,
            creancier=creancier,
            titre="Ordonnance d'injonction de payer exécutoire",
            montant=D(montant),
            acte_le=paris(2026, 3, jour),
        )
        services.intervention_denoncer(
            acteur=clerc, intervention=opposition, le=paris(2026, 3, jour, 15)
        )
    # Avant la vente, pas de répartition (L221-6 : elle porte sur le prix).
    with pytest.raises(RegleMetier, match="L221-6"):
        services.repartition_effectuer(
            acteur=clerc, procedure=vente, le=date(2026, 4, 1), montant=D("1000.00"),
        )  # fmt: skip
    services.saisie_vente_realiser_vente_amiable(
        acteur=clerc, procedure=vente, le=date(2026, 4, 8)
    )
    # Prix 1 000 € ; créances 3 000 + 1 500 + 500 = 5 000 € : 600, 300, 100.
    repartition = services.repartition_effectuer(
        acteur=clerc, procedure=vente, le=date(2026, 4, 10), montant=D("1000.00"),
    )  # fmt: skip
    assert list(repartition.parts.values_list("part", flat=True)) == [
        D("600.00"),
        D("300.00"),
        D("100.00"),
    ]
    # Après la vente, plus d'opposition possible (R221-41 : avant la vérification des biens).
    with pytest.raises(RegleMetier, match="R221-41"):
        services.intervention_former(
            acteur=clerc,
            procedure=vente,
            creancier=troisieme,
            titre="Jugement",
            montant=D("200.00"),
            acte_le=paris(2026, 4, 13),
        )
    assert PartRepartition.objects.count() == 3


def test_opposition_sans_saisie_refusee(clerc, autre):
    procedure = creer_procedure(acteur=clerc, type="saisie_vente")
    with pytest.raises(RegleMetier, match="L221-1 al. 2"):
        services.intervention_former(
            acteur=clerc,
            procedure=procedure,
            creancier=autre,
            titre="Jugement",
            montant=D("200.00"),
            acte_le=paris(2026, 3, 2),
        )


# --- Écrans -------------------------------------------------------------------------------


def test_opposition_et_repartition_par_les_formulaires(client, clerc, vente, autre):
    from django.urls import reverse

    client.force_login(clerc)
    page = client.get(reverse("procedure_detail", args=[vente.pk])).content.decode()
    assert "Oppositions d&#x27;autres créanciers" in page or "Oppositions d'autres" in page
    # Créance du premier saisissant lue au décompte (titre sans intérêts) : 3 000 €.
    assert "premier saisissant, au décompte du jour : <strong>3\u202f000,00\u00a0EUR" in page
    p = f"i{vente.pk}"
    reponse = client.post(
        reverse("procedure_intervention_former", args=[vente.pk]),
        {
            f"{p}-creancier": str(autre.pk),
            f"{p}-titre": "Jugement du TJ de Lyon du 3 novembre 2025",
            f"{p}-montant": "1 500,00",
            f"{p}-acte_le_0": "2026-03-16",
            f"{p}-acte_le_1": "10:00",
        },
    )
    assert reponse.status_code == 302
    opposition = vente.interventions.get()
    assert opposition.montant == D("1500.00")
    # Un dimanche : refusé, le message (article compris) sur le formulaire, pas d'écriture.
    reponse = client.post(
        reverse("procedure_intervention_former", args=[vente.pk]),
        {
            f"{p}-creancier": str(autre.pk),
            f"{p}-titre": "Autre jugement",
            f"{p}-montant": "200",
            f"{p}-acte_le_0": "2026-03-15",
            f"{p}-acte_le_1": "10:00",
        },
    )
    assert reponse.status_code == 400
    assert "CPC 664 : aucune mesure d&#x27;exécution ni signification un dimanche" in (
        reponse.content.decode()
    )
    assert vente.interventions.count() == 1
    services.saisie_vente_realiser_vente_amiable(
        acteur=clerc, procedure=vente, le=date(2026, 4, 8)
    )
    r = f"r{vente.pk}"
    reponse = client.post(
        reverse("procedure_repartition", args=[vente.pk]),
        {f"{r}-le": "2026-04-10", f"{r}-montant": "900,00"},
    )
    assert reponse.status_code == 302
    page = client.get(reverse("procedure_detail", args=[vente.pk])).content.decode()
    # 900 € pour 3 000 et 1 500 (4 500) : 600 et 300.
    assert "600,00\u00a0EUR sur 3\u202f000,00\u00a0EUR" in page
    assert "300,00\u00a0EUR sur 1\u202f500,00\u00a0EUR" in page
    # 3 000 - 600 reçus = 2 400 €.
    assert "premier saisissant, au décompte du jour : <strong>2\u202f400,00\u00a0EUR" in page


# --- Créance du premier saisissant lue au décompte, délais propres à chaque intervention ----


def test_creance_du_saisissant_lue_au_decompte_du_dossier(clerc, saisie, autre):
    from comptabilite.services import versement_enregistrer

    intervention = _intervenir(clerc, saisie, autre, paris(2026, 2, 23))
    services.intervention_denoncer(acteur=clerc, intervention=intervention, le=paris(2026, 2, 25))
    services.intervention_inscrire(acteur=clerc, intervention=intervention, le=date(2026, 2, 25))
    services.saisie_remunerations_enregistrer_versement(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 5), montant=D("345.00")
    )
    # Le débiteur a payé 400 € directement au créancier (grand livre) : le décompte ne doit
    # plus que 2 400 - 400 = 2 000 €.
    versement_enregistrer(
        acteur=clerc,
        dossier=saisie.dossier,
        montant=D("400.00"),
        date_valeur=date(2026, 3, 2),
        mode="virement",
    )
    assert services.creance_du_saisissant(saisie, le=date(2026, 3, 6)) == D("2000.00")
    # 345 € pour 2 000 et 1 150 (3 150) : 345 × 2 000 / 3 150 = 219,0476… -> 219,04 ;
    # 345 × 1 150 / 3 150 = 125,9523… -> 125,95 ; le centime restant au plus fort reste
    # (0,0076 contre 0,0024) : 219,05 et 125,95.
    repartition = services.repartition_effectuer(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 6), montant=D("345.00")
    )
    assert [(p.creance, p.part) for p in repartition.parts.all()] == [
        (D("2000.00"), D("219.05")),
        (D("1150.00"), D("125.95")),
    ]
    # Sa part déduite : 2 000 - 219,05 = 1 780,95 € restent au premier saisissant.
    assert services.creance_du_saisissant(saisie, le=date(2026, 3, 6)) == D("1780.95")


def test_deux_interventions_le_meme_jour_ont_chacune_leur_delai(clerc, saisie, autre):
    troisieme = creer_creancier(etude=clerc.etude, raison_sociale="Énergie du Sud SA")
    premiere = _intervenir(clerc, saisie, autre, paris(2026, 2, 23, 10))
    seconde = services.intervention_former(
        acteur=clerc,
        procedure=saisie,
        creancier=troisieme,
        titre="Ordonnance d'injonction de payer exécutoire",
        montant=D("500.00"),
        acte_le=paris(2026, 2, 23, 15),
        commandement_le=date(2026, 1, 20),
    )
    # Deux délais de dénonciation, chacun au 3 mars (23 février + 8 jours, R212-1-17),
    # chacun nommant son créancier.
    delais = Delai.objects.filter(procedure=saisie, code="sr_intervention_denonciation")
    assert sorted((d.intervention_id, d.echeance) for d in delais) == sorted(
        [(premiere.pk, date(2026, 3, 3)), (seconde.pk, date(2026, 3, 3))]
    )
    assert troisieme.designation == "Énergie du Sud SA (SA)"
    assert delais.get(intervention=seconde).libelle == (
        "Dénoncer l'intervention au débiteur (Énergie du Sud SA (SA))"
    )
    # La dénonciation de la première ne ferme que son délai.
    services.intervention_denoncer(acteur=clerc, intervention=premiere, le=paris(2026, 2, 25))
    statuts = dict(delais.values_list("intervention_id", "statut"))
    assert statuts == {premiere.pk: "respecte", seconde.pk: "ouvert"}
    services.intervention_denoncer(acteur=clerc, intervention=seconde, le=paris(2026, 2, 26))
    assert set(delais.values_list("statut", flat=True)) == {"respecte"}


# --- Parts des dossiers de l'étude passées au grand livre (session 4) ------------------------


def _decompte_du(dossier, le):
    from comptabilite.services import decompte_dossier

    return decompte_dossier(dossier, le=le).total_du


def _verifier_grand_livre(dossier, versement):
    """Solde en cache égal au recalcul, et les imputations du versement égales à son montant."""
    from comptabilite import grand_livre

    assert grand_livre.verifier_solde(dossier.pk) == {}
    credits = sum(e.montant for e in versement.ecritures.filter(sens="credit"))
    assert credits == versement.montant


def _dossier_du_meme_debiteur(clerc, procedure, creancier, creance: str):
    """Un autre dossier de l'étude contre le débiteur saisi : titre sans intérêts,
    `creance` - 800 € de principal et 800 € de frais alloués."""
    return creer_titre_comptable(
        acteur=clerc,
        montant=D(creance) - D("800.00"),
        type_interets="aucun",
        creancier=creancier,
        debiteurs=[procedure.debiteur],
    )


def _vente_repartie(clerc, vente, autre):
    opposition = services.intervention_former(
        acteur=clerc,
        procedure=vente,
        creancier=autre,
        titre="Jugement du TJ de Lyon du 3 novembre 2025",
        montant=D("1500.00"),
        acte_le=paris(2026, 3, 16),
    )
    services.intervention_denoncer(
        acteur=clerc, intervention=opposition, le=paris(2026, 3, 16, 15)
    )
    services.saisie_vente_realiser_vente_amiable(
        acteur=clerc, procedure=vente, le=date(2026, 4, 8)
    )
    return services.repartition_effectuer(
        acteur=clerc, procedure=vente, le=date(2026, 4, 10), montant=D("900.00")
    )


def test_part_du_saisissant_versee_au_grand_livre_imputee_et_non_doublee(clerc, vente, autre):
    from comptabilite.models import Ecriture, Versement
    from comptabilite.services import decompte_dossier

    dossier = vente.dossier
    assert _decompte_du(dossier, date(2026, 4, 10)) == D("3000.00")
    repartition = _vente_repartie(clerc, vente, autre)
    # 900 € pour 3 000 et 1 500 (4 500) : 600 et 300.
    saisissant, tiers = repartition.parts.all()
    assert (saisissant.part, tiers.part) == (D("600.00"), D("300.00"))
    # La part du dossier de l'étude est un versement « répartition » à son grand livre, daté
    # du jour de la répartition ; le créancier tiers (sans dossier) ne touche aucun grand livre.
    versement = saisissant.versement
    assert (versement.dossier_id, versement.montant, versement.date_valeur, versement.mode) == (
        dossier.pk,
        D("600.00"),
        date(2026, 4, 10),
        "repartition",
    )
    assert versement.reference == f"Répartition n° {repartition.pk} du 10/04/2026 (saisie-vente)"
    assert tiers.versement is None
    assert Versement.objects.count() == 1
    # Imputé par le service des versements : les frais d'abord (800 € dus), rien au principal.
    imputations = {e.poste: e.montant for e in versement.ecritures.all()}
    assert imputations == {"frais": D("600.00")}
    _verifier_grand_livre(dossier, versement)
    # Le décompte baisse d'autant, montre l'origine, et la créance du saisissant n'est plus
    # déduite deux fois : 3 000 - 600 = 2 400 €.
    decompte = decompte_dossier(dossier, le=date(2026, 4, 10))
    assert decompte.total_du == D("2400.00")
    (ligne,) = decompte.versements
    assert (ligne.origine, ligne.par_repartition, ligne.frais) == (
        "Répartition entre créanciers",
        True,
        D("600.00"),
    )
    assert services.creance_du_saisissant(vente, le=date(2026, 4, 10)) == D("2400.00")
    # Audit comme tout versement, avec son origine ; la répartition nomme le versement.
    audit = Evenement.objects.get(action="versement_enregistrer")
    assert f"Répartition n° {repartition.pk}" in audit.libelle
    assert audit.apres["mode"] == "repartition"
    assert Evenement.objects.get(action="repartition_effectuer").apres["versements"] == [
        versement.pk
    ]
    # Rejouer le passage au grand livre ne crée rien.
    ecritures = Ecriture.objects.count()
    assert services.repartition_passer_au_grand_livre(acteur=clerc, repartition=repartition) == []
    assert (Versement.objects.count(), Ecriture.objects.count()) == (1, ecritures)
    assert _decompte_du(dossier, date(2026, 4, 10)) == D("2400.00")


def test_parts_des_remunerations_aux_deux_dossiers_de_l_etude(clerc, autre):
    saisie = _saisie(clerc, "3000.00")
    dossier_autre = _dossier_du_meme_debiteur(clerc, saisie, autre, "1150.00")
    intervention = services.intervention_former(
        acteur=clerc,
        procedure=saisie,
        creancier=autre,
        titre="Jugement du tribunal judiciaire de Lyon du 3 novembre 2025",
        montant=D("1150.00"),
        acte_le=paris(2026, 2, 23),
        commandement_le=date(2026, 1, 20),
        dossier=dossier_autre,
    )
    services.intervention_denoncer(acteur=clerc, intervention=intervention, le=paris(2026, 2, 25))
    services.intervention_inscrire(acteur=clerc, intervention=intervention, le=date(2026, 2, 25))
    services.saisie_remunerations_enregistrer_versement(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 5), montant=D("412.50")
    )
    repartition = services.repartition_effectuer(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 6), montant=D("412.50")
    )
    # 412,50 € pour 3 000 et 1 150 (4 150) : 298,1927… -> 298,19 ; 114,3072… -> 114,30, plus
    # le centime restant au plus fort reste -> 114,31.
    premier, second = repartition.parts.all()
    assert (premier.part, second.part) == (D("298.19"), D("114.31"))
    assert (premier.versement.dossier_id, premier.versement.montant) == (
        saisie.dossier_id,
        D("298.19"),
    )
    assert (second.versement.dossier_id, second.versement.montant) == (
        dossier_autre.pk,
        D("114.31"),
    )
    _verifier_grand_livre(saisie.dossier, premier.versement)
    _verifier_grand_livre(dossier_autre, second.versement)
    assert _decompte_du(saisie.dossier, date(2026, 3, 6)) == D("2701.81")
    assert _decompte_du(dossier_autre, date(2026, 3, 6)) == D("1035.69")
    # La créance de l'intervenant reste sa créance déclarée moins ce qu'il a reçu ; celle du
    # saisissant est lue au décompte, sa part n'est plus retranchée une seconde fois.
    assert services.creance_du_saisissant(saisie, le=date(2026, 3, 6)) == D("2701.81")


def test_intervention_d_un_dossier_qui_n_est_pas_celui_du_creancier_refusee(clerc, saisie, autre):
    troisieme = creer_creancier(etude=clerc.etude, raison_sociale="Énergie du Sud SA")
    dossier_troisieme = _dossier_du_meme_debiteur(clerc, saisie, troisieme, "1150.00")
    with pytest.raises(RegleMetier, match="n'est pas celui de"):
        _intervenir_avec(clerc, saisie, autre, dossier_troisieme)
    with pytest.raises(RegleMetier, match="premier saisissant"):
        _intervenir_avec(clerc, saisie, saisie.dossier.creancier, saisie.dossier)
    ailleurs = creer_titre_comptable(acteur=clerc, creancier=autre, type_interets="aucun")
    with pytest.raises(RegleMetier, match="ne poursuit pas le débiteur saisi"):
        _intervenir_avec(clerc, saisie, autre, ailleurs)


def _intervenir_avec(clerc, saisie, creancier, dossier):
    return services.intervention_former(
        acteur=clerc,
        procedure=saisie,
        creancier=creancier,
        titre="Jugement",
        montant=D("1150.00"),
        acte_le=paris(2026, 2, 23),
        commandement_le=date(2026, 1, 20),
        dossier=dossier,
    )


def test_versement_manuel_du_meme_montant_le_meme_jour_accepte_et_signale(
    client, clerc, vente, autre
):
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from comptabilite.services import decompte_dossier, versement_enregistrer

    _vente_repartie(clerc, vente, autre)
    # Le mode « répartition » ne se saisit pas à la main.
    with pytest.raises(ValidationError, match="par la répartition elle-même"):
        versement_enregistrer(
            acteur=clerc,
            dossier=vente.dossier,
            montant=D("600.00"),
            date_valeur=date(2026, 4, 10),
            mode="repartition",
        )
    # Un virement du même montant le même jour : rien n'est bloqué (un autre paiement est
    # possible), mais le décompte montre les deux origines et le signale.
    versement_enregistrer(
        acteur=clerc,
        dossier=vente.dossier,
        montant=D("600.00"),
        date_valeur=date(2026, 4, 10),
        mode="virement",
        reference="VIR-123",
    )
    decompte = decompte_dossier(vente.dossier, le=date(2026, 4, 10))
    assert decompte.total_du == D("1800.00")
    assert [v.origine for v in decompte.versements] == ["Répartition entre créanciers", "Virement"]
    (signal,) = decompte.doubles_possibles
    assert "600,00 € du 10/04/2026 saisi à la main" in signal
    client.force_login(clerc)
    page = client.get(
        reverse("comptabilite_decompte", args=[vente.dossier.reference])
    ).content.decode()
    assert '<th scope="col">Origine</th>' in page
    assert "<strong>Répartition entre créanciers</strong>" in page
    assert "Virement · VIR-123" in page
    assert "contre-passez le versement saisi à la main" in page


def test_repartition_corrigee_par_contre_passation(clerc, vente, autre):
    from comptabilite import grand_livre
    from comptabilite.models import Versement

    repartition = _vente_repartie(clerc, vente, autre)
    versement = repartition.parts.get(intervention__isnull=True).versement
    with pytest.raises(RegleMetier, match="motif"):
        services.repartition_contre_passer(acteur=clerc, repartition=repartition, motif=" ")
    services.repartition_contre_passer(
        acteur=clerc, repartition=repartition, motif="Prix de vente erroné (950 €)"
    )
    # Le versement reste, ses imputations sont contre-passées : le décompte revient à 3 000 €.
    assert Versement.objects.filter(pk=versement.pk).exists()
    assert _decompte_du(vente.dossier, date(2026, 4, 10)) == D("3000.00")
    assert grand_livre.verifier_solde(vente.dossier_id) == {}
    assert services.creance_du_saisissant(vente, le=date(2026, 4, 10)) == D("3000.00")
    with pytest.raises(RegleMetier, match="déjà contre-passée"):
        services.repartition_contre_passer(acteur=clerc, repartition=repartition, motif="Encore")
    with pytest.raises(RegleMetier, match="contre-passée"):
        services.repartition_passer_au_grand_livre(acteur=clerc, repartition=repartition)
    # La répartition juste : 950 € pour 3 000 et 1 500 -> 633,33 et 316,66, le centime
    # restant au plus fort reste (0,0033 contre 0,0066) : 633,33 et 316,67.
    juste = services.repartition_effectuer(
        acteur=clerc, procedure=vente, le=date(2026, 4, 10), montant=D("950.00")
    )
    assert [p.part for p in juste.parts.all()] == [D("633.33"), D("316.67")]
    assert _decompte_du(vente.dossier, date(2026, 4, 10)) == D("2366.67")
    assert Evenement.objects.filter(action="repartition_contre_passer").count() == 1


def test_page_de_la_procedure_montre_le_versement_et_contre_passe(client, clerc, vente, autre):
    from django.urls import reverse

    repartition = _vente_repartie(clerc, vente, autre)
    client.force_login(clerc)
    adresse = reverse("procedure_detail", args=[vente.pk])
    page = client.get(adresse).content.decode()
    assert f'versement au grand livre du dossier <a href="/dossiers/{vente.dossier.reference}' in (
        page
    )
    assert "créancier tiers, hors de nos grands livres" in page
    action = reverse("repartition_contre_passer", args=[repartition.pk])
    reponse = client.post(action, {f"rc{repartition.pk}-motif": ""})
    assert reponse.status_code == 400
    repartition.refresh_from_db()
    assert repartition.contre_passee_le is None
    reponse = client.post(action, {f"rc{repartition.pk}-motif": "Prix erroné"})
    assert reponse.status_code == 302
    page = client.get(adresse).content.decode()
    assert "contre-passée le" in page and "Prix erroné" in page
    # 3 000 € de nouveau au décompte : le versement est annulé.
    assert "premier saisissant, au décompte du jour : <strong>3\u202f000,00\u00a0EUR" in page
