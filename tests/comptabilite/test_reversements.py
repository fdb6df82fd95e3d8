"""Reversements au créancier : fonds disponibles, retenues A444-32 et facture, écritures au
poste « fonds » (hors de la dette), immuabilité, lots SEPA pain.001, nuit des fonds détenus.

Chiffres : droit A444-32 du tarif du 01/03/2024 (11,73 % jusqu'à 125 €, 10,75 % jusqu'à
610 €, 10,26 % jusqu'à 1 525 €, 3,91 % au-delà ; 21,50 € HT jusqu'à 188 €), chaque tranche
arrondie au centime puis additionnée, sur le total recouvré (domaine/argent.md § 6.5) ; TVA
20 % (CGI art. 278).
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from comptabilite import grand_livre, sepa
from comptabilite.models import (
    AlerteFonds,
    Ecriture,
    FondsDossier,
    LotReversements,
    ParametresComptables,
    Poste,
    Reversement,
    SoldeDossier,
)
from comptabilite.nuit_fonds import alerter_fonds_detenus
from comptabilite.reversements import (
    fonds_dossier,
    lot_creer,
    lot_emettre,
    lot_retirer,
    reversement_annuler,
    reversement_preparer,
)
from comptabilite.services import decompte_dossier, ecriture_contre_passer, versement_enregistrer
from comptabilite.tarif import droit_proportionnel
from etude.models import Evenement
from tests.factories import creer_creancier, creer_titre_comptable

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comptabilite.urls_test")]

IBAN_CREANCIER = "FR1420041010050500013M02606"


def dossier_avec_versement(acteur, montant="2000.00", jour=date(2025, 6, 30), **titre):
    creancier = creer_creancier(etude=acteur.etude, iban=IBAN_CREANCIER)
    dossier = creer_titre_comptable(acteur=acteur, creancier=creancier, **titre)
    versement_enregistrer(
        acteur=acteur, dossier=dossier, montant=D(montant), date_valeur=jour, mode="virement"
    )
    return dossier


def test_reversement_retient_le_droit_a444_32_et_sa_tva(comptable):
    # 2 000 € versés le 30/06/2025 : 800 € de frais alloués par le titre d'abord (C. civ.
    # 1343-1), puis 1 200 € sur intérêts et principal ; tout revient au créancier (les frais
    # alloués sont à lui). Assiette A444-32 : 1 200 € (les 800 € sont des dépens : la
    # fabrique ne déclare pas d'article 700 ; domaine/argent.md § 6.5, « hors dépens »).
    dossier = dossier_avec_versement(comptable)
    solde_avant = SoldeDossier.objects.get(pk=dossier.pk).du
    assert fonds_dossier(dossier).disponible == D("2000.00")
    assert fonds_dossier(dossier).assiette == D("1200.00")
    reversement = reversement_preparer(acteur=comptable, dossier=dossier)
    # 125 × 11,73 % = 14,66 ; 485 × 10,75 % = 52,14 ; 590 × 10,26 % = 60,53 : 127,33 € HT.
    assert reversement.droit_ht == D("127.33")
    assert reversement.tva_droit == D("25.47")
    assert reversement.net == D("1847.20")
    assert reversement.brut == D("2000.00")
    assert reversement.iban == IBAN_CREANCIER
    # Les écritures sont au poste « fonds » : la dette du débiteur ne bouge pas.
    fonds = Ecriture.objects.filter(dossier=dossier, poste=Poste.FONDS)
    assert sorted((e.nature, e.montant) for e in fonds) == [
        ("droit_proportionnel", D("127.33")),
        ("reversement", D("1847.20")),
        ("tva", D("25.47")),
    ]
    assert SoldeDossier.objects.get(pk=dossier.pk).du == solde_avant
    assert grand_livre.verifier_solde(dossier.pk) == {}
    d = decompte_dossier(dossier, le=date(2025, 6, 30))
    assert d.total_du == d.solde_grand_livre + d.interets_a_comptabiliser
    assert fonds_dossier(dossier).disponible == D("0.00")
    assert Evenement.objects.filter(action="reversement_preparer", dossier=dossier).exists()


def test_second_reversement_droit_sur_le_total_et_non_acompte_par_acompte(comptable):
    dossier = dossier_avec_versement(comptable)
    premier = reversement_preparer(acteur=comptable, dossier=dossier)
    versement_enregistrer(
        acteur=comptable,
        dossier=dossier,
        montant=D("3000.00"),
        date_valeur=date(2025, 9, 30),
        mode="cheque",
    )
    fonds = fonds_dossier(dossier)
    second = reversement_preparer(acteur=comptable, dossier=dossier)
    total = droit_proportionnel(fonds.assiette, charge="creancier", le=date(2025, 9, 30))
    assert premier.droit_ht + second.droit_ht == total
    assert second.recouvre_cumule == fonds.assiette
    # Sur le total, le droit est moindre que deux droits acompte par acompte.
    separes = droit_proportionnel(D("1200.00"), charge="creancier", le=date(2025, 9, 30))
    separes += droit_proportionnel(
        fonds.assiette - D("1200.00"), charge="creancier", le=date(2025, 9, 30)
    )
    assert total < separes


def test_creance_alimentaire_sans_droit_a444_32(comptable):
    dossier = dossier_avec_versement(comptable, nature_dossier="pension_alimentaire")
    reversement = reversement_preparer(acteur=comptable, dossier=dossier)
    assert reversement.droit_ht == D("0.00") and reversement.tva_droit == D("0.00")
    assert reversement.net == reversement.brut


def test_facture_de_l_etude_retenue_avec_son_objet(comptable):
    dossier = dossier_avec_versement(comptable)
    with pytest.raises(ValidationError, match="objet"):
        reversement_preparer(acteur=comptable, dossier=dossier, facture=D("60.00"))
    reversement = reversement_preparer(
        acteur=comptable,
        dossier=dossier,
        facture=D("60.00"),
        libelle_facture="Honoraires de recouvrement amiable (L111-8 al. 2)",
    )
    assert reversement.net == D("1787.20")
    assert reversement.brut == reversement.net + reversement.retenues


def test_reversement_partiel_puis_le_reste(comptable):
    dossier = dossier_avec_versement(comptable)
    with pytest.raises(ValidationError, match="dépasse les fonds disponibles"):
        reversement_preparer(acteur=comptable, dossier=dossier, montant=D("2000.01"))
    partiel = reversement_preparer(acteur=comptable, dossier=dossier, montant=D("500.00"))
    assert partiel.net == D("500.00") - D("127.33") - D("25.47")
    reste = reversement_preparer(acteur=comptable, dossier=dossier)
    assert reste.brut == D("1500.00") and reste.droit_ht == D("0.00")
    with pytest.raises(ValidationError, match="Aucun fonds"):
        reversement_preparer(acteur=comptable, dossier=dossier)


def test_refus_sans_iban_et_quand_les_retenues_absorbent_tout(comptable):
    sans_iban = creer_titre_comptable(acteur=comptable)
    versement_enregistrer(
        acteur=comptable,
        dossier=sans_iban,
        montant=D("1000.00"),
        date_valeur=date(2025, 6, 30),
        mode="virement",
    )
    with pytest.raises(ValidationError, match="IBAN"):
        reversement_preparer(acteur=comptable, dossier=sans_iban)
    # 20 € recouvrés sans frais alloués : forfait 21,50 € HT + 4,30 € de TVA (A444-32).
    petit = dossier_avec_versement(comptable, montant="20.00", montant_frais=D("0.00"))
    with pytest.raises(ValidationError, match="absorbent"):
        reversement_preparer(acteur=comptable, dossier=petit)
    assert not Reversement.objects.filter(dossier=petit).exists()
    assert not Ecriture.objects.filter(dossier=petit, poste=Poste.FONDS).exists()


def test_tarif_manquant_arrete_le_reversement(comptable):
    dossier = dossier_avec_versement(comptable, jour=date(2026, 3, 2), interets_depuis=None)
    with pytest.raises(ValidationError, match="Périodes tarifaires"):
        reversement_preparer(acteur=comptable, dossier=dossier)


def test_lecture_ne_reverse_pas(lecture, comptable):
    dossier = dossier_avec_versement(comptable)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reversement_preparer(acteur=lecture, dossier=dossier)


def test_reversement_immuable_en_python_et_en_base(comptable):
    reversement = reversement_preparer(acteur=comptable, dossier=dossier_avec_versement(comptable))
    from etude.errors import RegleMetier

    with pytest.raises(RegleMetier):
        Reversement.objects.filter(pk=reversement.pk).update(net=D("1"))
    with (
        pytest.raises(Exception, match="immuable"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(
            "UPDATE comptabilite_reversement SET net = 1 WHERE id = %s", [reversement.pk]
        )


def test_une_ecriture_de_reversement_ne_se_contre_passe_pas(comptable):
    dossier = dossier_avec_versement(comptable)
    reversement_preparer(acteur=comptable, dossier=dossier)
    ecriture = Ecriture.objects.filter(dossier=dossier, poste=Poste.FONDS).first()
    with pytest.raises(ValidationError, match="reversement"):
        ecriture_contre_passer(acteur=comptable, ecriture=ecriture, motif="Erreur")


# --- Lots SEPA ------------------------------------------------------------------------------


def _deux_reversements(comptable):
    return [
        reversement_preparer(acteur=comptable, dossier=dossier_avec_versement(comptable))
        for _ in range(2)
    ]


def test_lot_emis_produit_un_pain001_valide_et_se_fige(comptable):
    premier, second = _deux_reversements(comptable)
    execution = date.today() + timedelta(days=1)
    lot = lot_creer(acteur=comptable, reversements=[premier, second], date_execution=execution)
    with pytest.raises(ValidationError, match="déjà à un lot"):
        lot_creer(acteur=comptable, reversements=[premier], date_execution=execution)
    lot = lot_emettre(acteur=comptable, lot=lot)
    xml = bytes(lot.fichier)
    sepa.valider(xml)  # schéma XSD pain.001.001.03
    sepa.schema_xsd().validate(xml.decode())
    texte = xml.decode()
    assert "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" in texte
    assert "<CtrlSum>3694.40</CtrlSum>" in texte  # 2 × 1 847,20
    assert "<NbOfTxs>2</NbOfTxs>" in texte
    assert texte.count(f"<IBAN>{IBAN_CREANCIER}</IBAN>") == 2
    assert f"<IBAN>{comptable.etude.iban_compte_affecte}</IBAN>" in texte  # compte affecté
    assert f"<ReqdExctnDt>{execution.isoformat()}</ReqdExctnDt>" in texte
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        lot_retirer(acteur=comptable, lot=lot, reversement=premier)
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        lot_emettre(acteur=comptable, lot=lot)
    with (
        pytest.raises(Exception, match="émis ne se modifie plus"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(
            "UPDATE comptabilite_lotreversements SET total = 0 WHERE id = %s", [lot.pk]
        )


def test_lot_en_preparation_se_modifie(comptable):
    premier, second = _deux_reversements(comptable)
    lot = lot_creer(acteur=comptable, reversements=[premier, second], date_execution=date.today())
    lot = lot_retirer(acteur=comptable, lot=lot, reversement=second)
    assert lot.nombre == 1 and lot.total == premier.net
    autre = lot_creer(acteur=comptable, reversements=[second], date_execution=date.today())
    assert autre.pk != lot.pk


def test_pain001_refuse_un_iban_invalide():
    with pytest.raises(ValidationError, match="IBAN"):
        sepa.pain001(
            nom="Étude",
            iban="FR7630006000011234567890189",
            bic="",
            date_execution=date(2026, 12, 1),
            paiements=[sepa.Paiement("X", "FR1420041010050500013M02607", D("10.00"), "R", "1")],
            identifiant="T1",
        )


# --- Nuit : fonds détenus trop longtemps -----------------------------------------------------


def test_nuit_alerte_les_fonds_detenus_au_dela_du_delai_de_l_etude(comptable):
    dossier = dossier_avec_versement(comptable)
    sans = alerter_fonds_detenus(date(2025, 8, 15))
    assert sans["alertes_nouvelles"] == 0
    assert any("non saisi" in message for message in sans["erreurs"])
    ParametresComptables.objects.create(
        etude=comptable.etude, delai_detention_jours=30, source_delai="Convention de l'étude"
    )
    # Encaissé le 30/06/2025 : 30 jours courent jusqu'au 30/07 ; le 31/07, c'est trop long.
    assert alerter_fonds_detenus(date(2025, 7, 30))["alertes_nouvelles"] == 0
    resume = alerter_fonds_detenus(date(2025, 7, 31))
    assert resume["alertes_nouvelles"] == 1 and resume["erreurs"] == {}
    alerte = AlerteFonds.objects.get(dossier=dossier, le=date(2025, 7, 31))
    assert alerte.detenus_depuis == date(2025, 6, 30) and alerte.montant == D("2000.00")
    assert alerter_fonds_detenus(date(2025, 7, 31))["alertes_nouvelles"] == 0  # idempotente
    reversement_preparer(acteur=comptable, dossier=dossier)
    assert alerter_fonds_detenus(date.today())["alertes_nouvelles"] == 0


def test_nuit_premier_entre_premier_sorti(comptable):
    dossier = dossier_avec_versement(comptable)
    reversement_preparer(acteur=comptable, dossier=dossier, montant=D("500.00"))
    versement_enregistrer(
        acteur=comptable,
        dossier=dossier,
        montant=D("300.00"),
        date_valeur=date(2025, 9, 1),
        mode="cheque",
    )
    ParametresComptables.objects.create(
        etude=comptable.etude, delai_detention_jours=30, source_delai="Convention"
    )
    # Le reversement est daté du jour : la nuit du jour le voit.
    alerter_fonds_detenus(date.today())
    # 1 500 € du 30/06 restent détenus : la plus ancienne date est celle-là, pas le 01/09.
    alerte = AlerteFonds.objects.get(dossier=dossier)
    assert alerte.detenus_depuis == date(2025, 6, 30)
    assert alerte.montant == fonds_dossier(dossier).disponible


def _etat_egale_le_calcul(dossier):
    """L'état tenu à jour (FondsDossier) égale la règle recalculée depuis les écritures."""
    etat = FondsDossier.objects.get(pk=dossier.pk)
    fonds = fonds_dossier(dossier)
    assert (etat.detenus_depuis, etat.disponible) == (fonds.detenus_depuis, fonds.disponible)
    return etat


