"""Services des lots de rendu : créer un lot de documents HTML, en rendre un paquet,
l'archiver en zip. Service générique : `actes` (actes d'une campagne) et `relances`
(lettres) l'appellent avec des documents déjà rendus en HTML par leurs gabarits.

    from actes.lots import DocumentARendre, lot_creer
    lot = lot_creer(
        acteur=request.user,
        libelle="Commandements de la campagne de mars",
        documents=[
            DocumentARendre(nom_fichier=f"commandement-{d.reference}", html=html_de(d),
                            pied=Pied(reference_dossier=d.reference, code_acte="CPSV",
                                      initiales=request.user.get_initiales())),
            ...
        ],
    )
    return redirect(lot)  # page du lot : progression, puis téléchargement du zip

Le rendu part après la validation de la transaction (tâches `actes.tasks`, par paquets de
`TAILLE_PAQUET`), chaque document une seule fois même si une tâche est rejouée. Un lot
terminé se télécharge en zip (un PDF/A par document, `lot_archive`) ou en un seul PDF
assemblé pour l'impression (`lot_pdf_assemble`).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from actes import rendu
from actes.models import DocumentLot, LotRendu
from etude.audit import evenement_enregistrer
from etude.errors import RegleMetier

# Documents par tâche : assez pour amortir l'envoi de la tâche, assez peu pour que les
# deux processus du worker se partagent la fin d'un lot et que la barre avance.
TAILLE_PAQUET = 10
TAILLE_MAX_LOT = 5000
_CARACTERES_INTERDITS = re.compile(r"[^0-9A-Za-z._-]+")


@dataclass(frozen=True)
class DocumentARendre:
    """Un document d'un lot : son nom de fichier (sans .pdf), son HTML, son pied."""

    nom_fichier: str
    html: str
    pied: rendu.Pied | None = None
    pdfa: bool = True


def _nom_sur(nom: str) -> str:
    nom = _CARACTERES_INTERDITS.sub("-", nom.removesuffix(".pdf")).strip("-.")
    return nom[:140] or "document"


@transaction.atomic
def lot_creer(*, acteur, libelle: str, documents: list[DocumentARendre]) -> LotRendu:
    """Crée un lot dans l'étude de `acteur` et en programme le rendu après validation.

    Refuse (RegleMetier) un lot vide, trop grand, ou dont deux documents ont le même nom."""
    if not documents:
        raise RegleMetier("Un lot de rendu contient au moins un document.")
    if len(documents) > TAILLE_MAX_LOT:
        raise RegleMetier(
            f"Un lot de rendu contient au plus {TAILLE_MAX_LOT} documents "
            f"({len(documents)} demandés) : découpez la campagne."
        )
    noms = [_nom_sur(document.nom_fichier) for document in documents]
    doublons = sorted({nom for nom in noms if noms.count(nom) > 1})
    if doublons:
        raise RegleMetier(f"Deux documents du lot portent le même nom : {', '.join(doublons)}.")
    lot = LotRendu(etude_id=acteur.etude_id, libelle=libelle[:200], cree_par=acteur)
    lot.total = len(documents)
    lot.full_clean()
    lot.save()
    DocumentLot.objects.bulk_create(
        [
            DocumentLot(
                lot=lot,
                rang=rang,
                nom_fichier=nom,
                html=document.html,
                pied=_pied_json(document.pied),
                pdfa=document.pdfa,
            )
            for rang, (nom, document) in enumerate(zip(noms, documents, strict=True), start=1)
        ],
        batch_size=500,
    )
    evenement_enregistrer(
        etude_id=lot.etude_id,
        acteur=acteur,
        action="lot_rendu_creer",
        libelle=f"Lot de rendu « {lot.libelle} » : {lot.total} documents",
        objet=lot,
    )
    from actes.tasks import lot_lancer

    lot_lancer.delay_on_commit(lot.pk)
    return lot


def _pied_json(pied: rendu.Pied | None) -> dict:
    if pied is None:
        return {}
    return {
        "reference_dossier": pied.reference_dossier,
        "code_acte": pied.code_acte,
        "initiales": pied.initiales,
    }


def paquets(lot_id: int) -> list[tuple[int, int]]:
    """(premier rang, dernier rang) des paquets de documents encore à rendre."""
    rangs = list(
        DocumentLot.objects.filter(lot_id=lot_id, etat=DocumentLot.Etat.A_RENDRE)
        .order_by("rang")
        .values_list("rang", flat=True)
    )
    return [
        (rangs[i], rangs[min(i + TAILLE_PAQUET, len(rangs)) - 1])
        for i in range(0, len(rangs), TAILLE_PAQUET)
    ]


