"""Concurrence (PostgreSQL) : deux versements simultanés sur un dossier, un versement pendant
la nuit ; le résultat est celui de l'exécution en série (verrou de ligne sur le solde)."""

import threading
import time
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection, connections, transaction

from comptabilite import grand_livre
from comptabilite.models import SoldeDossier
from comptabilite.nuit import accruer_interets
from comptabilite.services import decompte_dossier, versement_enregistrer
from tests.factories import creer_titre_comptable

pytestmark = [
    # Les tables de référence vidées par le test précédent sont rechargées par
    # tests/conftest.py (_donnees_reference_apres_vidage).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="verrous de ligne concurrents : SQLite verrouille toute la base",
    ),
]

CHAMPS = ("frais", "interets", "principal", "excedent", "verse", "du")


def en_parallele(*taches):
    barriere = threading.Barrier(len(taches))
    erreurs = []

    def lancer(tache):
        try:
            barriere.wait()
            tache()
        except Exception as erreur:  # remonté au test
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=lancer, args=(t,)) for t in taches]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    assert not erreurs, erreurs


def etat(dossier):
    solde = SoldeDossier.objects.get(pk=dossier.pk)
    return {champ: getattr(solde, champ) for champ in CHAMPS}


def payer(acteur, dossier, montant, jour=date(2025, 6, 30)):
    return versement_enregistrer(
        acteur=acteur, dossier=dossier, montant=D(montant), date_valeur=jour, mode="virement"
    )


def test_deux_versements_simultanes_egalent_la_serie(clerc):
    concurrent = creer_titre_comptable(acteur=clerc)
    serie = creer_titre_comptable(acteur=clerc)
    en_parallele(
        lambda: payer(clerc, concurrent, "500.00"), lambda: payer(clerc, concurrent, "700.00")
    )
    payer(clerc, serie, "500.00")
    payer(clerc, serie, "700.00")
    assert etat(concurrent) == etat(serie)
    # 1 200 versés : frais 800 + intérêts 62,96 puis 337,04 de principal.
    assert etat(concurrent)["principal"] == D("3912.96")
    assert grand_livre.verifier_solde(concurrent.pk) == {}


def test_versement_pendant_la_nuit_egale_la_serie(clerc):
    concurrent = creer_titre_comptable(acteur=clerc)
    serie = creer_titre_comptable(acteur=clerc)
    autres = [creer_titre_comptable(acteur=clerc) for _ in range(5)]
    accruer_interets(date(2025, 6, 29))
    en_parallele(
        lambda: accruer_interets(date(2025, 6, 30)),
        lambda: payer(clerc, concurrent, "1500.00"),
    )
    payer(clerc, serie, "1500.00")
    accruer_interets(date(2025, 6, 30))
    assert etat(concurrent) == etat(serie)
    for dossier in [concurrent, serie, *autres]:
        assert grand_livre.verifier_solde(dossier.pk) == {}


def test_un_versement_attend_le_verrou_du_solde(clerc):
    dossier = creer_titre_comptable(acteur=clerc)
    payer(clerc, dossier, "10.00")  # ouvre le grand livre
    verrou_pris = threading.Event()
    duree = {}

    def tenir_le_verrou():
        with transaction.atomic():
            SoldeDossier.objects.select_for_update().get(pk=dossier.pk)
            verrou_pris.set()
            time.sleep(1.0)

    def verser():
        verrou_pris.wait(10)
        debut = time.perf_counter()
        payer(clerc, dossier, "20.00")
        duree["versement"] = time.perf_counter() - debut

    en_parallele(tenir_le_verrou, verser)
    assert duree["versement"] >= 0.9
    assert etat(dossier)["verse"] == D("30.00")


def test_deux_reversements_simultanes_ne_reversent_pas_deux_fois(comptable):
    from django.core.exceptions import ValidationError

    from comptabilite.models import Reversement
    from comptabilite.reversements import fonds_dossier, reversement_preparer
    from tests.factories import creer_creancier

    creancier = creer_creancier(etude=comptable.etude, iban="FR1420041010050500013M02606")
    dossier = creer_titre_comptable(acteur=comptable, creancier=creancier)
    payer(comptable, dossier, "2000.00")
    refus = []

    def reverser():
        try:
            reversement_preparer(acteur=comptable, dossier=dossier)
        except ValidationError as erreur:
            refus.append(erreur)

    en_parallele(reverser, reverser)
    # Sous le verrou du solde : le second attend, puis ne trouve plus rien à reverser.
    assert Reversement.objects.filter(dossier=dossier).count() == 1
    assert len(refus) == 1 and "Aucun fonds" in str(refus[0])
    assert fonds_dossier(dossier).disponible == D("0.00")