def test_etat_des_fonds_tenu_a_chaque_encaissement_et_sortie(comptable):
    dossier = dossier_avec_versement(comptable)
    etat = _etat_egale_le_calcul(dossier)
    # 2 000 € du 30/06 : principal, intérêts et frais alloués par le titre (au créancier).
    assert (etat.detenus_depuis, etat.disponible) == (date(2025, 6, 30), D("2000.00"))
    assert etat.dernier_mouvement == date(2025, 6, 30)
    versement_enregistrer(
        acteur=comptable,
        dossier=dossier,
        montant=D("300.00"),
        date_valeur=date(2025, 9, 1),
        mode="cheque",
    )
    cheque = Ecriture.objects.filter(
        dossier=dossier, nature="versement", date_valeur=date(2025, 9, 1)
    )
    etat = _etat_egale_le_calcul(dossier)
    part = etat.disponible - D("2000.00")  # ce qui, du chèque, revient au créancier
    assert part > 0 and etat.detenus_depuis == date(2025, 6, 30)
    # Reversement partiel : le 30/06 reste le plus ancien encaissement non reversé.
    reversement = reversement_preparer(acteur=comptable, dossier=dossier, montant=D("1000.00"))
    etat = _etat_egale_le_calcul(dossier)
    assert (etat.detenus_depuis, etat.disponible) == (date(2025, 6, 30), D("1000.00") + part)
    assert etat.dernier_mouvement == date.today()
    # Le reste du 30/06 sorti : c'est le chèque du 01/09 qui est détenu.
    reversement_preparer(acteur=comptable, dossier=dossier, montant=D("1000.00"))
    etat = _etat_egale_le_calcul(dossier)
    assert (etat.detenus_depuis, etat.disponible) == (date(2025, 9, 1), part)
    # Annuler le premier reversement rend ses 1 000 € : de nouveau détenus depuis le 30/06.
    reversement_annuler(acteur=comptable, reversement=reversement, motif="IBAN erroné")
    etat = _etat_egale_le_calcul(dossier)
    assert (etat.detenus_depuis, etat.disponible) == (date(2025, 6, 30), D("1000.00") + part)
    # Chèque du 01/09 impayé (contre-passation de tout le versement) : 1 000 € du 30/06
    # restent détenus.
    ecriture_contre_passer(acteur=comptable, ecriture=cheque.first(), motif="Chèque impayé")
    etat = _etat_egale_le_calcul(dossier)
    assert (etat.detenus_depuis, etat.disponible) == (date(2025, 6, 30), D("1000.00"))
    # Tout reversé : plus rien de détenu, le dossier sort de l'index de la nuit.
    reversement_preparer(acteur=comptable, dossier=dossier)
    etat = _etat_egale_le_calcul(dossier)
    assert (etat.detenus_depuis, etat.disponible) == (None, D("0.00"))


