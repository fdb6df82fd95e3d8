"""CSRF : chaque route du projet (balayage de tests/test_isolation.py, donc chaque route
ajoutée plus tard), postée sans jeton par un client authentifié qui applique la vérification
CSRF comme un navigateur, répond 403 en français et n'écrit rien ; aucune vue n'en est
exemptée, sauf le webhook des rebonds (appel de serveur à serveur, sans session : authentifié
par le secret du prestataire ; tests/relances/test_rebonds.py vérifie qu'un appel sans la
bonne authentification est refusé et n'écrit rien)."""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from tests.securite.outils import compter_lignes, toutes_les_routes, url

# Champs plausibles : si la vérification CSRF manquait, le POST aurait de quoi écrire.
DONNEES = {
    "type_piece": "titre",
    "nom": "Modifié par une page tierce",
    "montant": "100.00",
    "date_valeur": "2026-03-15",
    "mode": "cheque",
    "motif": "contre-passation forcée",
    "decision": "approuver",
    "resultat": "promesse",
    "password": "x",
    "username": "clerc",
    "jeton": "123456",
}


def _vues(motifs=None):
    motifs = get_resolver().url_patterns if motifs is None else motifs
    for motif in motifs:
        if isinstance(motif, URLPattern):
            yield motif.name, motif.callback
        elif getattr(motif, "namespace", None) != "admin":
            yield from _vues(motif.url_patterns)


# Seules exceptions, chacune authentifiée autrement qu'par la session (voir leur module).
EXEMPTEES = {"relances_rebonds"}  # relances/rebonds.py : HTTP Basic du prestataire (anymail)


def test_aucune_vue_n_est_exemptee_de_csrf():
    exemptees = [nom for nom, vue in _vues() if getattr(vue, "csrf_exempt", False)]
    assert sorted(exemptees) == sorted(EXEMPTEES)


def test_post_sans_jeton_refuse_et_rien_ecrit_sur_chaque_route(principal_clerc, objets_a):
    """Une seule fixture pour toutes les routes (la suite reste rapide) ; chaque échec est
    nommé. Les objets de A sont tous construits avant le premier compte."""
    from etude.models import Evenement

    cibles = {nom: url(nom, objets_a) for nom in toutes_les_routes()}
    client = Client(enforce_csrf_checks=True)
    client.force_login(principal_clerc)
    # Le navigateur a déjà un cookie CSRF (page visitée) : c'est le jeton du POST qui manque.
    client.get(reverse("bureau"))
    assert "csrftoken" in client.cookies
    echecs = []
    for nom, cible in cibles.items():
        avant, evenements = compter_lignes(), Evenement.objects.count()
        reponse = client.post(cible, DONNEES, headers={"HX-Request": "true"})
        if nom in EXEMPTEES:
            # Pas de jeton à exiger, mais la session ne suffit pas : refusé quand même.
            if reponse.status_code not in (400, 403):
                echecs.append((nom, cible, reponse.status_code))
        elif reponse.status_code != 403 or "jeton de sécurité" not in reponse.content.decode():
            echecs.append((nom, cible, reponse.status_code))
        if compter_lignes() != avant or Evenement.objects.count() != evenements:
            echecs.append((nom, cible, "a écrit"))
    assert len(cibles) > 40
    assert echecs == []


@pytest.mark.parametrize("nom", ["connexion", "verification", "deconnexion"])
def test_post_anonyme_sans_jeton_refuse(clerc, nom):
    client = Client(enforce_csrf_checks=True)
    avant = compter_lignes()
    reponse = client.post(reverse(nom), {"username": "clerc", "password": "x"})
    assert reponse.status_code == 403
    assert "_auth_user_id" not in client.session
    assert compter_lignes() == avant


def test_temoin_le_meme_post_avec_son_jeton_passe_la_verification(principal_clerc, objets_a):
    """Témoin : avec le jeton du cookie, la même requête n'est plus refusée par CSRF (le
    refus ci-dessus vient bien de la vérification, pas des droits)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(principal_clerc)
    client.get(reverse("bureau"))
    jeton = client.cookies["csrftoken"].value
    cible = url("debiteur_modifier", objets_a)
    reponse = client.post(cible, DONNEES, headers={"X-CSRFToken": jeton})
    assert reponse.status_code != 403