def test_lots_sur_deux_connexions_egalent_la_serie(clerc, monkeypatch):
    """Lots de la nuit répartis sur deux connexions (`nuit.CONNEXIONS`) : mêmes écritures et
    mêmes soldes qu'en série, et un versement pendant la nuit donne encore la série."""
    from comptabilite import nuit
    from comptabilite.models import Ecriture

    paralleles = [creer_titre_comptable(acteur=clerc) for _ in range(4)]
    serie = [creer_titre_comptable(acteur=clerc) for _ in range(4)]
    accruer_interets(date(2025, 6, 28))
    # Un dossier par lot : huit lots, répartis entre les fils « nuit-0 » et « nuit-1 ».
    monkeypatch.setattr(nuit, "TAILLE_LOT", 1)
    fils_des_lots = []
    lot_reel = nuit._lot

    def lot_observe(*args):
        fils_des_lots.append(threading.current_thread().name)
        return lot_reel(*args)

    monkeypatch.setattr(nuit, "_lot", lot_observe)
    fils_avant = threading.active_count()
    en_parallele(
        lambda: accruer_interets(date(2025, 6, 30), connexions=2),
        lambda: payer(clerc, paralleles[0], "1500.00"),
    )
    assert threading.active_count() == fils_avant  # les fils de la nuit sont finis
    assert {"nuit-0", "nuit-1"} <= set(fils_des_lots)
    payer(clerc, serie[0], "1500.00")
    resume = accruer_interets(date(2025, 6, 30), connexions=1)
    assert resume["ecritures"] == 0  # tout était déjà passé par les deux connexions
    for p, s in zip(paralleles, serie, strict=True):
        assert etat(p) == etat(s)
        assert grand_livre.verifier_solde(p.pk) == {}
    # Et ce que la nuit a passé égale le décompte recalculé (le calcul en série, pur).
    for dossier in [*paralleles, *serie]:
        decompte = decompte_dossier(dossier, le=date(2025, 6, 30))
        assert decompte.interets_a_comptabiliser == 0, dossier.reference
        assert decompte.total_du == decompte.solde_grand_livre
    # Sans versement, écriture pour écriture (avec le versement, le découpage des intérêts
    # dépend de qui a pris le verrou d'abord ; seuls les soldes, ci-dessus, sont comparables).
    for p, s in zip(paralleles[1:], serie[1:], strict=True):
        nuit_p = Ecriture.objects.filter(dossier=p, cause="nuit").order_by("date_valeur")
        nuit_s = Ecriture.objects.filter(dossier=s, cause="nuit").order_by("date_valeur")
        assert [(e.date_valeur, e.montant) for e in nuit_p] == [
            (e.date_valeur, e.montant) for e in nuit_s
        ]


def test_deux_imports_simultanes_de_releves_qui_partagent_des_ecritures(clerc):
    """Deux relevés (messages différents) qui portent les mêmes écritures, importés en même
    temps : chaque écriture une fois, aucune erreur ; le second import attend le verrou des
    relevés de l'étude puis ne trouve rien de nouveau (les lignes vont en base par COPY,
    sans ON CONFLICT : le verrou est ce qui rend l'import sûr)."""
    from comptabilite.models import LigneReleve
    from comptabilite.services import releve_importer
    from tests.comptabilite.test_camt053 import credit, releve_xml

    ecritures = "".join(credit(montant=f"{i}.00", ref=f"BANQUE-{i}") for i in range(1, 41))
    resultats = []

    def importer(entete):
        resultats.append(
            releve_importer(
                acteur=clerc,
                nom_fichier=f"{entete}.xml",
                donnees=releve_xml(ecritures, entete=entete),
            )
        )

    en_parallele(lambda: importer("A"), lambda: importer("B"))
    assert LigneReleve.objects.count() == 40
    assert sorted((r.nouvelles, r.deja_importees) for r in resultats) == [(0, 40), (40, 0)]
