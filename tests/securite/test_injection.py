"""Injection SQL et HTML dans chaque champ de recherche et de formulaire : chaque route du
balayage d'isolation reçoit les charges hostiles en paramètres de recherche (GET) et dans
chaque champ texte de son formulaire (POST). Attendu : jamais d'erreur 500, jamais de balise
rendue telle quelle (Django échappe), et la recherche ne renvoie que l'attendu (`%`, `_`,
`\\` sont des caractères, pas des jokers)."""

import re

import pytest
from django.urls import reverse

from tests.dossiers.test_vues import donnees_creation
from tests.factories import creer_debiteur, creer_dossier
from tests.securite.outils import toutes_les_routes, url

SCRIPT = "<script>alert('xss')</script>"
CHARGES = [
    "' OR 1=1 --",
    '"; DROP TABLE dossiers_dossier; --',
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "%",
    "_",
    "\\",
    "%' AND pg_sleep(5) --",
    "Ünïcødé 𝔘𝔫𝔦 \u202edroite\u200b ﷺ",
    "a\x00b",
]
# Une balise rendue telle quelle (non échappée) dans la page.
BALISES = ("<script>alert('xss')", "<img src=x onerror")


def _parametres_lus_par_les_vues() -> set[str]:
    """Chaque paramètre que le code lit dans request.GET / request.POST (relevé dans les
    sources : un paramètre ajouté plus tard est attaqué d'office), plus ceux des
    formulaires de recherche."""
    import pathlib
    import re as _re

    racine = pathlib.Path(__file__).resolve().parents[2]
    motif = _re.compile(r"request\.(?:GET|POST)(?:\.get|\.getlist)?[(\[]\"([\w-]+)\"")
    noms = {"q", "creancier-q", "debiteurs-0-q", "champ", "etat", "nature", "page", "tri"}
    for application in ("etude", "dossiers", "procedures", "comptabilite", "relances", "actes"):
        for source in (racine / application).rglob("*.py"):
            noms.update(motif.findall(source.read_text()))
    return noms


PARAMETRES = sorted(_parametres_lus_par_les_vues())


def test_les_parametres_des_vues_sont_releves():
    assert {"q", "clerc", "apres", "next", "le", "section"} <= set(PARAMETRES)


def _non_echappe(contenu: str) -> list[str]:
    return [b for b in BALISES if b in contenu]


def test_chaque_route_en_get_avec_charges_hostiles_ni_500_ni_balise(
    client, principal_clerc, objets_a
):
    client.force_login(principal_clerc)
    cibles = {nom: url(nom, objets_a) for nom in toutes_les_routes()} | {
        "dossier_liste_filtres": reverse("dossier_liste")
    }
    problemes = []
    for nom, cible in cibles.items():
        for charge in CHARGES:
            parametres = dict.fromkeys(PARAMETRES, charge)
            reponse = client.get(cible, parametres, headers={"HX-Request": "true"})
            if reponse.streaming:  # PDF, pièce, flux : ni page ni erreur
                assert reponse.status_code == 200, (nom, charge)
                continue
            if reponse.status_code >= 500:
                problemes.append((nom, charge, reponse.status_code))
            elif _non_echappe(reponse.content.decode(errors="replace")):
                problemes.append((nom, charge, "balise non échappée"))
    assert problemes == []


def _champs_texte(html: str) -> set[str]:
    """Noms des champs texte d'une page (input texte, recherche, nombre, date ; textarea)."""
    noms = set()
    for balise in re.finditer(r"<(input|textarea)\b[^>]*>", html):
        texte = balise.group(0)
        genre = re.search(r'type="([^"]+)"', texte)
        if genre and genre.group(1) in {"hidden", "checkbox", "radio", "submit", "file"}:
            continue
        nom = re.search(r'name="([^"]+)"', texte)
        if nom and nom.group(1) != "csrfmiddlewaretoken":
            noms.add(nom.group(1))
    return noms


def test_chaque_formulaire_avec_charges_hostiles_ni_500_ni_balise(
    client, principal_clerc, objets_a
):
    from etude.models import Evenement

    client.force_login(principal_clerc)
    problemes, formulaires = [], 0
    for nom in toutes_les_routes():
        if nom in {"deconnexion"}:
            continue
        cible = url(nom, objets_a)
        page = client.get(cible)
        if (
            page.streaming
            or page.status_code != 200
            or "text/html" not in page.get("Content-Type", "")
        ):
            continue
        champs = _champs_texte(page.content.decode())
        if not champs:
            continue
        formulaires += 1
        for charge in CHARGES:
            reponse = client.post(cible, dict.fromkeys(champs, charge))
            if reponse.streaming:
                continue
            if reponse.status_code >= 500:
                problemes.append((nom, charge, reponse.status_code))
            elif _non_echappe(reponse.content.decode(errors="replace")):
                problemes.append((nom, charge, "balise non échappée"))
    assert formulaires >= 5
    assert problemes == []
    # Ce qui a été enregistré (un libellé, un motif) est relu échappé dans le journal.
    for evenement in Evenement.objects.all()[:50]:
        if evenement.dossier_id:
            page = client.get(evenement.dossier.get_absolute_url())
            assert not _non_echappe(page.content.decode())


@pytest.mark.parametrize(
    "champ", ["debiteurs-0-nom", "creancier-raison_sociale", "dossier-reference_creancier"]
)
def test_une_balise_saisie_est_enregistree_telle_quelle_et_rendue_echappee(client, clerc, champ):
    client.force_login(clerc)
    reponse = client.post(reverse("dossier_nouveau"), donnees_creation(clerc, **{champ: SCRIPT}))
    assert reponse.status_code == 302
    for page in (reponse.url, reverse("dossier_liste"), reverse("bureau")):
        contenu = client.get(page).content.decode()
        assert not _non_echappe(contenu), page
    contenu = client.get(reponse.url).content.decode()
    assert "&lt;script&gt;alert(" in contenu.lower()  # enregistrée, puis échappée


@pytest.mark.parametrize(
    ("terme", "attendus"),
    [
        ("%", {"POURCENT%"}),
        ("_", {"SOUS_TIRET"}),
        ("\\", {"OBLIQUE\\"}),
        ("' OR 1=1 --", set()),
        ("Zorglub' OR '1'='1", set()),
        ("Zorglub", {"Zorglub"}),  # témoin : la recherche trouve bien
    ],
)
def test_la_recherche_ne_renvoie_que_l_attendu(client, clerc, terme, attendus):
    """`%`, `_` et `\\` sont cherchés comme des caractères : « % » ne trouve pas tout."""
    noms = ["Zorglub", "POURCENT%", "SOUS_TIRET", "OBLIQUE\\", "Martin"]
    liens = {}
    for nom in noms:
        dossier = creer_dossier(
            acteur=clerc, debiteurs=[creer_debiteur(etude=clerc.etude, nom=nom)]
        )
        liens[nom] = f'href="{dossier.get_absolute_url()}"'
    client.force_login(clerc)
    # La liste ne cherche pas (ses filtres sont des choix) : la recherche, si.
    for route in ("dossier_recherche",):
        reponse = client.get(reverse(route), {"q": terme}, headers={"HX-Request": "true"})
        assert reponse.status_code == 200
        contenu = reponse.content.decode()
        trouves = {nom for nom, lien in liens.items() if lien in contenu}
        assert trouves <= attendus, (route, terme, trouves)
        if terme == "Zorglub":
            assert trouves == attendus, (route, trouves)
