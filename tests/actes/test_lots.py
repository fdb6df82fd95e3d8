"""Lots de rendu : service générique, tâches (embarquées puis vrai worker), pages."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actes import lots, moteur
from actes.lots import DocumentARendre, lot_creer
from actes.models import DocumentLot, LotRendu
from actes.rendu import Pied
from etude.errors import RegleMetier
from etude.models import Evenement

pytest_plugins = ["tests.celery_fixtures"]


def documents(n: int, *, prefixe: str = "commandement") -> list[DocumentARendre]:
    return [
        DocumentARendre(
            nom_fichier=f"{prefixe}-2026-{i:06d}",
            html=f"<h1>Commandement de payer</h1><p>Dossier 2026-{i:06d} : 1 234,56 €.</p>",
            pied=Pied(reference_dossier=f"2026-{i:06d}", code_acte="CPSV", initiales="MD"),
        )
        for i in range(1, n + 1)
    ]


def texte_pdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_lot_rendu_par_paquets_puis_archive(clerc, django_capture_on_commit_callbacks):
    echoue = DocumentARendre(nom_fichier="trop-gros", html="x" * (moteur.TAILLE_MAX_HTML + 1))
    with django_capture_on_commit_callbacks(execute=True):
        lot = lot_creer(
            acteur=clerc, libelle="Campagne de mars", documents=[*documents(12), echoue]
        )
    lot.refresh_from_db()
    assert lot.etat == LotRendu.Etat.TERMINE
    assert lot.progression() == {
        "rendus": 12,
        "echecs": 1,
        "faits": 13,
        "total": 13,
        "pourcent": 100,
    }
    assert not DocumentLot.objects.filter(lot=lot).exclude(html="").exists()
    archive = zipfile.ZipFile(lots.lot_archive(lot))
    noms = archive.namelist()
    assert noms[0] == "0001-commandement-2026-000001.pdf"
    assert len(noms) == 13 and noms[-1] == "echecs.txt"
    assert "0013-trop-gros : Document trop volumineux" in archive.read("echecs.txt").decode()
    texte = texte_pdf(archive.read("0007-commandement-2026-000007.pdf"))
    assert "Dossier 2026-000007 : 1 234,56 €." in texte
    assert "Dossier 2026-000007 · Acte CPSV · Clerc MD" in texte
    actions = set(Evenement.objects.filter(objet_id=str(lot.pk)).values_list("action", flat=True))
    assert actions == {"lot_rendu_creer", "lot_rendu_terminer"}


def test_paquet_rejoue_ne_rend_rien_de_plus(clerc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lot = lot_creer(acteur=clerc, libelle="Lot", documents=documents(3))
    pdf_avant = bytes(DocumentLot.objects.get(lot=lot, rang=2).pdf)
    assert lots.lot_paquet_rendre(lot_id=lot.pk, premier=1, dernier=3) == 0
    assert bytes(DocumentLot.objects.get(lot=lot, rang=2).pdf) == pdf_avant
    assert lots.paquets(lot.pk) == []
    assert Evenement.objects.filter(action="lot_rendu_terminer").count() == 1


def test_paquets_de_taille_fixe(clerc):
    lot = lot_creer(acteur=clerc, libelle="Lot", documents=documents(25))
    assert lots.paquets(lot.pk) == [(1, 10), (11, 20), (21, 25)]


@pytest.mark.parametrize(
    ("docs", "message"),
    [
        ([], "au moins un document"),
        (documents(2) + documents(1), "même nom : commandement-2026-000001"),
    ],
)
def test_lot_invalide_refuse_sans_rien_ecrire(clerc, docs, message):
    with pytest.raises(RegleMetier, match=message):
        lot_creer(acteur=clerc, libelle="Lot", documents=docs)
    assert not LotRendu.objects.exists()


def test_nom_de_fichier_nettoye(clerc):
    lot = lot_creer(
        acteur=clerc,
        libelle="Lot",
        documents=[DocumentARendre(nom_fichier="../../etc/passwd Dupont é.pdf", html="<p>x</p>")],
    )
    assert lot.documents.get().nom_fichier == "etc-passwd-Dupont"


def test_page_du_lot_interroge_tant_qu_il_tourne(client, clerc):
    client_clerc = client
    client_clerc.force_login(clerc)
    lot = lot_creer(acteur=clerc, libelle="Campagne de mars", documents=documents(2))
    reponse = client_clerc.get(reverse("actes_lot", args=[lot.pk]))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert f'hx-get="{reverse("actes_lot_progression", args=[lot.pk])}"' in contenu
    assert "0 / 2 documents traités (0 %)" in contenu
    assert '<progress max="2" value="0">' in contenu
    # Téléchargement avant la fin : renvoyé à la page du lot.
    reponse = client_clerc.get(reverse("actes_lot_telecharger", args=[lot.pk]))
    assert reponse.status_code == 302
    lots.lot_paquet_rendre(lot_id=lot.pk, premier=1, dernier=1)
    fragment = client_clerc.get(reverse("actes_lot_progression", args=[lot.pk])).content.decode()
    assert "1 / 2 documents traités (50 %)" in fragment
    assert "hx-trigger" in fragment
    lots.lot_paquet_rendre(lot_id=lot.pk, premier=2, dernier=2)
    fragment = client_clerc.get(reverse("actes_lot_progression", args=[lot.pk])).content.decode()
    assert "2 / 2 documents traités (100 %)" in fragment
    assert "hx-trigger" not in fragment
    assert reverse("actes_lot_telecharger", args=[lot.pk]) in fragment
    reponse = client_clerc.get(reverse("actes_lot_telecharger", args=[lot.pk]))
    assert reponse["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(reponse.streaming_content)))
    assert archive.namelist() == [
        "0001-commandement-2026-000001.pdf",
        "0002-commandement-2026-000002.pdf",
    ]


def test_pdf_assemble_met_les_documents_rendus_bout_a_bout(
    client, clerc, django_capture_on_commit_callbacks
):
    """Un seul PDF pour l'impression : les documents rendus dans l'ordre du lot, un signet
    par document ; celui en échec n'y est pas."""
    echoue = DocumentARendre(nom_fichier="trop-gros", html="x" * (moteur.TAILLE_MAX_HTML + 1))
    docs = documents(3)
    docs.insert(1, echoue)
    with django_capture_on_commit_callbacks(execute=True):
        lot = lot_creer(acteur=clerc, libelle="Campagne d'avril", documents=docs)
    lot.refresh_from_db()
    pages_attendues = sum(
        len(PdfReader(io.BytesIO(bytes(d.pdf))).pages)
        for d in lot.documents.filter(etat=DocumentLot.Etat.RENDU)
    )
    client.force_login(clerc)
    reponse = client.get(reverse("actes_lot_pdf", args=[lot.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    lecteur = PdfReader(io.BytesIO(b"".join(reponse.streaming_content)))
    assert len(lecteur.pages) == pages_attendues
    # Un signet par document (les titres du document, que WeasyPrint marque, en dessous).
    assert [item.title for item in lecteur.outline if not isinstance(item, list)] == [
        "0001-commandement-2026-000001",
        "0003-commandement-2026-000002",
        "0004-commandement-2026-000003",
    ]
    texte = "\n".join(page.extract_text() for page in lecteur.pages)
    assert texte.index("Dossier 2026-000001") < texte.index("Dossier 2026-000002")
    assert texte.index("Dossier 2026-000002") < texte.index("Dossier 2026-000003")
    assert "trop-gros" not in texte
    assert lecteur.metadata.title == "Campagne d'avril"


def test_pdf_assemble_refuse_avant_la_fin_et_sans_document_rendu(
    client, clerc, django_capture_on_commit_callbacks
):
    client.force_login(clerc)
    en_cours = lot_creer(acteur=clerc, libelle="Lot", documents=documents(1))
    reponse = client.get(reverse("actes_lot_pdf", args=[en_cours.pk]))
    assert reponse.status_code == 302 and reponse.url == en_cours.get_absolute_url()
    echoue = DocumentARendre(nom_fichier="trop-gros", html="x" * (moteur.TAILLE_MAX_HTML + 1))
    with django_capture_on_commit_callbacks(execute=True):
        vide = lot_creer(acteur=clerc, libelle="Lot raté", documents=[echoue])
    with pytest.raises(RegleMetier, match="rien à assembler"):
        lots.lot_pdf_assemble(vide)
    reponse = client.get(reverse("actes_lot_pdf", args=[vide.pk]), follow=True)
    assert "rien à assembler" in reponse.content.decode()


def test_liste_des_lots_de_l_etude_seulement(client, clerc, autre_etude):
    lot_creer(acteur=clerc, libelle="Lot secret A", documents=documents(1))
    lot_creer(acteur=autre_etude, libelle="Lot de B", documents=documents(1))
    client.force_login(autre_etude)
    contenu = client.get(reverse("actes_lots")).content.decode()
    assert "Lot de B" in contenu
    assert "Lot secret A" not in contenu


@pytest.mark.celery
def test_lot_rendu_par_un_vrai_worker_celery(celery_worker_process, transactional_db):
    from tests.factories import creer_etude, creer_utilisateur

    clerc = creer_utilisateur(etude=creer_etude(), role="clerc", username="clerc-lot")
    lot = lot_creer(acteur=clerc, libelle="Campagne", documents=documents(23))
    limite = time.monotonic() + 180
    while time.monotonic() < limite:
        lot.refresh_from_db()
        if lot.etat == LotRendu.Etat.TERMINE:
            break
        time.sleep(0.5)
    else:
        pytest.fail(
            f"Lot non terminé en 180 s : {lot.progression()}\n"
            + celery_worker_process.lire_journal()[-3000:]
        )
    assert lot.progression()["rendus"] == 23
    document = DocumentLot.objects.get(lot=lot, rang=23)
    assert "Dossier 2026-000023 · Acte CPSV · Clerc MD" in texte_pdf(bytes(document.pdf))
    assert "lot_paquet_rendre" in celery_worker_process.lire_journal()
