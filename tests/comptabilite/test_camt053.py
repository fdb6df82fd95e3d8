"""Import des relevés camt.053 : fichiers réels (OCA) quand ../shared est là, relevé d'étude
fabriqué (tests/comptabilite/fixtures), idempotence, fichiers mal formés refusés en entier
avec un message français qui nomme la ligne ou l'écriture."""

import re
import time
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from comptabilite import camt053
from comptabilite.models import LigneReleve, ReleveBancaire, StatutLigne, Versement
from comptabilite.services import ligne_releve_confirmer, releve_importer
from tests.factories import creer_dossier

pytestmark = pytest.mark.django_db

PARTAGE = Path(__file__).resolve().parents[3] / "shared" / "donnees" / "camt053"
FIXTURES = Path(__file__).parent / "fixtures"
RELEVE_ETUDE = FIXTURES / "releve-etude-camt053-001.08.xml"

partage = pytest.mark.skipif(not PARTAGE.is_dir(), reason="../shared/donnees/camt053 absent")


def releve_xml(ecritures: str, version: str = "04", entete: str = "1") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
<BkToCstmrStmt><GrpHdr><MsgId>MSG-{entete}</MsgId></GrpHdr>
<Stmt><Id>REL-1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
{ecritures}
</Stmt></BkToCstmrStmt></Document>""".encode()


def credit(montant="10.00", texte="2026-000001", ref="", sens="CRDT") -> str:
    reference = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{montant}</Amt><CdtDbtInd>{sens}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2025-06-30</Dt></BookgDt><ValDt><Dt>2025-06-30</Dt></ValDt>{reference}"
        f"<NtryDtls><TxDtls><RmtInf><Ustrd>{texte}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


@pytest.fixture
def deux_dossiers(clerc):
    return creer_dossier(acteur=clerc), creer_dossier(acteur=clerc)


# --- Fichiers réels -------------------------------------------------------------------------


@partage
def test_fichier_oca_001_02_un_credit_sans_reference_a_examiner(clerc):
    resultat = releve_importer(
        acteur=clerc,
        nom_fichier="oca.xml",
        donnees=(PARTAGE / "oca-camt053-001.02.xml").read_bytes(),
    )
    # Un débit et un lot extourné (RvslInd) ignorés ; un crédit de 1 405,31 sans remise.
    assert (resultat.nouvelles, resultat.rapprochees, resultat.ignorees) == (1, 0, 2)
    ligne = LigneReleve.objects.get()
    assert (ligne.montant, ligne.statut, ligne.emetteur) == (
        D("1405.31"),
        StatutLigne.NON_RAPPROCHEE,
        "3rd party Media",
    )
    assert resultat.releve.version == "001.02"


@partage
def test_fichier_oca_001_04_montant_manquant_refuse_clairement(clerc):
    donnees = (PARTAGE / "oca-camt053-001.04-montant-manquant.xml").read_bytes()
    with pytest.raises(camt053.ReleveInvalide) as erreur:
        releve_importer(acteur=clerc, nom_fichier="chf.xml", donnees=donnees)
    message = str(erreur.value)
    assert "écriture n° 2" in message
    assert "104220008K40KKRK" in message
    assert "ligne 93" in message
    assert "montant (Amt) absent" in message
    assert not ReleveBancaire.objects.exists()
    assert not LigneReleve.objects.exists()


# --- Relevé de l'étude ----------------------------------------------------------------------


def test_releve_etude_rapproche_par_reference_de_dossier(clerc, deux_dossiers):
    premier, second = deux_dossiers
    assert (premier.reference, second.reference) == ("2026-000001", "2026-000002")
    resultat = releve_importer(
        acteur=clerc, nom_fichier=RELEVE_ETUDE.name, donnees=RELEVE_ETUDE.read_bytes()
    )
    assert (resultat.nouvelles, resultat.rapprochees, resultat.a_examiner) == (4, 2, 2)
    assert resultat.ignorees == 2  # le débit et le crédit extourné
    lignes = {ligne.montant: ligne for ligne in LigneReleve.objects.all()}
    assert lignes[D("150.00")].dossier == premier  # Ustrd
    assert lignes[D("320.50")].dossier == second  # Strd/CdtrRefInf/Ref
    assert lignes[D("75.00")].statut == StatutLigne.NON_RAPPROCHEE
    # Référence bien formée mais inconnue de l'étude : à examiner, la référence est gardée.
    assert lignes[D("60.00")].reference_trouvee == "2026-999999"
    assert lignes[D("60.00")].dossier is None


def test_reimporter_le_meme_releve_ne_cree_rien(clerc, deux_dossiers):
    donnees = RELEVE_ETUDE.read_bytes()
    releve_importer(acteur=clerc, nom_fichier="a.xml", donnees=donnees)
    deuxieme = releve_importer(acteur=clerc, nom_fichier="a.xml", donnees=donnees)
    assert deuxieme.nouvelles == 0
    # Le même relevé réexporté (en-tête différent, donc autre fichier) : rien non plus.
    autre_fichier = donnees.replace(b"ETUDE-MARTIN-20261125", b"ETUDE-MARTIN-BIS")
    troisieme = releve_importer(acteur=clerc, nom_fichier="b.xml", donnees=autre_fichier)
    assert (troisieme.nouvelles, troisieme.deja_importees, troisieme.releve) == (0, 4, None)
    assert ReleveBancaire.objects.count() == 1
    assert LigneReleve.objects.count() == 4


def test_ecritures_sans_reference_bancaire_idempotentes_par_empreinte(clerc, deux_dossiers):
    donnees = releve_xml(credit("10.00") + credit("10.00") + credit("12.00"))
    assert releve_importer(acteur=clerc, nom_fichier="x.xml", donnees=donnees).nouvelles == 3
    encore = donnees.replace(b"MSG-1", b"MSG-2")
    assert releve_importer(acteur=clerc, nom_fichier="y.xml", donnees=encore).nouvelles == 0


def test_confirmer_une_ligne_cree_le_versement_une_fois(clerc, deux_dossiers):
    premier, _ = deux_dossiers
    releve_importer(acteur=clerc, nom_fichier="a.xml", donnees=RELEVE_ETUDE.read_bytes())
    ligne = LigneReleve.objects.get(montant=D("150.00"))
    versement = ligne_releve_confirmer(acteur=clerc, ligne=ligne)
    assert (versement.dossier, versement.montant, versement.mode) == (
        premier,
        D("150.00"),
        "virement",
    )
    assert versement.date_valeur == date(2025, 6, 30)
    ligne.refresh_from_db()
    assert ligne.statut == StatutLigne.CONFIRMEE
    with pytest.raises(ValidationError, match="déjà donné un versement"):
        ligne_releve_confirmer(acteur=clerc, ligne=ligne)
    assert Versement.objects.count() == 1


def test_ligne_a_examiner_rattachee_a_la_main(clerc, deux_dossiers):
    premier, _ = deux_dossiers
    releve_importer(acteur=clerc, nom_fichier="a.xml", donnees=RELEVE_ETUDE.read_bytes())
    ligne = LigneReleve.objects.get(montant=D("75.00"))
    with pytest.raises(ValidationError, match="Indiquez le dossier"):
        ligne_releve_confirmer(acteur=clerc, ligne=ligne)
    # Valeur 24/11/2026 : le taux légal du 2e semestre 2026 n'est pas saisi, les intérêts dus
    # sont inconnus, le versement n'est pas imputable (décision 15) et rien n'est stocké.
    with pytest.raises(ValidationError, match="2e semestre 2026"):
        ligne_releve_confirmer(acteur=clerc, ligne=ligne, dossier=premier)
    assert not Versement.objects.exists()
    ligne.refresh_from_db()
    assert ligne.statut == StatutLigne.NON_RAPPROCHEE
    # Un dossier amiable (sans titre, donc sans intérêts) reçoit le versement.
    amiable = creer_dossier(acteur=clerc, titre=False)
    versement = ligne_releve_confirmer(acteur=clerc, ligne=ligne, dossier=amiable)
    assert (versement.dossier, versement.date_valeur) == (amiable, date(2026, 11, 24))


def test_autre_etude_ne_rapproche_pas_mes_dossiers(clerc, autre_etude, deux_dossiers):
    resultat = releve_importer(
        acteur=autre_etude, nom_fichier="a.xml", donnees=RELEVE_ETUDE.read_bytes()
    )
    assert resultat.rapprochees == 0
    assert not LigneReleve.objects.filter(dossier__isnull=False).exists()


# --- Fichiers mal formés --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("donnees", "attendu"),
    [
        (b"", "vide"),
        (b"<Document><BkToCstmrStmt>", "n'est pas un XML valide : erreur ligne 1"),
        (b'<?xml version="1.0"?>\n<a>\n<b></a>', "ligne 3"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>',
            "ce n'est pas un relevé camt.053",
        ),
        (b"<Document/>", "Espace de noms absent"),
        (
            releve_xml(credit(ref="A1") + credit(ref="A1")),
            "la référence « A1 » figure déjà à l'écriture n° 1",
        ),
        (releve_xml(credit("abc")), "montant « abc » illisible"),
        (releve_xml(credit("-5.00")), "montant « -5.00 » invalide"),
        (releve_xml(credit(sens="XXXX")), "sens (CdtDbtInd) absent ou inconnu"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>',
            "DOCTYPE ou ENTITY",
        ),
    ],
)
def test_fichier_mal_forme_refuse_en_entier(clerc, donnees, attendu):
    with pytest.raises(camt053.ReleveInvalide, match=re.escape(attendu)):
        releve_importer(acteur=clerc, nom_fichier="mauvais.xml", donnees=donnees)
    assert not ReleveBancaire.objects.exists()
    assert not LigneReleve.objects.exists()


def test_erreur_au_milieu_n_importe_rien(clerc, deux_dossiers):
    donnees = releve_xml(credit("10.00", ref="B1") + credit("", ref="B2") + credit(ref="B3"))
    with pytest.raises(camt053.ReleveInvalide, match="écriture n° 2, AcctSvcrRef « B2 »"):
        releve_importer(acteur=clerc, nom_fichier="m.xml", donnees=donnees)
    assert not LigneReleve.objects.exists()


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08"])
def test_versions_001_02_a_001_08(version):
    releve = camt053.lire(releve_xml(credit(), version=version))
    assert releve.version == f"001.{version}"
    assert releve.credits[0].references == ("2026-000001",)


# --- Volume ---------------------------------------------------------------------------------


def test_import_de_100_000_lignes_idempotent(clerc):
    nombre = 100_000
    ecritures = "".join(
        credit(f"{1 + i % 900}.{i % 100:02d}", f"DOSSIER {2026}-{i:06d}", ref=f"R{i}")
        for i in range(nombre)
    )
    donnees = releve_xml(ecritures)
    debut = time.perf_counter()
    resultat = releve_importer(acteur=clerc, nom_fichier="gros.xml", donnees=donnees)
    duree = time.perf_counter() - debut
    assert resultat.nouvelles == nombre
    debut = time.perf_counter()
    encore = releve_importer(
        acteur=clerc, nom_fichier="gros2.xml", donnees=donnees.replace(b"MSG-1", b"MSG-2")
    )
    duree_bis = time.perf_counter() - debut
    assert encore.nouvelles == 0
    assert LigneReleve.objects.count() == nombre
    print(f"\nimport camt.053 de {nombre} lignes : {duree:.1f} s ; réimport : {duree_bis:.1f} s")
    # La vitesse (objectif : 10 s sur PostgreSQL) se prouve par un banc qui l'affiche, jamais
    # par une assertion chronométrée : ce test juge le contenu et l'idempotence.
