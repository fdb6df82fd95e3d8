"""Tableau des délais (/delais/), sections de Mon bureau et flux iCalendar."""

import re
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures.models import AbonnementCalendrier, Delai, Procedure
from procedures.views import delais as delais_vues
from tests.factories import creer_dossier, creer_procedure, creer_utilisateur

# Vendredi 12 juin 2026 : la semaine finit le dimanche 14.
AUJOURD_HUI = date(2026, 6, 12)


@pytest.fixture(autouse=True)
def horloge():
    with time_machine.travel(date(2026, 6, 12), tick=False):
        yield


# Points de départ tous distincts : (procédure, code, départ) est unique.
DEPARTS = count()


def creer_delais(procedure, echeances, **extra):
    """Des délais ouverts de la procédure, un par échéance (au clerc du dossier)."""
    objets = []
    for echeance in echeances:
        valeurs = {
            "etude_id": procedure.etude_id,
            "dossier_id": procedure.dossier_id,
            "procedure_id": procedure.pk,
            "clerc_id": procedure.dossier.clerc_id,
            "code": "sa_denonciation",
            "nature": "agir_avant",
            "libelle": "Dénoncer la saisie au débiteur",
            "depart": date(2020, 1, 1) + timedelta(days=next(DEPARTS)),
            "echeance": echeance,
            "article": "CPCE R211-3",
            "sanction": "caducité de la saisie",
        }
        valeurs.update(extra)
        objets.append(Delai(**valeurs))
    return Delai.objects.bulk_create(objets)


@pytest.fixture
def procedure(clerc):
    return creer_procedure(acteur=clerc, type="saisie_attribution")


def _repartis(n):
    """n échéances réparties sur les quatre sections."""
    decalages = [-3, 0, 1, 10]
    return [AUJOURD_HUI + timedelta(days=decalages[i % 4]) for i in range(n)]