def lot_paquet_rendre(*, lot_id: int, premier: int, dernier: int) -> int:
    """Rend les documents « à rendre » du lot de rang `premier` à `dernier` ; renvoie le
    nombre rendu ou en échec par cet appel. Une transaction par document : la ligne est
    verrouillée (SKIP LOCKED) pendant son rendu, un document déjà traité n'est pas repris
    (tâche rejouée, paquets qui se chevauchent). Termine le lot quand plus rien n'attend."""
    traites = 0
    for rang in range(premier, dernier + 1):
        with transaction.atomic():
            document = (
                DocumentLot.objects.select_for_update(skip_locked=True)
                .filter(lot_id=lot_id, rang=rang, etat=DocumentLot.Etat.A_RENDRE)
                .first()
            )
            if document is None:
                continue
            pied = rendu.Pied(**document.pied) if document.pied else None
            try:
                document.pdf = rendu.rendre_pdf(document.html, pied=pied, pdfa=document.pdfa)
                document.etat = DocumentLot.Etat.RENDU
            except rendu.RenduImpossible as erreur:
                document.etat = DocumentLot.Etat.ECHEC
                document.erreur = str(erreur)
            document.html = ""
            document.rendu_le = timezone.now()
            document.save(update_fields=["pdf", "etat", "erreur", "html", "rendu_le"])
            traites += 1
    lot_terminer_si_complet(lot_id=lot_id)
    return traites


@transaction.atomic
def lot_terminer_si_complet(*, lot_id: int) -> bool:
    """Marque le lot terminé si aucun document n'attend (une seule fois : UPDATE
    conditionnel sur l'état)."""
    if DocumentLot.objects.filter(lot_id=lot_id, etat=DocumentLot.Etat.A_RENDRE).exists():
        return False
    maintenant = timezone.now()
    fait = LotRendu.objects.filter(pk=lot_id, etat=LotRendu.Etat.EN_COURS).update(
        etat=LotRendu.Etat.TERMINE, termine_le=maintenant
    )
    if fait:
        lot = LotRendu.objects.get(pk=lot_id)
        progression = lot.progression()
        evenement_enregistrer(
            etude_id=lot.etude_id,
            acteur=None,
            action="lot_rendu_terminer",
            libelle=(
                f"Lot de rendu « {lot.libelle} » terminé : {progression['rendus']} rendus, "
                f"{progression['echecs']} en échec"
            ),
            objet=lot,
        )
    return bool(fait)


def lot_archive(lot: LotRendu):
    """Fichier temporaire (ouvert, au début) : zip des PDF rendus du lot, dans l'ordre,
    et la liste des échecs s'il y en a. Les PDF sont déjà compressés : stockés tels quels."""
    # Rendu ouvert à l'appelant (FileResponse le ferme) : pas de bloc with ici.
    archive = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115
    echecs = []
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zip_:
        documents = lot.documents.order_by("rang").values_list(
            "rang", "nom_fichier", "etat", "erreur", "pdf"
        )
        for rang, nom, etat, erreur, pdf in documents.iterator(chunk_size=50):
            if etat == DocumentLot.Etat.RENDU:
                zip_.writestr(f"{rang:04d}-{nom}.pdf", bytes(pdf))
            elif etat == DocumentLot.Etat.ECHEC:
                echecs.append(f"{rang:04d}-{nom} : {erreur}")
        if echecs:
            zip_.writestr("echecs.txt", "\n".join(echecs) + "\n")
    archive.seek(0)
    return archive


def lot_pdf_assemble(lot: LotRendu):
    """Fichier temporaire (ouvert, au début) : un seul PDF qui met bout à bout les PDF rendus
    du lot, dans l'ordre, chacun marqué d'un signet à son nom (rang et nom de fichier) ; les
    documents en échec n'y sont pas (la page du lot les liste).

    Pour l'impression et l'envoi groupé : l'assemblage par pypdf ne garantit pas la
    conformité PDF/A du tout ; la copie qui fait foi reste le PDF/A de chaque document (zip,
    ou l'acte lui-même avec son SHA-256)."""
    rendus = lot.documents.filter(etat=DocumentLot.Etat.RENDU)
    if not rendus.exists():
        raise RegleMetier("Aucun document de ce lot n'a été rendu : rien à assembler.")
    writer = PdfWriter()
    documents = rendus.order_by("rang").values_list("rang", "nom_fichier", "pdf")
    for rang, nom, pdf in documents.iterator(chunk_size=50):
        writer.append(PdfReader(io.BytesIO(bytes(pdf))), outline_item=f"{rang:04d}-{nom}")
    writer.add_metadata({"/Title": lot.libelle, "/Producer": "Étude (lot de rendu assemblé)"})
    # Rendu ouvert à l'appelant (FileResponse le ferme) : pas de bloc with ici.
    fichier = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115
    writer.write(fichier)
    fichier.seek(0)
    return fichier
