"""Téléchargements (PDF d'actes et de décomptes, lots de lettres, pièces, justificatifs,
relevés, exports, flux iCalendar) : chaque route qui répond autre chose qu'une page HTML est
repérée d'office en la demandant comme son propriétaire ; demandée par un utilisateur d'une
autre étude, elle ne donne rien (404, ou un contenu sans rien de l'étude A)."""

from django.urls import reverse

from tests.securite.outils import toutes_les_routes, url
from tests.test_isolation import ROUTES_A_ARGUMENTS


def _contenu(reponse) -> bytes:
    if reponse.streaming:
        return b"".join(reponse.streaming_content)
    return reponse.content


def _est_un_telechargement(reponse) -> bool:
    type_contenu = reponse.get("Content-Type", "")
    return reponse.status_code == 200 and (
        reponse.streaming
        or "Content-Disposition" in reponse
        or not type_contenu.startswith(("text/html", "text/plain"))
    )


def test_chaque_telechargement_de_a_est_refuse_a_l_autre_etude(
    client, principal_clerc, autre_etude, objets_a
):
    from procedures.models import AbonnementCalendrier

    client.force_login(principal_clerc)
    # Le flux iCalendar de A, par son vrai jeton (le balayage n'essaie qu'un jeton inconnu).
    assert client.post(reverse("delais_abonnement")).status_code == 302
    jeton_a = AbonnementCalendrier.objects.get(utilisateur=principal_clerc).jeton
    cibles = {nom: url(nom, objets_a) for nom in toutes_les_routes()}
    cibles["delais_ical"] = reverse("delais_ical", kwargs={"jeton": jeton_a})
    telechargements = {}
    for nom, cible in cibles.items():
        reponse = client.get(cible)
        if _est_un_telechargement(reponse):
            telechargements[nom] = (cible, _contenu(reponse))
    # Témoin : le repérage trouve bien les téléchargements connus.
    assert {"piece_telecharger", "comptabilite_decompte_pdf", "delais_ical"} <= set(
        telechargements
    ), sorted(telechargements)
    client.force_login(autre_etude)
    fuites = []
    for nom, (cible, contenu_a) in telechargements.items():
        if nom == "delais_ical":
            continue  # authentifié par le seul jeton : voir le test suivant
        reponse = client.get(cible)
        if nom in ROUTES_A_ARGUMENTS:
            if reponse.status_code != 404:
                fuites.append((nom, reponse.status_code))
        elif _contenu(reponse) == contenu_a or objets_a["dossier"].reference.encode() in (
            _contenu(reponse)
        ):
            fuites.append((nom, "même contenu que pour A"))
    assert fuites == []


def test_le_jeton_ical_d_un_autre_ne_donne_que_ses_delais_et_un_jeton_voisin_rien(
    client, clerc, autre_etude
):
    """Le flux d'un utilisateur ne vaut que par son jeton : un jeton voisin (un caractère
    changé) ou celui d'une autre étude ne mène pas aux délais de la première."""
    from procedures.models import AbonnementCalendrier

    jetons = {}
    for utilisateur in (clerc, autre_etude):
        client.force_login(utilisateur)
        assert client.post(reverse("delais_abonnement")).status_code == 302
        jetons[utilisateur.pk] = AbonnementCalendrier.objects.get(utilisateur=utilisateur).jeton
    client.logout()
    jeton = jetons[clerc.pk]
    voisin = jeton[:-1] + ("A" if jeton[-1] != "A" else "B")
    assert client.get(reverse("delais_ical", kwargs={"jeton": voisin})).status_code == 404
    flux_b = client.get(reverse("delais_ical", kwargs={"jeton": jetons[autre_etude.pk]}))
    assert flux_b.status_code == 200
    assert clerc.etude.nom.encode() not in _contenu(flux_b)