def test_migration_remplit_l_etat_comme_le_tient_le_grand_livre(comptable):
    from importlib import import_module

    remplir = import_module("comptabilite.migrations.0011_fonds_dossier").REMPLIR
    dossiers = [dossier_avec_versement(comptable) for _ in range(3)]
    reversement_preparer(acteur=comptable, dossier=dossiers[0], montant=D("500.00"))
    reversement_preparer(acteur=comptable, dossier=dossiers[1])
    tenus = {
        f.pk: (f.detenus_depuis, f.disponible, f.dernier_mouvement)
        for f in FondsDossier.objects.all()
    }
    assert len(tenus) == 3
    FondsDossier.objects.all().delete()
    with connection.cursor() as curseur:
        curseur.execute(remplir)
    remplis = {
        f.pk: (f.detenus_depuis, f.disponible, f.dernier_mouvement)
        for f in FondsDossier.objects.all()
    }
    assert remplis == tenus


def test_nuit_d_une_date_passee_recalcule_les_dossiers_qui_ont_bouge_depuis(comptable):
    dossier = dossier_avec_versement(comptable)
    ParametresComptables.objects.create(
        etude=comptable.etude, delai_detention_jours=30, source_delai="Convention"
    )
    # Tout est reversé aujourd'hui : l'état ne détient plus rien, mais la nuit du 31/07/2025
    # constate ce qui était détenu ce soir-là (recalcul à sa date).
    reversement_preparer(acteur=comptable, dossier=dossier)
    assert FondsDossier.objects.get(pk=dossier.pk).detenus_depuis is None
    assert alerter_fonds_detenus(date(2025, 7, 31))["alertes_nouvelles"] == 1
    alerte = AlerteFonds.objects.get(dossier=dossier)
    assert (alerte.detenus_depuis, alerte.montant) == (date(2025, 6, 30), D("2000.00"))
    assert alerter_fonds_detenus(date.today())["alertes_nouvelles"] == 0