def test_tableau_du_clerc_par_section_avec_lien_vers_la_fiche(client, clerc, procedure):
    creer_delais(
        procedure,
        [date(2026, 6, 9), date(2026, 6, 12), date(2026, 6, 14), date(2026, 6, 22)],
        echeance_alternative=date(2026, 6, 23),
        raison_alternative="CPC 642 : prorogation discutée",
    )
    client.force_login(clerc)
    reponse = client.get(reverse("delais_tableau"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    comptes = reponse.context["comptes"]
    assert comptes == {"retard": 1, "aujourdhui": 1, "semaine": 1, "plus_tard": 1}
    sections = {s["code"]: s["lignes"] for s in reponse.context["sections"]}
    assert [d.echeance for d in sections["retard"]] == [date(2026, 6, 9)]
    assert [d.echeance for d in sections["aujourdhui"]] == [date(2026, 6, 12)]
    assert [d.echeance for d in sections["semaine"]] == [date(2026, 6, 14)]
    assert [d.echeance for d in sections["plus_tard"]] == [date(2026, 6, 22)]
    ancre = f"{procedure.dossier.get_absolute_url()}#procedure-{procedure.pk}"
    assert f'href="{ancre}"' in contenu
    assert "autre lecture : 23/06/2026 (CPC 642 : prorogation discutée)" in contenu
    assert "CPCE R211-3" in contenu and "caducité de la saisie" in contenu
    assert "Saisie-attribution" in contenu
    # Un clerc ne choisit pas un autre clerc.
    assert 'name="clerc"' not in contenu


GABARIT_AVANT = Path(__file__).parent / "gabarits" / "delais_lignes_avant.html"


def _cellules(html: str) -> list[str]:
    """Les lignes du tableau, espaces normalisés (le gabarit indentait, pas la fonction)."""
    corps = html.split("<tbody>")[-1].split("</tbody>")[0]
    return [
        re.sub(r">\s+<", "><", " ".join(ligne.split()))
        for ligne in re.findall(r"<tr>(.*?)</tr>", corps, re.S)
    ]


def test_lignes_ecrites_en_une_passe_comme_le_gabarit(clerc, procedure):
    """`lignes_html` rend, à l'espace près, ce que rendait le gabarit par ligne : dates,
    autre lecture et sa raison, lien vers la fiche, libellés d'affichage, et l'échappement
    du texte venu de la base (balises, guillemets, esperluettes)."""
    Procedure.objects.filter(pk=procedure.pk).update(etape="Acte <signifié> & « dénoncé »")
    creer_delais(
        procedure,
        [date(2026, 6, 9), date(2026, 6, 22)],
        echeance_alternative=date(2026, 6, 23),
        raison_alternative='CPC 642 : "prorogation" <discutée> & l\'autre',
        libelle="Dénoncer <b>la saisie</b>",
        sanction="caducité & 'mainlevée'",
        article="CPCE R211-3 <al. 1>",
    )
    creer_delais(procedure, [date(2026, 6, 12)], nature="pas_avant")
    lignes = list(delais_vues._lignes(Delai.objects.filter(procedure=procedure).order_by("id")))
    avant = Template(GABARIT_AVANT.read_text()).render(Context({"lignes": lignes}))
    apres = delais_vues.lignes_html(lignes)
    assert len(_cellules(avant)) == 3
    assert _cellules("<tbody>" + apres + "</tbody>") == _cellules(avant)
    assert "&lt;b&gt;la saisie&lt;/b&gt;" in apres and "<b>" not in apres
    assert "autre lecture : 23/06/2026 (CPC 642 : &quot;prorogation&quot;" in apres
    ancre = f'href="{procedure.dossier.get_absolute_url()}#procedure-{procedure.pk}"'
    assert apres.count(ancre) == 3


def test_un_clerc_ne_voit_que_ses_delais(client, clerc, procedure):
    autre = creer_utilisateur(etude=clerc.etude, role="clerc", username="autre")
    dossier_autre = creer_dossier(acteur=autre)
    procedure_autre = creer_procedure(
        acteur=autre, type="saisie_attribution", dossier=dossier_autre
    )
    creer_delais(procedure, [AUJOURD_HUI])
    creer_delais(procedure_autre, [AUJOURD_HUI])
    client.force_login(clerc)
    reponse = client.get(reverse("delais_tableau"), {"clerc": "tous"})
    contenu = reponse.content.decode()
    assert procedure.dossier.reference in contenu
    assert f"#procedure-{procedure_autre.pk}" not in contenu


def test_le_principal_choisit_un_clerc_ou_tous(client, principal_clerc, clerc, procedure):
    autre = creer_utilisateur(etude=clerc.etude, role="clerc", username="autre")
    procedure_autre = creer_procedure(
        acteur=autre, type="saisie_attribution", dossier=creer_dossier(acteur=autre)
    )
    creer_delais(procedure, [AUJOURD_HUI])
    creer_delais(procedure_autre, [AUJOURD_HUI - timedelta(days=2)])
    client.force_login(principal_clerc)
    tous = client.get(reverse("delais_tableau"), {"clerc": "tous"})
    contenu = tous.content.decode()
    assert f"#procedure-{procedure.pk}" in contenu
    assert f"#procedure-{procedure_autre.pk}" in contenu
    assert tous.context["comptes"] is None  # pas de COUNT sur toute l'étude
    un = client.get(reverse("delais_tableau"), {"clerc": autre.pk})
    assert un.context["comptes"]["retard"] == 1
    assert f"#procedure-{procedure.pk}" not in un.content.decode()
    # Un clerc d'une autre étude n'est pas un choix possible.
    assert client.get(reverse("delais_tableau"), {"clerc": 999999}).status_code == 404


def test_le_commissaire_aussi_choisit(client, commissaire, clerc, procedure):
    creer_delais(procedure, [AUJOURD_HUI])
    client.force_login(commissaire)
    reponse = client.get(reverse("delais_tableau"), {"clerc": clerc.pk})
    assert reponse.context["comptes"]["aujourdhui"] == 1
    assert 'name="clerc"' in reponse.content.decode()


def test_listes_bornees_et_suite_par_cle(client, clerc, procedure, settings):
    from procedures.views import delais as module

    creer_delais(procedure, [AUJOURD_HUI + timedelta(days=20 + i) for i in range(7)])
    client.force_login(clerc)
    ancienne = module.LIMITE
    module.LIMITE = 3
    try:
        reponse = client.get(reverse("delais_tableau"))
        plus_tard = reponse.context["sections"][3]
        assert len(plus_tard["lignes"]) == 3
        assert plus_tard["suite"]
        assert reponse.context["comptes"]["plus_tard"] == 7  # compte exact pour un clerc
        suite = client.get(
            reverse("delais_tableau"), {"section": "plus_tard", "apres": plus_tard["suite"]}
        )
        (seule,) = suite.context["sections"]
        assert [d.echeance for d in seule["lignes"]] == [
            AUJOURD_HUI + timedelta(days=23 + i) for i in range(3)
        ]
    finally:
        module.LIMITE = ancienne


@pytest.mark.parametrize(
    "role, parametres, plafond",
    [("clerc", {}, 6), ("principal_clerc", {"clerc": "tous"}, 6), ("principal_clerc", {}, 7)],
)
def test_nombre_de_requetes_borne(
    client, django_assert_max_num_queries, role, parametres, plafond, request
):
    """Session, utilisateur avec son étude et ses rôles (une requête), second facteur,
    sections (une UNION ALL), comptes du clerc, abonnement ; la liste des clercs pour un
    principal. Plus de réécriture de la session à chaque page (BEGIN, UPDATE, COMMIT) :
    14 requêtes avant."""
    utilisateur = request.getfixturevalue(role)
    dossier = creer_dossier(acteur=utilisateur)
    procedure = creer_procedure(acteur=utilisateur, type="saisie_attribution", dossier=dossier)
    creer_delais(procedure, _repartis(12))
    client.force_login(utilisateur)
    client.get(reverse("delais_tableau"), parametres)  # première page : session réécrite
    with django_assert_max_num_queries(plafond) as requetes:
        reponse = client.get(reverse("delais_tableau"), parametres)
    assert reponse.status_code == 200
    assert sum(len(s["lignes"]) for s in reponse.context["sections"]) == 12
    assert not [r["sql"] for r in requetes.captured_queries if r["sql"].startswith("UPDATE")]


@pytest.mark.parametrize("role", ["clerc", "principal_clerc"])
def test_nombre_de_requetes_constant(client, django_assert_num_queries, role, request):
    utilisateur = request.getfixturevalue(role)
    dossier = creer_dossier(acteur=utilisateur)
    procedure = creer_procedure(acteur=utilisateur, type="saisie_attribution", dossier=dossier)
    client.force_login(utilisateur)
    parametres = {"clerc": "tous"} if role == "principal_clerc" else {}
    creer_delais(procedure, _repartis(5))
    client.get(reverse("delais_tableau"), parametres)  # sessions, rôles en cache
    with CaptureQueriesContext(connection) as petit:
        assert client.get(reverse("delais_tableau"), parametres).status_code == 200
    creer_delais(procedure, _repartis(45), code="sa_contestation")
    with django_assert_num_queries(len(petit.captured_queries)):
        reponse = client.get(reverse("delais_tableau"), parametres)
    assert sum(len(s["lignes"]) for s in reponse.context["sections"]) == 50


def _sections_une_requete_par_section(base, aujourd_hui, *, limite, seule=None, apres=None):
    """Oracle : l'ancienne lecture des sections, une requête (ORDER BY, LIMIT) par section."""
    resultat = []
    for code, _titre in delais_vues.SECTIONS:
        if seule is not None and code != seule:
            continue
        depuis, avant = delais_vues.bornes(aujourd_hui)[code]
        qs = base.a_echeance(avant=avant, depuis=depuis)
        if apres is not None:
            jour, pk = apres
            qs = qs.filter(Q(echeance__gt=jour) | Q(echeance=jour, id__gt=pk))
        lignes = list(delais_vues._lignes(qs)[: limite + 1])
        suite = None
        if len(lignes) > limite:
            lignes = lignes[:limite]
            suite = f"{lignes[-1].echeance.isoformat()}:{lignes[-1].pk}"
        resultat.append((code, [d.pk for d in lignes], suite))
    return resultat


@pytest.mark.parametrize("limite", [2, 3, 50])
def test_sections_en_une_requete_comme_une_par_section(clerc, procedure, limite):
    """L'UNION ALL rend les mêmes lignes, dans le même ordre, avec les mêmes suites, que
    quatre requêtes ; bornes des sections comprises (hier, aujourd'hui, demain, dimanche,
    lundi) et échéances égales départagées par l'id ; une section seule et sa suite aussi."""
    echeances = [
        date(2026, 5, 1),
        date(2026, 6, 11),
        date(2026, 6, 11),
        date(2026, 6, 12),
        date(2026, 6, 12),
        date(2026, 6, 12),
        date(2026, 6, 13),
        date(2026, 6, 14),
        date(2026, 6, 14),
        date(2026, 6, 15),
        date(2026, 6, 15),
        date(2026, 9, 1),
    ]
    creer_delais(procedure, echeances)
    base = Delai.objects.pour(clerc).ouverts().du_clerc(clerc)

    def lues(resultat):
        return [(s["code"], [d.pk for d in s["lignes"]], s["suite"]) for s in resultat]

    with CaptureQueriesContext(connection) as requetes:
        obtenu = lues(delais_vues.sections(base, AUJOURD_HUI, limite=limite))
    assert len(requetes.captured_queries) == 1
    assert obtenu == _sections_une_requete_par_section(base, AUJOURD_HUI, limite=limite)
    # Trois délais par section : une suite quand la limite est plus petite.
    assert [(code, len(pks), suite is not None) for code, pks, suite in obtenu] == [
        (code, min(3, limite), limite < 3)
        for code in ("retard", "aujourdhui", "semaine", "plus_tard")
    ]
    for code in ("retard", "aujourdhui", "semaine", "plus_tard"):
        seule = lues(delais_vues.sections(base, AUJOURD_HUI, limite=limite, seule=code))
        assert seule == _sections_une_requete_par_section(
            base, AUJOURD_HUI, limite=limite, seule=code
        )
        (_, pks, suite) = seule[0]
        if suite:
            apres = delais_vues._apres(suite)
            assert lues(
                delais_vues.sections(base, AUJOURD_HUI, limite=limite, seule=code, apres=apres)
            ) == _sections_une_requete_par_section(
                base, AUJOURD_HUI, limite=limite, seule=code, apres=apres
            )


def test_sections_sans_union_limitee_base_embarquee(clerc, procedure, monkeypatch):
    """Une base qui refuse LIMIT dans les membres d'une UNION (SQLite, base de la démo :
    « LIMIT/OFFSET not allowed in subqueries of compound statements », page en 500) : une
    requête par section, mêmes lignes et mêmes suites."""
    creer_delais(
        procedure,
        [date(2026, 5, 1), date(2026, 6, 11), date(2026, 6, 12), date(2026, 6, 14)] * 2,
    )
    base = Delai.objects.pour(clerc).ouverts().du_clerc(clerc)
    attendu = _sections_une_requete_par_section(base, AUJOURD_HUI, limite=1)
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    with CaptureQueriesContext(connection) as requetes:
        obtenu = delais_vues.sections(base, AUJOURD_HUI, limite=1)
    assert all("UNION" not in q["sql"] for q in requetes.captured_queries)
    assert len(requetes.captured_queries) == 4
    assert [(s["code"], [d.pk for d in s["lignes"]], s["suite"]) for s in obtenu] == attendu


def test_bureau_comptes_et_premieres_lignes(client, clerc, procedure):
    creer_delais(procedure, [date(2026, 6, 1), date(2026, 6, 12), date(2026, 6, 13)])
    creer_delais(procedure, [date(2026, 7, 1)], code="sa_contestation")
    client.force_login(clerc)
    reponse = client.get(reverse("bureau"))
    assert reponse.status_code == 200
    assert reponse.context["delais_comptes"]["retard"] == 1
    assert reponse.context["delais_comptes"]["aujourdhui"] == 1
    assert reponse.context["delais_comptes"]["semaine"] == 1
    contenu = reponse.content.decode()
    assert "Mes délais" in contenu
    assert f"#procedure-{procedure.pk}" in contenu
    assert "01/06/2026" in contenu and "01/07/2026" not in contenu  # plus tard : pas au bureau
    assert "Mes dossiers actifs" in contenu  # les sections du socle restent


def test_bureau_nombre_de_requetes_constant(client, clerc, procedure, django_assert_num_queries):
    client.force_login(clerc)
    creer_delais(procedure, _repartis(5))
    client.get(reverse("bureau"))
    with CaptureQueriesContext(connection) as petit:
        client.get(reverse("bureau"))
    creer_delais(procedure, _repartis(45), code="sa_contestation")
    with django_assert_num_queries(len(petit.captured_queries)):
        client.get(reverse("bureau"))


# --- iCalendar -------------------------------------------------------------------------------


def _lignes_physiques(octets: bytes) -> list[bytes]:
    assert octets.endswith(b"\r\n")
    lignes = octets[:-2].split(b"\r\n")
    assert all(b"\n" not in ligne and b"\r" not in ligne for ligne in lignes)
    return lignes


def _deplier(lignes: list[bytes]) -> list[str]:
    """RFC 5545 § 3.1 : une ligne qui commence par une espace continue la précédente."""
    logiques = []
    for ligne in lignes:
        if ligne.startswith(b" "):
            logiques[-1] += ligne[1:]
        else:
            logiques.append(ligne)
    return [ligne.decode("utf-8") for ligne in logiques]


def _desechapper(texte: str) -> str:
    return texte.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def _abonner(client, utilisateur) -> str:
    client.force_login(utilisateur)
    assert client.post(reverse("delais_abonnement")).status_code == 302
    return AbonnementCalendrier.objects.get(utilisateur=utilisateur).jeton


def test_flux_ical_format_rfc_5545(client, clerc, procedure):
    creer_delais(
        procedure,
        [date(2026, 6, 22)],
        echeance_alternative=date(2026, 6, 23),
        raison_alternative="CPC 642 ; lecture large, prudente : « délai franc », à vérifier",
    )
    jeton = _abonner(client, clerc)
    client.logout()  # un agenda n'a pas de session : le jeton suffit
    reponse = client.get(reverse("delais_ical", kwargs={"jeton": jeton}))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/calendar; charset=utf-8"
    lignes = _lignes_physiques(reponse.content)
    assert all(len(ligne) <= 75 for ligne in lignes), [len(x) for x in lignes]
    assert any(ligne.startswith(b" ") for ligne in lignes)  # la description est pliée
    for ligne in lignes:
        ligne.decode("utf-8")  # aucun caractère coupé en deux par le pliage
    logiques = _deplier(lignes)
    assert logiques[0] == "BEGIN:VCALENDAR" and logiques[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logiques
    assert logiques.count("BEGIN:VEVENT") == 1
    champs = dict(ligne.split(":", 1) for ligne in logiques if ":" in ligne)
    assert champs["DTSTART;VALUE=DATE"] == "20260622"
    assert champs["DTEND;VALUE=DATE"] == "20260623"
    reference = procedure.dossier.reference
    assert _desechapper(champs["SUMMARY"]) == (
        f"{reference} · Saisie-attribution · Dénoncer la saisie au débiteur"
    )
    description = _desechapper(champs["DESCRIPTION"]).split("\n")
    assert "Article : CPCE R211-3" in description
    assert "Sanction : caducité de la saisie" in description
    assert (
        "Autre lecture : 23/06/2026 (CPC 642 ; lecture large, prudente : « délai franc », "
        "à vérifier)" in description
    )
    assert "\\;" in champs["DESCRIPTION"] and "\\," in champs["DESCRIPTION"]
    assert champs["UID"].startswith("delai-")


def test_flux_ical_seulement_les_delais_ouverts_du_titulaire(client, clerc, procedure):
    autre = creer_utilisateur(etude=clerc.etude, role="clerc", username="autre")
    procedure_autre = creer_procedure(
        acteur=autre, type="saisie_attribution", dossier=creer_dossier(acteur=autre)
    )
    creer_delais(procedure, [date(2026, 6, 22)])
    creer_delais(
        procedure,
        [date(2026, 6, 25)],
        code="sa_contestation",
        statut="respecte",
        clos_le="2026-06-10T10:00:00Z",
    )
    creer_delais(procedure_autre, [date(2026, 6, 24)])
    jeton_clerc = _abonner(client, clerc)
    jeton_autre = _abonner(client, autre)
    contenu = client.get(reverse("delais_ical", kwargs={"jeton": jeton_clerc})).content
    assert contenu.count(b"BEGIN:VEVENT") == 1
    assert b"20260622" in contenu and b"20260624" not in contenu and b"20260625" not in contenu
    contenu_autre = client.get(reverse("delais_ical", kwargs={"jeton": jeton_autre})).content
    assert b"20260624" in contenu_autre and b"20260622" not in contenu_autre


def test_flux_ical_jeton_inconnu_regenere_ou_revoque_404(client, clerc, autre_etude, procedure):
    creer_delais(procedure, [date(2026, 6, 22)])
    ancien = _abonner(client, clerc)
    url_ancienne = reverse("delais_ical", kwargs={"jeton": ancien})
    assert client.get(url_ancienne).status_code == 200
    nouveau = _abonner(client, clerc)  # régénérer
    assert nouveau != ancien
    assert client.get(url_ancienne).status_code == 404
    assert client.get(reverse("delais_ical", kwargs={"jeton": nouveau})).status_code == 200
    assert client.post(reverse("delais_abonnement_revoquer")).status_code == 302
    assert client.get(reverse("delais_ical", kwargs={"jeton": nouveau})).status_code == 404
    # Le jeton d'un utilisateur d'une autre étude ne donne que ses propres délais (aucun).
    jeton_intrus = _abonner(client, autre_etude)
    contenu = client.get(reverse("delais_ical", kwargs={"jeton": jeton_intrus})).content
    assert b"BEGIN:VEVENT" not in contenu
    assert client.get("/delais/ical/" + "x" * 43 + ".ics").status_code == 404


def test_tableau_montre_l_adresse_du_calendrier(client, clerc):
    jeton = _abonner(client, clerc)
    contenu = client.get(reverse("delais_tableau")).content.decode()
    assert f"/delais/ical/{jeton}.ics" in contenu
    assert "Régénérer l&#x27;adresse" in contenu or "Régénérer l'adresse" in contenu


def test_lecture_consulte_mais_ne_s_abonne_pas(client, lecture):
    client.force_login(lecture)
    assert client.get(reverse("delais_tableau")).status_code == 200
    assert client.post(reverse("delais_abonnement")).status_code == 403
    assert not AbonnementCalendrier.objects.exists()
