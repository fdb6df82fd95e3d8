"""Téléversements hostiles, sur chaque formulaire du projet qui accepte un fichier : octets
magiques menteurs, traversée de chemin dans le nom (relatif, absolu, octet nul), bombe zip,
fichier vide ou démesuré. Attendu : refus en français, aucune ligne écrite, aucun fichier
écrit ; un nom hostile mais un contenu sain donne un fichier rangé sous MEDIA_ROOT, sous un
nom que l'application choisit. Un nouveau formulaire à fichier doit être ajouté ici (le
premier test échoue sinon)."""

import io
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.securite.outils import compter_lignes
from tests.test_isolation import PDF

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
NOMS_HOSTILES = [
    "../../etc/passwd.pdf",
    "/etc/passwd.pdf",
    "..\\..\\windows\\system32\\pilote.pdf",
    "piece\x00.exe.pdf",
    "....//....//secret.pdf",
]


def bombe_zip() -> bytes:
    """20 Mio de zéros dans quelques dizaines de Kio, sous un nom de document Word."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (20 * 1024 * 1024))
    return tampon.getvalue()


# Chaque formulaire à fichier : route, champ du fichier, autres champs valides.
FORMULAIRES = {
    "PieceForm": ("piece_ajouter", "fichier", {"type_piece": "titre"}),
    "DeboursForm": (
        "comptabilite_debours",
        "justificatif",
        {"libelle": "Serrurier", "montant": "45,00", "date_depense": "15/03/2026"},
    ),
    "ReleveForm": ("comptabilite_releves", "fichier", {}),
}
PIECES = ["PieceForm", "DeboursForm"]


def _formulaires_a_fichier():
    def sous_classes(classe):
        for sous in classe.__subclasses__():
            yield sous
            yield from sous_classes(sous)

    for classe in set(sous_classes(forms.BaseForm)):
        if classe.__module__.split(".")[0] not in {
            "etude",
            "dossiers",
            "procedures",
            "comptabilite",
            "relances",
            "actes",
        }:
            continue
        if any(isinstance(champ, forms.FileField) for champ in classe.base_fields.values()):
            yield classe.__name__


def test_chaque_formulaire_a_fichier_est_attaque_ici():
    import contextlib
    import importlib

    from django.urls import get_resolver

    get_resolver().url_patterns  # charge les vues, donc les formulaires de chaque application
    for application in ("etude", "dossiers", "procedures", "comptabilite", "relances", "actes"):
        for module in ("forms", "views"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{application}.{module}")

    assert set(_formulaires_a_fichier()) == set(FORMULAIRES)


@pytest.fixture
def medias(settings, tmp_path_factory, objets_a):
    """MEDIA_ROOT dans un dossier vide ; son parent permet de voir une écriture à côté."""
    parent = tmp_path_factory.mktemp("televersements")
    settings.MEDIA_ROOT = parent / "media"
    settings.MEDIA_ROOT.mkdir()
    return parent


def _fichiers(racine: Path) -> set[Path]:
    return {p for p in racine.rglob("*") if p.is_file()}


def _poster(client, objets, formulaire, nom, contenu, type_mime="application/pdf"):
    from tests.securite.outils import url

    route, champ, donnees = FORMULAIRES[formulaire]
    fichier = SimpleUploadedFile(nom, contenu, content_type=type_mime)
    return client.post(url(route, objets), {**donnees, champ: fichier})


@pytest.fixture
def session(client, clerc, objets_a, medias):
    client.force_login(clerc)
    return client


CONTENUS_REFUSES = [
    ("facture.pdf", EXECUTABLE, "ni un PDF ni une image"),
    ("jugement.pdf", HTML, "ni un PDF ni une image"),
    ("photo.png", b"GIF89a" + b"\x00" * 64, "ni un PDF ni une image"),
    ("pieces.docx", bombe_zip(), "ni un PDF ni une image"),
    ("vide.pdf", b"", "vide"),
]


@pytest.mark.parametrize("formulaire", PIECES)
@pytest.mark.parametrize(("nom", "contenu", "message"), CONTENUS_REFUSES)
def test_contenu_menteur_refuse_en_francais_rien_ecrit(
    session, objets_a, medias, formulaire, nom, contenu, message
):
    avant, fichiers = compter_lignes(), _fichiers(medias)
    reponse = _poster(session, objets_a, formulaire, nom, contenu)
    assert reponse.status_code == 400
    assert message in reponse.content.decode()
    assert compter_lignes() == avant
    assert _fichiers(medias) == fichiers


@pytest.mark.parametrize("formulaire", PIECES)
def test_fichier_trop_gros_refuse_en_francais(session, objets_a, medias, settings, formulaire):
    settings.PIECE_TAILLE_MAX = 4096
    avant, fichiers = compter_lignes(), _fichiers(medias)
    reponse = _poster(session, objets_a, formulaire, "gros.pdf", PDF + b"%" * 5000)
    assert reponse.status_code == 400
    assert "dépasse la taille maximale" in reponse.content.decode()
    assert compter_lignes() == avant
    assert _fichiers(medias) == fichiers


@pytest.mark.parametrize("formulaire", PIECES)
@pytest.mark.parametrize("nom", NOMS_HOSTILES)
def test_nom_hostile_le_fichier_reste_sous_media_root(
    session, objets_a, medias, settings, formulaire, nom
):
    """Le nom vient du client : il n'est qu'un libellé. Le fichier est rangé sous
    MEDIA_ROOT, nommé par son empreinte ; le libellé affiché est échappé."""
    contenu = PNG + nom.encode("utf-8", "replace")  # une empreinte différente par cas
    reponse = _poster(session, objets_a, formulaire, nom, contenu, "image/png")
    assert reponse.status_code in (302, 400), reponse.status_code
    racine_medias = Path(settings.MEDIA_ROOT).resolve()
    for fichier in _fichiers(medias):
        assert fichier.resolve().is_relative_to(racine_medias), fichier
        assert ".." not in fichier.name and "\x00" not in fichier.name
        assert "passwd" not in fichier.name and "pilote" not in fichier.name
    assert not (Path.cwd() / "passwd.pdf").exists()
    if reponse.status_code == 302:
        assert len(_fichiers(racine_medias)) == 1


def test_releve_nom_hostile_n_est_qu_un_libelle(session, objets_a, medias):
    """Le relevé n'est pas rangé sur disque : son nom n'est qu'un libellé en base."""
    from tests.comptabilite.test_camt053 import credit, releve_xml

    fichiers = _fichiers(medias)
    donnees = releve_xml(credit("12.00", "Remise hostile", "REF-HOSTILE"))
    reponse = _poster(session, objets_a, "ReleveForm", "../../etc/cron.d/releve.xml", donnees)
    assert reponse.status_code == 302
    assert _fichiers(medias) == fichiers


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;">]><Document>&lol2;</Document>',
            "DOCTYPE ou ENTITY",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Document>&x;</Document>",
            "DOCTYPE ou ENTITY",
        ),
        (EXECUTABLE, "camt.053"),
        (bombe_zip(), "camt.053"),
        (b"", "vide"),
    ],
)
def test_releve_hostile_refuse_en_francais_rien_ecrit(session, objets_a, contenu, message):
    avant = compter_lignes()
    reponse = _poster(session, objets_a, "ReleveForm", "releve.xml", contenu, "text/xml")
    assert reponse.status_code in (200, 400)
    assert message in reponse.content.decode()
    assert compter_lignes() == avant


def test_releve_demesure_refuse_avant_lecture(session, objets_a, monkeypatch):
    """La taille est contrôlée avant de lire le fichier en mémoire."""
    from comptabilite import camt053, services

    monkeypatch.setattr(camt053, "TAILLE_MAX", 1024)
    appels = []
    monkeypatch.setattr(services, "releve_importer", lambda **kw: appels.append(kw))
    avant = compter_lignes()
    reponse = _poster(session, objets_a, "ReleveForm", "releve.xml", b"<a/>" * 1000, "text/xml")
    assert "dépasse 200 Mo" in reponse.content.decode()
    assert appels == []
    assert compter_lignes() == avant
