"""Parcours du socle dans un vrai navigateur (Chromium de Debian, Playwright) :
connexion, création d'un dossier pour un nouveau créancier et deux nouveaux débiteurs,
recherche du dossier par le nom du débiteur (avec une faute de frappe sur PostgreSQL),
ouverture de la fiche. Captures d'écran dans docs/captures/socle-*.png."""

import pytest
from django.db import connection

from tests.navigateur.conftest import CAPTURES


@pytest.fixture
def clerc_du_parcours(transactional_db):
    from etude.roles import synchroniser_roles
    from tests.factories import creer_etude, creer_utilisateur

    # Une base vidée par un test transactionnel précédent n'a plus ses groupes.
    synchroniser_roles()
    etude = creer_etude(nom="Étude Martin & Associés")
    return creer_utilisateur(
        etude=etude, role="clerc", username="camille", first_name="Camille", last_name="Roux"
    )


def capture(page, nom: str) -> None:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CAPTURES / f"socle-{nom}.png"), full_page=True)


def test_parcours_du_socle(live_server, navigateur, clerc_du_parcours):
    from tests.factories import MOT_DE_PASSE

    contexte = navigateur.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    refus_csp = []
    page.on(
        "console",
        lambda message: (
            refus_csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # 1. Connexion.
    page.goto(f"{live_server.url}/")
    page.get_by_label("Identifiant").fill("camille")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    capture(page, "01-connexion")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/bureau/")
    assert page.get_by_role("heading", name="Mon bureau").is_visible()
    assert page.get_by_text("Clerc aux procédures").is_visible()
    capture(page, "02-bureau")

    # 2. Nouveau dossier : nouveau créancier (personne morale), deux nouveaux débiteurs.
    page.get_by_role("link", name="Nouveau dossier").first.click()
    page.wait_for_url("**/dossiers/nouveau/")
    page.locator("#id_creancier-type_personne_1").check()  # personne morale
    assert page.locator("#id_creancier-raison_sociale").is_visible()
    assert not page.locator("#id_creancier-nom").is_visible()
    page.locator("#id_creancier-raison_sociale").fill("Bailleur Habitat")
    page.locator("#id_creancier-forme_juridique").fill("SA")
    page.locator("#id_creancier-adresse").fill("1 place du Marché")
    page.locator("#id_creancier-code_postal").fill("69001")
    page.locator("#id_creancier-ville").fill("Lyon")
    page.locator("#id_creancier-iban").fill("FR76 3000 6000 0112 3456 7890 189")

    page.locator("#id_debiteurs-0-civilite").select_option("Mme")
    page.locator("#id_debiteurs-0-nom").fill("Lefèvre")
    page.locator("#id_debiteurs-0-prenoms").fill("Éloïse")
    page.locator("#id_debiteurs-0-date_naissance").fill("1980-04-12")
    page.locator("#id_debiteurs-0-lieu_naissance").fill("Nîmes")
    page.locator("#id_debiteurs-0-adresse").fill("3 rue des Lilas")
    page.locator("#id_debiteurs-0-code_postal").fill("13001")
    page.locator("#id_debiteurs-0-ville").fill("Marseille")
    page.locator("#id_debiteurs-0-telephone").fill("06 12 34 56 78")

    # Un second débiteur, ajouté sans aller-retour (etude.js clone le modèle du formset).
    page.get_by_role("button", name="Ajouter un débiteur").click()
    page.locator("#id_debiteurs-1-type_personne_1").check()
    page.locator("#id_debiteurs-1-raison_sociale").fill("Garage du Port")
    page.locator("#id_debiteurs-1-forme_juridique").fill("SARL")
    page.locator("#id_debiteurs-1-adresse").fill("2 quai Rambaud")
    page.locator("#id_debiteurs-1-code_postal").fill("69002")
    page.locator("#id_debiteurs-1-ville").fill("Lyon")
    assert page.locator("#id_debiteurs-TOTAL_FORMS").input_value() == "2"

    page.locator("#id_dossier-nature").select_option("loyers")
    page.locator("#id_dossier-montant_principal").fill("4 250,00")
    page.locator("#id_titre-nature").select_option("decision")
    page.locator("#id_titre-date_titre").fill("2025-03-14")
    page.locator("#id_titre-juridiction").fill("Tribunal judiciaire de Marseille")
    page.locator("#id_titre-numero_rg").fill("25/01234")
    page.locator("#id_titre-date_signification").fill("2025-04-02")
    page.locator("#id_titre-date_force_executoire").fill("2025-04-02")
    page.locator("#id_titre-montant_principal").fill("4 250,00")
    page.locator("#id_titre-montant_frais").fill("800")
    capture(page, "03-nouveau-dossier")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    page.wait_for_url("**/dossiers/*-000001/")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert page.get_by_text(f"Dossier {reference} ouvert.").is_visible()
    assert page.get_by_text("Garage du Port (SARL)").first.is_visible()

    # 3. Retrouver le dossier par le nom du débiteur, depuis la recherche de l'en-tête.
    page.goto(f"{live_server.url}/bureau/")
    terme = "Lefevbre" if connection.vendor == "postgresql" else "lefevre"
    page.locator("#recherche-q").fill(terme)
    resultat = page.locator("#recherche-resultats a", has_text=reference)
    resultat.wait_for()
    capture(page, "04-recherche")
    resultat.click()
    page.wait_for_url(f"**/dossiers/{reference}/")
    assert page.get_by_role("heading", name=f"Dossier {reference}").is_visible()
    assert page.get_by_text("02/04/2035").is_visible()  # prescription décennale
    assert page.get_by_text("Dossier ouvert pour Bailleur Habitat (SA)").is_visible()
    capture(page, "05-fiche-dossier")

    # La page complète de résultats fonctionne aussi sans passer par htmx.
    page.goto(f"{live_server.url}/dossiers/recherche/?q={terme}")
    assert page.get_by_role("link", name=reference).is_visible()

    assert not refus_csp, f"La CSP a bloqué : {refus_csp}"
    contexte.close()