# --- Écrans ----------------------------------------------------------------------------------


def test_ecrans_des_reversements(client, comptable):
    client.force_login(comptable)
    dossier = dossier_avec_versement(comptable)
    page = client.get(reverse("comptabilite_reversements"))
    assert page.status_code == 200 and dossier.reference in page.content.decode()
    preparation = client.get(reverse("comptabilite_reversement_nouveau", args=[dossier.reference]))
    assert "127,33" in preparation.content.decode()
    reponse = client.post(
        reverse("comptabilite_reversement_nouveau", args=[dossier.reference]),
        {"montant": "", "facture": "", "libelle_facture": ""},
    )
    reversement = Reversement.objects.get(dossier=dossier)
    assert reponse.status_code == 302
    releve = client.get(reverse("comptabilite_reversement", args=[reversement.pk]))
    contenu = releve.content.decode()
    assert "1\u202f847,20" in contenu and "A444-32" in contenu and "11.73" in contenu
    pdf = client.get(reverse("comptabilite_reversement_pdf", args=[reversement.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    reponse = client.post(
        reverse("comptabilite_lot_nouveau"),
        {"reversements": [reversement.pk], "date_execution": date.today().isoformat()},
    )
    lot = LotReversements.objects.get()
    assert reponse.status_code == 302
    assert client.get(reverse("comptabilite_lot_fichier", args=[lot.pk])).status_code == 404
    client.post(reverse("comptabilite_lot", args=[lot.pk]), {"action": "emettre"})
    fichier = client.get(reverse("comptabilite_lot_fichier", args=[lot.pk]))
    assert fichier.status_code == 200 and b"pain.001.001.03" in fichier.content
    assert client.get(reverse("comptabilite_fonds_detenus")).status_code == 200
    # Un lot émis : plus de bouton d'annulation, et l'annulation est refusée.
    page = client.get(reverse("comptabilite_reversement", args=[reversement.pk]))
    assert "Annuler ce reversement" not in page.content.decode()
    client.post(
        reverse("comptabilite_reversement_annuler", args=[reversement.pk]), {"motif": "Essai"}
    )
    assert fonds_dossier(dossier).disponible == D("0.00")


def test_annuler_un_reversement_rend_les_fonds_et_le_droit(comptable):
    dossier = dossier_avec_versement(comptable)
    reversement = reversement_preparer(acteur=comptable, dossier=dossier)
    lot = lot_creer(acteur=comptable, reversements=[reversement], date_execution=date.today())
    with pytest.raises(ValidationError, match="motif"):
        reversement_annuler(acteur=comptable, reversement=reversement, motif=" ")
    reversement_annuler(acteur=comptable, reversement=reversement, motif="IBAN erroné")
    fonds = fonds_dossier(dossier)
    assert fonds.disponible == D("2000.00")
    assert fonds.droit_retenu == D("0.00") and fonds.tva_retenue == D("0.00")
    lot.refresh_from_db()
    assert lot.nombre == 0
    with pytest.raises(ValidationError, match="déjà annulé"):
        reversement_annuler(acteur=comptable, reversement=reversement, motif="Encore")
    with pytest.raises(ValidationError, match="annulé"):
        lot_creer(acteur=comptable, reversements=[reversement], date_execution=date.today())
    # Le droit est de nouveau retenu au reversement suivant, une seule fois.
    nouveau = reversement_preparer(acteur=comptable, dossier=dossier)
    assert nouveau.droit_ht == D("127.33") and nouveau.net == D("1847.20")


def test_un_reversement_d_un_lot_emis_ne_s_annule_pas(comptable):
    dossier = dossier_avec_versement(comptable)
    reversement = reversement_preparer(acteur=comptable, dossier=dossier)
    lot = lot_creer(acteur=comptable, reversements=[reversement], date_execution=date.today())
    lot_emettre(acteur=comptable, lot=lot)
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        reversement_annuler(acteur=comptable, reversement=reversement, motif="Trop tard")
    assert fonds_dossier(dossier).disponible == D("0.00")
